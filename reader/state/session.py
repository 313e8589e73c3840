"""The reading state during one session: in memory for the screen, written behind it.

The screen asks and changes the sets here at once (on its own thread, in microseconds);
every change is also queued for one writer thread, in order, so the disk never holds up a
key and two quick changes are written in the order they were made.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from reader.core.model import Article
from reader.core.search.marks import Marks
from reader.settings import archive_key, state_dir
from reader.state.store import StateStore, Visit, fingerprint, legacy_places


class Writer:
    """One thread that runs queued writes in order; `flush` waits for them."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.failure: str | None = None  # the last write that failed, in one line
        self._thread = threading.Thread(target=self._run, name="reader-state", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                job()
            except Exception as error:  # the state stays in memory; the screen says so
                self.failure = f"The reading state could not be saved: {error}"
            finally:
                self._jobs.task_done()

    def put(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)

    def flush(self) -> None:
        """Wait until everything queued is written."""
        self._jobs.join()

    def stop(self, timeout: float = 10.0) -> None:
        self._jobs.put(None)
        self._thread.join(timeout)


def state_path(root: Path) -> Path:
    """Where the state of the archive at `root` is kept: one file per archive."""
    return state_dir() / f"{archive_key(root)}.sqlite3"


class StateUnreadable(Exception):
    """The state file is there but can't be read (damaged, not a state file)."""


def peek_marks(root: Path, listed: list[str] | None = None) -> Marks:
    """The marks as they are on disk, for a command that only looks (nothing is written;
    no file is made where there is none). With `listed`, which of those ids are new since
    the reader was last opened. Raises `StateUnreadable` for a file that can't be read."""
    path = state_path(root)
    if not path.exists():
        return Marks()
    try:
        return _peek(path, root, listed)
    except sqlite3.DatabaseError as error:
        raise StateUnreadable(str(error)) from None


def _peek(path: Path, root: Path, listed: list[str] | None) -> Marks:
    store = StateStore(path, root, read_only=True)
    try:
        new: set[str] = set()
        if listed is not None:
            new = store.see(listed, store.begin_visit(record=False), record=False)
        return Marks(frozenset(store.read_ids()), frozenset(store.starred_ids()),
                     frozenset(new))
    finally:
        store.close()


class ReadingState:
    """What the user has read, starred and where they were, for one archive."""

    def __init__(self, root: Path, store: StateStore) -> None:
        self.root = Path(root)
        self.store = store
        self.read: set[str] = store.read_ids()
        self.starred: set[str] = store.starred_ids()
        self.new: set[str] = set()
        self.current: str | None = store.current()
        self.positions: dict[str, int] = store.positions()
        self._moved: dict[str, int] = {}  # places changed since they were last written
        self.visit: Visit | None = None
        self.version = 0  # grows with every change of the sets, so caches know to refresh
        #: The archive's articles as the screen (or a command) has them: marks carry their
        #: fingerprints, so that a moved file keeps its marks.
        self.articles: dict[str, Article] = {}
        self._undo: list[tuple[list[str], bool, str]] = []  # bulk marks, last first
        self._writer = Writer()
        self._seen_version = store.data_version
        self._writer.put(self._check)

    @classmethod
    def open(cls, root: Path, path: Path | None = None) -> ReadingState:
        """The state of the archive at `root`, with places from an older reader's file."""
        path = path or state_path(root)
        store = StateStore(path, root)
        if store.current() is None:
            legacy = legacy_places(path.with_suffix(".json"))
            if legacy is not None and store.writable:
                store.remember(*legacy)
        return cls(root, store)

    def _check(self) -> None:
        """(In the writer.) A store found damaged is replaced by a new one, which gets
        what this session holds: the marks, stars and places read at opening."""
        problem = self.store.check()
        if problem is None:
            return
        # Copies taken at once (the screen's thread changes the sets while this runs).
        read, starred, positions = self.read.copy(), self.starred.copy(), self.positions.copy()
        self.store.set_read(list(read), True, self._fingerprints(read))
        self.store.set_star(list(starred), True, self._fingerprints(starred))
        self.store.remember(self.current, positions)
        self._writer.failure = problem

    @property
    def problem(self) -> str | None:
        """Why the state is not being kept as it should be, in one line (or None)."""
        return self._writer.failure or self.store.problem

    def marks(self) -> Marks:
        """The sets search filters by (`is:unread`, `is:starred`, `is:new`)."""
        return Marks(frozenset(self.read), frozenset(self.starred), frozenset(self.new),
                     self.version)

    def _fingerprints(self, ids: Iterable[str]) -> dict[str, str]:
        articles = self.articles
        return {i: fingerprint(articles[i]) for i in ids if i in articles}

    # -- changes (in memory now, on disk soon) ---------------------------------------------
    def set_read(self, ids: Iterable[str], read: bool = True) -> list[str]:
        """Mark articles read (or unread); the ones whose mark changed."""
        marks = self.read
        changed = [i for i in ids if i not in marks] if read else [i for i in ids if i in marks]
        if not changed:
            return []
        if read:
            marks.update(changed)
        else:
            marks.difference_update(changed)
        changed = list(dict.fromkeys(changed))  # the caller may have named one twice
        self.version += 1
        store = self.store
        self._writer.put(lambda: store.set_read(changed, read, self._fingerprints(changed)
                                                if read else None))
        return changed

    def mark_all(self, ids: Iterable[str], what: str) -> list[str]:
        """Mark many articles read at once (`A`), so that `undo` can take it back; `what`
        names them for the message (`2022-05`, `search results`)."""
        changed = self.set_read(ids, True)
        if changed:
            self._undo.append((changed, True, what))
        return changed

    def undo(self) -> tuple[list[str], str] | None:
        """Take back the last `mark_all`: the articles it marked, unread again."""
        if not self._undo:
            return None
        changed, read, what = self._undo.pop()
        self.set_read(changed, not read)
        return changed, what

    def toggle_star(self, article_id: str) -> bool:
        """Star or unstar an article; True when it is starred now."""
        starred = article_id not in self.starred
        if starred:
            self.starred.add(article_id)
        else:
            self.starred.discard(article_id)
        self.version += 1
        store = self.store
        self._writer.put(lambda: store.set_star(
            [article_id], starred, self._fingerprints([article_id])))
        return starred

    def place(self, article_id: str, block: int) -> None:
        """Where the reader is in an article (the block at the top of the pane)."""
        self.positions.pop(article_id, None)
        self.positions[article_id] = block
        self._moved[article_id] = block

    def remember(self) -> None:
        """Save the article being read and the places that changed (soon, from the writer:
        each place is stamped when it is written, so the newest 5,000 are kept)."""
        current, moved = self.current, dict(self._moved)
        self._moved.clear()
        self._writer.put(lambda: self.store.remember(current, moved))

    # -- at opening (from a worker) ------------------------------------------------------------
    def arrive(self, articles: dict[str, Article]) -> tuple[set[str], dict[str, str]]:
        """The archive's articles are listed: follow moved marks and find what is new.

        Runs in a worker; returns the new ids and the moves, which the screen applies with
        `apply_arrival`.
        """
        self._writer.flush()
        ids = set(articles)
        moves = self.store.follow_moves(ids, lambda i: fingerprint(articles[i]))
        if self.visit is None:
            self.visit = self.store.begin_visit()
        new = self.store.see(ids, self.visit)
        return new, moves

    def apply_arrival(self, new: set[str], moves: dict[str, str]) -> None:
        """On the screen's thread: take in what `arrive` found."""
        for old, moved in moves.items():
            for marks in (self.read, self.starred):
                if old in marks:
                    marks.discard(old)
                    marks.add(moved)
            if old in self.positions:
                self.positions[moved] = self.positions.pop(old)
        self.new = new
        self.version += 1

    def changed_elsewhere(self, force: bool = False) -> bool:
        """Did another process (a second reader, `reader mark`) write the state? With
        `force`, the next call says yes (a reload was dropped and must happen again)."""
        if force:
            self._seen_version = -1
            return True
        version = self.store.data_version
        changed, self._seen_version = version != self._seen_version, version
        return changed

    def reload(self) -> tuple[set[str], set[str]]:
        """The read and starred sets as the store holds them now (from a worker)."""
        self._writer.flush()
        return self.store.read_ids(), self.store.starred_ids()

    def close(self) -> None:
        """Write what is queued and let go of the store."""
        self._writer.stop()
        self.store.close()
