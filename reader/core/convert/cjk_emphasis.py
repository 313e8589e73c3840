"""Emphasis next to Chinese, Japanese and Korean text, as their writers mean it.

CommonMark refuses `**第二是事务。**ACID` as bold: the closing `**` follows punctuation and
is followed by a letter, so it is not "right-flanking". Chinese puts no space there, and
one article in ten of a real Chinese blog showed literal `**`. The CJK-friendly amendment
to CommonMark (the markdown-cjk-friendly specification, implemented for markdown-it in
JavaScript as `markdown-it-cjk-friendly`) changes only the flanking rules:

- a CJK character (East Asian Width W, F or H and not an emoji, or Hangul) on either side of
  a `*` run counts as whitespace would next to punctuation;
- CJK punctuation is not "punctuation" for the side it is on;
- a variation selector after a character is read with that character.

`_` keeps CommonMark's rules but for the variation selector. Text with no CJK character
parses exactly as CommonMark says (a test compares with markdown-it's own state).
"""

from __future__ import annotations

import unicodedata

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Scanned, StateInline

#: Wide characters below U+1F300 that are drawn as emoji by default (Emoji_Presentation);
#: from U+1F300 to U+1FAFF, every wide character is one. Emoji are not CJK.
_EMOJI_BELOW_1F300 = frozenset(
    [0x231A, 0x231B, 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615, 0x267F, 0x2693,
     0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2,
     0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A, 0x270B, 0x2728, 0x274C, 0x274E, 0x2757,
     0x27B0, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F201,
     0x1F21A, 0x1F22F, 0x1F250, 0x1F251,
     *range(0x23E9, 0x23ED), *range(0x2648, 0x2654), *range(0x2753, 0x2756),
     *range(0x2795, 0x2798), *range(0x1F191, 0x1F19B), *range(0x1F232, 0x1F237),
     *range(0x1F238, 0x1F23B)]
)
#: Hangul letters that East Asian Width calls neutral (medial and final jamo).
_NEUTRAL_HANGUL = ((0x1160, 0x11FF), (0xD7B0, 0xD7FF))
_QUOTES = frozenset("‘’“”")


def _cjk(char: str) -> bool | None:
    """True for a CJK character, False for another, None for an ambiguous-width one (whose
    CJK-ness depends on what follows it)."""
    code = ord(char)
    if code < 0x1100:
        return False
    width = unicodedata.east_asian_width(char)
    if width in ("F", "H"):
        return True
    if width == "W":
        return not (0x1F300 <= code <= 0x1FAFF or code in _EMOJI_BELOW_1F300)
    if width == "A":
        return None
    return any(low <= code <= high for low, high in _NEUTRAL_HANGUL)


def is_cjk(char: str) -> bool:
    """Is `char` a CJK character in the amendment's sense (emoji and ambiguous ones are not)?"""
    return bool(_cjk(char))


def _is_variation_selector(char: str) -> bool:
    # U+FE0F asks for an emoji: it does not make the character before it CJK.
    return "\ufe00" <= char <= "\ufe0e"


def _previous_is_cjk(char: str, selector: str | None) -> bool:
    """Is the character before a delimiter run CJK? `selector` is the variation selector
    that followed it, if any: a curly quote with U+FE01 is its full-width form, and an
    ideographic variation selector stands for the ideograph it follows."""
    found = _cjk(char)
    if found is not None:
        return found
    if selector is not None:
        return selector == "\ufe01" and char in _QUOTES
    return 0xE0100 <= ord(char) <= 0xE01EF


def _punctuation(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def scan_delimiters(src: str, start: int, end: int, can_split_word: bool) -> Scanned:
    """Can the run of delimiters at `src[start]` open or close emphasis, and how long is it?

    markdown-it's `StateInline.scanDelims` with the CJK-friendly flanking rules.
    """
    marker = src[start]
    last = src[start - 1] if start > 0 else " "
    last_main, selector, before = last, None, last
    if _is_variation_selector(last):
        selector, before = last, src[start - 2] if start > 1 else " "
        if unicodedata.category(before) != "Zs":
            last_main = before
    pos = start
    while pos < end and src[pos] == marker:
        pos += 1
    following = src[pos] if pos < end else " "
    last_space, next_space = isWhiteSpace(ord(last_main)), isWhiteSpace(ord(following))
    if last_space or next_space:
        return Scanned(not next_space, not last_space, pos - start)
    last_punct, next_punct = _punctuation(last_main), _punctuation(following)
    can_open, can_close = last_punct, next_punct
    if can_split_word:  # `*`; `_` keeps CommonMark's rules
        cjk_beside = bool(_cjk(following)) or _previous_is_cjk(before, selector)
        can_open = can_open or cjk_beside or not next_punct
        can_close = can_close or cjk_beside or not last_punct
    return Scanned(can_open, can_close, pos - start)


class CjkFriendlyState(StateInline):
    """markdown-it's inline state with the CJK-friendly emphasis rules."""

    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:
        return scan_delimiters(self.src, start, self.posMax, canSplitWord)
