"""A `Document` laid out into lines of a given width, for the article pane and `reader show`."""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.layout.linebreak import break_lines, cell_width, longest_word
from reader.core.model import Block, BlockKind, Document, Span, cell_padding

QUOTE_MARK = "│ "
#: Starts a code line's continuation: a code line that does not fit is wrapped, visibly.
CONTINUATION = "↪ "


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
    #: Where each span starts in the block's text (-1: drawn, not text), for lines whose
    #: spans are not one run of it (a table's row wrapped in its columns); None: one run.
    offsets: tuple[int, ...] | None = None

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


def _lay_block(block: Block, index: int, width: int, code_width: int) -> list[Line]:
    quote = QUOTE_MARK * block.quote
    first_lead = quote + " " * block.indent + block.prefix
    rest_lead = quote + " " * (block.indent + cell_width(block.prefix))
    available = max(width - cell_width(rest_lead), 8)
    text = block.text
    if block.kind is BlockKind.CODE:
        return _lay_code(block, index, max(code_width - cell_width(rest_lead), available),
                         first_lead, rest_lead)
    if block.kind is BlockKind.RULE:
        return [Line(first_lead, (Span("─" * available, "rule"),), index)]
    if block.kind is BlockKind.TABLE and block.cells and max(
            cell_width(line) for line in text.split("\n")) > available:
        return _fit_table(block, index, available, first_lead, rest_lead)
    if block.kind is BlockKind.TABLE:
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


def _lay_code(block: Block, index: int, available: int, first_lead: str,
              rest_lead: str) -> list[Line]:
    """A code block keeps its lines: each source line starts a screen line, and one too
    long for the pane goes on in lines that start with `CONTINUATION`."""
    text = block.text
    style = block.spans[0].style if block.spans else ""
    lines: list[Line] = []
    position = 0
    for raw in text.split("\n"):
        pieces = [(0, len(raw))] if cell_width(raw) <= available else _wrap_code(
            raw, available - cell_width(CONTINUATION))
        for number, (start, end) in enumerate(pieces):
            lead = first_lead if not lines else rest_lead
            if number:
                lead += CONTINUATION
            piece = raw[start:end]
            lines.append(Line(lead, (Span(piece, style),) if piece else (), index,
                              position + start, position + end))
        position += len(raw) + 1
    return lines


def _wrap_code(raw: str, width: int) -> list[tuple[int, int]]:
    """A code line cut into pieces of `width` cells, where it breaks best (at spaces and
    between wide characters), every character kept (spaces included)."""
    pieces = break_lines(raw, max(width, 2))
    out: list[tuple[int, int]] = []
    for start, end in pieces:
        # Spaces that hang past the width go on the next piece: code spaces are text.
        while end > start and cell_width(raw[start:end]) > width:
            end -= 1
        if out and out[-1][1] < start:
            start = out[-1][1]
        out.append((start, end))
    if out and out[-1][1] < len(raw):
        out.append((out[-1][1], len(raw)))
    return [(a, b) for a, b in out if b > a] or [(0, len(raw))]


#: Between two columns of a table, and the narrowest a column is made to fit a screen.
COLUMN_GAP = " │ "
NARROWEST_COLUMN = 6
#: A word longer than this (an address, a path) may be cut to fit; a shorter one never is.
LONGEST_UNCUT_WORD = 16


def _column_widths(natural: list[int], room: int, floors: list[int] | None = None) -> list[int]:
    """Widths that fit `room`: the widest columns shrink first, down to the next width
    below, and none below its floor (its longest word: `Default` is never cut into
    `Defaul`/`t`). When even the floors do not fit, the widths stay over `room`."""
    widths = list(natural)
    floors = [min(n, max(f, NARROWEST_COLUMN)) for n, f in zip(
        natural, floors or [NARROWEST_COLUMN] * len(natural), strict=True)]
    while sum(widths) > room:
        shrinkable = [c for c, w in enumerate(widths) if w > floors[c]]
        if not shrinkable:
            break
        widest = max(widths[c] for c in shrinkable)
        columns = [c for c in shrinkable if widths[c] == widest]
        below = [w for w in widths if w < widest]
        excess = sum(widths) - room
        cut = -(-excess // len(columns))
        for c in columns:
            # Down to the next width below, or as far as `room` asks; never under the floor.
            widths[c] = max(floors[c], max(below, default=0), widest - cut)
    return widths


def _wrap_range(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """`text[start:end]` broken into lines of `width` cells, as ranges of `text`, without
    the space each line ends on (a cell's column has no room for it)."""
    if end <= start:
        return []
    pieces = []
    for a, b in break_lines(text[start:end], max(width, 1)):
        a, b = start + a, start + b
        while b > a and text[b - 1] == " ":
            b -= 1
        pieces.append((a, b))
    return pieces


def _fit_table(block: Block, index: int, available: int, first_lead: str,
               rest_lead: str) -> list[Line]:
    """A table too wide for the screen, each cell wrapped inside its column.

    Each piece of a cell keeps its place in the block's text (`Line.offsets`), so find
    still marks matches inside cells. Where even the narrowest columns do not fit, the
    rows become records.
    """
    text = block.text
    style = block.spans[0].style if block.spans else ""
    columns = max(len(row) for row in block.cells)
    room = available - cell_width(COLUMN_GAP) * (columns - 1)
    natural = [max((cell_width(text[a:b]) for a, b in (row[c] for row in block.cells
                                                       if c < len(row))), default=0)
               for c in range(columns)]
    floors = [min(max((longest_word(text[a:b]) for a, b in (row[c] for row in block.cells
                                                            if c < len(row))), default=0),
                  LONGEST_UNCUT_WORD) for c in range(columns)]
    widths = _column_widths(natural, room, floors)
    if sum(widths) > room:
        return _table_records(block, index, available, first_lead, rest_lead)
    lines: list[Line] = []
    for number, row in enumerate(block.cells):
        pieces = [_wrap_range(text, a, b, widths[c]) for c, (a, b) in enumerate(row)]
        start_of_row = row[0][0]
        for k in range(max((len(p) for p in pieces), default=0) or 1):
            parts: list[tuple[Span, int]] = []
            for c, cell in enumerate(pieces):
                if c:
                    parts.append((Span(COLUMN_GAP, style), -1))
                start, end = cell[k] if k < len(cell) else (start_of_row, start_of_row)
                piece = text[start:end]
                pad = widths[c] - cell_width(piece)
                before, after = cell_padding(pad, block.align[c] if c < len(block.align) else "")
                if before:
                    parts.append((Span(" " * before, style), -1))
                if piece:
                    parts.append((Span(piece, style), start))
                if after and c < len(pieces) - 1:
                    parts.append((Span(" " * after, style), -1))
            lines.append(_pieces_line(first_lead if not lines else rest_lead, parts, index,
                                      start_of_row))
        if number == 0:
            rule = "─┼─".join("─" * w for w in widths)
            lines.append(_pieces_line(rest_lead, [(Span(rule, style), -1)], index,
                                      start_of_row))
    return lines


def _table_records(block: Block, index: int, available: int, first_lead: str,
                   rest_lead: str) -> list[Line]:
    """A table on a screen too narrow for its columns: each row as a record, every cell
    under its column's heading (`heading: value`), records apart by a rule."""
    text = block.text
    style = block.spans[0].style if block.spans else ""
    header = block.cells[0]
    lines: list[Line] = []
    for number, row in enumerate(block.cells[1:] or block.cells[:1]):
        if lines:
            lines.append(_pieces_line(rest_lead, [(Span("─" * available, style), -1)], index,
                                      row[0][0]))
        for c, (a, b) in enumerate(row):
            label_start, label_end = header[c] if c < len(header) and len(block.cells) > 1 \
                else (a, a)
            label = text[label_start:label_end]
            # The headings are text of the first record; later ones repeat them as drawn.
            label_offset = label_start if number == 0 else -1
            head: list[tuple[Span, int]] = [(Span(label, f"{style} bold".strip()),
                                             label_offset), (Span(": ", style), -1)] \
                if label else []
            lead_width = cell_width(label) + 2 if label else 0
            room = available - lead_width
            if room < NARROWEST_COLUMN and head:  # the heading on lines of its own
                for start, end in _wrap_range(text, label_start, label_end, available):
                    part = (Span(text[start:end], head[0][0].style),
                            start if label_offset >= 0 else -1)
                    lines.append(_pieces_line(rest_lead if lines else first_lead, [part],
                                              index))
                head, lead_width, room = [], 2, available - 2
            value = _wrap_range(text, a, b, room) or [(a, a)]
            for k, (start, end) in enumerate(value):
                parts = list(head) if k == 0 and head else [(Span(" " * lead_width, style), -1)]
                if end > start:
                    parts.append((Span(text[start:end], style), start))
                lines.append(_pieces_line(rest_lead if lines else first_lead, parts, index))
    return lines


def _pieces_line(lead: str, parts: list[tuple[Span, int]], index: int,
                 at: int = 0) -> Line:
    """A line of spans from here and there in a block's text (offset -1: drawn only); one
    with no text stands at `at`."""
    covered = [o for span, o in parts if o >= 0] + [
        o + len(span.text) for span, o in parts if o >= 0]
    return Line(lead, tuple(span for span, _ in parts), index, min(covered, default=at),
                max(covered, default=at), tuple(o for _, o in parts))


def layout(document: Document, width: int, code_width: int = 0) -> list[Line]:
    """Lay `document` out at `width` cells: blank lines between blocks, none inside lists.

    Code may take `code_width` cells (the pane's width, past the text's measure)."""
    lines: list[Line] = []
    previous: Block | None = None
    for index, block in enumerate(document.blocks):
        if previous is not None and not _tight(previous, block):
            lines.append(Line(QUOTE_MARK * min(previous.quote, block.quote), (), -1))
        lines.extend(_lay_block(block, index, width, max(code_width, width)))
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


def line_shows(line: Line, position: int) -> bool:
    """True when `line` draws the character at `position` of its block's text (a line of
    a table's row holds pieces of several cells: its own `offsets` say which)."""
    if line.offsets is None:
        return line.start <= position < max(line.end, line.start + 1)
    return any(0 <= offset <= position < offset + len(span.text)
               for span, offset in zip(line.spans, line.offsets, strict=True))


def mark_spans(line: Line, marks: list[tuple[int, int, int]]) -> list[tuple[Span, int | None]]:
    """The line's spans cut where `marks` (start, end, number) begin and end.

    Each piece comes with the number of the mark it lies in, or None; marks are ranges of
    the block's text, as find gives them.
    """
    pieces: list[tuple[Span, int | None]] = []
    position = line.start
    for number_of_span, span in enumerate(line.spans):
        text = span.text
        if line.offsets is not None:
            position = line.offsets[number_of_span]
            if position < 0:
                pieces.append((span, None))
                continue
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
