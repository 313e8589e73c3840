"""How many articles of each sidebar group are unread, and starred, kept right as marks
change: built once per grouping (off the UI thread), then changed by one article at a time
(a few dictionary updates, however large the archive)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from reader.core.grouping import Grouping, group_keys
from reader.core.model import Article


class Tally:
    """Unread and starred counts per group key, for one grouping of some articles."""

    def __init__(self, articles: Iterable[Article], grouping: Grouping, read: set[str],
                 starred: set[str]) -> None:
        self.grouping = grouping
        self.unread: Counter[str] = Counter()
        self.starred: Counter[str] = Counter()
        self.total_unread = 0
        for article in articles:
            keys = group_keys(article, grouping)
            if article.id not in read:
                self.unread.update(keys)
                self.total_unread += 1
            if article.id in starred:
                self.starred.update(keys)

    def read_changed(self, article: Article, read: bool) -> None:
        """`article` became read (or unread again)."""
        step = -1 if read else 1
        for key in group_keys(article, self.grouping):
            self.unread[key] += step
        self.total_unread += step

    def star_changed(self, article: Article, starred: bool) -> None:
        """`article` was starred (or unstarred)."""
        step = 1 if starred else -1
        for key in group_keys(article, self.grouping):
            self.starred[key] += step
