"""The reader's cache: the index of each archive, in the XDG cache directory.

The core's `ArchiveIndex` is told where its file lives; this is where the reader keeps it.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.index.store import ArchiveIndex
from reader.settings import archive_key, cache_dir


def index_path(root: Path) -> Path:
    """Where the index of the archive at `root` lives: one file per archive, by its path."""
    return cache_dir() / "index" / f"{archive_key(root)}.sqlite3"


def open_index(root: Path) -> ArchiveIndex:
    """The index of the archive at `root`, in the cache (opened lazily, on first use)."""
    return ArchiveIndex(root, index_path(root))
