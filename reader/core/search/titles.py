"""Many short texts (titles, names) searched at once, as fast as `str.find` goes.

100,000 titles are one string with a newline after each; a word is found by `find` over it
(a millisecond), and the place tells whose title it was. Search's title matches and the
command palette both look things up this way.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate


class TitleList:
    """Folded texts, in a fixed order, that can be asked which hold every one of some words."""

    def __init__(self, texts: list[str]) -> None:
        # Folded texts hold no newline (whitespace is folded to single spaces), so a
        # newline ends each one and no match can span two.
        self.text = "".join(f"{text}\n" for text in texts)
        self.starts = list(accumulate((len(text) + 1 for text in texts), initial=0))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def matching(self, words: list[str]) -> Iterator[int]:
        """The numbers of the texts holding every word (folded as the texts are), in order."""
        if not all(words) or any("\n" in word for word in words):
            return
        first = max(words, key=len)
        others = [word for word in words if word is not first]
        text, starts = self.text, self.starts
        position = text.find(first)
        while position != -1:
            number = bisect_right(starts, position) - 1
            end = starts[number + 1] - 1
            if all(word in text[starts[number] : end] for word in others):
                yield number
            position = text.find(first, end + 1)
