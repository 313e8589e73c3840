"""The reading state: the user's own data, kept safely (reader.state)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.files.archive import load_archive
from reader.state.merge import Mark, StateFileError, from_json, merge_all, merged, to_json
from reader.state.session import ReadingState, peek_marks, state_path
from reader.state.store import StateStore
from tests.conftest import write_files

POST = "---\ntitle: {title}\ndate: 2022-05-0{day}\n---\n正文：{title}"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return write_files(tmp_path / "archive", {
        f"p/{n}.md": POST.format(title=f"文章{n}", day=n) for n in range(1, 6)})


# -- merging -------------------------------------------------------------------------------
marks = st.builds(
    Mark, id=st.sampled_from(["a.md", "b.md", "文章.md"]), fingerprint=st.sampled_from(["", "f"]),
    read=st.booleans(), read_at=st.one_of(st.none(), st.floats(0, 2e9)),
    starred=st.booleans(), star_changed=st.one_of(st.none(), st.floats(0, 2e9)))


@given(marks, marks)
def test_merge_is_commutative_and_keeps_read_marks(a: Mark, b: Mark) -> None:
    b = Mark(a.id, b.fingerprint, b.read, b.read_at, b.starred, b.star_changed)
    assert merged(a, b) == merged(b, a)
    assert merged(a, b).read == (a.read or b.read)
    assert merged(a, a) == merged(merged(a, a), a)


@given(marks, marks, marks)
def test_merge_is_associative(a: Mark, b: Mark, c: Mark) -> None:
    b, c = (Mark(a.id, m.fingerprint, m.read, m.read_at, m.starred, m.star_changed)
            for m in (b, c))
    assert merged(merged(a, b), c) == merged(a, merged(b, c))


@settings(max_examples=50)
@given(st.lists(marks, max_size=6), st.lists(marks, max_size=6))
def test_importing_twice_or_in_either_order_gives_the_same_state(ours: list[Mark],
                                                                 theirs: list[Mark]) -> None:
    def imported(state: dict[str, Mark], marks: list[Mark]) -> dict[str, Mark]:
        return {**state, **merge_all(state, marks)}

    start = imported({}, ours)
    once = imported(start, theirs)
    assert imported(once, theirs) == once
    other = imported(imported({}, theirs), ours)
    assert once == other
    for mark in [*ours, *theirs]:
        if mark.read:
            assert once[mark.id].read  # a read mark is never lost


def test_the_stars_follow_the_later_change() -> None:
    earlier = Mark("a.md", starred=True, star_changed=100.0)
    later = Mark("a.md", starred=False, star_changed=200.0)
    assert not merged(earlier, later).starred and not merged(later, earlier).starred


def test_export_format_round_trip(archive: Path) -> None:
    marks = [Mark("p/1.md", "ab", True, 1.5, False, None), Mark("odd\udcff.md", "", False,
                                                                None, True, 2.0)]
    text = to_json("/a", "2026-12-07T00:00:00+00:00", marks)
    data = json.loads(text)
    assert data["format"] == "reader-state" and data["version"] == 1
    assert sorted(from_json(text), key=lambda m: m.id) == sorted(marks, key=lambda m: m.id)
    for bad, why in (("[]", "not a reader state"), ('{"format": "reader-state", '
                     '"version": 9, "articles": []}', "version 9"), ("{", "not JSON"),
                     ('{"format": "reader-state", "version": 1, "articles": [{"id": 3}]}',
                      "needs an \"id\"")):
        with pytest.raises(StateFileError, match=why):
            from_json(bad)


# -- the store ------------------------------------------------------------------------------
def test_marks_places_and_the_article_survive_a_new_process(archive: Path) -> None:
    state = ReadingState.open(archive)
    state.set_read(["p/1.md", "p/2.md"])
    state.set_read(["p/2.md"], False)
    state.toggle_star("p/3.md")
    state.current = "p/3.md"
    state.place("p/3.md", 7)
    state.remember()
    state.close()
    again = ReadingState.open(archive)
    assert again.read == {"p/1.md"} and again.starred == {"p/3.md"}
    assert again.current == "p/3.md" and again.positions["p/3.md"] == 7
    again.close()


def articles_of(archive: Path) -> dict:
    return load_archive(archive).articles


def test_a_moved_article_keeps_its_marks_and_a_deleted_ones_are_kept(archive: Path) -> None:
    state = ReadingState.open(archive)
    state.articles = articles_of(archive)
    state.set_read(["p/1.md", "p/2.md"])
    state.toggle_star("p/1.md")
    state.close()
    (archive / "p" / "1.md").rename(archive / "p" / "moved.md")
    (archive / "p" / "2.md").unlink()
    state = ReadingState.open(archive)
    present = articles_of(archive)
    assert set(present) == {f"p/{n}.md" for n in range(3, 6)} | {"p/moved.md"}
    new, moves = state.arrive(present)
    state.apply_arrival(new, moves)
    assert moves == {"p/1.md": "p/moved.md"}
    assert "p/moved.md" in state.read and "p/moved.md" in state.starred
    state.close()
    # The deleted one comes back: its mark was kept.
    (archive / "p" / "2.md").write_text(POST.format(title="文章2", day=2), encoding="utf-8")
    state = ReadingState.open(archive)
    assert "p/2.md" in state.read
    state.close()


def test_what_is_new_since_the_last_visit(archive: Path) -> None:
    ids = {f"p/{n}.md": None for n in range(1, 6)}
    first = ReadingState.open(archive)
    assert first.arrive(ids)[0] == set()  # a first visit: nothing is "new"
    first.close()
    second = ReadingState.open(archive)
    assert second.arrive(ids | {"p/6.md": None})[0] == {"p/6.md"}
    # During a visit, an arrival counts as new too, and so does what was new at opening.
    assert second.arrive(ids | {"p/6.md": None, "p/7.md": None})[0] == {"p/6.md", "p/7.md"}
    second.close()
    assert peek_marks(archive, sorted([*ids, "p/6.md", "p/8.md"])).new == {"p/8.md"}
    third = ReadingState.open(archive)
    assert third.arrive(ids | {"p/6.md": None, "p/7.md": None})[0] == set()
    third.close()


def test_ids_that_are_not_utf8_are_kept_exactly(archive: Path) -> None:
    odd = os.fsdecode(b"p/\xff\xfe.md")
    state = ReadingState.open(archive)
    state.set_read([odd])
    state.current = odd
    state.remember()
    state.close()
    again = ReadingState.open(archive)
    assert again.read == {odd} and again.current == odd
    again.close()


def test_undo_takes_back_the_last_mark_all(archive: Path) -> None:
    state = ReadingState.open(archive)
    state.set_read(["p/1.md"])
    assert state.mark_all([f"p/{n}.md" for n in range(1, 4)], "2022-05") == ["p/2.md", "p/3.md"]
    assert state.undo() == (["p/2.md", "p/3.md"], "2022-05")
    assert state.read == {"p/1.md"} and state.undo() is None
    state.close()


# -- a store that can't be used as it is ----------------------------------------------------
def test_a_damaged_store_is_set_aside_never_deleted(archive: Path) -> None:
    path = state_path(archive)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    state = ReadingState.open(archive)
    assert state.problem and "damaged" in state.problem and "kept as" in state.problem
    kept = [p for p in path.parent.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    state.set_read(["p/1.md"])
    state.close()
    assert ReadingState.open(archive).read == {"p/1.md"}


def test_a_store_from_a_newer_reader_is_read_and_left_alone(archive: Path) -> None:
    state = ReadingState.open(archive)
    state.set_read(["p/1.md"])
    state.close()
    path = state_path(archive)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    before = path.read_bytes()
    state = ReadingState.open(archive)
    assert state.problem and "newer reader" in state.problem
    assert state.read == {"p/1.md"}
    state.set_read(["p/2.md"])  # kept for the session
    state.close()
    assert path.read_bytes() == before


def test_no_state_folder_keeps_marks_in_memory(archive: Path, reader_home: Path) -> None:
    (reader_home / "state").write_text("a file where the folder should be")
    state = ReadingState.open(archive)
    assert state.problem and "last until you quit" in state.problem
    state.set_read(["p/1.md"])
    assert state.read == {"p/1.md"}
    state.close()


def test_a_write_that_fails_keeps_the_session_going(archive: Path) -> None:
    """A full disk (here: a connection that refuses writes, as one would): the mark is
    kept for the session and the problem said once."""
    store = StateStore(state_path(archive), archive)
    store._db.execute("PRAGMA query_only = 1")  # fault injection: every write fails
    store.set_read(["p/1.md"], True)
    assert store.problem and "could not be saved" in store.problem
    assert store.read_ids() == {"p/1.md"} and not store.writable
    store.close()


def test_a_legacy_places_file_nested_too_deeply_is_left_alone(archive: Path) -> None:
    path = state_path(archive).with_suffix(".json")
    path.parent.mkdir(parents=True)
    path.write_text("[" * 100_000 + "]" * 100_000)
    state = ReadingState.open(archive)
    assert state.current is None
    state.close()
    assert path.exists()


def test_a_legacy_places_file_is_taken_in(archive: Path) -> None:
    path = state_path(archive).with_suffix(".json")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"current": "p/2.md", "positions": {"p/2.md": 4}}))
    state = ReadingState.open(archive)
    assert state.current == "p/2.md" and state.positions == {"p/2.md": 4}
    state.close()


# -- other processes --------------------------------------------------------------------------
MARKER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from reader.state.store import StateStore
    path, root, start, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = StateStore(Path(path), Path(root))
    for n in range(start, start + count):
        store.set_read([f"p/{n}.md"], True)
        print(n, flush=True)
""")


def test_kill_9_loses_at_most_the_mark_being_made(archive: Path) -> None:
    """A marking process killed at random moments: the store always opens, and every mark
    the process had finished (said so) is there."""
    path = state_path(archive)
    rng = random.Random(7)
    done: list[int] = []
    start = 0
    for _ in range(12):
        process = subprocess.Popen([sys.executable, "-c", MARKER, str(path), str(archive),
                                    str(start), "100000"], stdout=subprocess.PIPE, text=True)
        time.sleep(0.3 + rng.random() * 0.4)
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate()
        done += [int(line) for line in out.split()]
        start += 100000
        store = StateStore(path, archive)
        assert store.problem is None
        held = store.read_ids()
        store.close()
        missing = [n for n in done if f"p/{n}.md" not in held]
        assert not missing, missing[:5]
    assert len(done) > 100


def test_two_processes_marking_at_once_both_keep_their_marks(archive: Path) -> None:
    path = state_path(archive)
    StateStore(path, archive).close()
    processes = [subprocess.Popen([sys.executable, "-c", MARKER, str(path), str(archive),
                                   str(start), "300"], stdout=subprocess.DEVNULL)
                 for start in (0, 1000)]
    for process in processes:
        assert process.wait(timeout=120) == 0
    store = StateStore(path, archive)
    held = store.read_ids()
    assert {f"p/{n}.md" for n in [*range(300), *range(1000, 1300)]} <= held


def test_damage_deep_in_the_file_is_found_behind_the_screen(archive: Path) -> None:
    """A store that opens but has damaged pages: found by the check the writer runs after
    opening, set aside, and what the session read is written to a new one."""
    state = ReadingState.open(archive)
    state.set_read([f"p/{n}.md" for n in range(1, 6)] + [f"x/{n}.md" for n in range(3000)])
    state.close()
    path = state_path(archive)
    data = bytearray(path.read_bytes())
    for at in range(len(data) // 2, len(data) // 2 + 4096):  # a page in the middle
        data[at] = 0xA5
    path.write_bytes(bytes(data))
    state = ReadingState.open(archive)
    state._writer.flush()
    assert state.problem and "damaged" in state.problem
    assert any(".damaged-" in p.name for p in path.parent.iterdir())
    read = set(state.read)
    state.close()
    again = ReadingState.open(archive)
    assert again.read == read and again.problem is None
    again.close()


def test_the_newest_place_is_kept_among_five_thousand(archive: Path) -> None:
    """Only places that changed are written, each stamped: the last one read is never the
    one cut when the newest 5,000 are kept."""
    state = ReadingState.open(archive)
    for n in range(5000):
        state.place(f"old/{n}.md", 1)
    state.remember()
    state.close()
    state = ReadingState.open(archive)
    state.current = "zz/last.md"
    state.place("zz/last.md", 42)
    state.remember()
    state.close()
    again = ReadingState.open(archive)
    assert again.current == "zz/last.md" and again.positions.get("zz/last.md") == 42
    again.close()


def test_a_full_disk_is_told_as_a_full_disk(archive: Path) -> None:
    """When SQLite rolls a transaction back itself (a full database), the reason said is
    that one, not "cannot rollback"."""
    store = StateStore(state_path(archive), archive)
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages + 1}")  # fault injection: full
    store.set_read([f"p/{n}-{'x' * 200}.md" for n in range(2000)], True)
    assert store.problem and "full" in store.problem and "rollback" not in store.problem
    assert len(store.read_ids()) == 2000  # kept in memory for the session
    store.close()


def test_a_version_1_store_is_brought_up_to_date(archive: Path) -> None:
    """Version 1 kept every id as bytes: its marks are found again after the upgrade."""
    path = state_path(archive)
    path.parent.mkdir(parents=True)
    odd = os.fsdecode(b"p/\xff.md")
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE marks (id BLOB PRIMARY KEY, fingerprint TEXT NOT NULL DEFAULT '',
                read INTEGER NOT NULL DEFAULT 0, read_at REAL, starred INTEGER NOT NULL
                DEFAULT 0, star_changed REAL, gone_at REAL) WITHOUT ROWID;
            CREATE TABLE places (id BLOB PRIMARY KEY, block INTEGER NOT NULL, at REAL NOT NULL)
                WITHOUT ROWID;
            CREATE TABLE seen (hash INTEGER PRIMARY KEY, first_seen REAL NOT NULL);
            INSERT INTO meta VALUES ('schema', '1');
        """)
        db.execute("INSERT INTO marks (id, read) VALUES (?, 1), (?, 1)",
                   (b"p/1.md", odd.encode("utf-8", "surrogateescape")))
        db.execute("INSERT INTO places VALUES (?, 3, 1.0)", (b"p/1.md",))
        db.execute("INSERT INTO meta VALUES ('current', ?)", (b"p/1.md",))
    state = ReadingState.open(archive)
    assert state.read == {"p/1.md", odd} and state.current == "p/1.md"
    assert state.positions == {"p/1.md": 3} and state.problem is None
    state.set_read(["p/1.md"], False)  # the same id, not a second row beside the old
    state.close()
    assert ReadingState.open(archive).read == {odd}
