"""Images and links that live in the archive: found on disk, never outside it."""

from __future__ import annotations

import os
from pathlib import Path

from reader.core.convert.render import render_article
from reader.core.convert.targets import image_targets, link_targets
from reader.core.files.archive import load_archive
from reader.core.files.local import Permalinks, linked_article, local_file
from tests.conftest import checksums, write_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_pictures_beside_a_post_under_the_site_root_and_in_asset_folders(
        tmp_path: Path) -> None:
    root = write_files(tmp_path / "site", {
        "blog/_posts/2020-01-01-a.md": "a",
        "blog/_posts/media/beside.png": PNG,
        "blog/images/root.png": PNG,
        "hugo/static/img/static.png": PNG,
        "hugo/content/posts/b.md": "b",
        "hexo/source/_posts/c.md": "c",
        "hexo/source/_posts/c/asset.png": PNG,
        "hexo/source/images/source.png": PNG,
        "名字/图片 一.png": PNG,
        "名字/文章.md": "d",
    })
    post = "blog/_posts/2020-01-01-a.md"
    assert local_file(root, post, "media/beside.png") == root / "blog/_posts/media/beside.png"
    assert local_file(root, post, "./media/beside.png?v=2#x") is not None
    assert local_file(root, post, "/images/root.png") == root / "blog/images/root.png"
    assert local_file(root, "hugo/content/posts/b.md", "/img/static.png") == (
        root / "hugo/static/img/static.png")
    assert local_file(root, "hexo/source/_posts/c.md", "asset.png") == (
        root / "hexo/source/_posts/c/asset.png")
    assert local_file(root, "hexo/source/_posts/c.md", "/images/source.png") == (
        root / "hexo/source/images/source.png")
    assert local_file(root, "名字/文章.md", "图片%20一.png") == root / "名字/图片 一.png"
    for address in ("https://example.com/images/root.png", "//cdn.example/x.png",
                    "data:image/png;base64,AAAA", "#top", "", "missing.png"):
        assert local_file(root, post, address) is None, address


def test_nothing_outside_the_archive_is_ever_named(tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    root = write_files(tmp_path / "site", {"posts/a.md": "a"})
    os.symlink(outside, root / "posts" / "link.png")
    for address in ("../../secret.png", "/../secret.png", "link.png", "/posts/link.png",
                    "..%2F..%2Fsecret.png"):
        assert local_file(root, "posts/a.md", address) is None, address


def test_links_to_other_articles_by_path_and_by_permalink(tmp_path: Path) -> None:
    root = write_files(tmp_path / "site", {
        "_posts/2016-04-18-sqlite-search.md": "---\ntitle: S\n---\nx",
        "_posts/2017-05-02-sqlite-search.md": "---\ntitle: S2\n---\nx",
        "_posts/2018-02-14-colors.md": "---\ntitle: C\npermalink: /about-colors/\n---\nx",
        "content/cn/2017-01-20-lucky.md": "+++\ntitle = \"L\"\ndate = 2017-01-20\n+++\nx",
        "content/notes/guide/index.md": "---\ntitle: G\ndate: 2020-02-02\n---\nx",
        "_posts/2019-01-01-here.md": "---\ntitle: H\n---\nx",
    })
    archive = load_archive(root)
    here = archive.articles["_posts/2019-01-01-here.md"]
    table = Permalinks.of(archive.articles.values())

    def follow(address: str) -> str | None:
        return linked_article(root, here, address, archive.articles, table)

    assert follow("2018-02-14-colors.md") == "_posts/2018-02-14-colors.md"
    assert follow("../content/cn/2017-01-20-lucky.md") == "content/cn/2017-01-20-lucky.md"
    assert follow("/2016/04/18/sqlite-search/") == "_posts/2016-04-18-sqlite-search.md"
    assert follow("/2017/05/02/sqlite-search.html") == "_posts/2017-05-02-sqlite-search.md"
    assert follow("/sqlite-search/") is None  # two posts have that slug: no guess
    assert follow("/about-colors/") == "_posts/2018-02-14-colors.md"
    assert follow("/cn/2017/01/lucky/") == "content/cn/2017-01-20-lucky.md"
    assert follow("/notes/guide/") == "content/notes/guide/index.md"
    assert follow("2016-04-18-sqlite-search") == "_posts/2016-04-18-sqlite-search.md"
    assert follow("https://example.com/2016/04/18/sqlite-search/") is None


def test_the_sample_post_finds_its_picture_and_its_sibling_posts(sample: Path) -> None:
    before = checksums(sample)
    archive = load_archive(sample)
    article = archive.articles["blog/_posts/2019-03-11-chinese-typesetting-notes.md"]
    document = render_article(sample, article)
    (image,) = image_targets(document, article, sample)
    assert image.openable and image.path == str(sample / "blog/images/kinsoku.png")
    links = link_targets(document, article, sample, archive.articles,
                         Permalinks.of(archive.articles.values()))
    assert [target.article for target in links if target.article] == [
        "blog/_posts/2019-03-02-unicode-width.markdown",
        "blog/_posts/2018-02-14-terminal-colors.html",
        "blog/_posts/2016-04-18-sqlite-full-text-search.md",
    ]
    assert all(target.openable for target in links)
    # Without the archive, they are what they were: relative addresses, not opened.
    assert not image_targets(document, article)[0].openable
    assert checksums(sample) == before


def test_only_pictures_of_the_archive_are_opened(tmp_path: Path) -> None:
    """A link to the archive's own `.desktop`, `.sh`, `.html` or `.svg` is listed but never
    handed to an opener or a browser: opened, it would run."""
    from reader.core.convert.markdown import build_document
    from reader.core.convert.targets import image_targets, link_targets
    from reader.core.model import Article, DateSource
    from reader.system.opener import open_file

    root = write_files(tmp_path / "a", {
        "posts/a.md": "x", "posts/run.sh": "echo", "posts/page.html": "<script>",
        "posts/app.desktop": "[Desktop Entry]", "posts/pic.svg": "<svg/>",
        "posts/pic.png": "png"})
    article = Article("posts/a.md", "a", None, DateSource.MODIFIED)
    document = build_document("[1](run.sh) [2](page.html) [3](app.desktop) ![s](pic.svg) "
                              "![p](pic.png)", is_html=False)
    links = link_targets(document, article, root, {}, None)
    assert [t.path.rsplit("/", 1)[-1] for t in links] == ["run.sh", "page.html", "app.desktop"]
    assert all(not t.openable and "only pictures" in (t.refused or "") for t in links)
    images = {t.path.rsplit("/", 1)[-1]: t for t in image_targets(document, article, root)}
    assert not images["pic.svg"].openable and images["pic.png"].openable
    started: list = []
    outcome = open_file(str(root / "posts/run.sh"), {"READER_OPENER": "x"},
                        popen=lambda *a, **k: started.append(a))
    assert not outcome.ok and not started
