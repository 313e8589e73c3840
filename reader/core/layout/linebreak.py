"""One line breaker for Chinese, Japanese, Korean and Latin text, measured in terminal cells.

Breaks between any two wide (CJK) characters and after spaces; never inside a Latin word or
number unless the word alone is longer than the line; keeps closing marks off the start of a
line and opening marks off its end (kinsoku). Lines are ranges of the paragraph, so joining
them gives the paragraph back exactly: nothing is added, dropped or moved.
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import get_character_cell_size

#: Marks that may not start a line (they stay with the character before them).
NO_START = frozenset(
    "，。、；：？！）」』】》〉〕〗〙〛”’…‥・·ー々〻ゝゞヽヾ゛゜"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    ",.;:?!)]}%"
    "，．；：？！）］｝％｡､｣〜～‐–—"
    # A footnote's marker stays with the word it follows.
    "⁰¹²³⁴⁵⁶⁷⁸⁹"
)
#: Marks that may not end a line (they go with the character after them).
NO_END = frozenset("（「『【《〈〔〖〘〚“‘([{＄￥$（［｛｢£¥")


#: Where a word too long for any line is split, after the last of these that fits.
WORD_JOINS = "-/_"


@lru_cache(maxsize=4096)
def _width(char: str) -> int:
    return get_character_cell_size(char)


def cell_width(text: str) -> int:
    """Terminal cells `text` takes (wide characters count two)."""
    return sum(_width(char) for char in text)


def _wide(char: str) -> bool:
    return _width(char) == 2


def can_break_before(before: str, after: str, last_mark: str = "") -> bool:
    """May a line end between the characters `before` and `after`?

    `last_mark` is the last character before `after` that is not a space, when spaces
    come between (an opening mark keeps its word even across a space).
    """
    if after == " ":
        return False  # spaces hang at the end of the line they follow
    if after in NO_START or before in NO_END or last_mark in NO_END:
        return False
    if before == " ":
        return True
    return _wide(before) or _wide(after)


def break_lines(text: str, width: int) -> list[tuple[int, int]]:
    """Split `text` into lines of at most `width` cells, as (start, end) ranges.

    A `\\n` in the text forces a break and ends the range it closes. Spaces at a break stay
    at the end of the earlier line (they may run past `width`: they are invisible).
    """
    width = max(width, 2)
    lines: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    while start <= length:
        end = text.find("\n", start)
        stop = length if end == -1 else end
        _break_run(text, start, stop, width, lines)
        if end == -1:
            break
        lines[-1] = (lines[-1][0], end + 1)  # the newline belongs to the line it ends
        start = end + 1
    return lines


def longest_word(text: str) -> int:
    """The cells of the widest piece of `text` that no line may break inside (a Latin word;
    in Chinese, a character with the marks that stick to it)."""
    quotes = _quote_roles(text, 0, len(text))
    widest = used = 0
    last_mark = ""
    for i, char in enumerate(text):
        if char in " \n":
            if char == "\n":
                used, last_mark = 0, ""
            continue
        role = quotes.get(i, char)
        if i > 0 and can_break_before(text[i - 1], role, last_mark):
            used = 0
        last_mark = role
        used += _width(char)
        widest = max(widest, used)
    return widest


def _break_run(text: str, start: int, stop: int, width: int, out: list[tuple[int, int]]) -> None:
    if start == stop:
        out.append((start, stop))
        return
    line_start = start
    used = 0  # cells used by the line so far, not counting trailing spaces
    pending_spaces = 0
    last_break = -1  # index where the next line could start
    quotes = _quote_roles(text, start, stop)
    last_mark = ""
    i = start
    while i < stop:
        char = text[i]
        if char == " ":
            pending_spaces += 1
            i += 1
            continue
        role = quotes.get(i, char)
        if i > line_start and can_break_before(text[i - 1], role, last_mark):
            last_break = i
        last_mark = role
        char_width = _width(char)
        needed = used + pending_spaces + char_width
        if needed <= width or i == line_start:
            used = needed
            pending_spaces = 0
            i += 1
            continue
        if last_break > line_start:
            out.append((line_start, last_break))
            line_start = last_break
            last_break = -1
            carried = text[line_start:i]
            pending_spaces = len(carried) - len(carried.rstrip(" "))
            used = cell_width(carried.rstrip(" "))
            continue
        # A word longer than the line: split it after its last hyphen, slash or underscore
        # that fits (a file name as a title, an address), else where it overflows.
        cut = max(text.rfind(mark, line_start, i) for mark in WORD_JOINS) + 1
        if cut <= line_start or cell_width(text[line_start:cut]) < width // 3:
            cut = i  # none, or so early that the line would stand nearly empty
        out.append((line_start, cut))
        line_start = cut
        used = cell_width(text[cut:i])
        pending_spaces = 0
        last_break = -1
    out.append((line_start, stop))


def _quote_roles(text: str, start: int, stop: int) -> dict[int, str]:
    """Straight double quotes, read as opening and closing in turn.

    Crawled news writes `以 " 滚石上山 " 的勇气`; knowing which quote closes keeps it off the
    start of a line, and which opens keeps it off the end of one.
    """
    roles: dict[int, str] = {}
    position = text.find('"', start, stop)
    opening = True
    while position != -1:
        roles[position] = "“" if opening else "”"
        opening = not opening
        position = text.find('"', position + 1, stop)
    return roles


def wrap_text(text: str, width: int) -> list[str]:
    """`text` broken into lines of at most `width` cells (trailing spaces may hang)."""
    return [text[a:b] for a, b in break_lines(text, width)]


def truncate(text: str, width: int) -> str:
    """`text` cut to `width` cells, ending with `…` when anything was cut."""
    if width <= 0:
        return ""
    if cell_width(text) <= width:
        return text
    used = 0
    for index, char in enumerate(text):
        char_width = _width(char)
        if used + char_width > width - 1:
            return text[:index] + "…"
        used += char_width
    return text
