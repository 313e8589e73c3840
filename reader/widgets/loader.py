"""The archive's loader: reads it through its index, keeps the index up to date, follows
the archive while the reader runs, and posts what to show as messages. It draws nothing.

The work itself is `reader.core.live`'s; this widget only runs it in thread workers and
turns what it returns into messages for the screen ("attributes down, messages up": the
screen sets `grouping`, the loader posts snapshots).
"""

from __future__ import annotations

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
from reader.core.index.store import ArchiveIndex

#: How often the sidebar is refreshed while an archive loads.
LOAD_REFRESH_SECONDS = 0.4


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

    def on_mount(self) -> None:
        self._load()

    def on_unmount(self) -> None:
        self._stop.set()

    def first_article_shown(self) -> None:
        """The screen drew its first article: the rest of the archive may load now."""
        self._first_shown.set()

    def _post(self, snapshot: live.Snapshot) -> None:
        self.snapshot = snapshot
        self.post_message(self.Loaded(snapshot))

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
            except sqlite3.OperationalError:
                raise  # locked or busy: not damage; the worker's error is shown
            except sqlite3.DatabaseError:
                # Damaged while in use: the index is only a cache, so start it again.
                index.rebuild()
                if attempt:
                    raise
            finally:
                index.close()
        if not worker.is_cancelled:
            self._watch()

    def _load_with(self, index: ArchiveIndex, worker: Worker) -> None:
        warm = index.has_articles()
        if warm:
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
            if now - last >= interval:
                self._post(live.whole(index, self.grouping, finished=False))
                # Publishing costs more as the archive grows: keep it a small share of time.
                last = time.monotonic()
                interval = max(LOAD_REFRESH_SECONDS, 4 * (last - now))

        changes = index.refresh(lambda p: self.post_message(self.Progressed(p)),
                                lambda: worker.is_cancelled, on_batch)
        if worker.is_cancelled:
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
        """Apply files added, changed and deleted while the reader runs."""
        worker = get_current_worker()
        index = open_index(self.root)
        try:
            # While this runs, `reader search` and friends answer from the index at once.
            with following(index.path, index.follow) as beat:
                self._follow(index, worker, beat)
        except sqlite3.OperationalError as error:
            self.post_message(self.Failed(f"Stopped following the archive's changes: {error}",
                                          "warning"))
        except sqlite3.DatabaseError:
            index.rebuild()
            self.post_message(self.Failed(
                "The index was damaged and is rebuilt when the archive is opened again; "
                "search finds nothing until then."))
        finally:
            index.close()

    def _follow(self, index: ArchiveIndex, worker: Worker, beat: Callable[[], None]) -> None:
        for seen in live.watch_archive(self.root, self._stop):
            if worker.is_cancelled:
                break
            beat()
            if not seen.any:
                continue
            changes = live.apply_path_changes(index, seen)
            if changes.any:
                self._post(live.with_changes(index, self.snapshot, changes, self.grouping))
                self.post_message(self.Changed(changes))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so, instead of leaving the screen waiting."""
        if event.state is not WorkerState.ERROR:
            return
        what = {"load": "Loading the archive", "watch": "Following the archive"}.get(
            event.worker.group, "A task")
        error = event.worker.error
        self.post_message(self.Failed(f"{what} failed: {type(error).__name__}: {error}"))
