"""Themes: the one picked is remembered; NO_COLOR draws without colour and loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.segment import Segment

from reader.app import make_app
from reader.settings import Settings
from reader.state.theme import remember_theme, remembered_theme, theme_file
from reader.widgets.article_view import ArticleView
from reader.widgets.sidebar import Sidebar
from tests.conftest import write_files
from tests.ui.helpers import screen_lines, stable_copy, wait_for, wait_loaded

FIRST = "posts/first.md"
SECOND = "posts/second.md"
THIRD = "posts/third.md"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    files = {
        FIRST: "---\ntitle: First Article\ndate: 2024-03-01\n---\nA word, a word, a word.\n",
        SECOND: "---\ntitle: Second Article\ndate: 2024-03-02\n---\nOther text.\n",
        THIRD: "---\ntitle: Third Article\ndate: 2024-03-03\n---\nMore text.\n",
    }
    return stable_copy(write_files(tmp_path / "src" / "themes", files), tmp_path)


# -- the theme picked is remembered -------------------------------------------------------

def test_the_last_pick_wins_until_the_config_changes(tmp_path: Path) -> None:
    path = tmp_path / "theme.json"
    assert remembered_theme("nord", path) == "nord"  # nothing picked yet: the config's
    remember_theme("dracula", "nord", path)
    assert remembered_theme("nord", path) == "dracula"  # picked after the config said nord
    assert remembered_theme("gruvbox", path) == "gruvbox"  # config.toml changed since
    path.write_text("not json")
    assert remembered_theme("nord", path) == "nord"


async def test_a_theme_picked_in_the_palette_is_used_next_time(archive: Path) -> None:
    settings = Settings(theme="textual-dark")
    app = make_app(archive, settings)
    async with app.run_test() as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p", *"theme")
        await wait_for(pilot, lambda: "Change the current theme" in _text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Search for themes" in _text(app))
        await pilot.press(*"nord", "enter")
        await wait_for(pilot, lambda: app.theme == "nord")
        await wait_for(pilot, lambda: theme_file().exists())  # written by a worker
    again = make_app(archive, settings)
    assert again.theme == "nord"
    # The config names another theme now: that is the newer wish.
    assert make_app(archive, Settings(theme="gruvbox")).theme == "gruvbox"


def test_a_theme_that_no_longer_exists_falls_back(archive: Path) -> None:
    remember_theme("no-such-theme", "textual-light")
    assert make_app(archive, Settings(theme="textual-light")).theme == "textual-light"
    assert make_app(archive, Settings(theme="nor-this-one")).theme == "textual-dark"


def _text(app) -> str:
    return "\n".join("".join(segment.text for segment in line) for line in screen_lines(app))


# -- NO_COLOR ----------------------------------------------------------------------------

def _coloured(segment: Segment) -> bool:
    style = segment.style
    return style is not None and any(
        color is not None and not color.is_default for color in (style.color, style.bgcolor))


def _segments_in(app, widget) -> list[Segment]:
    """The segments drawn inside `widget`'s region."""
    region = widget.region
    inside = []
    for y, line in enumerate(screen_lines(app)):
        x = 0
        for segment in line:
            if region.contains(x, y):
                inside.append(segment)
            x += segment.cell_length
    return inside


def _segment_with(app, text: str, widget) -> Segment:
    """The segment that draws `text` inside `widget`."""
    for segment in _segments_in(app, widget):
        if text in segment.text:
            return segment
    raise AssertionError(f"{text!r} is not in {widget}:\n{_text(app)}")


async def test_no_color_draws_no_colour_and_keeps_every_mark(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(archive)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        view = screen.query_one(ArticleView)
        app.state.set_read([SECOND])
        screen.open_article(FIRST)
        await wait_for(pilot, lambda: view.article_id == FIRST and view.lines)
        sidebar.focus()
        sidebar.cursor = next(i for i, row in enumerate(sidebar.rows) if row.article == THIRD)
        await pilot.pause()

        assert not [s.text for line in screen_lines(app) for s in line if _coloured(s)]
        third = _segment_with(app, "Third Article", sidebar).style
        assert third.reverse  # the cursor
        assert _segment_with(app, "First Article", sidebar).style.underline  # the open one
        second = _segment_with(app, "Second Article", sidebar).style
        assert third.bold and not second.bold  # unread, read
        assert "●" in _text(app)

        await pilot.press("f", *"word", "enter")
        await wait_for(pilot, lambda: len(view.matches) == 3)
        await pilot.press("n")
        await pilot.pause()
        words = [s.style for s in _segments_in(app, view) if s.text == "word"]
        assert len(words) == 3
        assert sum(bool(style.reverse) for style in words) == 1  # the current match
        assert all(style.reverse or style.underline for style in words)
        assert not [s.text for line in screen_lines(app) for s in line if _coloured(s)]


@pytest.mark.parametrize("value", ["", None])
async def test_colour_without_no_color(archive: Path, monkeypatch: pytest.MonkeyPatch,
                                       value: str | None) -> None:
    """An empty NO_COLOR is no NO_COLOR (no-color.org); Textual alone would draw in grey."""
    if value is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", value)
    app = make_app(archive)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot)
        colours = {tuple(s.style.color.triplet) for line in screen_lines(app) for s in line
                   if s.style and s.style.color and s.style.color.triplet}
        assert any(len(set(colour)) > 1 for colour in colours)  # not only greys
