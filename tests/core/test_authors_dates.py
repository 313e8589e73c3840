"""Dates as their authors wrote them, on machines in other zones; and the rest of the header:
summary, draft, pages apart, every level of a category."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reader.cache import open_index
from reader.cli.main import main
from reader.core.convert.render import format_date, render_article
from reader.core.files.archive import load_archive
from reader.core.files.dates import parse_date, set_display_zone, shown_moment
from reader.core.files.fields import build_article, categories_of
from reader.core.grouping import by_date, by_date_first_page
from reader.core.layout.lines import layout, plain_text
from reader.core.search.query import parse_query
from reader.settings import Settings
from tests.conftest import write_files

ZONES = ["UTC", "America/Los_Angeles", "Asia/Tokyo"]


@pytest.fixture(params=ZONES)
def machine_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
                 ) -> Iterator[str]:
    """The test runs on a machine in this zone."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def article_dated(value: str, **meta: object):
    return build_article("post.md", {"title": "t", "date": value, **meta}, "",
                         is_html=False, size=1, mtime=0)


def test_a_date_with_an_offset_is_its_authors_day_everywhere(machine_zone: str) -> None:
    article = article_dated("2019-03-11 00:41 +0800")
    assert format_date(article) == "2019-03-11 00:41"
    assert [group.key for group in by_date([article])] == ["date:2019-03"]
    article = article_dated("2019-03-31 23:50:00 -0700")
    assert format_date(article) == "2019-03-31 23:50"
    assert [group.key for group in by_date([article])] == ["date:2019-03"]


def test_a_bare_utc_timestamp_is_shown_in_the_local_zone(machine_zone: str) -> None:
    article = article_dated("Sun, 31 Mar 2019 20:00:00 GMT")
    expected = datetime(2019, 3, 31, 20, tzinfo=UTC).astimezone(ZoneInfo(machine_zone))
    assert format_date(article) == expected.strftime("%Y-%m-%d %H:%M")
    assert by_date([article])[0].key == expected.strftime("date:%Y-%m")


def test_the_timezone_setting_overrides_the_machine_zone(tmp_path: Path,
                                                         machine_zone: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[reader]\ntimezone = "Asia/Shanghai"\n', encoding="utf-8")
    settings = Settings.load(config)
    assert settings.timezone == "Asia/Shanghai"
    try:
        settings.apply()
        # A crawler's GMT stamp of 20:00 is the next morning in Shanghai.
        assert format_date(article_dated("Sun, 31 Mar 2019 20:00:00 GMT")) == "2019-04-01 04:00"
        # An author's own offset still wins.
        assert format_date(article_dated("2019-03-11 00:41 -0500")) == "2019-03-11 00:41"
    finally:
        set_display_zone(None)
    assert Settings.load(tmp_path / "none.toml").zone() is None
    config.write_text('[reader]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    assert Settings.load(config).zone() is None  # unknown: the machine's zone


def test_the_index_groups_by_the_shown_month_and_json_keeps_the_instant(
        tmp_path: Path, machine_zone: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_files(tmp_path / "blog", {
        "_posts/a.md": "---\ntitle: 月初\ndate: 2019-04-01 00:41 +0800\n---\n正文",
        "_posts/b.md": "---\ntitle: 月末\ndate: 2019-03-31 23:00:00 -0700\n---\n正文",
        "_posts/c.md": "---\ntitle: feed\ndate: Sun, 10 Mar 2019 12:00:00 GMT\n---\n正文",
    })
    index = open_index(root)
    try:
        index.refresh(parallel=False)
        articles = index.articles()
        counts = index.month_counts()
        assert counts == [("2019-04", 1), ("2019-03", 2)]
        assert [(g.key, g.count) for g in by_date_first_page(articles[:1], counts)] == [
            ("date:2019-04", 1), ("date:2019-03", 2)]
    finally:
        index.close()
    assert main(["list", str(root), "--json"]) == 0
    rows = {row["title"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["月初"]["date"] == "2019-04-01T00:41:00+08:00"
    assert rows["月末"]["date"] == "2019-03-31T23:00:00-07:00"
    assert parse_date(rows["feed"]["date"]) == datetime(2019, 3, 10, 12, tzinfo=UTC)


def test_shown_moment_keeps_the_instant(machine_zone: str) -> None:
    for value in ("2019-03-11 00:41 +0800", "2019-03-11T00:41:00Z", "2019-03-11"):
        moment = parse_date(value)
        assert moment is not None and shown_moment(moment) == moment


# -- categories ----------------------------------------------------------------------------

def test_categories_keep_every_level_repeated_names_included() -> None:
    assert categories_of(["财经", "界面新闻", "财经"]) == (("财经", "界面新闻", "财经"),)
    assert categories_of([["科技", "36氪", "科技"], ["财经"]]) == (
        ("科技", "36氪", "科技"), ("财经",))
    # Several one-level categories are still told apart once each.
    assert categories_of(["a", "a", "b"], several=True) == (("a",), ("b",))


# -- summary, drafts, pages ----------------------------------------------------------------

def test_summary_is_shown_under_the_title_and_searched(tmp_path: Path) -> None:
    root = write_files(tmp_path / "blog", {
        "_posts/2020-01-01-a.md": "---\ntitle: 标题\nsubtitle: 副标题\n"
                                  "description: 这是一篇关于鲸鱼迁徙的摘要\n---\n正文没有那个词。",
        "_posts/2020-01-02-b.md": "---\ntitle: B\nsummary: A **bold** summary of quokkas.\n"
                                  "---\nBody.",
        # Blogger's excerpt: the first paragraph again (cut with ...), shown once.
        "_posts/2020-01-03-c.md": "---\ntitle: C\nsummary: The first paragraph of this post, "
                                  "and ...\n---\nThe first paragraph of this post, and more "
                                  "of it.\n\nThe second.",
    })
    archive = load_archive(root)
    article = archive.articles["_posts/2020-01-01-a.md"]
    assert article.summary == "副标题 — 这是一篇关于鲸鱼迁徙的摘要"
    lines = [line for line in plain_text(layout(render_article(root, article), 80)).split("\n")
             if line]
    assert lines[:2] == ["标题", "副标题 — 这是一篇关于鲸鱼迁徙的摘要"]
    other = render_article(root, archive.articles["_posts/2020-01-02-b.md"])
    assert [(span.text, span.style) for span in other.blocks[1].spans] == [
        ("A ", "summary"), ("bold", "summary bold"), (" summary of quokkas.", "summary")]
    third = plain_text(layout(render_article(root, archive.articles["_posts/2020-01-03-c.md"]),
                              80))
    assert third.count("The first paragraph of this post") == 1
    index = open_index(root)
    try:
        index.refresh(parallel=False)
        assert [h.article.id for h in index.search(parse_query("鲸鱼迁徙"))] == [
            "_posts/2020-01-01-a.md"]
        assert [h.article.id for h in index.search(parse_query("quokkas"))] == [
            "_posts/2020-01-02-b.md"]
    finally:
        index.close()


def test_drafts_are_marked(tmp_path: Path) -> None:
    root = write_files(tmp_path / "blog", {
        "content/a.md": "+++\ntitle = \"A\"\ndraft = true\n+++\nBody.",
        "_posts/2020-01-01-b.md": "---\ntitle: B\npublished: false\n---\nBody.",
        "source/_drafts/c.md": "---\ntitle: C\n---\nBody.",
        "_posts/2020-01-01-d.md": "---\ntitle: D\n---\nBody.",
    })
    archive = load_archive(root)
    drafts = {a.title for a in archive.articles.values() if a.draft}
    assert drafts == {"A", "B", "C"}
    header = plain_text(layout(render_article(root, archive.articles["content/a.md"]), 80))
    assert "· draft" in [line for line in header.split("\n") if line][1]


def test_pages_are_listed_apart_from_the_posts(tmp_path: Path) -> None:
    root = write_files(tmp_path / "blog", {
        "README.md": "# About this blog\n\nIt is mine.",
        "about.md": "---\ntitle: About me\nlayout: page\n---\nHello.",
        "_posts/2020-01-01-old.md": "---\ntitle: Old post\n---\nBody.",
        "_posts/2021-05-01-new.md": "---\ntitle: New post\n---\nBody.",
        "docs/readme.md": "---\ntitle: Not at the root\ndate: 2019-01-01\n---\nA post.",
        # A page a site template fills (Zola): no date, no text, or a `template`.
        "content/releases/latest.md": '+++\ntemplate = "latest.html"\n+++\n',
        "content/links.md": '+++\ntitle = "Links"\ntemplate = "links.html"\n+++\nSee.',
        "content/2020-02-02-dated.md": '+++\ntemplate = "post.html"\n+++\nA post.',
        "content/undated.md": '+++\ntitle = "Undated"\n+++\nA post without a date.',
    })
    os.utime(root / "content/undated.md", (946_684_800, 946_684_800))  # dated by its time: 2000
    archive = load_archive(root)
    pages = {a.id for a in archive.articles.values() if a.page}
    assert pages == {"README.md", "about.md", "content/releases/latest.md",
                     "content/links.md"}
    assert [a.title for a in archive.newest_first()][:5] == [
        "New post", "2020-02-02-dated", "Old post", "Not at the root", "Undated"]
    groups = by_date(archive.newest_first())
    assert groups[-1].label == "Pages" and set(groups[-1].articles) == pages
    index = open_index(root)
    try:
        index.refresh(parallel=False)
        assert index.articles()[0].title == "New post"
        counts = index.month_counts()
        assert counts[-1] == ("pages", 4)
        assert [(g.key, g.count) for g in by_date(index.articles())] == [
            (f"date:{month}" if month != "pages" else "date:pages", count)
            for month, count in counts]
    finally:
        index.close()
