"""The archive's loader: reads it through its index, keeps the index up to date, follows
the archive while the reader runs, and posts what to show as messages. It draws nothing.

The work itself is `reader.core.live`'s; this widget only runs it in thread workers and
turns what it returns into messages for the screen ("attributes down, messages up": the
screen sets `grouping`, the loader posts snapshots).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from reader.cache import open_index
from reader.core import live
from reader.core.grouping import Grouping
from reader.core.index.entries import Changes, Progress
from reader.core.index.followers import following
from reader.core.index.location import MOVED, REPLACED, Fault, fault_of
from reader.core.index.store import ArchiveIndex

#: How often the sidebar is refreshed while an archive loads.
LOAD_REFRESH_SECONDS = 0.4
#: How often, at most, the screen is compared with an index another process writes.
CATCH_UP_SECONDS = 0.5
#: Why the watcher opens the index again after another process held it too long.
BUSY = "busy"


class ArchiveLoader(Widget):
    """Loads and follows one archive; posts `Loaded`, `Progressed`, `Indexed`, `Changed`."""

    DEFAULT_CSS = "ArchiveLoader { display: none; }"

    class Loaded(Message):
        """A new snapshot of the archive to show."""

        def __init__(self, snapshot: live.Snapshot) -> None:
            self.snapshot = snapshot
            super().__init__()

    class Progressed(Message):
        """How far a first (or large) indexing has got."""

        def __init__(self, progress: Progress) -> None:
            self.progress = progress
            super().__init__()

    class Indexed(Message):
        """The index is up to date with the disk; `warm`: it held articles before."""

        def __init__(self, changes: Changes, warm: bool) -> None:
            self.changes = changes
            self.warm = warm
            super().__init__()

    class Changed(Message):
        """Files changed while the reader runs (already in the snapshot that follows)."""

        def __init__(self, changes: Changes) -> None:
            self.changes = changes
            super().__init__()

    class Failed(Message):
        """Loading or following stopped; `message` says why in one line."""

        def __init__(self, message: str, severity: str = "error") -> None:
            self.message = message
            self.severity = severity
            super().__init__()

    class Rebuilding(Message):
        """The index is being built again (it was damaged, deleted, or can't be read), in
        the background; what is on screen stays until it is done. `reason`: one line."""

        def __init__(self, reason: str) -> None:
            self.reason = reason
            super().__init__()

    class Notice(Message):
        """Something the user should know that stops nothing (the cache can't be written)."""

        def __init__(self, message: str) -> None:
            self.message = message
            super().__init__()

    def __init__(self, root: Path, first: live.Snapshot | None = None,
                 remembered: str | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = root
        self.grouping = Grouping.DATE  # set by the screen
        self.snapshot = first or live.EMPTY  # the last one posted
        self.remembered = remembered  # the article to include in a first page
        self._head_start = first is not None
        self._stop = threading.Event()
        self._first_shown = threading.Event()
        self._damage_found: str | None = None  # by someone else (a search): rebuild
        self._said: set[str] = set()  # notices given once a session

    def on_mount(self) -> None:
        self._load()

    def on_unmount(self) -> None:
        self._stop.set()

    def first_article_shown(self) -> None:
        """The screen drew its first article: the rest of the archive may load now."""
        self._first_shown.set()

    def damaged(self, reason: str) -> None:
        """Someone found the index damaged (a search): it is rebuilt in the background, at
        the watcher's next beat (half a second). Said again while a load or a rebuild
        runs, it is dropped: that one reads a new index."""
        self._damage_found = reason

    def _post(self, snapshot: live.Snapshot) -> None:
        self.snapshot = snapshot
        self.post_message(self.Loaded(snapshot))
        dump = os.environ.get("READER_BENCHMARK_SNAPSHOT_FILE")
        if dump:
            # benchmarks/soak.py compares what each reader shows with the disk.
            _write_ids(Path(dump), snapshot)

    def _tell(self, index: ArchiveIndex) -> None:
        """Tell the user why the index is being rebuilt, and (once) why it is not kept in
        the cache."""
        if index.rebuilt_because:
            self.post_message(self.Rebuilding(index.rebuilt_because))
            index.rebuilt_because = None
        moved = index.moved_because
        if moved and moved not in self._said:
            self._said.add(moved)
            self.post_message(self.Notice(f"{moved[0].upper()}{moved[1:]} this session."))

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False,
          description="load the archive")
    def _load(self) -> None:
        """Show what the index holds, bring it up to date, then follow the archive."""
        worker = get_current_worker()
        for attempt in range(2):
            index = open_index(self.root)
            try:
                self._load_with(index, worker)
                break
            except sqlite3.Error as error:
                # Damaged while in use: the index is only a cache, so start it again.
                if fault_of(error) is not Fault.DAMAGE or attempt:
                    raise
                index.rebuild(f"damaged index ({error})")
            finally:
                index.close()
        if not worker.is_cancelled:
            self._watch()

    def _load_with(self, index: ArchiveIndex, worker: Worker, again: bool = False) -> None:
        """Show what the index holds, then bring it up to date. `again`: the archive is on
        screen already, and stays there until the index is up to date (rebuilt, perhaps)."""
        warm = index.has_articles()
        self._tell(index)
        if warm and not again:
            if self.grouping is Grouping.DATE and not self._head_start:
                self._post(live.first_page(index, self.remembered))
                # Reading every row beside the first article's conversion would slow both.
                self._first_shown.wait(timeout=3.0)
            self._post(live.whole(index, self.grouping, finished=False))
        last = time.monotonic()
        interval = LOAD_REFRESH_SECONDS

        def on_batch(entries: list) -> None:
            nonlocal last, interval
            now = time.monotonic()
            if now - last >= interval and not again:
                self._post(live.whole(index, self.grouping, finished=False))
                # Publishing costs more as the archive grows: keep it a small share of time.
                last = time.monotonic()
                interval = max(LOAD_REFRESH_SECONDS, 4 * (last - now))

        changes = index.refresh(lambda p: self.post_message(self.Progressed(p)),
                                lambda: worker.is_cancelled, on_batch)
        self._damage_found = None  # seen in the index this load replaced, if any
        if worker.is_cancelled:
            return
        self._tell(index)
        if again:
            found = live.caught_up(index, self.snapshot, self.grouping)
            if found is not None:
                self._post(found[0])
                self.post_message(self.Changed(found[1]))
            self.post_message(self.Indexed(Changes(), warm=False))
            return
        if warm and live.worth_applying(changes, len(self.snapshot.articles)):
            # Every row is on screen already: apply what changed, not 100,000 rows read
            # again (2 s at that size, after every opening).
            self._post(live.with_changes(index, self.snapshot, changes, self.grouping))
        else:
            self._post(live.whole(index, self.grouping, finished=True))
        self.post_message(self.Indexed(changes, warm))

    # -- following ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="watch", exit_on_error=False,
          description="follow the archive")
    def _watch(self) -> None:
        """Follow the archive while the reader runs: files added, changed and deleted (what
        the watcher sees), whatever else wrote the index (a second reader, `reader index`:
        SQLite's `data_version` says), and an index damaged, deleted or replaced meanwhile
        (rebuilt in the background)."""
        worker = get_current_worker()
        index = open_index(self.root)
        damaged = 0  # rebuilds in a row that found damage again at once
        try:
            while not worker.is_cancelled and not self._stop.is_set():
                with _followers_told(index) as beat:
                    trouble = self._follow(index, worker, beat)
                while trouble is not None and not worker.is_cancelled:
                    rebuild, reason = trouble
                    if rebuild:
                        index.rebuild(reason)
                    else:
                        # Deleted, overwritten, replaced by another process's rebuild, moved
                        # elsewhere, busy: opening it again finds out which, and repairs.
                        index.reopen()
                        if reason not in (REPLACED, MOVED, BUSY):
                            index.rebuilt_because = reason
                    try:
                        self._load_with(index, worker, again=True)
                        trouble = None
                        damaged = 0
                    except sqlite3.Error as error:
                        damaged += 1
                        if fault_of(error) is not Fault.DAMAGE or damaged > 1:
                            raise
                        trouble = True, f"damaged index ({error})"
                if trouble is not None:
                    break
        except sqlite3.Error as error:
            self.post_message(self.Failed(f"Stopped following the archive's changes: {error}",
                                          "warning"))
        finally:
            index.close()

    def _follow(self, index: ArchiveIndex, worker: Worker, beat: Callable[[], None]
                ) -> tuple[bool, str] | None:
        """Apply changes until the index needs opening again, and catching up with the disk
        (`(rebuild, why)`), or the reader stops (None). `beat` at each turn: the followers'
        lock file says this reader keeps the index current."""
        version: int | None = None  # `data_version` when the snapshot last matched the index
        next_check = 0.0  # comparing costs 60 ms at 20,000 articles: not at every beat
        try:
            for seen in live.watch_archive(self.root, self._stop):
                if worker.is_cancelled:
                    return None
                beat()
                if self._damage_found is not None:
                    reason, self._damage_found = self._damage_found, None
                    return True, reason
                trouble = index.trouble()
                if trouble is not None:
                    return False, trouble
                if seen.any:
                    changes = live.apply_path_changes(index, seen)
                    if changes.any:
                        self._post(live.with_changes(index, self.snapshot, changes,
                                                     self.grouping))
                        self.post_message(self.Changed(changes))
                    self._tell(index)
                current = index.data_version()
                if current != version and time.monotonic() >= next_check:
                    # Another connection wrote: what it changed may be news to this screen.
                    started = time.monotonic()
                    found = live.caught_up(index, self.snapshot, self.grouping)
                    if found is not None:
                        self._post(found[0])
                        self.post_message(self.Changed(found[1]))
                    version = current
                    # While another process rebuilds 100,000 articles, this stays a small
                    # share of the time (as the load's own snapshots do).
                    next_check = time.monotonic() + max(
                        CATCH_UP_SECONDS, 4 * (time.monotonic() - started))
        except sqlite3.Error as error:
            fault = fault_of(error)
            if fault is Fault.DAMAGE:
                return True, f"damaged index ({error})"
            if fault is Fault.BUSY:
                return False, BUSY  # the changes it held up are caught up with by a refresh
            raise
        return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so, instead of leaving the screen waiting."""
        if event.state is not WorkerState.ERROR:
            return
        what = {"load": "Loading the archive", "watch": "Following the archive"}.get(
            event.worker.group, "A task")
        error = event.worker.error
        self.post_message(self.Failed(f"{what} failed: {type(error).__name__}: {error}"))


def _followers_told(index: ArchiveIndex) -> contextlib.AbstractContextManager:
    """While the index is followed (not while it is rebuilt, nor while this process keeps
    it elsewhere), `reader search` and friends answer from it at once (`followers`)."""
    if index.moved_because is not None:
        return contextlib.nullcontext(lambda: None)
    return following(index.path, index.follow)


def _write_ids(path: Path, snapshot: live.Snapshot) -> None:
    """Every article id shown, one a line, sorted (replacing the file whole)."""
    ids = sorted(snapshot.articles, key=lambda i: i.encode("utf-8", "surrogateescape"))
    text = "".join(f"{i}\n" for i in ids)
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(text, encoding="utf-8", errors="surrogateescape")
    os.replace(temporary, path)
