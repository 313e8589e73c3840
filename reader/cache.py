"""The reader's cache: the index of each archive, in the XDG cache directory.

The core's `ArchiveIndex` is told where its file lives; this is where the reader keeps it.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.index.store import ArchiveIndex
from reader.settings import archive_key, cache_dir, follows_every_link


def index_path(root: Path) -> Path:
    """Where the index of the archive at `root` lives: one file per archive, by its path."""
    return cache_dir() / "index" / f"{archive_key(root)}.sqlite3"


def open_index(root: Path, follow: bool | None = None) -> ArchiveIndex:
    """The index of the archive at `root`, in the cache (opened lazily, on first use).

    `follow`: follow every symbolic link; by default as the user asked (`--follow`, or the
    `follow_symlinks` setting), else only links that stay inside the archive.
    """
    return ArchiveIndex(root, index_path(root),
                        follow=follows_every_link() if follow is None else follow)
