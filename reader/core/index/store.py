"""The archive's index: what the sidebar, the header and search need, kept in SQLite.

One database per archive in the cache directory (the caller says where). It is only a
cache: deleting it loses nothing, and a damaged one (garbage, truncated, another schema
version, any `sqlite3.DatabaseError` but a busy one) is thrown away and rebuilt. When the
cache can't be written, the index is kept elsewhere (`location`), and a valid index on a
read-only mount is read as it is, never deleted. Refreshing reads again only the files
whose size or modification time changed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from reader.core.files import quiet
from reader.core.files.scan import ArticleFile, Walk, file_at, is_article_path
from reader.core.index import listing, writer
from reader.core.index.engine import SearchEngine
from reader.core.index.entries import PARALLEL_THRESHOLD, Changes, Entry, Progress, read_entries
from reader.core.index.location import (
    MOVED,
    Fault,
    IndexUnavailable,
    Location,
    fault_of,
    file_trouble,
    file_uri,
    identity_of,
)
from reader.core.index.schema import (
    SCHEMA,
    SCHEMA_VERSION,
    id_of,
    key_of,
    transaction,
)
from reader.core.model import Article, Problem
from reader.core.search.marks import NO_MARKS, Marks
from reader.core.search.query import Hit, Query

#: How long to wait for another process (a second reader on the same archive) to finish writing.
BUSY_SECONDS = 30.0


class ArchiveIndex:
    """The index of one archive. Open it, refresh it, ask it.

    `location`: the cache file, or a `Location` shared with the other connections of this
    process. `repair=False` (a search screen's): never create, rebuild or move the index;
    `IndexUnavailable` says why it can't be used, and someone else repairs it.
    """

    def __init__(self, root: Path, location: Path | Location, follow: bool = False,
                 repair: bool = True) -> None:
        self.root = Path(root)
        self.location = location if isinstance(location, Location) else Location(location)
        self.follow = follow  # follow every symbolic link, not only those that stay inside
        self.repair = repair
        self.rebuilt_because: str | None = None
        self._db: sqlite3.Connection | None = None
        self.engine = SearchEngine(lambda: self.db, lambda: self._writes)
        self._closed = False
        self._writes = 0  # this connection's own commits, which `data_version` does not count
        self._read_only = False  # a valid index the cache can't write: copied before a write
        self._identity: tuple[int, int] | None = None  # the file this connection opened
        self._moves = 0  # the location's moves when this connection opened

    @property
    def path(self) -> Path:
        """The index's file in the cache (where it is kept unless `moved_because`)."""
        return self.location.path

    @property
    def moved_because(self) -> str | None:
        """Why the index is not kept in the cache (one line), or None."""
        return self.location.because

    # -- opening ---------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            if self._closed:
                raise sqlite3.ProgrammingError("the index was closed")
            self._db = self._connect()
        return self._db

    def _connect(self) -> sqlite3.Connection:
        self._read_only = False
        self._identity = None
        self._moves = self.location.moves
        if self.location.uri is not None:
            return self._connect_elsewhere()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return self._move(_folder_trouble(self.path.parent, error))
        existed = self.path.exists()
        identity = identity_of(self.path)
        try:
            db = self._open_existing() if existed else None
            if db is None:
                if not self.repair:
                    raise self._unavailable()
                self._remove_files()
                db = self._create()
                identity = identity_of(self.path)
            # Another process may have put a new file there meanwhile: then this one is
            # taken for replaced at the next `trouble`, and opened again.
            self._identity = identity
            return db
        except sqlite3.Error as error:
            if fault_of(error) is not Fault.UNWRITABLE:
                raise
            reason = _unwritable(self.path.parent, error)
        except OSError as error:  # the damaged file can't be removed
            reason = _unwritable(self.path.parent, error)
        if existed:
            db = self._open_read_only()
            if db is not None:
                return db
        elif self.repair:
            self._remove_files()  # what was made of a new index before the disk said no
        return self._move(reason)

    def _create(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             timeout=BUSY_SECONDS)
        try:
            _new_index(db, self.root)
        except sqlite3.Error:
            db.close()
            raise
        self._tune(db)
        return db

    def _open_existing(self, uri: str | None = None) -> sqlite3.Connection | None:
        """The index at `uri` (else in the cache), or None when it is damaged (and why, in
        `rebuilt_because`). Busy, or a cache that can't be written, raise."""
        db = (sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None,
                              timeout=BUSY_SECONDS) if uri is not None else
              sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                              timeout=BUSY_SECONDS))
        try:
            if not self._read_only:
                self._tune(db)
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if rows.get("schema") != str(SCHEMA_VERSION):
                self.rebuilt_because = "index from another version"
            elif rows.get("root") != str(self.root.resolve()):
                self.rebuilt_because = "index of another archive"
            else:
                # A full integrity check reads the whole file; touching what every open
                # reads first is enough to catch garbage here, and a fault found later (a
                # page cut off, say) raises DatabaseError, upon which the caller rebuilds.
                # (A count of `files` here read 15 MB at 100,000 articles: 24 ms of the
                # first screen.)
                db.execute("SELECT id FROM files ORDER BY id LIMIT 1").fetchone()
                db.execute("SELECT id FROM articles ORDER BY stamp DESC LIMIT 1").fetchone()
                return db
        except sqlite3.Error as error:
            if fault_of(error) in (Fault.BUSY, Fault.UNWRITABLE):
                db.close()
                raise
            self.rebuilt_because = f"damaged index ({error})"
        db.close()
        return None

    def _open_read_only(self) -> sqlite3.Connection | None:
        """The cache's index as it is, when the cache can't be written (a read-only mount):
        never rebuilt there, never deleted; copied elsewhere before anything is written."""
        self._read_only = True
        # `immutable`: a write-ahead-logged file on a read-only mount opens no other way.
        for query in ("mode=ro", "immutable=1"):
            try:
                db = self._open_existing(file_uri(self.path, query))
            except sqlite3.Error as error:
                if fault_of(error) is Fault.UNWRITABLE:
                    continue
                raise
            if db is None:
                break  # damaged, and can't be rebuilt here: a new one elsewhere
            self._identity = identity_of(self.path)
            return db
        self._read_only = False
        return None

    def _connect_elsewhere(self) -> sqlite3.Connection:
        assert self.location.uri is not None
        db = self._open_existing(self.location.uri)
        if db is None:
            if not self.repair:
                raise self._unavailable()
            with self.location.lock:
                self.location.start_again(lambda new: _new_index(new, self.root))
            self._moves = self.location.moves
            db = self._open_existing(self.location.uri)
            if db is None:
                raise self._unavailable()
        if self.location.in_memory:
            # Connections to one index in memory share its tables: readers must not wait
            # on (or stop) the writer.
            db.execute("PRAGMA read_uncommitted=1")
        self._identity = identity_of(self.location.file) if self.location.file else None
        return db

    def _move(self, reason: str, source: sqlite3.Connection | None = None
              ) -> sqlite3.Connection:
        """Keep the index elsewhere from now on (see `Location.move`), and connect there."""
        if not self.repair:
            raise IndexUnavailable(f"the cache can't be read ({reason})")
        with self.location.lock:
            if self.location.moves == self._moves:  # not moved meanwhile by another connection
                self.location.move(reason, source, lambda db: _new_index(db, self.root))
        self._disconnect()
        self._read_only = False
        self._moves = self.location.moves
        self._db = self._connect_elsewhere()
        return self._db

    def _unavailable(self) -> IndexUnavailable:
        if self.rebuilt_because is None:
            return IndexUnavailable("the index is not built yet")
        return IndexUnavailable(self.rebuilt_because, damaged=True)

    @staticmethod
    def _tune(db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA cache_size=-32000")

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{self.path}{suffix}")

    def trouble(self) -> str | None:
        """Why this connection may no longer be the index, or None: the file was deleted,
        replaced (another process rebuilt it) or cut short; or the index moved elsewhere.
        Cheap (a stat): a watcher asks it twice a second."""
        if self._db is None:
            return None
        if self.location.moves != self._moves:
            return MOVED
        file = self.location.file
        return None if file is None else file_trouble(file, self._identity)

    def reopen(self) -> None:
        """Let go of the connection; the next use opens the index again, wherever it is."""
        self._disconnect()

    def rebuild(self, reason: str = "damaged index") -> None:
        """Throw the index away (it was found damaged while in use) and start empty.

        A read-only index is never deleted: a new one is made elsewhere instead."""
        self._disconnect()
        if self.location.uri is not None:
            with self.location.lock:
                self.location.start_again(lambda db: _new_index(db, self.root))
        elif not self._read_only:
            self._remove_files()
        else:
            with self.location.lock:
                if self.location.moves == self._moves:
                    self.location.move("it is read-only, and its index is damaged", None,
                                       lambda db: _new_index(db, self.root))
        self._read_only = False
        self.rebuilt_because = reason

    def check(self) -> str | None:
        """`PRAGMA quick_check` and the character index's own check: None when the whole
        index is sound, else what is wrong (the first line). Reads every page: seconds."""
        try:
            found = [row[0] for row in self.db.execute("PRAGMA quick_check").fetchall()]
            if found != ["ok"]:
                return found[0] if found else "quick_check said nothing"
            if not self._read_only:  # (the check is written as an insert)
                self.db.execute("INSERT INTO chars (chars, rank) VALUES ('integrity-check', 0)")
        except sqlite3.Error as error:
            if fault_of(error) is not Fault.DAMAGE:
                raise
            return str(error)
        return None

    def data_version(self) -> int:
        """Changes to the index by other connections (other processes, other threads)
        since this one opened; the same number while there are none."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        """Done with it: a thread still holding it (a search screen's) cannot open it again."""
        self._closed = True
        self._disconnect()

    def _disconnect(self) -> None:
        self.engine.forget()
        if self._db is not None:
            self._db.close()
            self._db = None

    def _write(self, change: Callable[[sqlite3.Connection], None]) -> None:
        """Run `change` (one transaction) on the index; when the cache can't take it (read-
        only, full), the index moves elsewhere with what it held, and `change` runs there."""
        if self._read_only:
            self._move("it is read-only", self.db)
        try:
            change(self.db)
        except sqlite3.Error as error:
            if fault_of(error) is not Fault.UNWRITABLE:
                raise
            self._move(_unwritable(self.path.parent, error), self.db)
            change(self.db)
        self._writes += 1  # after the commit: a search cache read mid-write must not stick

    # -- refreshing ------------------------------------------------------------------------
    def refresh(
        self,
        on_progress: Callable[[Progress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_batch: Callable[[list[Entry]], None] | None = None,
        parallel: bool = True,
        whole: bool = False,
    ) -> Changes:
        """Bring the index up to date with the archive's files.

        Only files whose size or modification time changed are read; added files are
        indexed, deleted ones removed. `on_batch` sees each batch of new entries as it is
        stored, so a UI can show the archive while it is indexed.

        A folder whose fingerprint (`Walk.folders`) equals the one stored last time is not
        looked into further: an unchanged archive costs a `stat` a file and no row read.
        And when `find` says that nothing changed since the last whole walk began
        (`files/quiet`), there is no walk at all — unless `whole` asks for one (`reader
        index`: the command a user runs to have the archive looked at again).
        """
        started = time.monotonic()
        began = time.time()
        root = str(self.root)
        old_stamp = quiet.Stamp.parse(self._meta("quiet"))
        if not whole and old_stamp is not None and quiet.unchanged_since(root, old_stamp, [
                id_of(row[0]) for row in self.db.execute("SELECT path FROM folders")]):
            changes = Changes(total=old_stamp.files)
            changes.problems = listing.problem_count(self.db)
            changes.seconds = time.monotonic() - started
            return changes
        scan_problems: list[Problem] = []
        walk = Walk(self.root, scan_problems, self.follow)
        stored = dict(self.db.execute("SELECT path, fingerprint FROM folders").fetchall())
        changes, stale, fingerprints, seen = self._compare(walk, stored)
        if changes.total + len(changes.removed) - len(changes.added) != self._count_files():
            # Rows the folders do not account for (a folder the watcher filled and that
            # went before any full refresh saw it): compare every file, once.
            scan_problems.clear()
            walk = Walk(self.root, scan_problems, self.follow)
            on_disk: set[str] = set()
            changes, stale, fingerprints, seen = self._compare(walk, {}, on_disk)
            extra = {id_of(row[0]) for row in self.db.execute("SELECT id FROM files")}
            changes.removed = sorted(extra - on_disk)
        if changes.removed:
            self._delete(changes.removed)
        done = 0
        # Nothing to read, no reading machinery to import (the processes, the parsers).
        for entries in read_entries(stale, parallel, should_stop) if stale else ():
            self._store(entries)
            done += len(entries)
            if on_batch is not None:
                on_batch(entries)
            if on_progress is not None:
                on_progress(Progress(done, len(stale), started))
        finished = done == len(stale)
        found = [(p.path, p.reason) for p in scan_problems]
        kept = self.db.execute("SELECT path, reason FROM scan_problems").fetchall()
        gone = [key for key in stored if key not in seen]
        # What `find` may vouch for next time: only once every file found is stored, and
        # never written into a read-only index (that would move it elsewhere).
        stamp = (quiet.stamp_for(root, began, changes.total) if finished and not walk.followed_link
                 and not self._read_only else None)
        restamp = finished and not self._read_only and (stamp or old_stamp) is not None
        walked = finished and (fingerprints or gone)
        if found != [tuple(row) for row in kept] or walked or restamp:
            # Folders' fingerprints only once every file of these folders is stored.
            self._write(lambda db: _store_walk(db, found, fingerprints if finished else [],
                                               gone if finished else [],
                                               stamp if restamp else old_stamp))
        if len(stale) >= PARALLEL_THRESHOLD:
            # A big refresh leaves the log as large as what it wrote: fold it in and cut it
            # (or, on a full disk, not: the log holds it all the same).
            with contextlib.suppress(sqlite3.OperationalError):
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        changes.problems = listing.problem_count(self.db)
        changes.seconds = time.monotonic() - started
        return changes

    def _compare(self, walk: Walk, stored: dict[bytes, int], on_disk: set[str] | None = None
                 ) -> tuple[Changes, list[ArticleFile], list[tuple[bytes, int]], set[bytes]]:
        """Walk the archive and compare it with the index: what changed, the files to read,
        the new fingerprints of the folders that changed, and every folder seen. With
        `on_disk`, every folder is looked into and the ids found are added to it."""
        changes = Changes()
        stale: list[ArticleFile] = []
        fingerprints: list[tuple[bytes, int]] = []
        seen: set[bytes] = set()
        for folder in walk.folders():
            key = key_of(folder.rel)
            seen.add(key)
            changes.total += folder.count
            if stored.get(key) == folder.fingerprint:
                continue
            fingerprints.append((key, folder.fingerprint))
            known = self._rows_in(folder.rel)
            for file in walk.files(folder):
                if on_disk is not None:
                    on_disk.add(file.id)
                before = known.pop(file.id, None)
                if before is None:
                    changes.added.append(file.id)
                    stale.append(file)
                elif before != (file.size, file.mtime):
                    changes.changed.append(file.id)
                    stale.append(file)
            changes.removed += known
        for key in stored:
            if key not in seen:  # a folder that went, or is no longer listed
                changes.removed += self._rows_in(id_of(key))
        return changes, stale, fingerprints, seen

    def _rows_in(self, folder: str) -> dict[str, tuple[int, float]]:
        """The size and mtime of the files right inside `folder` (not in its subfolders)."""
        if not folder:
            rows = self.db.execute(
                "SELECT id, size, mtime FROM files WHERE instr(id, CAST('/' AS BLOB)) = 0")
        else:
            low = key_of(folder + "/")
            rows = self.db.execute(
                "SELECT id, size, mtime FROM files WHERE id >= ? AND id < ? "
                "AND instr(substr(id, ?), CAST('/' AS BLOB)) = 0",
                (low, key_of(folder + "0"), len(low) + 1))
        return {id_of(row[0]): (row[1], row[2]) for row in rows}

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _count_files(self) -> int:
        return self.db.execute("SELECT count(*) FROM files").fetchone()[0]

    def refresh_paths(self, ids: Iterable[str], folders: Iterable[str] = ()) -> Changes:
        """Re-read just these files and folders (from a file watcher): added, changed or gone.

        Paths that are no article's (`is_article_path`: a section page, a hidden file, a
        file under `node_modules`) are left out, as the full scan leaves them out, and so
        are links the scan does not follow. A folder is looked through again, or its
        articles removed when it is gone.
        """
        changes = Changes()
        stale: list[ArticleFile] = []
        candidates: dict[str, ArticleFile | None] = {}
        for file_id in ids:
            if is_article_path(file_id):
                candidates[file_id] = file_at(self.root, file_id, self.follow)
        walk = Walk(self.root, None, self.follow)
        for folder in sorted(set(folders)):
            for file_id in self._ids_under(folder):
                candidates.setdefault(file_id, None)  # gone, unless the scan finds it
            for found in walk.folders(under=folder):
                for file in walk.files(found):
                    candidates[file.id] = file
        for file_id in sorted(candidates):
            file = candidates[file_id]
            row = self.db.execute("SELECT size, mtime FROM files WHERE id = ?",
                                  (key_of(file_id),)).fetchone()
            if file is None:
                if row is not None:
                    changes.removed.append(file_id)
                continue
            if row is None:
                changes.added.append(file_id)
            elif tuple(row) != (file.size, file.mtime):
                changes.changed.append(file_id)
            else:
                continue
            stale.append(file)
        touched = {file_id.rpartition("/")[0] for file_id in
                   [*changes.added, *changes.changed, *changes.removed]}
        if touched or folders:
            # The next full refresh looks into these folders again, whatever it finds.
            self._write(lambda db: _forget_fingerprints(db, touched, folders))
        if changes.removed:
            self._delete(changes.removed)
        for entries in read_entries(stale, parallel=False) if stale else ():
            self._store(entries)
        return changes

    def _ids_under(self, folder: str) -> list[str]:
        """The indexed ids inside `folder`: a range of the ids, which sort as UTF-8 bytes
        (every id in `a/` lies from `a/` up to `a0`, the character after `/`)."""
        low = key_of(folder + "/")
        high = key_of(folder + "0")
        return [id_of(row[0]) for row in self.db.execute(
            "SELECT id FROM files WHERE id >= ? AND id < ?", (low, high))]

    def _delete(self, ids: list[str]) -> None:
        self._write(lambda db: writer.delete(db, ids))

    def _store(self, entries: list[Entry]) -> None:
        self._write(lambda db: writer.store(db, entries))

    # -- asking (see `listing` and `engine`) -------------------------------------------
    def articles(self) -> list[Article]:
        """Every article, newest first."""
        return listing.articles(self.db)

    def summaries(self, columns: str = listing.SUMMARY) -> Iterator[tuple]:
        """Every article, newest first, as `listing.SUMMARY` rows (or `listing.LINE`): what
        `reader list` prints."""
        return listing.summaries(self.db, columns)

    def newest(self, limit: int) -> list[Article]:
        """The `limit` newest articles, newest first."""
        return listing.newest(self.db, limit)

    def article(self, article_id: str) -> Article | None:
        """One article by its id, or None."""
        return listing.article(self.db, article_id)

    def month_counts(self) -> list[tuple[str | None, int]]:
        """Articles per local month, newest first; undated last."""
        return listing.month_counts(self.db)

    def stamps(self) -> dict[str, tuple[int, float]]:
        """Every article's id, with its file's size and modification time."""
        return listing.stamps(self.db)

    def has_articles(self) -> bool:
        return listing.has_articles(self.db)

    def count(self) -> int:
        return listing.count(self.db)

    def problems(self) -> list[Problem]:
        """Files that are not articles, and folders that could not be listed, with why."""
        return listing.problems(self.db)

    def images(self, article_id: str) -> list[tuple[str, str, str]]:
        return listing.images(self.db, article_id)

    def links(self, article_id: str) -> list[tuple[str, str]]:
        return listing.links(self.db, article_id)

    def search(self, query: Query, limit: int = 50, marks: Marks = NO_MARKS,
               keep: bool = True) -> list[Hit]:
        """The first `limit` articles matching `query`: title matches first, then newest;
        `marks` answer its `is:` filters. `keep=False` for a single query: nothing is read
        into memory for the next one."""
        return self.engine.search(query, limit, marks, keep)

    def count_matches(self, query: Query, marks: Marks = NO_MARKS,
                      cap: int = 10_000) -> tuple[int, bool]:
        """How many articles match `query` (at most `cap`; True when there are more)."""
        return self.engine.count(query, marks, cap)

    def prepare_search(self) -> None:
        """Read what search keeps in memory now, not at the first key."""
        self.engine.prepare()

    def interrupt(self) -> None:
        """Stop a query running in another thread (a search the user typed past)."""
        if self._db is not None:
            self._db.interrupt()

    def size_on_disk(self) -> int:
        file = self.location.file
        if file is None:
            return 0
        return sum(
            os.path.getsize(f"{file}{suffix}")
            for suffix in ("", "-wal") if os.path.exists(f"{file}{suffix}")
        )


def _new_index(db: sqlite3.Connection, root: Path) -> None:
    """Make a new, empty index on `db`."""
    # 8 KB pages: the character index's segments write faster than with 4 KB (16 KB,
    # faster still, leaves half-empty pages after texts of 16-32 KB).
    db.execute("PRAGMA page_size=8192")
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript("BEGIN;" + SCHEMA + "COMMIT;")
    # Merge segments sixteen at a time, not four: a third less work while building, and
    # lookups measured no slower.
    db.execute("INSERT INTO chars (chars, rank) VALUES ('automerge', 16)")
    db.execute("INSERT INTO meta VALUES ('schema', ?), ('root', ?)",
               (str(SCHEMA_VERSION), str(root.resolve())))


def _forget_fingerprints(db: sqlite3.Connection, touched: Iterable[str],
                         folders: Iterable[str]) -> None:
    """Folders a watcher saw change: the next full refresh looks into them (and every
    folder below those it named) again."""
    with transaction(db):
        # `find` asks the folders the table lists: with some gone from it, only a whole
        # walk may vouch for the archive again.
        db.execute("DELETE FROM meta WHERE key = 'quiet'")
        db.executemany("DELETE FROM folders WHERE path = ?",
                       [(key_of(folder),) for folder in touched])
        for folder in folders:
            db.execute("DELETE FROM folders WHERE path = ? OR (path >= ? AND path < ?)",
                       (key_of(folder), key_of(folder + "/"), key_of(folder + "0")))


def _store_walk(db: sqlite3.Connection, found: list[tuple[str, str]],
                fingerprints: list[tuple[bytes, int]], gone: list[bytes],
                stamp: quiet.Stamp | None) -> None:
    """What a full refresh's walk found: its problems, the folders' fingerprints, and the
    moment since which `find` may say nothing changed (`stamp`)."""
    with transaction(db):
        db.execute("DELETE FROM meta WHERE key = 'quiet'")
        if stamp is not None:
            db.execute("INSERT INTO meta VALUES ('quiet', ?)", (stamp.text(),))
        db.execute("DELETE FROM scan_problems")
        db.executemany("INSERT INTO scan_problems VALUES (?, ?)", found)
        db.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?)", fingerprints)
        db.executemany("DELETE FROM folders WHERE path = ?", [(key,) for key in gone])


def _unwritable(folder: Path, error: Exception) -> str:
    """Why the cache's folder takes no index, in a few words: what the system says when a
    file is made there ("Read-only file system", "No space left on device"), else SQLite's
    error."""
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"\0" * 65536)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as refused:
        return refused.strerror or str(refused)
    return str(error)


def _folder_trouble(folder: Path, error: OSError) -> str:
    """Why the cache's folder can't be made, in a few words."""
    for parent in (folder, *folder.parents):
        if parent.exists() and not parent.is_dir():
            return f"a file stands where its folder should be: {parent}"
    return f"{error.strerror or error}: {folder}"

