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
                 starred: set[str], keys: dict[str, list[str]] | None = None) -> None:
        self.grouping = grouping
        # Each article's groups, worked out once: counting again after a bulk change
        # (`A`, another process's marks) is then only the counting.
        self.keys = keys if keys is not None else {
            article.id: group_keys(article, grouping) for article in articles}
        self.unread: Counter[str] = Counter()
        self.starred: Counter[str] = Counter()
        self.total_unread = 0
        unread, stars = self.unread, self.starred
        for article_id, groups in self.keys.items():
            if article_id not in read:
                unread.update(groups)
                self.total_unread += 1
            if article_id in starred:
                stars.update(groups)

    def recounted(self, read: set[str], starred: set[str]) -> Tally:
        """The same articles and groups, counted again for other marks."""
        return Tally((), self.grouping, read, starred, self.keys)

    def read_changed(self, article: Article, read: bool) -> None:
        """`article` became read (or unread again)."""
        step = -1 if read else 1
        for key in self.keys.get(article.id) or group_keys(article, self.grouping):
            self.unread[key] += step
        self.total_unread += step

    def star_changed(self, article: Article, starred: bool) -> None:
        """`article` was starred (or unstarred)."""
        step = 1 if starred else -1
        for key in self.keys.get(article.id) or group_keys(article, self.grouping):
            self.starred[key] += step
