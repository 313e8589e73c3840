"""A `Document` laid out into lines of a given width, for the article pane and `reader show`."""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.linebreak import break_lines, cell_width
from reader.core.model import Block, BlockKind, Document, Span

QUOTE_MARK = "│ "


@dataclass(frozen=True, slots=True)
class Line:
    """One screen line: a lead (quote bars, list marker or indent) and the text's spans.

    `block` is the index of the block the line shows (-1 for blank lines between blocks),
    and `start`/`end` the range of the block's text it holds, which find and the table of
    contents use to map between text and lines.
    """

    lead: str
    spans: tuple[Span, ...]
    block: int
    start: int = 0
    end: int = 0

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


BLANK = Line("", (), -1)


def slice_spans(spans: list[Span], start: int, end: int) -> tuple[Span, ...]:
    """The parts of `spans` that cover characters `start` to `end` of their joined text."""
    out: list[Span] = []
    position = 0
    for span in spans:
        span_end = position + len(span.text)
        if span_end > start and position < end:
            piece = span.text[max(start - position, 0) : min(end, span_end) - position]
            if piece:
                out.append(Span(piece, span.style, span.target))
        position = span_end
        if position >= end:
            break
    return tuple(out)


def _visible(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Drop the newline that ends a hard-broken line: it is not drawn."""
    if spans and spans[-1].text.endswith("\n"):
        last = spans[-1]
        trimmed = last.text[:-1]
        spans = spans[:-1] + ((Span(trimmed, last.style, last.target),) if trimmed else ())
    return spans


def _lay_block(block: Block, index: int, width: int) -> list[Line]:
    quote = QUOTE_MARK * block.quote
    first_lead = quote + " " * block.indent + block.prefix
    rest_lead = quote + " " * (block.indent + cell_width(block.prefix))
    available = max(width - cell_width(rest_lead), 8)
    text = block.text
    if block.kind is BlockKind.RULE:
        return [Line(first_lead, (Span("─" * available, "rule"),), index)]
    if block.kind in (BlockKind.CODE, BlockKind.TABLE):
        lines: list[Line] = []
        position = 0
        style = block.spans[0].style if block.spans else ""
        for raw in text.split("\n"):
            for start, end in break_lines(raw, available) if raw else [(0, 0)]:
                piece = raw[start:end]
                lines.append(Line(first_lead if not lines else rest_lead,
                                  (Span(piece, style),) if piece else (), index,
                                  position + start, position + end))
            position += len(raw) + 1
        return lines
    lines = []
    for number, (start, end) in enumerate(break_lines(text, available)):
        lead = first_lead if number == 0 else rest_lead
        lines.append(Line(lead, _visible(slice_spans(block.spans, start, end)), index, start, end))
    return lines


def layout(document: Document, width: int) -> list[Line]:
    """Lay `document` out at `width` cells: blank lines between blocks, none inside lists."""
    lines: list[Line] = []
    previous: Block | None = None
    for index, block in enumerate(document.blocks):
        if previous is not None and not _tight(previous, block):
            lines.append(Line(QUOTE_MARK * min(previous.quote, block.quote), (), -1))
        lines.extend(_lay_block(block, index, width))
        previous = block
    return lines


def _tight(previous: Block, block: Block) -> bool:
    """List items follow each other without a blank line; so do header lines."""
    if previous.kind is BlockKind.META and block.kind is BlockKind.META:
        return True
    return bool(block.prefix) and (bool(previous.prefix) or previous.indent > 0)


def plain_text(lines: list[Line]) -> str:
    """Lines as plain text, with trailing spaces removed: `reader show --format text`."""
    return "\n".join((line.lead + line.text).rstrip() for line in lines)


def mark_spans(line: Line, marks: list[tuple[int, int, int]]) -> list[tuple[Span, int | None]]:
    """The line's spans cut where `marks` (start, end, number) begin and end.

    Each piece comes with the number of the mark it lies in, or None; marks are ranges of
    the block's text, as find gives them.
    """
    pieces: list[tuple[Span, int | None]] = []
    position = line.start
    for span in line.spans:
        text = span.text
        offset = 0
        while offset < len(text):
            here = position + offset
            inside = next((m for m in marks if m[0] <= here < m[1]), None)
            if inside is not None:
                stop = min(inside[1] - position, len(text))
                number: int | None = inside[2]
            else:
                upcoming = [m[0] for m in marks if m[0] > here]
                stop = min((min(upcoming) - position) if upcoming else len(text), len(text))
                number = None
            pieces.append((Span(text[offset:stop], span.style, span.target), number))
            offset = stop
        position += len(text)
    return pieces
