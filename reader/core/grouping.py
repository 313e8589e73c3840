"""The sidebar's groupings: by month, by category tree, by tag.

Groups hold article ids, not widgets; the sidebar draws only the rows on screen, so an
archive of 100,000 articles costs one sort, not 100,000 widgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from reader.core.files.dates import shown_moment
from reader.core.model import Article


class Grouping(str, Enum):
    DATE = "date"
    CATEGORY = "category"
    TAG = "tag"


@dataclass
class Group:
    """A node of the sidebar: a month, a category or a tag.

    `articles` are the ids filed directly here, newest first; `count` is the number of
    distinct articles here and in all children.
    """

    key: str
    label: str
    children: list[Group] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    count: int = 0

    def walk(self) -> Iterable[Group]:
        yield self
        for child in self.children:
            yield from child.walk()


UNDATED = "no date"
#: The group of pages that are not posts (about, links, a README), after the months.
PAGES = "pages"
UNCATEGORISED = "(no category)"
UNTAGGED = "(no tag)"


#: A month with more articles than this is split into days (a crawler's month holds
#: thousands; a blog's, a few).
DAYS_FROM = 30


def _month_and_day(article: Article) -> tuple[str, str] | None:
    """The article's month (`2022-05`) and day (`2022-05-03`) where the sidebar files it:
    the day it is shown on (`shown_moment`). A page is filed under no day."""
    if article.date is None or article.page:
        return None
    moment = shown_moment(article.date)
    return moment.strftime("%Y-%m"), moment.strftime("%Y-%m-%d")


def by_date(articles: list[Article]) -> list[Group]:
    """Months, newest first, each holding its articles newest first (or, in a month of
    more than `DAYS_FROM`, its days, each holding its articles); undated articles, then
    pages that are not posts, last."""
    months: dict[str, Group] = {}
    days: dict[str, Group] = {}
    for article in articles:  # already newest first
        when = _month_and_day(article)
        if article.page:
            key, label = PAGES, "Pages"
        elif when is None:
            key, label = UNDATED, "No date"
        else:
            key = when[0]
            label = shown_moment(article.date).strftime("%Y-%m  %B")  # type: ignore[arg-type]
        group = months.get(key)
        if group is None:
            group = months[key] = Group(f"date:{key}", label)
        group.articles.append(article.id)
        if when is not None:
            day = days.get(when[1])
            if day is None:
                day = days[when[1]] = Group(
                    f"date:{when[1]}",
                    shown_moment(article.date).strftime("%d %a"))  # type: ignore[arg-type]
                group.children.append(day)
            day.articles.append(article.id)
    dated = sorted((g for k, g in months.items() if k not in (UNDATED, PAGES)),
                   key=lambda g: g.key, reverse=True)
    result = dated + [months[key] for key in (UNDATED, PAGES) if key in months]
    for group in result:
        group.count = len(group.articles)
        if group.count > DAYS_FROM and group.children:  # "No date" and "Pages" have no days
            group.articles = []
            for day in group.children:
                day.count = len(day.articles)
        else:
            group.children = []
    return result


def group_keys(article: Article, grouping: Grouping) -> list[str]:
    """The keys of every group that holds `article` in `grouping`, top levels included:
    what a change to the article changes the counts of. (Day keys are given whether or
    not its month is split into days.)"""
    if grouping is Grouping.DATE:
        when = _month_and_day(article)
        if when is None:
            return [f"date:{PAGES if article.page else UNDATED}"]
        return [f"date:{when[0]}", f"date:{when[1]}"]
    if grouping is Grouping.CATEGORY:
        if not article.categories:
            return [f"category:{UNCATEGORISED}"]
        return list(dict.fromkeys("category:" + "\x1f".join(path[:depth])
                                  for path in article.categories
                                  for depth in range(1, len(path) + 1)))
    if not article.tags:
        return [f"tag:{UNTAGGED}"]
    return list(dict.fromkeys(f"tag:{tag.casefold()}" for tag in article.tags))


def by_date_first_page(newest: list[Article],
                       month_counts: list[tuple[str | None, int]]) -> list[Group]:
    """Month groups from the index's counts, holding only the newest articles so far.

    Shown while the rest loads: a month's articles are filled in only when all of them are
    among `newest`, so no month ever shows a partial list.
    """
    loaded = {group.key: group for group in by_date(newest)}
    groups = []
    for month, count in month_counts:
        key = f"date:{month or UNDATED}"
        group = loaded.get(key)
        if group is not None and len(group.articles) == count:
            groups.append(group)
            continue
        label = ("No date" if month is None else "Pages" if month == PAGES
                 else _month_label(month))
        groups.append(Group(key, label, count=count))
    return groups


def _month_label(month: str) -> str:
    from datetime import datetime

    return datetime.strptime(month, "%Y-%m").strftime("%Y-%m  %B")


def by_category(articles: list[Article]) -> list[Group]:
    """The category hierarchy as a tree with counts; uncategorised articles last."""
    root = Group("category:", "")
    index: dict[tuple[str, ...], Group] = {(): root}
    members: dict[tuple[str, ...], set[str]] = {}
    loose: list[str] = []
    for article in articles:
        if not article.categories:
            loose.append(article.id)
            continue
        for path in article.categories:
            for depth in range(1, len(path) + 1):
                prefix = path[:depth]
                if prefix not in index:
                    node = Group("category:" + "\x1f".join(prefix), prefix[-1])
                    index[prefix] = node
                    index[prefix[:-1]].children.append(node)
                members.setdefault(prefix, set()).add(article.id)
            leaf = index[path]
            if not leaf.articles or leaf.articles[-1] != article.id:
                leaf.articles.append(article.id)
    for path, node in index.items():
        if path:
            node.count = len(members[path])
            node.children.sort(key=_by_name)
    root.children.sort(key=_by_name)
    groups = root.children
    if loose:
        groups.append(Group(f"category:{UNCATEGORISED}", UNCATEGORISED, articles=loose,
                            count=len(loose)))
    return groups


def _by_name(group: Group) -> tuple[str, str]:
    """Categories in the order of their names, case ignored (`36kr, cnBeta, ZAKER`)."""
    return (group.label.casefold(), group.label)


def by_tag(articles: list[Article]) -> list[Group]:
    """One group per tag, most used first; untagged articles last."""
    tags: dict[str, Group] = {}
    loose: list[str] = []
    for article in articles:
        if not article.tags:
            loose.append(article.id)
        for tag in dict.fromkeys(t.casefold() for t in article.tags):
            group = tags.get(tag)
            if group is None:
                label = next(t for t in article.tags if t.casefold() == tag)
                group = tags[tag] = Group(f"tag:{tag}", label)
            group.articles.append(article.id)
    groups = sorted(tags.values(), key=lambda g: (-len(g.articles), g.label.casefold()))
    if loose:
        groups.append(Group(f"tag:{UNTAGGED}", UNTAGGED, articles=loose))
    for group in groups:
        group.count = len(group.articles)
    return groups


def group_articles(articles: list[Article], grouping: Grouping) -> list[Group]:
    """Group `articles` (newest first) the way the sidebar shows them."""
    if grouping is Grouping.CATEGORY:
        return by_category(articles)
    if grouping is Grouping.TAG:
        return by_tag(articles)
    return by_date(articles)
