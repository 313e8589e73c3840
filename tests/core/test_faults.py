"""Fault injection: what a disk, a second process or a killed process can do to the index.

SQLite's promises are the anchor (a transaction is all or nothing; `PRAGMA quick_check`):
the index is a cache, so damage is rebuilt, a cache that can't be written is worked around,
and nothing is ever presented as an answer that isn't one. Tests run as root here, so an
unwritable cache is made in ways that bite root too: a file where the folder should be, a
read-only bind mount and a full tmpfs in a private mount namespace (`unshare`, skipped
where the system forbids it), and SQLite's own error codes raised at the writer.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reader.cache import index_path, open_index
from reader.core import live
from reader.core.index import writer
from reader.core.index.location import (
    MOVED,
    REPLACED,
    Fault,
    IndexUnavailable,
    fault_of,
)
from reader.core.index.store import ArchiveIndex
from reader.core.search.query import parse_query
from tests.conftest import write_files
from tests.processes import alive, children

POST = "---\ntitle: {title}\ndate: 2022-05-{day:02d}\n---\n{body}\n"
LONG_BODY = "。".join(f"第{n}句话讲的是抚顺的振兴和城市的变化" for n in range(60))


def make_archive(root: Path, count: int = 12, body: str = "正文：振兴与抚顺。") -> Path:
    return write_files(root, {
        f"p/{n:04d}.md": POST.format(title=f"文章{n}", day=n % 28 + 1, body=f"{body}{n}")
        for n in range(count)
    })


def reader(*args: str, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300,
                          env=env or dict(os.environ, PYTHONIOENCODING="utf-8"))


def notices(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("reader: ")]


def corrupt_table(path: Path, table: str) -> None:
    """Garbage over the root page of `table` (or index; the log folded into the file
    first)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.execute("PRAGMA page_size").fetchone()[0]
    page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    db.close()
    with open(path, "r+b") as file:
        file.seek((page - 1) * size)
        file.write(os.urandom(size))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- what an error means --------------------------------------------------------------------
def test_faults_are_read_from_sqlites_codes(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    db.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("INSERT INTO t VALUES (1)")
    db.execute("ROLLBACK")
    assert fault_of(busy.value) is Fault.BUSY
    with pytest.raises(sqlite3.OperationalError) as missing:
        other.execute("SELECT * FROM nowhere")
    assert fault_of(missing.value) is Fault.DAMAGE  # an index without its tables
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        read_only.execute("INSERT INTO t VALUES (1)")
    assert fault_of(refused.value) is Fault.UNWRITABLE
    with pytest.raises(sqlite3.OperationalError) as cannot:
        sqlite3.connect(tmp_path).execute("SELECT 1 FROM t")  # a folder, not a file
    assert fault_of(cannot.value) is Fault.UNWRITABLE
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(os.urandom(8192))
    with pytest.raises(sqlite3.DatabaseError) as not_a_database:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master")
    assert fault_of(not_a_database.value) is Fault.DAMAGE
    db.close()
    with pytest.raises(sqlite3.ProgrammingError) as closed:
        db.execute("SELECT 1")
    assert fault_of(closed.value) is Fault.CLOSED


# -- point 3: damage inside an index that still opens -----------------------------------
@pytest.mark.parametrize("table", ["articles_list", "files_problems"])
def test_list_rebuilds_corrupt_pages_once(tmp_path: Path, table: str) -> None:
    """Pages `reader list` reads (its covering index, the problems' index) damaged."""
    root = make_archive(tmp_path / "a")
    first = reader("list", str(root))
    assert first.returncode == 0 and not notices(first.stderr)
    corrupt_table(index_path(root), table)
    damaged = reader("list", str(root))
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout == first.stdout
    assert notices(damaged.stderr) == [
        "reader: rebuilt the index: damaged index (database disk image is malformed)"]
    again = reader("list", str(root))
    assert again.returncode == 0 and not notices(again.stderr)


def test_search_rebuilds_corrupt_text_pages(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a", 40, LONG_BODY)
    assert reader("index", str(root)).returncode == 0
    corrupt_table(index_path(root), "texts")
    found = reader("search", str(root), "变化", "--limit", "100")
    assert found.returncode == 0, found.stderr
    assert found.stdout.count("    p/") == 40
    assert notices(found.stderr) == [
        "reader: rebuilt the index: damaged index (database disk image is malformed)"]


def test_index_check_finds_what_a_refresh_does_not(tmp_path: Path) -> None:
    """Damaged pages of the character index go unnoticed by a refresh (it reads other
    tables); `reader index --check` reads every page, and rebuilds."""
    root = make_archive(tmp_path / "a", 40, LONG_BODY)
    assert reader("index", str(root)).returncode == 0
    corrupt_table(index_path(root), "chars_data")
    plain = reader("index", str(root))
    assert plain.returncode == 0 and not notices(plain.stderr)
    checked = reader("index", "--check", str(root))
    assert checked.returncode == 0, checked.stderr
    [notice] = notices(checked.stderr)
    assert notice.startswith("reader: rebuilt the index: damaged index (")
    assert "40 added" in checked.stdout
    sound = reader("index", "--check", str(root))
    assert notices(sound.stderr) == ["reader: the index is sound (quick_check: ok)"]
    assert "0 added" in sound.stdout


def test_damage_found_while_in_use_is_rebuilt(tmp_path: Path) -> None:
    """A reader that can't repair (a search screen) is told; one that can rebuilds."""
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    index.close()
    index_path(root).write_bytes(os.urandom(65536))
    search = open_index(root, repair=False)
    with pytest.raises(IndexUnavailable) as unavailable:
        search.search(parse_query("振兴"))
    assert unavailable.value.damaged
    assert index_path(root).read_bytes()[:6] != b"SQLite"  # not its to repair
    loader = open_index(root)
    assert loader.refresh().added and loader.rebuilt_because
    search.reopen()
    assert len(search.search(parse_query("振兴"))) == 12


# -- point 1: another process writes the index --------------------------------------------
def test_changes_written_by_another_connection_are_found(tmp_path: Path) -> None:
    """The screen's index learns what another writer did: `data_version` moves, and the
    snapshot is brought to what the index holds."""
    root = make_archive(tmp_path / "a")
    mine = open_index(root)
    mine.refresh()
    shown = live.whole(mine, live.Grouping.DATE, finished=True)
    version = mine.data_version()
    (root / "p" / "0000.md").unlink()
    (root / "p" / "new.md").write_text(POST.format(title="新", day=9, body="新"), "utf-8")
    (root / "p" / "0003.md").write_text(POST.format(title="改", day=3, body="改"), "utf-8")
    os.utime(root / "p" / "0003.md", (1, 1))
    other = ArchiveIndex(root, index_path(root))  # a second process, in effect
    other.refresh()
    other.close()
    assert mine.data_version() != version
    assert not mine.refresh_paths(["p/0000.md", "p/new.md"]).any  # the other got there first
    snapshot, changes = live.caught_up(mine, shown, live.Grouping.DATE)
    assert changes.added == ["p/new.md"] and changes.removed == ["p/0000.md"]
    assert changes.changed == ["p/0003.md"]
    assert sorted(snapshot.articles) == sorted(a.id for a in mine.articles())
    assert snapshot.articles["p/0003.md"].title == "改"
    assert live.caught_up(mine, snapshot, live.Grouping.DATE) is None


def test_trouble_tells_deleted_replaced_cut_short_and_moved(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    index.refresh()
    assert index.trouble() is None
    path = index_path(root)
    os.replace(path, tmp_path / "kept")
    assert index.trouble() == "the index file was deleted"
    other = ArchiveIndex(root, path)
    other.refresh()
    other.close()
    assert index.trouble() == REPLACED
    index.reopen()
    assert index.count() == 12 and index.trouble() is None
    with open(path, "r+b") as file:
        file.truncate(path.stat().st_size // 3 + 1)
    assert index.trouble() == "the index file was cut short"
    elsewhere = open_index(root)
    with elsewhere.location.lock:
        elsewhere.location.move("a test", None, lambda db: None)
    assert index.trouble() == MOVED


# -- point 4: a cache that can't be written ------------------------------------------------
def test_a_file_where_the_cache_folder_should_be(tmp_path: Path, reader_home: Path) -> None:
    (reader_home / "cache").write_text("mine", encoding="utf-8")
    root = make_archive(tmp_path / "a")
    index = open_index(root)
    assert len(index.refresh().added) == 12
    assert index.count() == 12 and len(index.search(parse_query("振兴"))) == 12
    assert "a file stands where its folder should be" in (index.moved_because or "")
    assert "temporary folder" in (index.moved_because or "")
    # Every connection of this process finds it where it went.
    again = open_index(root, repair=False)
    assert again.count() == 12
    index.close()
    again.close()
    assert (reader_home / "cache").read_text(encoding="utf-8") == "mine"
    result = reader("list", str(root))
    assert result.returncode == 0 and result.stdout.count("p/") == 12
    assert [line for line in notices(result.stderr) if "cache" in line] == [
        f"reader: the cache can't be written (a file stands where its folder should be: "
        f"{reader_home / 'cache'}): the index is kept in a temporary folder this time"]


def full_disk(after: int):
    """`writer.store` as on a disk that fills up: from its `after`-th call on, writing the
    cache's file fails as SQLite fails on a full disk."""
    real = writer.store
    calls = {"n": 0}

    def store(db: sqlite3.Connection, entries: list) -> None:
        in_cache = any(row[2].endswith(".sqlite3") and "reader-index-" not in row[2]
                       for row in db.execute("PRAGMA database_list"))
        if in_cache:
            calls["n"] += 1
            if calls["n"] > after:
                error = sqlite3.OperationalError("database or disk is full")
                error.sqlite_errorcode = 13  # SQLITE_FULL
                raise error
        real(db, entries)

    return store


def test_a_disk_that_fills_up_mid_refresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    """The refresh goes on in a temporary copy holding what was written; the cache keeps
    what its transactions committed, and the next run (space back) fills it."""
    root = make_archive(tmp_path / "a", 700)
    monkeypatch.setattr("reader.core.index.store.writer.store", full_disk(after=1))
    index = ArchiveIndex(root, tmp_path / "cache" / "index.sqlite3")
    changes = index.refresh(parallel=False)
    assert len(changes.added) == 700 and index.count() == 700
    assert "database or disk is full" in (index.moved_because or "")
    assert index.location.file != tmp_path / "cache" / "index.sqlite3"
    index.close()
    behind = sqlite3.connect(tmp_path / "cache" / "index.sqlite3")
    assert behind.execute("SELECT count(*) FROM articles").fetchone()[0] == 256  # one batch
    behind.close()
    monkeypatch.undo()
    later = ArchiveIndex(root, tmp_path / "cache" / "index.sqlite3")
    assert len(later.refresh(parallel=False).added) == 700 - 256
    assert later.count() == 700 and later.moved_because is None


def test_memory_when_no_folder_can_be_written(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def no_folder(prefix: str = "") -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reader.core.index.location.tempfile.mkdtemp", no_folder)
    (tmp_path / "cache").write_text("in the way", encoding="utf-8")
    root = make_archive(tmp_path / "a")
    index = ArchiveIndex(root, tmp_path / "cache" / "index.sqlite3")
    index.refresh()
    assert "in memory" in (index.moved_because or "")
    searcher = ArchiveIndex(root, index.location, repair=False)  # a search screen's
    assert len(searcher.search(parse_query("振兴"))) == 12
    searcher.close()
    index.close()


def can_unshare() -> bool:
    try:
        return subprocess.run(["unshare", "-Urm", "true"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


namespaces = pytest.mark.skipif(not can_unshare(),
                                reason="no private mount namespace (unshare -Urm) here")


def in_namespace(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`script` (sh) in a private mount namespace, where mounts bite root too."""
    return subprocess.run(["unshare", "-Urm", "sh", "-euc", script, "sh", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=300,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"))


@namespaces
def test_a_valid_index_on_a_read_only_mount(tmp_path: Path) -> None:
    """Used as it is (never taken for damage, never deleted); when the archive changed, a
    copy of it in a temporary folder takes the changes, with one line saying why."""
    root = make_archive(tmp_path / "a")
    assert reader("index", str(root)).returncode == 0
    cache = index_path(root).parent
    before = {path.name: digest(path) for path in cache.iterdir()}
    script = ('mount --bind -o ro "$1" "$1"\n'
              f'"{sys.executable}" -m reader list "$2"\n'
              f'"{sys.executable}" -m reader search "$2" 振兴 --limit 100 | grep -c "    p/"\n')
    unchanged = in_namespace(script, str(cache), str(root))
    assert unchanged.returncode == 0, unchanged.stderr
    assert unchanged.stdout.count("  p/") == 12 and unchanged.stdout.endswith("12\n")
    assert not notices(unchanged.stderr)
    (root / "p" / "new.md").write_text(POST.format(title="新", day=9, body="振兴"), "utf-8")
    changed = in_namespace(script, str(cache), str(root))
    assert changed.returncode == 0, changed.stderr
    assert "p/new.md" in changed.stdout and changed.stdout.endswith("13\n")
    assert notices(changed.stderr) == 2 * [  # one line from each command
        "reader: the cache can't be written (it is read-only): the index is kept in a "
        "temporary folder this time"]
    assert {path.name: digest(path) for path in cache.iterdir()} == before


@namespaces
def test_a_damaged_index_on_a_read_only_mount_is_kept(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a")
    assert reader("index", str(root)).returncode == 0
    path = index_path(root)
    corrupt_table(path, "articles_list")
    before = digest(path)
    result = in_namespace(f'mount --bind -o ro "$1" "$1"\n"{sys.executable}" -m reader list "$2"',
                          str(path.parent), str(root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("  p/") == 12
    assert notices(result.stderr) == [
        "reader: rebuilt the index: damaged index (database disk image is malformed)",
        "reader: the cache can't be written (it is read-only, and its index is damaged): the "
        "index is kept in a temporary folder this time"]
    assert digest(path) == before


@namespaces
def test_a_full_disk_then_space_again(tmp_path: Path) -> None:
    """A cache on a full disk: the archive is listed right from a temporary index, with
    one line; once there is room, the next run fills the cache."""
    root = make_archive(tmp_path / "a", 300, LONG_BODY)
    cache = index_path(root).parent
    cache.mkdir(parents=True)
    count = ("import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
             "'SELECT count(*) FROM articles').fetchone()[0])")
    script = (
        'mount -t tmpfs -o size=320k tmpfs "$1"\n'
        f'"{sys.executable}" -m reader list "$2" > "$3/full.out" 2> "$3/full.err"\n'
        'mount -o remount,size=64m "$1"\n'
        f'"{sys.executable}" -m reader list "$2" > "$3/room.out" 2> "$3/room.err"\n'
        f'"{sys.executable}" -c "{count}" "$4"\n'
    )
    result = in_namespace(script, str(cache), str(root), str(tmp_path), str(index_path(root)))
    assert result.returncode == 0, result.stderr
    full = (tmp_path / "full.out").read_text(encoding="utf-8")
    assert full.count("  p/") == 300
    [notice] = notices((tmp_path / "full.err").read_text(encoding="utf-8"))
    assert notice == ("reader: the cache can't be written (No space left on device): the "
                      "index is kept in a temporary folder this time")
    assert (tmp_path / "room.out").read_text(encoding="utf-8") == full
    assert not notices((tmp_path / "room.err").read_text(encoding="utf-8"))
    assert result.stdout == "300\n"


# -- point 5: killed processes leave none behind -------------------------------------------
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_indexer_leaves_no_process(tmp_path: Path, how: signal.Signals) -> None:
    """`kill -9` or `kill -TERM` of `reader index` while its pool reads files: the pool's
    processes and its resource tracker end by themselves, within seconds."""
    root = make_archive(tmp_path / "a", 3000, LONG_BODY)
    process = subprocess.Popen([sys.executable, "-m", "reader", "index", str(root)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    pool: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(pool) < 3 and time.monotonic() < deadline and process.poll() is None:
            pool = children(process.pid)  # two readers and the resource tracker
            time.sleep(0.02)
        assert len(pool) >= 3, "the pool never started"
        time.sleep(0.3)
        assert process.poll() is None, "indexing ended before it could be killed"
        process.send_signal(how)
        status = process.wait(timeout=30)
        if how == signal.SIGTERM:
            assert status == 128 + signal.SIGTERM
            assert "Traceback" not in process.stderr.read().decode()
        deadline = time.monotonic() + 15
        while alive(pool) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(pool), f"left running: {alive(pool)}"
    finally:
        for pid in alive(pool) | ({process.pid} if process.poll() is None else set()):
            os.kill(pid, signal.SIGKILL)
        process.stderr.close()
    # What the transactions committed is whole: the next run finishes the index.
    finished = reader("index", str(root))
    assert finished.returncode == 0 and "3,000 articles" in finished.stdout


# -- point 6: names the notifier can't decode ----------------------------------------------
def test_the_watcher_survives_folders_whose_names_are_not_utf8(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "a", 2)
    bad = os.fsencode(root) + b"/\xb9\xfa\xbc\xd2"
    os.mkdir(bad)
    stop = threading.Event()
    seen: list[live.PathChanges] = []
    thread = threading.Thread(target=lambda: seen.extend(
        changes for changes in live.watch_archive(root, stop) if changes.any))
    thread.start()
    try:
        time.sleep(1.5)
        (root / "p" / "later.md").write_text(POST.format(title="后", day=2, body="后"), "utf-8")
        with open(bad + b"/inside.md", "w", encoding="utf-8") as file:
            file.write(POST.format(title="里面", day=3, body="里"))
        deadline = time.monotonic() + 10
        folder = os.fsdecode(b"\xb9\xfa\xbc\xd2")
        while time.monotonic() < deadline and not (
                any("p/later.md" in c.ids for c in seen)
                and any(folder in c.folders for c in seen)):
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert any("p/later.md" in changes.ids for changes in seen)
    assert any(folder in changes.folders for changes in seen)  # looked through instead
    index = open_index(root)
    index.refresh()
    for changes in seen:
        live.apply_path_changes(index, changes)
    assert os.fsdecode(b"\xb9\xfa\xbc\xd2/inside.md") in {a.id for a in index.articles()}


def test_asking_for_trouble_keeps_sqlites_locks(tmp_path: Path) -> None:
    """The watcher asks `trouble` twice a second: were it to open and close the database
    file, this process's POSIX locks on it would drop, and another process closing its
    last connection would take itself for the last one and delete the log under ours
    (what made two readers' indexes "malformed" in the soak)."""
    root = make_archive(tmp_path / "a")
    index = ArchiveIndex(root, tmp_path / "index.sqlite3")
    index.refresh()
    assert index.trouble() is None
    other = subprocess.run([sys.executable, "-c", (
        "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
        "db.execute('SELECT count(*) FROM files').fetchone(); db.close()"),
        str(index.path)], timeout=60)
    assert other.returncode == 0
    assert Path(f"{index.path}-wal").exists() and Path(f"{index.path}-shm").exists()
    (root / "p" / "late.md").write_text(POST.format(title="后来", day=5, body="后"), "utf-8")
    assert index.refresh_paths(["p/late.md"]).added == ["p/late.md"]
    index.close()
    seen = ArchiveIndex(root, tmp_path / "index.sqlite3")
    assert seen.article("p/late.md") is not None


def test_is_filters_survive_a_reopened_connection_and_many_results(tmp_path: Path) -> None:
    """The marks' temporary tables belong to a connection: a new one (after `reopen`) gets
    its own, even where Python gives it the old one's id(); a result set larger than
    SQLite's variables goes through a table too. Neither is ever taken for damage."""
    import sqlite3

    from reader.core.index.location import Fault, fault_of
    from reader.core.index.store import ArchiveIndex
    from reader.core.search.marks import Marks
    from reader.core.search.query import parse_query

    root = write_files(tmp_path / "a", {f"p/{n}.md": f"---\ntitle: 第{n}篇\n---\n正文"
                                        for n in range(700)})
    index = ArchiveIndex(root, tmp_path / "index.sqlite3")
    index.refresh(parallel=False)
    marks = Marks(read=frozenset({"p/1.md"}), version=7)
    assert len(index.search(parse_query("is:unread"), 1000, marks)) == 699
    for _ in range(5):
        index.reopen()
        assert len(index.search(parse_query("is:unread"), 1000, marks)) == 699
    assert len(index.search(parse_query("正文"), 1000)) == 700  # a page larger than 500 ids
    error = sqlite3.OperationalError("no such table: temp.read_marks")
    error.sqlite_errorcode = 1  # type: ignore[attr-defined]
    assert fault_of(error) is Fault.MISUSE
    index.close()


def test_reading_processes_yield_to_the_reader() -> None:
    """The index's writer (in the reader) is the slower end of a first index: the reading
    processes run at a lower priority, so that on two processors it is never starved."""
    from reader.core.index.entries import NICENESS, _process_pool

    pool = _process_pool(1)
    try:
        assert pool.submit(os.nice, 0).result(timeout=60) == min(os.nice(0) + NICENESS, 19)
    finally:
        pool.shutdown()
