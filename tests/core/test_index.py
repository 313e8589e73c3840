"""The SQLite index: incremental refresh, damage, and the archive left untouched."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from reader.cache import open_index
from reader.core.grouping import by_date
from reader.core.index.schema import SCHEMA_VERSION
from reader.core.index.store import ArchiveIndex
from tests.conftest import checksums, write_files

POST = "---\ntitle: {title}\ndate: 2022-05-0{day}\ncategories: [新媒体, ZAKER, source]\n---\n" \
       "<p>正文：{title}，振兴与抚顺。</p>"


def make_archive(root: Path) -> Path:
    return write_files(root, {
        f"posts/{n}.md": POST.format(title=f"文章{n}", day=n) for n in range(1, 6)
    })


def bump(path: Path) -> None:
    """Give a file a new modification time, as an editor saving it would."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))


def test_cold_then_warm(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    first = index.refresh()
    assert len(first.added) == 5 and not first.changed and not first.removed
    assert [a.title for a in index.articles()] == [f"文章{n}" for n in range(5, 0, -1)]
    again = index.refresh()
    assert not again.any
    index.close()
    # A new process (a new ArchiveIndex) finds the same index, keyed by the resolved path.
    reopened = open_index(root / "." / "posts" / "..")
    assert reopened.path == index.path
    assert reopened.count() == 5 and not reopened.refresh().any


def test_add_change_delete_break_fix(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    (root / "posts" / "6.md").write_text(POST.format(title="新来的", day=6), encoding="utf-8")
    changed = root / "posts" / "2.md"
    changed.write_text(POST.format(title="改过的", day=2), encoding="utf-8")
    bump(changed)
    (root / "posts" / "3.md").unlink()
    broken = root / "posts" / "4.md"
    broken.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    bump(broken)
    changes = index.refresh()
    assert changes.added == ["posts/6.md"]
    assert sorted(changes.changed) == ["posts/2.md", "posts/4.md"]
    assert changes.removed == ["posts/3.md"]
    titles = {a.id: a.title for a in index.articles()}
    assert titles == {"posts/1.md": "文章1", "posts/2.md": "改过的", "posts/5.md": "文章5",
                      "posts/6.md": "新来的"}
    assert [p.path for p in index.problems()] == ["posts/4.md"]
    broken.write_text(POST.format(title="修好了", day=4), encoding="utf-8")
    bump(broken)
    index.refresh()
    assert index.article("posts/4.md").title == "修好了"
    assert index.problems() == []


def test_refresh_paths_from_a_watcher(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    (root / "posts" / "7.md").write_text(POST.format(title="七", day=7), encoding="utf-8")
    (root / "posts" / "1.md").unlink()
    changes = index.refresh_paths(["posts/7.md", "posts/1.md", "posts/5.md"])
    assert changes.added == ["posts/7.md"] and changes.removed == ["posts/1.md"]
    assert not changes.changed  # 5.md did not change


def test_stores_text_images_and_links(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", {"x.md": (
        "---\ntitle: Ｔｉｔｌｅ 标题\ntags: [Rust]\n---\n"
        '<p>正文<strong>滚石</strong>上山 ＡＢＣ１２３</p>'
        '<img data-original="http://real/1.jpg" src="https://proxy/?http://real/1.jpg">'
        '<a href="https://example.org/a">链接</a><script>secret()</script>'
    )})
    index = open_index(root)
    index.refresh()
    body, fields = index.db.execute(
        "SELECT body, fields FROM articles JOIN texts USING (id)").fetchone()
    assert "正文滚石上山 abc123" in body and "secret" not in body
    assert fields == "title 标题 rust"
    assert index.images("x.md") == [("http://real/1.jpg", "", "")]
    assert index.links("x.md") == [("https://example.org/a", "链接")]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "schema", "other-root",
                                    "half-written"])
def test_damaged_index_is_rebuilt(tmp_path: Path, damage: str) -> None:
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    index.close()
    path = index.path
    if damage == "garbage":
        path.write_bytes(os.urandom(8192))
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "schema":
        db = sqlite3.connect(path)
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION + 1),))
        db.commit()
        db.close()
    elif damage == "other-root":
        db = sqlite3.connect(path)
        db.execute("UPDATE meta SET value = '/elsewhere' WHERE key = 'root'")
        db.commit()
        db.close()
    elif damage == "half-written":
        # A process killed mid-write leaves a write-ahead log; here, one full of garbage.
        Path(f"{path}-wal").write_bytes(os.urandom(40_000))
    fresh = open_index(root)
    changes = fresh.refresh()
    assert fresh.count() == 5
    assert next(a.title for a in fresh.articles()) == "文章5"
    if damage not in ("half-written", "truncated"):
        assert fresh.rebuilt_because is not None and len(changes.added) == 5


def test_deleting_the_cache_loses_nothing(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    before = [(a.id, a.title, a.date) for a in index.articles()]
    index.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index.path}{suffix}").unlink(missing_ok=True)
    again = open_index(root)
    again.refresh()
    assert [(a.id, a.title, a.date) for a in again.articles()] == before


def test_archive_is_never_written(tmp_path: Path, sample: Path) -> None:
    import shutil

    root = Path(shutil.copytree(sample, tmp_path / "sample"))
    before = checksums(root)
    index = open_index(root)
    index.refresh()
    index.refresh()
    index.close()
    assert checksums(root) == before
    assert not index.path.is_relative_to(root)


def test_parallel_and_serial_agree(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", {
        f"p/{n:04d}.md": POST.format(title=f"文章{n}", day=n % 9 + 1) for n in range(450)
    })
    serial = ArchiveIndex(root, tmp_path / "serial.sqlite3")
    serial.refresh(parallel=False)
    parallel = ArchiveIndex(root, tmp_path / "parallel.sqlite3")
    parallel.refresh(parallel=True)
    assert [a.id for a in serial.articles()] == [a.id for a in parallel.articles()]


def test_odd_files_never_stop_a_refresh(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", {
        "ok.md": POST.format(title="好", day=1),
        "bad-link.md": "[x](http://[oops/) and no title",
    })
    with open(os.fsencode(root) + b"/\xff\xfe.md", "wb") as handle:
        handle.write(b"hello body text without a title")
    index = open_index(root)
    index.refresh()
    titles = sorted(a.title for a in index.articles())
    assert "\ufffd\ufffd" in titles and "好" in titles
    os.mkfifo(root / "pipe.md")
    changes = index.refresh_paths(["pipe.md"])  # must not block on the FIFO
    assert not changes.any


def test_scan_problems_outlive_a_watcher_refresh(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a")
    os.symlink(root / "nowhere.md", root / "dangling.md")
    index = open_index(root)
    index.refresh()
    assert [p.path for p in index.problems()] == ["dangling.md"]
    again = open_index(root)  # the watcher's own connection
    (root / "posts" / "9.md").write_text(POST.format(title="九", day=9), encoding="utf-8")
    again.refresh_paths(["posts/9.md"])
    assert [p.path for p in again.problems()] == ["dangling.md"]


def test_character_index_follows_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.core.search.query import parse_query

    monkeypatch.setattr("reader.core.index.engine.WINDOW", 0)  # always through the character index
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    assert [h.article.id for h in index.search(parse_query("振兴与抚顺 文章2"))] == ["posts/2.md"]
    changed = root / "posts" / "2.md"
    changed.write_text(POST.format(title="改过", day=2).replace("振兴与抚顺", "春风化雨"),
                       encoding="utf-8")
    bump(changed)
    (root / "posts" / "3.md").unlink()
    index.refresh()
    assert [h.article.id for h in index.search(parse_query("春风化雨"))] == ["posts/2.md"]
    assert {h.article.id for h in index.search(parse_query("振兴与抚顺"))} == {
        "posts/1.md", "posts/4.md", "posts/5.md"}
    index.db.execute("INSERT INTO chars (chars) VALUES ('integrity-check')")


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Shanghai",
                                  "Australia/Lord_Howe"])
def test_month_counts_are_the_months_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           zone: str) -> None:
    """Counted from ranges of the date indexes (the author's wall clock for a date with an
    offset, local months for a UTC one); the same as grouping every article by the month
    it is shown in, across DST changes and month ends."""
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        dates = ["2022-03-31T23:30:00-04:00", "2022-04-01T00:30:00-04:00",
                 "2022-03-13T02:30:00-05:00", "2022-03-31T16:30:00+00:00",
                 "2021-12-31T23:59:59+08:00", "2022-01-01T00:00:00+08:00",
                 "2022-10-02T02:15:00+11:00", "1999-01-01T00:00:00+00:00"]
        files = {f"{n}.md": f"---\ntitle: t{n}\ndate: {d}\n---\n正文" for n, d in enumerate(dates)}
        files["undated.md"] = "正文，没有日期"
        root = tmp_path / "archive"
        write_files(root, files)
        os.utime(root / "undated.md", (0, 0))
        index = ArchiveIndex(root, tmp_path / "index.sqlite3")
        index.refresh(parallel=False)
        expected = [(group.key.removeprefix("date:"), group.count)
                    for group in by_date(index.articles())]
        assert index.month_counts() == expected
        # Offsets are the authors': the same months on every machine.
        assert {"2022-03", "2022-04", "2021-12", "2022-01", "2022-10"} <= {
            month for month, _ in expected}
        assert sum(count for _, count in expected) == len(files)
        index.close()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_month_counts_kept_until_the_index_or_the_zone_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    def by_sql(index: ArchiveIndex) -> list[tuple]:
        return [(group.key.removeprefix("date:"), group.count)
                for group in by_date(index.articles())]

    root = tmp_path / "archive"
    # A UTC timestamp is shown in the local zone: its month depends on the zone.
    write_files(root, {"a.md": "---\ntitle: a\ndate: 2022-04-01T03:30:00+00:00\n---\n正文",
                       "b.md": "---\ntitle: b\ndate: 2022-02-10T10:00:00+00:00\n---\n正文"})
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        index = ArchiveIndex(root, tmp_path / "index.sqlite3")
        index.refresh(parallel=False)
        first = index.month_counts()
        assert first == by_sql(index) == [("2022-04", 1), ("2022-02", 1)]
        assert index.db.execute("SELECT 1 FROM meta WHERE key = 'month_counts'").fetchone()
        assert index.month_counts() == first  # kept
        # Another zone: other month starts, counted again.
        monkeypatch.setenv("TZ", "America/New_York")
        time.tzset()
        assert index.month_counts() == by_sql(index) == [("2022-03", 1), ("2022-02", 1)]
        # A write drops what was kept.
        write_files(root, {"c.md": "---\ntitle: c\ndate: 2021-07-01T12:00:00+00:00\n---\n正文"})
        index.refresh_paths(["c.md"])
        assert index.month_counts() == by_sql(index) == [
            ("2022-03", 1), ("2022-02", 1), ("2021-07", 1)]
        (root / "a.md").unlink()
        index.refresh_paths(["a.md"])
        assert index.month_counts() == by_sql(index) == [("2022-02", 1), ("2021-07", 1)]
        index.close()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_refresh_paths_keeps_to_the_scans_rule(tmp_path: Path) -> None:
    """A watcher may name any path; only what the full scan lists becomes an article, so a
    later full refresh never has to take anything out again."""
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    odd = ["_index.md", "posts/_index.en.md", ".hidden.md", "node_modules/pkg/README.md",
           ".git/x.md"]
    write_files(root, {name: POST.format(title="不是文章", day=8) for name in odd})
    changes = index.refresh_paths(odd)
    assert not changes.any
    assert {a.id for a in index.articles()} == {f"posts/{n}.md" for n in range(1, 6)}
    assert not index.refresh().any
    index.close()


def test_refresh_paths_looks_through_folders(tmp_path: Path) -> None:
    """A folder moved in or out (named like a file: `batch.2024`) is looked through again."""
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    write_files(tmp_path / "outside", {f"batch.2024/{n}.md": POST.format(title=f"批{n}", day=n)
                                       for n in range(1, 4)})
    (tmp_path / "outside" / "batch.2024").rename(root / "batch.2024")
    changes = index.refresh_paths([], ["batch.2024"])
    assert sorted(changes.added) == [f"batch.2024/{n}.md" for n in range(1, 4)]
    (root / "batch.2024").rename(tmp_path / "gone")
    changes = index.refresh_paths([], ["batch.2024"])
    assert sorted(changes.removed) == [f"batch.2024/{n}.md" for n in range(1, 4)]
    assert not index.refresh().any
    index.close()
