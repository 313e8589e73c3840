"""Text as search compares it: full-width and half-width forms alike, Latin case folded.

`normalise` folds whole texts for the index; `fold` folds one character for one, so that
`highlights` can give places in the original text.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

from reader.core.sanitize import FORBIDDEN_CLASS, clean_text, is_clean


def _class(ranges: list[tuple[int, int]]) -> str:
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


@lru_cache(maxsize=1)
def _changing() -> re.Pattern[str]:
    """Runs of the characters NFKC changes by themselves (and those `clean_text` removes).

    NFKC over a whole Chinese article costs 0.8 ms; applied only to those runs (full-width
    punctuation, mostly) it gives the same text in a fraction of the time. Where characters
    compose with their neighbours (combining marks, Hangul jamo, `かﾞ`), `normalise` checks
    the result and takes the whole NFKC.
    """
    changing: list[tuple[int, int]] = []
    for code in range(0xA0, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        if unicodedata.normalize("NFKC", chr(code)) != chr(code):
            if changing and changing[-1][1] == code - 1:
                changing[-1] = (changing[-1][0], code)
            else:
                changing.append((code, code))
    # The characters `clean_text` removes go in the same pass, and become nothing.
    return re.compile(f"[{FORBIDDEN_CLASS}{_class(changing)}\U00010000-{chr(sys.maxunicode)}]+")


#: Full-width marks common in Chinese text, and what NFKC makes of each alone. Safe to
#: replace one by one: none composes with a neighbour.
_COMMON_WIDE = [(wide, unicodedata.normalize("NFKC", wide)) for wide in "，：；？！（）\u3000"]


@lru_cache(maxsize=4096)
def _nfkc_run(run: str) -> str:
    """A run's NFKC, forbidden characters dropped; cached, since most runs are one mark
    of full-width punctuation (`，`) met thousands of times."""
    return unicodedata.normalize("NFKC", clean_text(run))


def _nfkc(match: re.Match[str]) -> str:
    return _nfkc_run(match.group())


def normalise(text: str) -> str:
    """NFKC (so `ＡＢＣ１２３` is `ABC123`), then casefold, whitespace runs as one space.

    What `clean_text` removes is removed too, so raw text from an article can come here
    without its own cleaning pass.
    """
    # The marks Chinese text is full of first, a cheap pass each, so that the pass below
    # calls back for the rare rest, not for every comma.
    for wide, narrow in _COMMON_WIDE:
        text = text.replace(wide, narrow)
    # Most articles are now clean and in NFKC already: two checks in C (30 us) say so, where
    # the pass over runs costs 70 us even when it finds none.
    if not is_clean(text) or not unicodedata.is_normalized("NFKC", text):
        text = _changing().sub(_nfkc, text)
        # Each run's NFKC has the run's compatibility decomposition, so the text as a whole
        # has the original's; where it is not yet in NFKC (something composed across a run's
        # edge), NFKC of it is NFKC of the original. The check costs 8 us an article.
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return " ".join(text.casefold().split())


def highlights(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Ranges of `text` where any of `words` occurs (case and width folded)."""
    folded, origin = _fold_with_origin(text)
    ranges = []
    for word in words:
        needle = fold(word)
        if not needle:
            continue
        at = folded.find(needle)
        while at >= 0:
            end = at + len(needle)
            if origin is None:
                ranges.append((at, end))
            else:
                ranges.append((origin[at], origin[end - 1] + 1))
            at = folded.find(needle, end)
    return sorted(ranges)


class _Fold(dict):
    """A translation table, built as characters are met, that folds each character to one:
    casefolded and NFKC where that gives a single character, else left alone. Positions in
    the folded text are positions in the original. Characters whose fold is not one
    character (`ß` is `ss`) are noted in `uneven`."""

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()

    def __missing__(self, code: int) -> int:
        if 0x3400 <= code <= 0x9FFF:  # CJK ideographs fold to themselves (a test checks)
            self[code] = code
            return code
        folded = _fold_char(chr(code))
        result = ord(folded) if len(folded) == 1 else code
        if len(folded) != 1:
            self.uneven.add(chr(code))
        self[code] = result
        return result


def _fold_char(char: str) -> str:
    return normalise(char) if not char.isspace() else " "


_FOLD = _Fold()


def fold(text: str) -> str:
    """`text` folded for matching, one character for one: positions stay the same."""
    return text.translate(_FOLD)


def _fold_with_origin(text: str) -> tuple[str, list[int] | None]:
    """`text` folded as search folds it, and where each folded character came from; None
    for that when every character folds to one (the common case, done in C)."""
    folded = fold(text)
    if _FOLD.uneven.isdisjoint(text):
        return folded, None
    parts: list[str] = []
    origin: list[int] = []
    for number, char in enumerate(text):
        piece = _fold_char(char) if char in _FOLD.uneven else folded[number]
        parts.append(piece)
        origin.extend([number] * len(piece))
    return "".join(parts), origin


