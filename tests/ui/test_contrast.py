"""Every text the reader draws is readable in every theme Textual ships: WCAG AA, 4.5:1.

The measure is the screen itself, not the stylesheet: the app runs with a small archive that
holds every kind of text (unread, read and starred rows, the cursor and the open article, a
heading, a quote, code, a link, an image, a note, matches of a find), each screen of the
reader is opened in turn, and for every theme every cell of text in the top screen is
measured, foreground against the background it is drawn on, as the terminal gets them
(alpha colours composited, `dim` blended, every filter applied). Frame lines and the rule
count as text; scrollbars, half-block frames and the dimmed screen behind a dialog do not.

ANSI themes leave the colours to the terminal. What the reader composes there (a row under
the cursor, a match) is measured through Textual's own ANSI palette; a palette colour on the
terminal's own background is the palette's design and is not.

A first check makes sure each kind of text named above really was on screen, so a change of
layout cannot make the test pass by showing less.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.filter import ANSIToTruecolor
from textual.screen import Screen

from reader.app import make_app
from reader.contrast import MINIMUM_CONTRAST, LegibleText, contrast, legible, shows_text
from reader.core.convert.render import render_article
from reader.core.model import Article, DateSource
from reader.widgets.article_view import ArticleView
from reader.widgets.sidebar import Sidebar
from tests.conftest import write_files
from tests.ui.helpers import screen_lines, stable_copy, wait_for, wait_loaded

MINIMUM = MINIMUM_CONTRAST  # 4.5: WCAG 2 AA for text
THEMES = sorted(App().available_themes)
SIZE = (100, 30)

NEEDLE = "needle"  # three times in ARTICLE: the search finds it
ARTICLE = "posts/every-kind.md"
OLDER = "posts/older.md"
STARRED = "posts/starred.md"

FILES = {
    ARTICLE: f"""---
title: Every Kind Of Text
date: 2024-03-19 15:33:00
author: Ada Author
categories: [Paper, Section]
tags: [tagname, other]
summary: Summary words of the article
---
Opening words with a [link words](https://example.org/a) and *italic words*, a {NEEDLE}
and a second {NEEDLE}, `inline code`, a note[^1] and math: $x^2 + y^2 = z^2$ here.

## Heading Words

> quoted words in a quote

```
code words in a block
```

```python
def highlighted(code): return "coloured"
```

![image caption](https://example.org/picture.png)

A last paragraph with a third {NEEDLE}.

[^1]: The footnote's words.
""",
    OLDER: """---
title: An Older Read Article
date: 2024-01-05
categories: [Paper]
---
Body of the older article.
""",
    STARRED: """---
title: A Starred Article
date: 2024-01-09
categories: [Elsewhere]
---
Body of the starred article.
""",
    "posts/broken.md": "---\ntitle: [unclosed\n---\nbroken\n",
}


def test_the_contrast_formula() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast((255, 255, 255), (216, 216, 216)) < 1.5  # white on textual-light's surface


def test_legible_moves_a_colour_only_as_far_as_it_must() -> None:
    light_ground, dark_ground = (216, 216, 216), (18, 18, 18)
    assert legible((0, 0, 0), light_ground) == (0, 0, 0)  # already fine: unchanged
    darker = legible((255, 166, 43), light_ground)  # textual-light's accent on its surface
    assert 4.5 <= contrast(darker, light_ground) < 4.7
    assert darker[0] > darker[1] > darker[2]  # still an orange
    lighter = legible((62, 62, 62), dark_ground)
    assert 4.5 <= contrast(lighter, dark_ground) < 4.7 and lighter > (62, 62, 62)
    for grey in range(0, 256, 5):  # every ground reaches 4.5 with black or white
        assert contrast(legible((grey, grey, grey), (grey, grey, grey)), (grey,) * 3) >= 4.5


def test_the_filter_changes_text_and_nothing_else() -> None:
    legible_text = LegibleText()
    faint = Style(color="#dddddd", bgcolor="#d8d8d8")
    reversed_faint = Style(color="#d8d8d8", bgcolor="#dddddd", reverse=True)
    segments = [Segment("title", faint), Segment("   ", faint), Segment("▇▁", faint),
                Segment("\U0010eeee\u0305", faint), Segment("match", reversed_faint),
                Segment("plain", Style(color="default")), Segment("none")]
    out = legible_text.apply(segments, background=Color(216, 216, 216))
    assert contrast(out[0].style.color.triplet, (216, 216, 216)) >= 4.5
    assert out[1:4] == segments[1:4]  # spaces, scrollbar blocks, an image's placeholder cells
    assert out[4].style.reverse and contrast(out[4].style.bgcolor.triplet, (216,) * 3) >= 4.5
    assert out[5:] == segments[5:]  # the terminal's own colours are left to it


@dataclass
class Capture:
    """What one screen of the reader showed in one theme."""

    theme: str
    state: str
    text: str = ""  # every line of the top screen, for the coverage check
    failures: list[str] = field(default_factory=list)


def _colours(style: Style, background: RichColor, ansi: ANSIToTruecolor
             ) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The foreground and background a segment shows, in RGB."""
    style = ansi.truecolor_style(style, background)  # ANSI names (and their dim) → RGB
    theme = ansi._terminal_theme
    fg = style.color.get_truecolor(theme, foreground=True) if style.color else (
        theme.foreground_color)
    bg = style.bgcolor.get_truecolor(theme, foreground=False) if style.bgcolor else (
        theme.background_color)
    fg, bg = tuple(fg), tuple(bg)
    return (bg, fg) if style.reverse else (fg, bg)


def _palette_on_ground(style: Style) -> bool:
    """A colour of the terminal's palette on its own background: in an ANSI theme, that
    pair is the palette's design, chosen by the user to be read, and not the reader's."""
    ground = style.color if style.reverse else style.bgcolor
    ink = style.bgcolor if style.reverse else style.color
    on_ground = ground is None or ground.is_default
    return on_ground and (ink is None or ink.is_system_defined or ink.is_default)


def capture(app: App, theme: str, state: str) -> Capture:
    """Measure every cell of text the top screen draws."""
    screen = app.screen
    ansi = ANSIToTruecolor(app.ansi_theme)
    default_bg = RichColor.from_triplet(app.ansi_theme.background_color)
    terminal_colours = app.native_ansi_color
    result = Capture(theme, state)
    lines = []
    for y, segments in enumerate(screen_lines(app)):
        x = 0
        line = []
        for text, style, _ in segments:
            style = style or Style()
            width = cell_len(text)
            widget = _widget_at(screen, x, y)
            line.append(text if widget is not None else " " * width)
            if widget is not None and shows_text(text) and not (
                    terminal_colours and _palette_on_ground(style)):
                fg, bg = _colours(style, style.bgcolor or default_bg, ansi)
                ratio = contrast(fg, bg)
                if ratio < MINIMUM:
                    where = widget.id or type(widget).__name__
                    failure = (f"{theme:22} {state:8} {where:16} {ratio:4.2f}  "
                               f"#{bytes(fg).hex()} on #{bytes(bg).hex()}")
                    if not any(line.startswith(failure) for line in result.failures):
                        result.failures.append(f"{failure}  {text.strip()[:30]!r}")
            x += width
        lines.append("".join(line))
    result.text = "\n".join(lines)
    return result


def _widget_at(screen: Screen, x: int, y: int):
    """The widget of the top screen at a cell; None for the dimmed screen behind a dialog."""
    try:
        widget, _ = screen.get_widget_at(x, y)
    except Exception:
        return None
    return None if isinstance(widget, Screen) else widget


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return stable_copy(write_files(tmp_path / "src" / "every-kind", FILES), tmp_path)


async def _each_theme(pilot, state: str, captures: list[Capture]) -> None:
    app = pilot.app
    for theme in THEMES:
        app.theme = theme
        await pilot.pause()
        captures.append(capture(app, theme, state))
    app.theme = "textual-dark"
    await pilot.pause()


async def _every_screen(archive: Path) -> list[Capture]:
    captures: list[Capture] = []
    app = make_app(archive)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_loaded(pilot)
        app.state.set_read([OLDER])
        app.state.toggle_star(STARRED)
        sidebar = screen.query_one(Sidebar)
        view = screen.query_one(ArticleView)
        screen.open_article(ARTICLE)
        await wait_for(pilot, lambda: view.article_id == ARTICLE and view.lines)
        sidebar.focus()
        # Every group open, the cursor on another (read) row than the open article's.
        for group in sidebar.groups:
            sidebar.open_group(group.key)
        sidebar.cursor = next(i for i, row in enumerate(sidebar.rows) if row.article == OLDER)
        await pilot.pause()
        await _each_theme(pilot, "list", captures)

        # A note in the header (the file can no longer be read), the article focused (the
        # open article's row drawn as current), and matches of a find in it.
        gone = Article(id="posts/gone.md", title="A Vanished Article",
                       date=datetime(2024, 2, 1, tzinfo=UTC), date_source=DateSource.FRONT_MATTER)
        view.show(gone.id, render_article(archive, gone))
        await wait_for(pilot, lambda: view.article_id == gone.id and view.lines)
        await pilot.press("f", "n", "o", "enter")
        await wait_for(pilot, lambda: len(view.matches) >= 2)
        await pilot.press("n")
        await pilot.pause()
        await _each_theme(pilot, "find", captures)
        await pilot.press("escape", "escape")

        for state, keys, ready in (
            ("search", ("slash", *NEEDLE), lambda: "Every Kind" in capture(
                app, "", "").text),
            ("images", ("i",), lambda: "image caption" in capture(app, "", "").text),
            ("keys", ("question_mark",), lambda: "Keys" in capture(app, "", "").text),
            ("problems", ("exclamation_mark",), lambda: "broken" in capture(
                app, "", "").text),
            ("palette", ("ctrl+p",), lambda: "Search for commands" in capture(
                app, "", "").text),
        ):
            if state in ("search", "images"):
                screen.open_article(ARTICLE)
                await wait_for(pilot, lambda: view.article_id == ARTICLE and view.lines)
                sidebar.focus()
            await pilot.press(*keys)
            await wait_for(pilot, ready)
            await _each_theme(pilot, state, captures)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen)
    return captures


#: Text that must have been on screen in a state: the check that the sweep saw each kind of
#: text (the component classes of the sidebar and the article view, and the other screens).
SEEN = {
    "list": [
        "2024-03",  # sidebar--group
        "Every Kind Of Text",  # sidebar--title, sidebar--unread, sidebar--current
        "An Older Read Article",  # sidebar--cursor (a read row)
        "★",  # sidebar--mark (starred)
        "19 Tue",  # sidebar--date
        "Ada Author",  # article--meta
        "Paper › Section",  # article--category
        "#tagname",  # article--tag
        "Heading Words",  # article--heading
        "quoted words",  # article--quote
        "code words in a block",  # article--code
        "def highlighted",  # code coloured by its language
        "Summary words",  # article--summary
        "x^2",  # article--math
        "note¹",  # article--note-ref
        "link words",  # article--link
        "[image 1: image caption]",  # article--image
        "────",  # article--rule
    ],
    "find": [
        "no longer be read",  # article--note
        "This article has no text",  # article--dim
        "Find:", "2/",  # article--match, article--match-current
    ],
    "search": ["Every Kind Of Text"],
    "images": ["image caption", "https://example.org/picture.png"],
    "keys": ["Keys"],
    "problems": ["broken"],
    "palette": ["Search for commands"],
}
COMPONENTS_SEEN = {
    "sidebar--group", "sidebar--count", "sidebar--date", "sidebar--title", "sidebar--unread",
    "sidebar--mark", "sidebar--current", "sidebar--cursor",
    "article--title", "article--heading", "article--meta", "article--category", "article--tag",
    "article--note", "article--link", "article--image", "article--code", "article--quote",
    "article--rule", "article--dim", "article--match", "article--match-current",
    "article--summary", "article--math", "article--note-ref",
}
#: Drawn only where the list is empty (a filter that matches nothing), in the same colours as
#: sidebar--date; kept out of this archive to keep the test short.
COMPONENTS_NOT_SHOWN = {"sidebar--empty"}


def test_every_component_class_is_on_a_measured_screen() -> None:
    declared = set(Sidebar.COMPONENT_CLASSES) | set(ArticleView.COMPONENT_CLASSES)
    assert declared == COMPONENTS_SEEN | COMPONENTS_NOT_SHOWN


async def test_every_text_is_readable_in_every_theme(archive: Path) -> None:
    captures = await _every_screen(archive)
    for state, texts in SEEN.items():
        shown = next(c for c in captures if c.state == state and c.theme == "textual-dark")
        missing = [text for text in texts if text not in shown.text]
        assert not missing, f"{state}: not on screen: {missing}\n{shown.text}"
    assert {c.theme for c in captures} == set(THEMES)
    failures = [line for c in captures for line in c.failures]
    assert not failures, (f"{len(failures)} texts under {MINIMUM}:1 "
                          "(theme, screen, widget, ratio, colours, text):\n"
                          + "\n".join(failures))
