"""Every real archive under ../shared loads: a title and a date for each file, no exception."""

from pathlib import Path

import pytest

from reader.core.convert.render import render_article
from reader.core.files.archive import load_archive
from reader.core.files.scan import scan_files
from reader.core.model import DateSource

CORPORA = ["tardate-blogger-jekyll", "swiftgg-hexo", "ruby-lang-news", "rust-blog-zola"]


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_loads(shared: Path, name: str) -> None:
    root = shared / "corpora" / name
    files = list(scan_files(root))
    archive = load_archive(root)
    assert len(archive.articles) + len(archive.problems) == len(files)
    for article in archive.articles.values():
        assert article.title.strip()
        assert article.date is not None and article.date.tzinfo is not None
    # Only truly broken files are problems: none of these archives has one.
    assert [p.path for p in archive.problems] == []
    modified = [a.id for a in archive.articles.values() if a.date_source is DateSource.MODIFIED]
    if name == "rust-blog-zola":
        # Section pages and a template have no date anywhere.
        assert len(modified) <= 8, modified
    else:
        assert modified == []


def test_jekyll_file_name_dates(shared: Path) -> None:
    archive = load_archive(shared / "corpora" / "ruby-lang-news")
    from_names = [a for a in archive.articles.values() if a.date_source is DateSource.FILE_NAME]
    assert len(from_names) > 500
    for article in from_names[:50]:
        name = article.id.rsplit("/", 1)[-1]
        assert article.date is not None and article.date.strftime("%Y-%m-%d") == name[:10]


def test_zola_path_dates(shared: Path) -> None:
    archive = load_archive(shared / "corpora" / "rust-blog-zola")
    dated = [a for a in archive.articles.values() if a.date_source is DateSource.PATH]
    assert len(dated) >= 700


def test_swiftgg_one_space_indented_front_matter(shared: Path) -> None:
    root = shared / "corpora" / "swiftgg-hexo"
    archive = load_archive(root)
    article = archive.articles["_posts/20181029_object-detection-with-yolo.md"]
    assert article.title and "title:" not in article.title


def test_formats_crawler_post(shared: Path) -> None:
    archive = load_archive(shared / "formats")
    post = archive.articles["crawler-post.md"]
    assert post.categories == (("新媒体", "ZAKER", "source"),)
    document = render_article(shared / "formats", post)
    assert len(document.toc) == 3


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_renders(shared: Path, name: str) -> None:
    root = shared / "corpora" / name
    archive = load_archive(root)
    for article in list(archive.articles.values())[::7]:
        document = render_article(root, article)
        assert document.blocks
