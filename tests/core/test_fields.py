from datetime import UTC, datetime

from reader.core.files.fields import build_article, categories_of, scalar_text
from reader.core.model import DateSource


def article(meta: dict, body: str = "", rel: str = "posts/a.md", is_html: bool = False):
    return build_article(rel, meta, body, is_html=is_html, size=1, mtime=0.0)


def test_title_kinds() -> None:
    assert article({"title": 2024}).title == "2024"
    assert article({"title": "&#123;大括号&#125;"}).title == "{大括号}"
    assert article({"title": ["a", "b"]}).title == "a b"
    assert article({"title": ""}, "# 第一个标题\n\n正文").title == "第一个标题"
    assert article({}, "<h2>HTML <b>标题</b></h2>", is_html=True).title == "HTML 标题"
    assert article({"title": None}, "text", rel="x/文件名.md").title == "文件名"


def test_title_is_short_and_clean() -> None:
    title = article({"title": "x\x1b]52;c;ZXZpbA==\x07" + "长" * 100_000}).title
    assert len(title) <= 300
    assert "\x1b" not in title and "\x07" not in title


def test_huge_number_title_costs_nothing() -> None:
    assert scalar_text(10**5000) == ""


def test_hexo_categories_are_a_hierarchy() -> None:
    assert categories_of(["新媒体", "ZAKER", "source"]) == (("新媒体", "ZAKER", "source"),)
    assert categories_of([["a", "b"], ["c"]]) == (("a", "b"), ("c",))
    assert categories_of("iAchieved.it") == (("iAchieved.it",),)
    assert categories_of(["x", "y"], several=True) == (("x",), ("y",))


def test_tags_author_cover_link() -> None:
    item = article({
        "tags": "rust, 中文,rust",
        "authors": ["Ada", "Lin"],
        "hero_image_url": "https://example.org/h.png",
        "permalink": "https://example.org/p/",
    })
    assert item.tags == ("rust", "中文")
    assert item.author == "Ada, Lin"
    assert item.cover == "https://example.org/h.png"
    assert item.link == "https://example.org/p/"


def test_zola_taxonomies() -> None:
    item = article({"taxonomies": {"tags": ["a", "b"], "categories": ["x", "y"]}})
    assert item.tags == ("a", "b")
    assert item.categories == (("x",), ("y",))


def test_date_sources() -> None:
    assert article({"date": "2022-05-29"}).date_source is DateSource.FRONT_MATTER
    jekyll = article({}, rel="_posts/2015-08-06-title.md")
    assert jekyll.date == datetime(2015, 8, 6, tzinfo=UTC)
    assert jekyll.date_source is DateSource.FILE_NAME
    zola = article({"path": "2014/12/12/x"})
    assert zola.date == datetime(2014, 12, 12, tzinfo=UTC)
    assert zola.date_source is DateSource.PATH
    folder = article({}, rel="2021/07/14/index.md")
    assert folder.date == datetime(2021, 7, 14, tzinfo=UTC)
    fallback = article({"date": "someday"})
    assert fallback.date_source is DateSource.MODIFIED
    assert fallback.date is not None and fallback.date.tzinfo is not None
