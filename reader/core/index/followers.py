"""Readers that follow an archive as it changes: a command answers from their index.

A reader whose watcher is running (after its own refresh) keeps the index within a second
of the disk. While it does, it holds a shared lock on a file beside the index and touches
that file every second. `reader search`, `list` and `show` ask `followed`: if a live
follower holds the lock, they answer from the index at once instead of walking 100,000
files; if none does (none running, one stopped or suspended), they refresh first.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: A follower touches its lock file this often; older than `STALE_SECONDS`, it is not
#: trusted (a reader suspended with Ctrl-Z still holds its lock).
BEAT_SECONDS = 1.0
STALE_SECONDS = 3.0


def _lock_file(index_path: str | os.PathLike[str], follow: bool) -> str:
    # Readers that follow every link keep other articles than those that do not.
    return f"{os.fspath(index_path)}.following{'-all-links' if follow else ''}"


@contextlib.contextmanager
def following(index_path: str | os.PathLike[str], follow: bool = False
              ) -> Iterator[Callable[[], None]]:
    """Hold the followers' lock while the caller keeps the index up to date; gives a
    function to call often (each turn of the watcher), which touches the file every second.
    Without a lock to be had (a read-only cache), nothing is promised and nothing fails."""
    path = _lock_file(index_path, follow)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield lambda: None
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        last = 0.0

        def beat() -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= BEAT_SECONDS:
                with contextlib.suppress(OSError):
                    os.utime(fd)
                last = now

        beat()
        yield beat
    finally:
        os.close(fd)  # and with it the lock


def followed(index_path: str | os.PathLike[str], follow: bool = False) -> bool:
    """Is a reader following the archive right now (its lock held, its file touched in the
    last `STALE_SECONDS`)?"""
    path = _lock_file(index_path, follow)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        if time.time() - os.fstat(fd).st_mtime > STALE_SECONDS:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False
    finally:
        os.close(fd)
