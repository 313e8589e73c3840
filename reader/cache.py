"""The reader's cache: the index of each archive, in the XDG cache directory.

The core's `ArchiveIndex` is told where its file lives; this is where the reader keeps it.
Every index of one archive opened in this process shares one `Location`: when the cache
can't be written and the index is kept elsewhere for this run, all of them find it there.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reader.core.index.location import Location
from reader.core.index.store import ArchiveIndex
from reader.settings import archive_key, cache_dir, follows_every_link

_locations: dict[Path, Location] = {}
_lock = threading.Lock()


def index_path(root: Path) -> Path:
    """Where the index of the archive at `root` lives: one file per archive, by its path."""
    return cache_dir() / "index" / f"{archive_key(root)}.sqlite3"


def open_index(root: Path, follow: bool | None = None, repair: bool = True) -> ArchiveIndex:
    """The index of the archive at `root` (opened lazily, on first use): in the cache, or
    wherever this process keeps it since the cache could not be written.

    `follow`: follow every symbolic link; by default as the user asked (`--follow`, or the
    `follow_symlinks` setting), else only links that stay inside the archive.
    `repair=False` for a reader that must not rebuild or move it (a search screen): it is
    told why the index is unavailable instead (`IndexUnavailable`).
    """
    path = index_path(root)
    with _lock:
        location = _locations.setdefault(path, Location(path))
    return ArchiveIndex(root, location, follow=follows_every_link() if follow is None else follow,
                        repair=repair)
