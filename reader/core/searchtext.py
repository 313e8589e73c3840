"""Text as search compares it: full-width and half-width forms alike, Latin case folded."""

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
