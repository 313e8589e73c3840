from datetime import UTC, datetime

from reader.core.grouping import Grouping, by_category, by_date, by_tag, group_articles
from reader.core.model import Article, DateSource


def make(id_: str, day: int | None, categories=(), tags=()) -> Article:
    if day is None:
        date = None
    else:
        date = datetime(2022, 5 if day < 40 else 4, day % 28 + 1, tzinfo=UTC)
    return Article(id_, id_, date, DateSource.FRONT_MATTER, tuple(categories), tuple(tags))


ARTICLES = [
    make("a", 20, [("新媒体", "ZAKER", "source")], ["x"]),
    make("b", 10, [("新媒体", "ZAKER", "other"), ("科技",)], ["x", "y"]),
    make("c", 45, [("科技",)]),
    make("d", None),
]


def test_by_date_newest_month_first_undated_last() -> None:
    groups = by_date(ARTICLES)
    assert [g.key for g in groups] == ["date:2022-05", "date:2022-04", "date:no date"]
    assert groups[0].articles == ["a", "b"] and groups[0].count == 2


def test_by_category_tree_with_counts() -> None:
    groups = by_category(ARTICLES)
    labels = [(g.label, g.count) for g in groups]
    assert labels == [("新媒体", 2), ("科技", 2), ("(no category)", 1)]
    zaker = groups[0].children[0]
    assert zaker.label == "ZAKER" and zaker.count == 2
    assert sorted(child.label for child in zaker.children) == ["other", "source"]


def test_by_tag() -> None:
    groups = by_tag(ARTICLES)
    assert [(g.label, g.count) for g in groups] == [("x", 2), ("y", 1), ("(no tag)", 2)]


def test_group_articles_dispatch() -> None:
    assert group_articles(ARTICLES, Grouping.TAG)[0].label == "x"


def test_categories_sort_by_name_whatever_the_case() -> None:
    articles = [make(f"{n}", n, [(name,)]) for n, name in enumerate(
        ["ZAKER", "cnBeta", "36kr", "ZAKER", "Apple", "apple"])]
    assert [g.label for g in by_category(articles)] == ["36kr", "Apple", "apple", "cnBeta",
                                                         "ZAKER"]


def test_many_undated_articles_stay_listed() -> None:
    """A group without days (no date) keeps its articles however many there are."""
    undated = [make(f"u{n}", None) for n in range(40)]
    groups = by_date(undated)
    assert groups[0].count == 40 and len(groups[0].articles) == 40
