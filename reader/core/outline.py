"""The sidebar's rows: groups that open and close, flattened into the list it draws.

Groups hold article ids, not widgets, and a group's articles become rows only while it is
open, so 100,000 articles in closed months cost a hundred rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reader.core.grouping import Group


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the sidebar: a group, or an article inside an open group."""

    depth: int
    group: Group | None = None
    article: str | None = None


def _path(groups: list[Group], found) -> list[Group]:
    """The groups from the top down to the first group `found` says yes to."""
    for group in groups:
        if found(group):
            return [group]
        below = _path(group.children, found)
        if below:
            return [group, *below]
    return []


@dataclass
class Outline:
    """Groups, which of them are open, and the rows that makes."""

    groups: list[Group] = field(default_factory=list)
    expanded: set[str] = field(default_factory=set)
    rows: list[Row] = field(default_factory=list)
    #: Which groups and articles to show (all, unless a view such as "unread only" says).
    shows_group: Callable[[Group], bool] = lambda group: True
    shows_article: Callable[[str], bool] = lambda article_id: True
    _order: list[str] | None = None  # `order()`, kept until the groups or the view change
    _positions: dict[str, int] | None = None

    def show(self, groups: list[Group], keep_open: bool) -> None:
        """Show new groups; with `keep_open`, the groups open before stay open."""
        if not keep_open:
            self.expanded.clear()
        self.groups = groups
        self._order = self._positions = None
        self.rebuild()

    def set_view(self, shows_group: Callable[[Group], bool],
                 shows_article: Callable[[str], bool]) -> None:
        """Show only the groups and articles these say yes to."""
        self.shows_group, self.shows_article = shows_group, shows_article
        self._order = self._positions = None
        self.rebuild()

    def rebuild(self) -> None:
        rows: list[Row] = []

        shows_group, shows_article = self.shows_group, self.shows_article

        def add(group: Group, depth: int) -> None:
            if not shows_group(group):
                return
            rows.append(Row(depth, group=group))
            if group.key in self.expanded:
                for child in group.children:
                    add(child, depth + 1)
                rows.extend(Row(depth + 1, article=a) for a in group.articles
                            if shows_article(a))

        for group in self.groups:
            add(group, 0)
        self.rows = rows

    def order(self) -> list[str]:
        """Every article shown, open groups or not, in the sidebar's order (what `J` and
        `space` at an article's end go through); an article in two groups, once."""
        if self._order is None:
            self._order = self._walk_order()
        return self._order

    def position(self, article_id: str | None) -> int:
        """Where `article_id` is in `order()`, or -1."""
        if self._positions is None:
            self._positions = {a: i for i, a in enumerate(self.order())}
        return self._positions.get(article_id or "", -1)

    def _walk_order(self) -> list[str]:
        seen: dict[str, None] = {}
        shows_group, shows_article = self.shows_group, self.shows_article

        def walk(group: Group) -> None:
            if not shows_group(group):
                return
            for child in group.children:
                walk(child)
            for article_id in group.articles:
                if shows_article(article_id):
                    seen.setdefault(article_id)

        for group in self.groups:
            walk(group)
        return list(seen)

    def articles_under(self, key: str) -> list[str]:
        """The articles of the group `key` and of every group inside it."""
        path = _path(self.groups, lambda group: group.key == key)
        if not path:
            return []
        found: dict[str, None] = {}
        for group in path[-1].walk():
            found.update(dict.fromkeys(group.articles))
        return list(found)

    def toggle(self, key: str) -> None:
        """Open the group `key` if it is closed, close it if open."""
        if key in self.expanded:
            self.expanded.discard(key)
        else:
            self.expanded.add(key)
        self.rebuild()

    def open_group(self, key: str) -> int | None:
        """Open the group `key` and every group above it; its row, or None."""
        path = _path(self.groups, lambda group: group.key == key)
        self.expanded.update(group.key for group in path)
        self.rebuild()
        return next((i for i, row in enumerate(self.rows)
                     if row.group is not None and row.group.key == key), None)

    def reveal(self, article_id: str) -> int | None:
        """Open the groups that hold `article_id` (the first such); its row, or None."""
        path = _path(self.groups, lambda group: article_id in group.articles)
        if not path:
            return None
        self.expanded.update(group.key for group in path)
        self.rebuild()
        return next((i for i, row in enumerate(self.rows) if row.article == article_id), None)

    def groups_holding(self, article_id: str) -> set[str]:
        """The keys of the groups on the way to `article_id` (its month and day, say)."""
        return {group.key for group in _path(self.groups,
                                             lambda group: article_id in group.articles)}

    def index_of(self, row: Row, fallback: int) -> int:
        """Where `row` (from before a change) is now: the same article at the same depth,
        or the same group; else `fallback`, kept inside the rows."""
        for index, candidate in enumerate(self.rows):
            if row.article is not None and candidate.article == row.article and (
                candidate.depth == row.depth
            ):
                return index
            if row.group is not None and candidate.group is not None and (
                candidate.group.key == row.group.key
            ):
                return index
        if row.article is not None:  # the article moved a level (its month split into days)
            for index, candidate in enumerate(self.rows):
                if candidate.article == row.article:
                    return index
        return min(fallback, max(len(self.rows) - 1, 0))

    def heading_above(self, index: int) -> int | None:
        """The nearest group row above row `index`."""
        return next((i for i in range(index - 1, -1, -1) if self.rows[i].group is not None),
                    None)

    def parent_row(self, index: int) -> int | None:
        """The row of the group that row `index` lies in."""
        depth = self.rows[index].depth
        return next((i for i in range(index - 1, -1, -1)
                     if self.rows[i].group is not None and self.rows[i].depth < depth), None)
