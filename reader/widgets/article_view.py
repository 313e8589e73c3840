"""The article pane: the document laid out by the core's line breaker, drawn line by line.

Textual's Markdown widget breaks Chinese lines only at spaces and freezes on long articles;
this view lays the article out with `reader.core.layout` (in a worker for long ones) and
draws only the lines on screen, at a readable measure, centred.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState, get_current_worker

from reader.core.convert.render import render_article
from reader.core.layout.highlight import code_block_tokens, code_tokens
from reader.core.layout.linebreak import wrap_text
from reader.core.layout.lines import Line, layout, line_shows, mark_spans
from reader.core.model import Article, BlockKind, Document
from reader.widgets.parts import part_style

#: Articles with more characters than this are laid out in a worker thread.
BACKGROUND_LAYOUT_CHARS = 150_000


class ArticleView(ScrollView, can_focus=True):
    """Shows one article; keeps its place through resizes."""

    BINDINGS = [
        Binding("down,j", "scroll_lines(1)", "Down", show=False, id="article.down"),
        Binding("up,k", "scroll_lines(-1)", "Up", show=False, id="article.up"),
        Binding("space,pagedown", "page(1)", "Page down", key_display="space",
                id="article.page_down"),
        Binding("b,pageup", "page(-1)", "Page up", show=False, id="article.page_up"),
        Binding("g,home", "top", "Top", show=False, id="article.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="article.bottom"),
        Binding("escape", "back", "Back to list", show=False, id="article.back"),
        Binding("n", "next_match(1)", "Next match", show=False, id="article.next_match"),
        Binding("N", "next_match(-1)", "Previous match", show=False, id="article.previous_match"),
    ]

    COMPONENT_CLASSES = {
        "article--title",
        "article--heading",
        "article--meta",
        "article--summary",
        "article--category",
        "article--tag",
        "article--note",
        "article--link",
        "article--image",
        "article--code",
        "article--math",
        "article--note-ref",
        "article--quote",
        "article--rule",
        "article--dim",
        "article--match",
        "article--match-current",
    }

    class Scrolled(Message):
        """The top line changed: the screen remembers the place."""

        def __init__(self, block: int) -> None:
            self.block = block
            super().__init__()

    class MatchMoved(Message):
        """The current find match changed: `number` of `total` (number from 1); `wrapped`
        says that `n` went past the last to the first (or `N` past the first)."""

        def __init__(self, number: int, total: int, wrapped: str = "") -> None:
            self.number = number
            self.total = total
            self.wrapped = wrapped  # "top", "bottom" or ""
            super().__init__()

    class Back(Message):
        """The reader wants the article list again."""

    class AtEnd(Message):
        """The reader scrolled to the article's end: it has been read."""

        def __init__(self, article_id: str) -> None:
            self.article_id = article_id
            super().__init__()

    class LinkClicked(Message):
        """A link in the text was clicked: the article's link `number` (from 1)."""

        def __init__(self, number: int) -> None:
            self.number = number
            super().__init__()

    class PastEnd(Message):
        """`space` at the end of the article: the reader wants the next one."""

        def __init__(self, article_id: str) -> None:
            self.article_id = article_id
            super().__init__()

    class LaidOut(Message):
        """A long article laid out in a worker (the view's own message)."""

        def __init__(self, document: Document, width: tuple[int, int], lines: list[Line],
                     anchor: int) -> None:
            self.document = document
            self.width = width
            self.lines = lines
            self.anchor = anchor
            super().__init__()

    class Rendered(Message):
        """An article asked for with `open` is converted and now shown (it bubbles up, so
        that the screen can mark matches in it)."""

        def __init__(self, article: Article, document: Document, block: int,
                     tokens: dict[int, list] | None = None) -> None:
            self.article = article
            self.document = document
            self.block = block
            self.tokens = tokens or {}  # each code block's token runs, lexed in the worker
            super().__init__()

    def __init__(self, *, measure: int = 80, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        self.article_id: str | None = None
        self.lines: list[Line] = []
        self.measure = measure
        self._laid_width: tuple[int, int] = (0, 0)
        self._pending_block: int | None = None
        self._code_runs: dict[int, list[tuple[int, int, Style]]] = {}
        self._code_tokens: dict[int, list] = {}
        self._span_styles: dict[tuple[str, str], Style] = {}
        self.placeholder = ""
        self.matches: list[tuple[int, int, int]] = []  # (block, start, end) from find
        self.current_match = -1
        self._jump_after_layout = False
        self._marks_by_block: dict[int, list[tuple[int, int, int]]] = {}
        self.opening: str | None = None  # the article being converted, until it is shown
        self._end_told = False  # AtEnd was posted for the article shown

    # -- content ---------------------------------------------------------------------------
    def open(self, root: Path, article: Article, block: int = 0) -> None:
        """Read and convert `article` in a worker, then show it with `block` at the top."""
        self.opening = article.id
        self._convert(root, article, block)

    @work(thread=True, exclusive=True, group="render", exit_on_error=False,
          description="convert an article")
    def _convert(self, root: Path, article: Article, block: int) -> None:
        document = render_article(root, article)
        tokens = code_block_tokens(document)  # Pygments is slow: not on the screen's thread
        if not get_current_worker().is_cancelled:
            self.post_message(self.Rendered(article, document, block, tokens))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A conversion that failed says so in the pane, instead of leaving it waiting."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.opening = None
            message = f"Showing the article failed: {type(error).__name__}: {error}"
            self.show_message(message)
            self.notify(message, markup=False, severity="error", timeout=10)

    def on_article_view_rendered(self, event: Rendered) -> None:
        if event.article.id != self.opening:
            event.stop()  # another article was asked for meanwhile
            return
        self.opening = None
        self.show(event.article.id, event.document, event.block, event.tokens)

    def show(self, article_id: str, document: Document, block: int = 0,
             tokens: dict[int, list] | None = None) -> None:
        """Show `document`, with its `block` at the top; `tokens`: its code blocks' token
        runs, lexed already (else each block is lexed when first drawn)."""
        self.article_id = article_id
        self.document = document
        self._end_told = False
        self.set_matches([])
        self._pending_block = block
        self.lines = []
        self._laid_width = (0, 0)
        self._code_runs = {}
        self._code_tokens = tokens if tokens is not None else {}
        self._relayout()

    def show_message(self, text: str) -> None:
        """Show a message in place of an article (no article, still loading), wrapped."""
        self.article_id = None
        self.document = None
        self.lines = []
        self.placeholder = text
        self.virtual_size = Size(self.size.width, 1)
        self.refresh()

    @property
    def text_width(self) -> int:
        """The width text is laid out at: the pane less a margin, at most the measure."""
        return max(min(self.measure, self.scrollable_content_region.width - 2), 10)

    @property
    def code_width(self) -> int:
        """The width code may take: from the text's left edge to the pane's, less one."""
        width = self.scrollable_content_region.width
        return max(width - max((width - self.text_width) // 2, 1) - 1, self.text_width)

    def _relayout(self) -> None:
        document = self.document
        if document is None or not self.size.width:
            return
        width = self.text_width
        if (width, self.code_width) == self._laid_width and self.lines:
            return
        anchor = self._pending_block if self._pending_block is not None else self.top_block
        size = sum(len(block.text) for block in document.blocks)
        widths = (width, self.code_width)
        if size > BACKGROUND_LAYOUT_CHARS:
            self._layout_in_background(document, widths, anchor)
        else:
            self._apply_layout(document, widths, layout(document, *widths), anchor)

    @work(thread=True, exclusive=True, group="layout", exit_on_error=False,
          description="lay out a long article")
    def _layout_in_background(self, document: Document, widths: tuple[int, int],
                              anchor: int) -> None:
        lines = layout(document, *widths)
        if not get_current_worker().is_cancelled:
            self.post_message(self.LaidOut(document, widths, lines, anchor))

    def on_article_view_laid_out(self, event: LaidOut) -> None:
        event.stop()
        self._apply_layout(event.document, event.width, event.lines, event.anchor)

    def _apply_layout(self, document: Document, width: tuple[int, int], lines: list[Line],
                      anchor: int) -> None:
        if document is not self.document:
            return
        self.lines = lines
        self._laid_width = width
        self._pending_block = None
        self.virtual_size = Size(self.size.width, len(lines))
        self.scroll_to(y=self.line_of_block(anchor), animate=False, force=True)
        if self._jump_after_layout and self.matches:
            self._go_to_match()
        self._jump_after_layout = False
        self.refresh()

    def on_resize(self) -> None:
        self._relayout()

    # -- places ----------------------------------------------------------------------------
    @property
    def top_block(self) -> int:
        """The block at the top of the pane (the place to come back to)."""
        top = int(self.scroll_offset.y)
        for line in self.lines[top : top + 50]:
            if line.block >= 0:
                return line.block
        return 0

    def line_of_block(self, block: int) -> int:
        """The first line that shows `block`."""
        for index, line in enumerate(self.lines):
            if line.block >= block:
                return index
        return 0

    def scroll_to_block(self, block: int) -> None:
        self.scroll_to(y=self.line_of_block(block), animate=False, force=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.lines and round(old) != round(new):
            self.post_message(self.Scrolled(self.top_block))
            self._check_end()

    @property
    def at_end(self) -> bool:
        """Is the last line on screen?"""
        height = self.scrollable_content_region.height
        return bool(self.lines) and self.scroll_offset.y + height >= len(self.lines)

    def _check_end(self) -> None:
        if self.article_id is not None and not self._end_told and self.at_end:
            self._end_told = True
            self.post_message(self.AtEnd(self.article_id))

    # -- drawing ---------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = y + int(self.scroll_offset.y)
        if not self.lines:
            message = wrap_text(self.placeholder, width - 4) if self.placeholder else []
            if 1 <= y <= len(message):  # wrapped: an empty folder's message was cut mid-word
                style = self.get_component_rich_style("article--dim")
                return Strip([Segment("  " + message[y - 1].rstrip(" "), style)]).apply_style(
                    base
                ).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[index]
        margin = max((width - self.text_width) // 2, 1)
        segments = [Segment(" " * margin)]
        kind = self._block_kind(line.block)
        if line.lead:
            segments.append(Segment(line.lead, self._style("quote", kind)))
        marks = self._marks_by_block.get(line.block)
        if marks:
            current = self.get_component_rich_style("article--match-current")
            other = self.get_component_rich_style("article--match")
            for span, number in mark_spans(line, marks):
                style = self._span_style(span, kind)
                if number is not None:
                    style += current if number == self.current_match else other
                segments.append(Segment(span.text, style))
        elif kind == BlockKind.CODE.value and self._runs_of(line.block):
            segments.extend(self._highlighted(line, self._runs_of(line.block)))
        else:
            segments.extend(Segment(span.text, self._span_style(span, kind))
                            for span in line.spans)
        return Strip(segments).apply_style(base).crop_extend(0, width, base)

    def _span_style(self, span, kind: str) -> Style:
        """A span's style; a link's carries a click that opens it (the action names the
        link's number only: nothing of the article's text goes into it)."""
        style = self._style(span.style, kind)
        if span.target is not None and "link" in span.style.split() and "image" not in (
                span.style.split()):
            style += Style.from_meta({"@click": f"open_link({span.target + 1})"})
        return style

    def action_open_link(self, number: int) -> None:
        self.post_message(self.LinkClicked(number))

    def _runs_of(self, block: int) -> list[tuple[int, int, Style]]:
        """A code block's coloured runs, worked out when it is first drawn."""
        runs = self._code_runs.get(block)
        if runs is None and self.document is not None:
            code = self.document.blocks[block]
            from rich.syntax import Syntax  # (Pygments: only for an article with code)

            theme = Syntax.get_theme("ansi_dark" if self.app.current_theme.dark
                                     else "ansi_light")
            tokens = self._code_tokens.get(block)
            if tokens is None:  # shown without a worker (the first screen): lexed now
                tokens = code_tokens(code.text, code.language)
            runs = [(start, end, theme.get_style_for_token(token))
                    for start, end, token in tokens]
            self._code_runs[block] = runs
        return runs or []

    def _highlighted(self, line: Line, runs: list[tuple[int, int, Style]]) -> list[Segment]:
        base = self._style("code", BlockKind.CODE.value)
        segments: list[Segment] = []
        position = line.start
        # The runs are in order: start at the one the line begins in, not at the first.
        first = max(bisect_right(runs, (line.start, float("inf"))) - 1, 0)
        for span in line.spans:
            end = position + len(span.text)
            for start, stop, style in runs[first:]:
                if start >= end:
                    break
                if stop <= position:
                    continue
                piece = span.text[max(start, position) - position : min(stop, end) - position]
                segments.append(Segment(piece, base + style))
            position = end
        return segments

    def _block_kind(self, block: int) -> str:
        if self.document is None or block < 0:
            return ""
        return self.document.blocks[block].kind.value

    def _style(self, words: str, kind: str) -> Style:
        key = (words, kind)
        cached = self._span_styles.get(key)
        if cached is not None:
            return cached
        style = _base_style(words)
        component = {
            BlockKind.TITLE.value: "article--title",
            BlockKind.HEADING.value: "article--heading",
            BlockKind.RULE.value: "article--rule",
        }.get(kind)
        if component:
            style = part_style(self, component) + style
        for word in words.split():
            name = _COMPONENT_OF_WORD.get(word)
            if name:
                style += part_style(self, name)
        self._span_styles[key] = style
        return style

    def notify_style_update(self) -> None:
        self._span_styles.clear()
        self._code_runs.clear()  # the theme may have turned from dark to light
        super().notify_style_update()

    # -- find --------------------------------------------------------------------------
    def set_matches(self, matches: list[tuple[int, int, int]], jump: bool = False) -> None:
        """Highlight `matches` (block, start, end); with `jump`, go to the first one."""
        self.matches = matches
        self._marks_by_block = {}
        for number, (block, start, end) in enumerate(matches):
            self._marks_by_block.setdefault(block, []).append((start, end, number))
        self.current_match = 0 if matches else -1
        if jump and matches:
            if self.lines:
                self._go_to_match()
            else:
                self._jump_after_layout = True
        self.post_message(self.MatchMoved(self.current_match + 1, len(matches)))
        self.refresh()

    def action_next_match(self, step: int) -> None:
        if not self.matches:
            return
        before = self.current_match
        self.current_match = (self.current_match + step) % len(self.matches)
        wrapped = ("top" if step > 0 and self.current_match <= before else
                   "bottom" if step < 0 and self.current_match >= before else "")
        self._go_to_match()
        self.post_message(self.MatchMoved(self.current_match + 1, len(self.matches), wrapped))
        self.refresh()

    def _go_to_match(self) -> None:
        block, start, _ = self.matches[self.current_match]
        for index, line in enumerate(self.lines):
            if line.block == block and line_shows(line, start):
                height = self.scrollable_content_region.height
                top = self.scroll_offset.y
                if not top <= index < top + height - 1:
                    self.scroll_to(y=max(index - height // 3, 0), animate=False, force=True)
                return

    # -- keys ------------------------------------------------------------------------------
    def action_scroll_lines(self, count: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + count, animate=False)

    def action_page(self, direction: int) -> None:
        if direction > 0 and self.at_end and self.article_id is not None:
            self.post_message(self.PastEnd(self.article_id))
            return
        step = max(self.scrollable_content_region.height - 2, 1)
        self.scroll_to(y=self.scroll_offset.y + direction * step, animate=False)

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_back(self) -> None:
        self.post_message(self.Back())

    def action_bottom(self) -> None:
        self.scroll_to(y=max(len(self.lines) - 1, 0), animate=False)


_COMPONENT_OF_WORD = {
    "date": "article--meta",
    "summary": "article--summary",
    "author": "article--meta",
    "dim": "article--dim",
    "category": "article--category",
    "tag": "article--tag",
    "note": "article--note",
    "link": "article--link",
    "image": "article--image",
    "code": "article--code",
    "math": "article--math",
    "note-ref": "article--note-ref",
    "rule": "article--rule",
}


@lru_cache(maxsize=64)
def _base_style(words: str) -> Style:
    names = set(words.split())
    return Style(
        bold=True if "bold" in names or "title" in names else None,
        italic=True if "italic" in names else None,
        strike=True if "strike" in names else None,
    )
