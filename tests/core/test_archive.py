import os
from pathlib import Path

import pytest

from reader.core.files.archive import load_archive
from reader.core.files.scan import scan_files
from reader.core.model import Article, DateSource
from tests.conftest import write_files


def test_sample_archive_loads(sample: Path) -> None:
    archive = load_archive(sample)
    assert len(archive.articles) >= 30
    problems = {p.path: p.reason for p in archive.problems}
    assert set(problems) == {"misc/broken-yaml.md", "misc/empty.md", "misc/not-utf8.md"}
    assert "bad YAML" in problems["misc/broken-yaml.md"]
    assert not any("SHOULD NOT APPEAR" in a.title for a in archive.articles.values())
    gbk = archive.articles["misc/gbk-encoded.md"]
    assert gbk.encoding == "gb18030" and "GBK" in gbk.title
    for article in archive.articles.values():
        assert article.title and article.date is not None and article.date.tzinfo is not None


def test_crawler_post_fields(sample: Path) -> None:
    archive = load_archive(sample)
    post = next(a for a in archive.articles.values() if a.title == "2024")
    assert post.categories == (("新媒体", "ZAKER", "source"),)
    assert post.is_html
    assert post.author == "ZAKER"
    assert post.cover.startswith("https://")


def test_skips_hidden_and_node_modules_and_other_suffixes(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "a.md": "---\ntitle: a\n---\n",
        "b.HTML": "<p>b</p>",
        "c.mdown": "# c",
        ".git/x.md": "# hidden",
        "sub/.obsidian/y.md": "# hidden",
        "node_modules/z.md": "# hidden",
        ".dotfile.md": "# hidden",
        "notes.txt": "not an article",
        "image.png": b"\x89PNG",
        "content/_index.md": "+++\ntitle = \"Blog\"\nsort_by = \"date\"\n+++\n",
        "content/news/_index.md": "---\ntitle: News\n---\n",
        "content/news/_index.zh.md": "---\ntitle: 新闻\n---\n",
        "content/news/index.md": "---\ntitle: a post in a page bundle\n---\n正文",
    })
    assert sorted(f.id for f in scan_files(tmp_path)) == [
        "a.md", "b.HTML", "c.mdown", "content/news/index.md"]


def test_symlink_loop_ends(tmp_path: Path) -> None:
    write_files(tmp_path, {"real/a.md": "# a"})
    os.symlink(tmp_path / "real", tmp_path / "real" / "loop")
    os.symlink(tmp_path, tmp_path / "real" / "up")
    ids = [f.id for f in scan_files(tmp_path)]
    assert ids == ["real/a.md"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    write_files(tmp_path, {"ok.md": "# ok", "secret.md": "# secret"})
    (tmp_path / "secret.md").chmod(0)
    archive = load_archive(tmp_path)
    assert [p.path for p in archive.problems] == ["secret.md"]


def test_bad_files_never_stop_the_rest(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "1.md": b"\x00\x01\x02binary",
        "2.md": b"",
        "3.md": "---\ntitle: [\n---\n",
        "4.md": "---\n- a list\n---\n",
        "5.md": "---\ntitle: fine\n---\nbody",
        "6.md": "---\ntitle: 12" + "3" * 5000 + "\n---\n",
    })
    archive = load_archive(tmp_path)
    assert list(archive.articles) == ["5.md"]
    assert [p.path for p in archive.problems] == ["1.md", "2.md", "3.md", "4.md", "6.md"]
    assert all(p.reason and "\n" not in p.reason for p in archive.problems)


def test_big5_and_gb18030(tmp_path: Path) -> None:
    body = "---\ntitle: 舊文章標題\n---\n這是一篇用繁體中文寫的文章，存成大五碼。"
    write_files(tmp_path, {"big5.md": body.encode("big5"), "gbk.md": body.encode("gb18030")})
    archive = load_archive(tmp_path)
    assert archive.articles["big5.md"].title == "舊文章標題"
    assert archive.articles["big5.md"].encoding == "big5"
    assert archive.articles["gbk.md"].title == "舊文章標題"


def test_modification_time_is_marked(tmp_path: Path) -> None:
    write_files(tmp_path, {"undated.md": "# Undated"})
    os.utime(tmp_path / "undated.md", (1_600_000_000, 1_600_000_000))
    article = load_archive(tmp_path).articles["undated.md"]
    assert isinstance(article, Article)
    assert article.date_source is DateSource.MODIFIED
    assert article.date is not None and article.date.timestamp() == 1_600_000_000


def test_newest_first_is_stable(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "b.md": "---\ndate: 2020-01-01\n---\n",
        "a.md": "---\ndate: 2020-01-01\n---\n",
        "c.md": "---\ndate: 2021-01-01\n---\n",
    })
    assert [a.id for a in load_archive(tmp_path).newest_first()] == ["c.md", "a.md", "b.md"]


def test_file_vanishing_mid_scan_is_a_problem(tmp_path: Path) -> None:
    from reader.core.files.source import load_file

    write_files(tmp_path, {"a.md": "# a", "b.md": "# b"})
    files = list(scan_files(tmp_path))
    (tmp_path / "b.md").unlink()  # gone between the scan and the read
    items = [load_file(file) for file in files]
    assert isinstance(items[0], Article)
    assert items[1].path == "b.md" and "no such file" in items[1].reason


def test_odd_file_names(tmp_path: Path) -> None:
    write_files(tmp_path, {"new\nline.md": "# 换行", "tab\tname.md": "# 制表"})
    with open(os.fsencode(tmp_path) + b"/bad-\xff.md", "wb") as handle:
        handle.write("# 坏字节".encode())
    archive = load_archive(tmp_path)
    assert sorted(a.title for a in archive.articles.values()) == ["制表", "坏字节", "换行"]
    from reader.core.sanitize import display_path

    shown = sorted(display_path(a.id) for a in archive.articles.values())
    assert all("\n" not in name and "\t" not in name for name in shown)
    assert "bad-\ufffd.md" in shown
