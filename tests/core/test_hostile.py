"""The hostile archive (tests/hostile.py) loaded by the core: nothing crashes, hangs or leaks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.core.convert.render import render_article
from reader.core.convert.targets import image_targets, link_targets
from reader.core.files.archive import load_archive
from reader.core.files.scan import scan_files
from reader.core.index.store import ArchiveIndex
from reader.core.layout.lines import layout
from reader.core.sanitize import is_clean
from reader.core.search.query import parse_query
from tests import hostile
from tests.conftest import checksums


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile.write(tmp_path_factory.mktemp("hostile") / "archive")


def assert_clean(text: str) -> None:
    assert is_clean(text), repr(text[:200])


def test_every_file_is_an_article_or_a_problem(archive: Path) -> None:
    files = list(scan_files(archive))
    loaded = load_archive(archive)
    assert len(loaded.articles) + len(loaded.problems) >= len(files)
    assert len(files) >= 60
    for problem in loaded.problems:
        assert_clean(problem.path)
        assert_clean(problem.reason)
        assert "\n" not in problem.reason and len(problem.reason) <= 300


def test_every_article_renders_clean_and_bounded(archive: Path) -> None:
    before = checksums(archive)
    loaded = load_archive(archive)
    for article in loaded.articles.values():
        for text in (article.title, article.author, article.cover, article.link, *article.tags,
                     *(part for path in article.categories for part in path)):
            assert_clean(text)
        assert 0 < len(article.title) <= 300
        started = time.monotonic()
        document = render_article(archive, article)
        lines = layout(document, 60)
        assert time.monotonic() - started < 15, article.id
        for line in lines[:20000]:
            assert_clean(line.lead + line.text)
        for target in image_targets(document, article) + link_targets(document):
            assert_clean(target.url + target.label + target.fallback)
            if target.openable:
                assert target.url.startswith(("http://", "https://"))
    assert checksums(archive) == before


def test_markup_titles_come_through_literally(archive: Path) -> None:
    loaded = load_archive(archive)
    titles = {a.title for a in loaded.articles.values()}
    for title in hostile.MARKUP_TITLES:
        assert title in titles


def test_disguised_links_show_their_real_target(archive: Path) -> None:
    loaded = load_archive(archive)
    article = loaded.articles["links/disguised.html"]
    links = link_targets(render_article(archive, article))
    first = links[0]
    assert first.label == "https://bank.example/" and first.url == "https://evil.example/login"
    refused = {t.label: t.refused for t in links if not t.openable}
    assert set(refused) >= {"点我", "编码", "文件", "数据", "参数", "换行"}
    # A space in a link is percent-encoded, as a browser does: then it is a plain address.
    spaced = next(t for t in links if t.label == "空格")
    assert spaced.url == "https://x.example/a%20b" and spaced.openable


def test_index_and_search_survive(archive: Path, tmp_path: Path) -> None:
    index = ArchiveIndex(archive, tmp_path / "index.sqlite3")
    index.refresh()
    assert index.count() >= 40
    for query in ("pwned", "[bold]", "\x1b", "深", "-x", "title"):
        for hit in index.search(parse_query(query), 100):
            assert_clean(hit.article.title)
            assert_clean(hit.snippet)
