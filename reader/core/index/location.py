"""Where an index is kept, and what SQLite's errors mean for it.

An index lives in the cache. When the cache can't be written (a read-only mount, a file
where its folder should be, a full disk), the archive is still read: from a copy in a
temporary folder, or else in memory, slower but right; and the reason is kept, one line,
for the reader to say. Every connection of one process to one archive's index shares one
`Location`, so that all of them follow the index wherever it goes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from urllib.parse import quote

#: SQLite's primary result codes that say what went wrong (the low byte of an extended code).
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED: another connection holds it
_INTERRUPT = 9
_UNWRITABLE = {3, 8, 10, 13, 14}  # PERM, READONLY, IOERR, FULL, CANTOPEN

#: SQLITE_ERROR's words for a statement that could never have run, whatever the file held
#: (a temporary table this connection has not made, a statement with too many values).
_MISUSE = ("no such table: temp.", "too many SQL variables", "column index out of range")

#: Troubles that are no damage: another process rebuilt the index; this one keeps it elsewhere.
REPLACED = "the index file was replaced"
MOVED = "the index moved"


class Fault(Enum):
    """What an `sqlite3.Error` from the index means, and so what to do about it."""

    BUSY = "busy"  # another process is writing: wait, or try again; never rebuild
    INTERRUPTED = "interrupted"  # a query stopped on purpose (`Connection.interrupt`)
    CLOSED = "closed"  # used after `close`: the screen that held it went away
    UNWRITABLE = "unwritable"  # the cache can't be written (or read) here: keep it elsewhere
    MISUSE = "misuse"  # a statement the reader got wrong: an error to show, never a rebuild
    DAMAGE = "damage"  # anything else: the file is damaged; rebuild it, never trust it


def fault_of(error: sqlite3.Error) -> Fault:
    """What `error` means for the index (by SQLite's result code, not its wording)."""
    if isinstance(error, sqlite3.ProgrammingError):
        return Fault.CLOSED
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in _BUSY:
        return Fault.BUSY
    if primary == _INTERRUPT:
        return Fault.INTERRUPTED
    if primary in _UNWRITABLE:
        return Fault.UNWRITABLE
    if primary in (1, 25) and any(sign in str(error) for sign in _MISUSE):
        return Fault.MISUSE
    return Fault.DAMAGE


class IndexUnavailable(Exception):
    """The index can't be used now (missing, damaged, of another version) and this
    connection may not repair it: someone else (the reader's loader) rebuilds it.
    `damaged`: it is there but can't be trusted (not merely missing)."""

    def __init__(self, reason: str, damaged: bool = False) -> None:
        super().__init__(reason)
        self.damaged = damaged


def file_uri(path: Path, query: str = "") -> str:
    """An SQLite URI for `path` (any bytes in the name), with `query` (`mode=ro`)."""
    uri = "file:" + quote(os.fsencode(path), safe="/")
    return f"{uri}?{query}" if query else uri


def file_trouble(path: Path, identity: tuple[int, int] | None) -> str | None:
    """Why the file at `path` may no longer be the index a connection opened as `identity`
    (device, inode), or None. A stat, cheap enough to ask twice a second.

    Never a read: closing any descriptor of the database file in this process would drop
    SQLite's POSIX locks on it, and another process could then checkpoint and delete the
    log under this one's connections (SQLite's "how to corrupt" §2.2). A file overwritten
    in place is found by the next query that reads it (or a search's fresh connection).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "the index file was deleted"
    except OSError as error:
        return f"the index file can't be read ({error.strerror})"
    if identity is not None and (info.st_dev, info.st_ino) != identity:
        return REPLACED
    if info.st_size == 0 or info.st_size % 512:
        return "the index file was cut short"  # SQLite writes whole pages, 512 bytes or more
    return None


def identity_of(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


#: Makes a new, empty index on a connection.
Setup = Callable[[sqlite3.Connection], None]


class Location:
    """Where one archive's index is kept: in the cache (`path`), or elsewhere (`uri`, with
    `because`). Shared by every `ArchiveIndex` of that archive in this process."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.uri: str | None = None  # elsewhere; None while in the cache
        self.because: str | None = None  # one line: why not in the cache
        self.lock = threading.Lock()
        self.moves = 0  # counts moves and new starts: a connection to an older one reopens
        self._keeper: sqlite3.Connection | None = None  # holds an in-memory index open
        self._folder: Path | None = None

    @property
    def in_memory(self) -> bool:
        return self._keeper is not None

    @property
    def file(self) -> Path | None:
        """The file the index is in now (None in memory)."""
        if self._folder is not None:
            return self._folder / "index.sqlite3"
        return None if self.in_memory else self.path

    def move(self, reason: str, source: sqlite3.Connection | None, setup: Setup) -> None:
        """Keep the index elsewhere from now on: in a temporary folder, or in memory when
        that fails too (or when it is the temporary folder that can't be written). What
        `source` holds is copied there (it is right, only behind), else `setup` makes a new
        empty index. Call with `lock` held."""
        if self.in_memory:
            raise OSError(f"the index can't be kept anywhere: {reason}")
        makers = [self._new_memory] if self._folder is not None else [self._new_folder,
                                                                     self._new_memory]
        for make in makers:
            for copy in ([source, None] if source is not None else [None]):
                made = None
                try:
                    made = make()
                    _fill(made[0], made[1], copy, setup)
                except (OSError, sqlite3.Error):
                    if made is not None:
                        _discard(*made)
                    continue
                self._forget_elsewhere()
                self.uri, keeper, folder = made
                self._keeper, self._folder = keeper, folder
                if folder is not None:
                    weakref.finalize(self, shutil.rmtree, folder, True)
                self.moves += 1
                where = "in memory" if keeper is not None else "in a temporary folder"
                self.because = f"the cache can't be written ({reason}): the index is kept {where}"
                return
        raise OSError(f"the index can't be kept anywhere: {reason}")

    def start_again(self, setup: Setup) -> None:
        """The index elsewhere was found damaged: a new empty one in its place."""
        if self._keeper is not None:
            made = self._new_memory()
            _fill(made[0], made[1], None, setup)
            self._keeper.close()
            self.uri, self._keeper = made[0], made[1]
        elif self._folder is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self._folder / 'index.sqlite3'}{suffix}").unlink(missing_ok=True)
            _fill(file_uri(self._folder / "index.sqlite3"), None, None, setup)
        self.moves += 1

    @staticmethod
    def _new_folder() -> tuple[str, None, Path]:
        folder = Path(tempfile.mkdtemp(prefix="reader-index-"))
        return file_uri(folder / "index.sqlite3"), None, folder

    @staticmethod
    def _new_memory() -> tuple[str, sqlite3.Connection, None]:
        uri = f"file:reader-index-{os.urandom(16).hex()}?mode=memory&cache=shared"
        return uri, sqlite3.connect(uri, uri=True, isolation_level=None,
                                    check_same_thread=False), None

    def _forget_elsewhere(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _fill(uri: str, keeper: sqlite3.Connection | None, source: sqlite3.Connection | None,
          setup: Setup) -> None:
    db = keeper or sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        if source is not None:
            source.backup(db)
        else:
            setup(db)
    finally:
        if keeper is None:
            db.close()


def _discard(uri: str, keeper: sqlite3.Connection | None, folder: Path | None) -> None:
    if keeper is not None:
        keeper.close()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
