"""HTML bodies to Markdown through html2text, with bounded work.

html2text is pure Python and can take minutes on hostile input (`<a ` repeated) or raise
on odd markup (`<![`). The conversion here is capped in input and output size and in time,
and falls back to plain text with a note saying why.
"""

from __future__ import annotations

import html
import os
import re
import sys
import time
from dataclasses import dataclass, field

import html2text

from reader.core.convert.extract import without_hidden  # there: the index imports no html2text
from reader.core.sanitize import (
    EMPHASIS_MARK,
    NOTE_MARK,
    STRONG_MARK,
    clean_text,
    keep_marks_clean,
)

MAX_HTML_CHARS = 2_000_000
MAX_MARKDOWN_CHARS = 6_000_000
TIME_LIMIT = 3.0

_TAG = re.compile(r"<[a-zA-Z/!?][^>]*>?")
_BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|li|h[1-6]|tr|blockquote|section|article)|br)\b[^>]*>", re.IGNORECASE
)


#: A link back from a footnote to its reference (`↩`): the reader has no such jump.
_NOTE_BACK = re.compile(
    r"""<a\b[^<>]{0,400}?href\s*=\s*["']#fn-?ref[^"']{0,100}["'][^<>]{0,400}>([^<]{0,400})</a\s*>""",
    re.IGNORECASE,
)
#: What such a link says when it is only the way back (`↩`, `&#8617;`, `^`, `[return]`, its
#: number): one pattern, no two runs that could share a space (a run of spaces is one pass).
_ONLY_BACK = re.compile(r"(?:[\s\[\]().\d]|&#?\w{1,8};|[^\w\s<]|back|return|up){0,12}",
                        re.IGNORECASE)


def _back_link(match: re.Match[str]) -> str:
    """A link back dropped; its text kept when it is the note itself (a blog that wrote
    `<a href="#fnref2">2. the note</a>` lost note 2)."""
    text = match.group(1).strip()
    return "" if len(text) <= 60 and _ONLY_BACK.fullmatch(text) else text
_NOTE_LINK = r"""<a\b[^<>]{0,400}?href\s*=\s*["']#fn[^"']{0,100}["'][^<>]{0,400}>"""
_NUMBER = r"\s*\[?(\d{1,4})\]?\s*"
#: A footnote reference as the Markdown engines write it: kramdown and markdown-it put the
#: link in a `<sup>`, Pandoc the `<sup>` in the link.
_NOTE_REFERENCE = re.compile(
    rf"<sup\b[^<>]{{0,400}}>\s*{_NOTE_LINK}{_NUMBER}</a\s*>\s*</sup\s*>"
    rf"|{_NOTE_LINK}\s*<sup\b[^<>]{{0,400}}>{_NUMBER}</sup\s*>\s*</a\s*>",
    re.IGNORECASE,
)


def mark_html_footnotes(markup: str) -> str:
    """HTML footnote references as the reader's note marks (their number between two
    `NOTE_MARK`s), and the notes' links back to them removed. The notes themselves, a list
    at the end, stay a list."""
    if "#fn" not in markup:
        return markup
    markup = _NOTE_BACK.sub(_back_link, markup)
    return _NOTE_REFERENCE.sub(
        lambda m: f"{NOTE_MARK}{m.group(1) or m.group(2)}{NOTE_MARK}", markup)


@dataclass
class Converted:
    markdown: str
    plain: bool = False  # True when the fallback plain-text path was taken
    notes: list[str] = field(default_factory=list)
    #: For lazy images: the real address → the `src` the page used (often through a proxy).
    fallbacks: dict[str, str] = field(default_factory=dict)


#: Digits raised: footnote markers, and digits in `<sup>`.
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_EMPHASIS = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "u": "em"}
_ASCII_MARK = re.compile(r"([!-/:-@\[-`{-~])")
#: A backslash before a mark html2text does not escape it for (it does \`*_{}[]()#+-.!).
_BARE_BACKSLASH = re.compile(r"\\(?=[\"$%&',/:;<=>?@^|~])")


#: What html2text writes for `&nbsp;` until `finish` puts the space back.
NBSP_HOLDER = "&nbsp_place_holder;"


class _Converter(html2text.HTML2Text):
    """html2text with the reader's choices: no wrapping, lazy images, marks for emphasis."""

    def __init__(self) -> None:
        super().__init__(bodywidth=0)
        self.unicode_snob = True
        self.escape_snob = True
        self.single_line_break = False
        self.strong_mark = STRONG_MARK
        self.emphasis_mark = EMPHASIS_MARK
        self.images_to_alt = False
        self.ignore_images = False
        self.inline_links = True
        self.protect_links = True
        self.wrap_links = False
        self.mark_code = False
        self.ul_item_mark = "-"
        self.tag_callback = _prefer_real_image_address
        self.fallbacks: dict[str, str] = {}
        self._depth: dict[str, int] = {}
        self._raised = 0  # inside `<sup>`

    def handle_tag(self, tag: str, attrs: dict[str, str | None], start: bool) -> None:
        """Bold and italic as the reader's own marks, exactly where the tags are.

        html2text shapes emphasis for Markdown's rules: it adds a space before `<em>` after a
        letter (`中<em>文</em>` became `中 文`) and strips the text inside (`true <strong>
        only</strong>` lost its space). The marks follow no such rules, so none of that is
        done; nested tags of one kind give one pair of marks.
        """
        if tag == "sup":  # digits inside are raised (`mc<sup>2</sup>`: mc²), as a page shows
            self._raised = max(self._raised + (1 if start else -1), 0)
            return
        kind = _EMPHASIS.get(tag)
        if kind is None or self.ignore_emphasis:
            super().handle_tag(tag, attrs, start)
            return
        depth = self._depth.get(kind, 0)
        self._depth[kind] = depth + 1 if start else max(depth - 1, 0)
        if (start and depth == 0) or (not start and depth == 1):
            self.o(self.strong_mark if kind == "strong" else self.emphasis_mark)

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        # Our marks need no space after them (html2text adds one after bold followed by a
        # letter), and Chinese must get no added character.
        self.stressed = self.preceding_stressed = False
        if self._raised and data.strip().isdigit() and not (self.code or self.pre):
            data = data.strip().translate(SUPERSCRIPT)
        if not (self.code or self.pre):
            # Text must come out of Markdown as it went in. html2text leaves a character that
            # came from an entity (`&lt;`) unescaped, and a backslash before most marks as it
            # is: `<soap:Body>` then read as a link, `\@` as `@`.
            # But not html2text's own holder of `&nbsp;`: escaped, `finish` no longer found
            # it to put the space back, and `&nbsp_place_holder;` showed in the text.
            if not entity_char:
                data = _BARE_BACKSLASH.sub(r"\\\\", data)
            elif data != NBSP_HOLDER:
                data = _ASCII_MARK.sub(r"\\\1", data)
        super().handle_data(data, entity_char)


def _prefer_real_image_address(
    parser: html2text.HTML2Text, tag: str, attrs: dict[str, str | None], start: bool
) -> None:
    """Lazy-loaded images keep their real address in data-original or data-src.

    Strikethrough tags are dropped (their text stays): html2text writes them as `~~`, which
    it does not escape in text, so a literal `~~` could not be told from one.
    """
    if tag == "img" and start:
        real = attrs.get("data-original") or attrs.get("data-src") or attrs.get("data-gif-url")
        if real:
            original = attrs.get("src")
            if original and original != real and isinstance(parser, _Converter):
                parser.fallbacks.setdefault(real, original)
            attrs["src"] = real
    return True if tag in ("del", "s", "strike") else None


# Tags that make a table's structure. An attribute's quoted value may hold `>`.
_TABLE_PART = re.compile(
    r"""<(/?)(table|tr|td|th)\b(?:[^<>"']|"[^"]{0,4000}"|'[^']{0,4000}'){0,4000}>""",
    re.IGNORECASE,
)
#: A cell longer than this, in a table of few rows, is a page laid out in a table (an
#: article beside its picture): its cells read better one after another.
LAYOUT_CELL = 300
LAYOUT_ROWS = 3
_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")
#: Block marks at the start of a cell's line (a heading, quote or list inside a cell):
#: html2text escapes such characters when they are text, so these are structure.
_CELL_BLOCK_MARK = re.compile(r"^(?:(?:>|#{1,6}|[-*+]|\d{1,9}[.)])[ \t]+)+")
_LIST_MARKER = re.compile(r"^[\s>]*(?:[-*+]|\d{1,9}[.)])\s+$")


@dataclass
class _Table:
    start: int  # where its `<table>` tag starts
    rows: list[list[tuple[int, int]]] = field(default_factory=list)  # cell bounds
    tags: list[tuple[int, int, bool]] = field(default_factory=list)  # its own tags; closing?
    cell: int | None = None  # where the open cell's content starts
    nested: bool = False
    end: int = 0

    def end_cell(self, at: int) -> None:
        if self.cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append((self.cell, at))
            self.cell = None


def _tables(markup: str) -> list[_Table]:
    """Every table of `markup`, with its own tags and its cells' bounds, row by row.

    Cells and rows close where the next one opens, and a table never closed ends with the
    markup, as browsers read them.
    """
    found: list[_Table] = []
    stack: list[_Table] = []
    for match in _TABLE_PART.finditer(markup):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name == "table" and not closing:
            if stack:
                stack[-1].nested = True
            stack.append(_Table(match.start()))
            stack[-1].tags.append((match.start(), match.end(), False))
            continue
        if not stack:
            continue
        table = stack[-1]
        table.tags.append((match.start(), match.end(), closing))
        table.end_cell(match.start())
        if name == "table":
            table.end = match.end()
            found.append(stack.pop())
        elif name == "tr":
            if not closing:
                table.rows.append([])
        elif not closing:
            table.cell = match.end()
    while stack:  # never closed: each runs to the end, as in a browser
        table = stack.pop()
        table.end_cell(len(markup))
        table.end = len(markup)
        found.append(table)
    return found


def _cell_markdown(converter: _Converter, markup: str) -> str:
    """A cell's content as one line of Markdown, its pipes escaped."""
    cell = _Converter()
    lines = (_CELL_BLOCK_MARK.sub("", line.strip()) for line in cell.handle(markup).split("\n"))
    converter.fallbacks.update(cell.fallbacks)
    return _UNESCAPED_PIPE.sub(r"\1\\|", " ".join(" ".join(lines).split()))


def _hold_tables(markup: str, converter: _Converter) -> tuple[str, list[str], re.Pattern[str]]:
    """Replace each data table by a holder html2text passes through, and make its Markdown.

    html2text writes a table whose cells hold paragraphs or lists as lines that are no
    longer a Markdown table (`Progress |` over `---|---`), and lets a `|` in a cell split it.
    Here each cell becomes one line of Markdown. A table of one column, a page laid out in
    a table, and a table holding tables are no tables to a reader: their cells become
    blocks one after another. The holder carries a random mark, so no text of the article
    (a character reference, say) can pose as one.
    """
    tables = _tables(markup)
    if not tables:
        return markup, [], re.compile("(?!)")
    mark = os.urandom(8).hex()  # as secrets.token_hex, without its 9 ms import
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), never overlapping
    held: list[str] = []
    for table in tables:
        rows = [row for row in table.rows if row]
        width = max((len(row) for row in rows), default=0)
        cells = [[_cell_markdown(converter, markup[a:b]) for a, b in row] for row in rows] \
            if width > 1 and not table.nested else []
        layout = not cells or (len(rows) <= LAYOUT_ROWS and any(
            len(cell) > LAYOUT_CELL for row in cells for cell in row))
        if layout:
            # Its own tags become blocks; what they hold (cells, captions, tables) stays.
            edits += [(a, b, "</div>" if closing else "<div>") for a, b, closing in table.tags]
            continue
        lines = []
        for number, row in enumerate(cells):
            row += [""] * (width - len(row))
            lines.append("| " + " | ".join(row) + " |")
            if number == 0:
                lines.append("|" + "---|" * width)
        # Text in the table outside any cell (a caption) goes before it.
        first, last = rows[0][0][0], rows[-1][-1][1]
        outside = _TABLE_PART.sub(" ", markup[table.start : first] + " "
                                  + markup[last : table.end])
        before = f"<div>{outside}</div>" if strip_tags(outside).strip() else ""
        edits.append((table.start, table.end, f"{before}<p>\ue010{mark}:{len(held)}\ue011</p>"))
        held.append("\n".join(lines))
    edits.sort()
    parts: list[str] = []
    done = 0
    for start, end, replacement in edits:
        if start < done:
            continue  # inside a table already held
        parts += [markup[done:start], replacement]
        done = end
    parts.append(markup[done:])
    return "".join(parts), held, re.compile(f"\ue010{mark}:(\\d+)\ue011")


def _place_tables(markdown: str, tables: list[str], holder: re.Pattern[str]) -> str:
    """Put each table's Markdown where its holder came out, under the same line prefix (a
    quote's `> `, a list item's indent)."""
    if not tables:
        return markdown

    def place(match: re.Match[str]) -> str:
        number = int(match.group(1))
        line_start = markdown.rfind("\n", 0, match.start()) + 1
        prefix = markdown[line_start : match.start()]
        rest = prefix
        if _LIST_MARKER.match(prefix):  # the first thing in a list item: under its text
            rest = "".join(c if c == ">" else " " for c in prefix)
        elif prefix.strip(" >"):  # after text on the line: a block of its own below it
            lead = prefix[: len(prefix) - len(prefix.lstrip(" >"))]
            return f"\n{lead}\n{lead}" + f"\n{lead}".join(tables[number].split("\n"))
        return f"\n{rest}".join(tables[number].split("\n"))

    return holder.sub(place, markdown)


class _TooSlow(Exception):
    pass


def _with_time_limit(limit: float):
    """A profile hook that stops the thread's Python work once `limit` seconds have passed."""
    deadline = time.monotonic() + limit
    calls = 0

    def hook(frame, event, arg):
        nonlocal calls
        calls += 1
        if calls & 255 == 0 and time.monotonic() > deadline:
            raise _TooSlow()

    return hook


def strip_tags(markup: str) -> str:
    """Plain text of an HTML fragment: hidden elements dropped, tags removed, entities decoded."""
    text = without_hidden(markup)
    text = _BLOCK_TAG.sub("\n\n", text)
    text = html.unescape(_TAG.sub("", text))
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def html_to_markdown(markup: str, time_limit: float = TIME_LIMIT,
                     cleaned: bool = False) -> Converted:
    """Convert an HTML body to Markdown whose bold and italic use the reader's own marks.

    Never raises: on a crash, a timeout or an absurd output size, the result is the body's
    plain text, with a note that says what happened.
    """
    notes: list[str] = []
    # HTML inside Markdown comes cleaned already, its footnote references marked.
    markup = keep_marks_clean(markup) if cleaned else clean_text(markup)
    if len(markup) > MAX_HTML_CHARS:
        markup = markup[:MAX_HTML_CHARS]
        notes.append(f"The article was cut at {MAX_HTML_CHARS // 1_000_000} MB of HTML.")
    markup = mark_html_footnotes(without_hidden(markup))
    converter = _Converter()
    previous = sys.getprofile()
    sys.setprofile(_with_time_limit(time_limit))
    try:
        held, tables, holder = _hold_tables(markup, converter)
        markdown = _place_tables(converter.handle(held), tables, holder)
    except _TooSlow:
        return _fallback(markup, notes, f"converting it took over {time_limit:g} s")
    except RecursionError:
        return _fallback(markup, notes, "its HTML is nested too deeply")
    except Exception as error:  # html2text raises AssertionError and others on odd markup
        return _fallback(markup, notes, f"the converter failed ({type(error).__name__})")
    finally:
        sys.setprofile(previous)
    if len(markdown) > MAX_MARKDOWN_CHARS:
        return _fallback(markup, notes, "the converted text was absurdly large")
    return Converted(keep_marks_clean(markdown), notes=notes, fallbacks=converter.fallbacks)


def _fallback(markup: str, notes: list[str], why: str) -> Converted:
    text = clean_text(strip_tags(markup[:MAX_HTML_CHARS]))
    notes.append(f"Shown as plain text: {why}.")
    return Converted(text, plain=True, notes=notes)
