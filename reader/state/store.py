"""The reading state of one archive: read marks, stars, places, what was new. The user's data.

One SQLite database per archive in the XDG state directory (not the cache: deleting the
cache loses none of it), in WAL mode, every change its own transaction: a killed process
loses at most the change it was making, and two readers on one archive both keep theirs.

A store that can't be used as it is never stops the reader: a damaged or unreadable file is
set aside (renamed, never deleted) and a new one started; one from a newer reader, or on a
disk that can't be written, is read (where it can be) and left untouched, the state kept in
memory for the session. `problem` says which, in one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.core.model import Article
from reader.state.merge import Mark, merge_all

#: 1 kept every id as bytes; 2 keeps UTF-8 ids as text (read four times faster).
SCHEMA_VERSION = 2
#: A deleted article's marks are kept this long, in case it comes back.
KEEP_GONE_SECONDS = 365 * 24 * 3600
BUSY_SECONDS = 10.0

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE marks (
    id BLOB PRIMARY KEY,
    fingerprint TEXT NOT NULL DEFAULT '',
    read INTEGER NOT NULL DEFAULT 0,
    read_at REAL,
    starred INTEGER NOT NULL DEFAULT 0,
    star_changed REAL,
    gone_at REAL
) WITHOUT ROWID;  -- the id is the key: stored once, not beside a row number
CREATE TABLE places (id BLOB PRIMARY KEY, block INTEGER NOT NULL, at REAL NOT NULL)
    WITHOUT ROWID;
-- Every article the reader has listed, by a hash of its id, and when it first did: what
-- arrived since the last visit is what is not here yet.
CREATE TABLE seen (hash INTEGER PRIMARY KEY, first_seen REAL NOT NULL);
"""


def _key(article_id: str) -> str | bytes:
    """An id as the store keeps it: as text, or, for a file name that is not UTF-8 (lone
    surrogates in Python), as its raw bytes. Read back as text, 50,000 ids load four times
    faster than decoded from bytes (a warm start reads them all)."""
    try:
        article_id.encode("utf-8")
    except UnicodeEncodeError:
        return article_id.encode("utf-8", "surrogateescape")
    return article_id


def _id(key: str | bytes) -> str:
    return key if isinstance(key, str) else key.decode("utf-8", "surrogateescape")


def _raw(article_id: str) -> bytes:
    return article_id.encode("utf-8", "surrogateescape")


def id_hash(article_id: str) -> int:
    """A 63-bit hash of an id, for the `seen` table (eight bytes a row, not the id)."""
    digest = hashlib.blake2b(_raw(article_id), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def fingerprint(article: Article) -> str:
    """An article as a short hash of its title, date and size: a file moved or renamed
    keeps it, and it is had from the index's rows, with no file read (marking a whole
    archive of 100,000 read must not read 1.4 GB)."""
    date = article.date.isoformat() if article.date else ""
    text = f"{article.title}\x00{date}\x00{article.size}"
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Visit:
    """This visit's start, and the previous one's (None on the first)."""

    started: float
    previous: float | None


class StateStore:
    """Read marks, stars, places and seen articles of one archive, kept in SQLite."""

    def __init__(self, path: Path, root: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.root = str(Path(root).resolve())
        self.problem: str | None = None  # why the store is not used as it should be
        self.writable = True
        self._lock = threading.Lock()  # one connection, used from the writer and readers
        if read_only:
            self.writable = False
            self._db = self._connect(f"{self.path.as_uri()}?mode=ro")
        else:
            self._db = self._open()

    # -- opening -------------------------------------------------------------------------
    def _connect(self, uri: str | None = None) -> sqlite3.Connection:
        if uri is not None:
            db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None,
                                 timeout=BUSY_SECONDS)
        else:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                 timeout=BUSY_SECONDS)
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return self._in_memory(f"the state folder can't be made ({error.strerror})")
        if self.path.exists() and not os.access(self.path, os.W_OK):
            return self._read_only("the state file can't be written")
        try:
            db = self._connect()
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            found = self._schema_of(db)
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise
            return self._read_only(f"the state file can't be written ({error})")
        except sqlite3.DatabaseError as error:
            return self._set_aside(f"the state file was damaged ({error})")
        if found is None:
            try:
                # executescript commits first: the script carries its own transaction.
                db.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}"
                                 f"INSERT INTO meta VALUES ('schema', '{SCHEMA_VERSION}');"
                                 "COMMIT;")
                db.execute("INSERT INTO meta VALUES ('root', ?)", (self.root,))
            except sqlite3.DatabaseError as error:
                db.close()
                return self._in_memory(f"a state file can't be written ({error})")
            return db
        if found > SCHEMA_VERSION:
            db.close()
            return self._read_only(f"the state file is from a newer reader (version {found})")
        try:
            db.execute("SELECT count(*) FROM marks").fetchone()
            if found < SCHEMA_VERSION:
                _upgrade(db)
        except sqlite3.DatabaseError as error:
            db.close()
            return self._set_aside(f"the state file was damaged ({error})")
        return db

    def check(self) -> str | None:
        """Look through the whole file for damage (SQLite's `quick_check`: it reads every
        page, so it runs behind the screen, not at opening). A damaged file is set aside
        and a new one started; the problem is returned, in one line."""
        if not self.writable:
            return None
        with self._lock:
            try:
                found = [row[0] for row in self._db.execute("PRAGMA quick_check(5)")]
            except sqlite3.DatabaseError as error:
                found = [str(error)]
            if found == ["ok"]:
                return None
            self._db.close()
            self._db = self._set_aside(f"the state file was damaged ({found[0][:80]})")
            return self.problem

    @staticmethod
    def _schema_of(db: sqlite3.Connection) -> int | None:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if "meta" not in tables:
            if tables:
                raise sqlite3.DatabaseError("not a reader state file")
            return None
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        try:
            return int(row[0]) if row else 0
        except ValueError:
            raise sqlite3.DatabaseError("not a reader state file") from None

    def _set_aside(self, why: str) -> sqlite3.Connection:
        """Keep the damaged file (renamed beside it) and start a new one."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    source.rename(Path(f"{aside}{suffix}"))
        except OSError as error:
            return self._in_memory(f"{why}; it could not be set aside ({error.strerror})")
        db = self._open()
        self.problem = f"{why}: kept as {aside.name}, and a new one started"
        return db

    def _read_only(self, why: str) -> sqlite3.Connection:
        """Read the file as it is; keep this session's changes in memory."""
        self.writable = False
        try:
            source = self._connect(f"{self.path.as_uri()}?mode=ro")
            memory = self._memory_copy(source)
            source.close()
        except sqlite3.DatabaseError:
            return self._in_memory(why)
        self.problem = f"{why}: read as it is; marks made now last until you quit"
        return memory

    def _memory_copy(self, source: sqlite3.Connection) -> sqlite3.Connection:
        memory = self._connect(":memory:")
        source.backup(memory)
        return memory

    def _in_memory(self, why: str) -> sqlite3.Connection:
        self.writable = False
        self.problem = f"{why}: marks made now last until you quit"
        db = self._connect(":memory:")
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO meta VALUES ('schema', ?), ('root', ?)",
                   (str(SCHEMA_VERSION), self.root))
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, statements: Iterable[tuple[str, tuple | list]]) -> None:
        """Run statements in one transaction; a failure (a full disk) keeps the state in
        memory for the session and says so once."""
        statements = list(statements)
        with self._lock:
            for attempt in range(3):
                try:
                    self._run(statements)
                    return
                except sqlite3.OperationalError as error:
                    if not self.writable:
                        raise
                    busy = getattr(error, "sqlite_errorcode", 0) & 0xFF in (5, 6)
                    if busy and attempt < 2:
                        continue  # another process held it for the whole wait: again
                    self._to_memory(f"the state could not be saved ({error})")
                    self._run(statements)
                    return

    def _run(self, statements: list[tuple[str, tuple | list]]) -> None:
        """The statements in one transaction (a list of rows: one statement, many times)."""
        rows = 0
        with _transaction(self._db):
            for sql, args in statements:
                if args and isinstance(args, list):
                    self._db.executemany(sql, args)
                    rows += len(args)
                else:
                    self._db.execute(sql, args)
        if rows >= 1000:
            # A big write (a month marked read) leaves the log as large as it: fold it in.
            with contextlib.suppress(sqlite3.OperationalError):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _to_memory(self, why: str) -> None:
        memory = self._memory_copy(self._db)
        self._db.close()
        self._db = memory
        self.writable = False
        self.problem = f"{why}: marks made now last until you quit"

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    @property
    def data_version(self) -> int:
        """Changes when another process wrote the store (SQLite's `data_version`)."""
        with self._lock:
            return self._db.execute("PRAGMA data_version").fetchone()[0]

    # -- marks ---------------------------------------------------------------------------
    def read_ids(self) -> set[str]:
        return {_id(row[0]) for row in self._read("SELECT id FROM marks WHERE read = 1")}

    def starred_ids(self) -> set[str]:
        return {_id(row[0]) for row in self._read("SELECT id FROM marks WHERE starred = 1")}

    def marks(self) -> dict[str, Mark]:
        """Every article's marks, by id."""
        return {_id(row[0]): Mark(_id(row[0]), row[1], bool(row[2]), row[3], bool(row[4]),
                                  row[5])
                for row in self._read("SELECT id, fingerprint, read, read_at, starred, "
                                      "star_changed FROM marks")}

    def set_read(self, ids: Iterable[str], read: bool, fingerprints: dict[str, str] | None = None,
                 when: float | None = None) -> None:
        """Mark these articles read (or unread), in one transaction."""
        when = time.time() if when is None else when
        fingerprints = fingerprints or {}
        rows = [(_key(i), fingerprints.get(i, ""), int(read), when if read else None)
                for i in ids]
        if rows:
            self._write([(
                "INSERT INTO marks (id, fingerprint, read, read_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET read = excluded.read, "
                "read_at = CASE WHEN excluded.read THEN coalesce(marks.read_at, excluded.read_at)"
                " ELSE NULL END, "
                "fingerprint = CASE WHEN excluded.fingerprint != '' THEN excluded.fingerprint "
                "ELSE marks.fingerprint END", rows)])

    def set_star(self, ids: Iterable[str], starred: bool,
                 fingerprints: dict[str, str] | None = None, when: float | None = None) -> None:
        """Star (or unstar) these articles, noting when, in one transaction."""
        when = time.time() if when is None else when
        fingerprints = fingerprints or {}
        rows = [(_key(i), fingerprints.get(i, ""), int(starred), when) for i in ids]
        if rows:
            self._write([(
                "INSERT INTO marks (id, fingerprint, starred, star_changed) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET starred = excluded.starred, "
                "star_changed = excluded.star_changed, "
                "fingerprint = CASE WHEN excluded.fingerprint != '' THEN excluded.fingerprint "
                "ELSE marks.fingerprint END", rows)])

    def merge(self, theirs: list[Mark]) -> int:
        """Merge marks from another state (an import); how many articles changed."""
        changed = merge_all(self.marks(), theirs)
        rows = [(_key(m.id), m.fingerprint, int(m.read), m.read_at, int(m.starred),
                 m.star_changed) for m in changed.values()]
        if rows:
            self._write([("INSERT OR REPLACE INTO marks (id, fingerprint, read, read_at, "
                          "starred, star_changed) VALUES (?, ?, ?, ?, ?, ?)", rows)])
        return len(rows)

    def follow_moves(self, present: set[str], fingerprint_of) -> dict[str, str]:
        """Marks of articles no longer in the archive: moved ones (found by fingerprint
        among `present` articles without marks) take their marks along; others are noted
        as gone, and forgotten after a year. Returns {old id: new id}.

        `fingerprint_of(id)` reads an article's fingerprint (only asked of unmarked
        articles, and only when some marked article went missing).
        """
        now = time.time()
        rows = self._read("SELECT id, fingerprint, gone_at FROM marks")
        marked = {_id(row[0]) for row in rows}
        missing = [(_id(row[0]), row[1], row[2]) for row in rows if _id(row[0]) not in present]
        back = [(row[0],) for row in rows if row[2] is not None and _id(row[0]) in present]
        moves: dict[str, str] = {}
        if missing and any(fp for _, fp, _ in missing):
            wanted = {fp: old for old, fp, _ in missing if fp}
            for candidate in sorted(present - marked):
                found = wanted.get(fingerprint_of(candidate))
                if found is not None and found not in moves:
                    moves[found] = candidate
                if len(moves) == len(wanted):
                    break
        statements: list[tuple[str, tuple | list]] = []
        if moves:
            statements.append(("UPDATE marks SET id = ?, gone_at = NULL WHERE id = ?",
                               [(_key(new), _key(old)) for old, new in moves.items()]))
            statements.append(("UPDATE OR REPLACE places SET id = ? WHERE id = ?",
                               [(_key(new), _key(old)) for old, new in moves.items()]))
        newly_gone = [(now, _key(i)) for i, _, gone in missing if gone is None and i not in moves]
        if newly_gone:
            statements.append(("UPDATE marks SET gone_at = ? WHERE id = ?", newly_gone))
        if back:
            statements.append(("UPDATE marks SET gone_at = NULL WHERE id = ?", back))
        statements.append(("DELETE FROM marks WHERE gone_at IS NOT NULL AND gone_at < ?",
                           (now - KEEP_GONE_SECONDS,)))
        self._write(statements)
        return moves

    # -- places --------------------------------------------------------------------------
    def current(self) -> str | None:
        """The article read last time."""
        row = self._read("SELECT value FROM meta WHERE key = 'current'")
        return _id(row[0][0]) if row and isinstance(row[0][0], bytes | str) else None

    def positions(self) -> dict[str, int]:
        """Where each article was left: the block at the top of the pane."""
        return {_id(row[0]): row[1] for row in self._read(
            "SELECT id, block FROM places ORDER BY at DESC LIMIT 5000")}

    def remember(self, current: str | None, positions: dict[str, int]) -> None:
        """Save the article being read and the places that changed."""
        now = time.time()
        statements: list[tuple[str, tuple | list]] = []
        if current is not None:
            # As `_key` keeps ids: text, or bytes (a BLOB, whatever the column says).
            statements.append(("INSERT OR REPLACE INTO meta VALUES ('current', ?)",
                               (_key(current),)))
        rows = [(_key(i), block, now) for i, block in positions.items()]
        if rows:
            statements.append(("INSERT OR REPLACE INTO places VALUES (?, ?, ?)", rows))
        self._write(statements)

    # -- visits and what is new -----------------------------------------------------------
    def begin_visit(self, record: bool = True) -> Visit:
        """A visit starting now, and when the previous one started. With `record` (the
        reader opening), it is remembered; a command for scripts only looks."""
        now = time.time()
        row = self._read("SELECT value FROM meta WHERE key = 'visit'")
        previous = float(row[0][0]) if row else None
        if record:
            self._write([("INSERT OR REPLACE INTO meta VALUES ('visit', ?)", (repr(now),))])
        return Visit(now, previous)

    def see(self, ids: Iterable[str], visit: Visit, record: bool = True) -> set[str]:
        """The articles listed now that are new since the previous visit; with `record`,
        the ones never listed before are noted as first seen in this visit.

        On the first visit nothing is new (the whole archive is, which says nothing).
        Articles that arrive during this visit count as new too.
        """
        hashes = {id_hash(i): i for i in ids}
        known = {row[0]: row[1] for row in self._read("SELECT hash, first_seen FROM seen")}
        unseen = [h for h in hashes if h not in known]
        if unseen and record:
            self._write([("INSERT OR IGNORE INTO seen VALUES (?, ?)",
                          [(h, visit.started) for h in unseen])])
        if visit.previous is None and not known:
            return set()
        since = visit.previous if visit.previous is not None else visit.started
        return {hashes[h] for h in hashes
                if h not in known or known[h] > since}


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # SQLite may have rolled back already (a full disk):
            self.db.execute("ROLLBACK")  # then the error that did it is the one to tell


def _upgrade(db: sqlite3.Connection) -> None:
    """A version 1 store's ids (all bytes) as version 2 keeps them, in one transaction."""
    with _transaction(db):
        for table, columns in (("marks", "id, fingerprint, read, read_at, starred, "
                                         "star_changed, gone_at"),
                               ("places", "id, block, at")):
            rows = db.execute(f"SELECT {columns} FROM {table}").fetchall()
            db.execute(f"DELETE FROM {table}")
            marks = ", ".join("?" * len(columns.split(",")))
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})",
                           [(_key(_id(row[0])), *row[1:]) for row in rows])
        current = db.execute("SELECT value FROM meta WHERE key = 'current'").fetchone()
        if current is not None and isinstance(current[0], bytes):
            db.execute("UPDATE meta SET value = ? WHERE key = 'current'",
                       (_key(_id(current[0])),))
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))


def legacy_places(path: Path) -> tuple[str | None, dict[str, int]] | None:
    """The article and places of the JSON file earlier readers kept, or None when there is
    none or it can't be read (a file nested too deeply, say: it is left as it is)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    current = data.get("current") if isinstance(data.get("current"), str) else None
    positions = data.get("positions")
    places = {str(k): v for k, v in positions.items()
              if isinstance(v, int) and not isinstance(v, bool) and v >= 0} if isinstance(
        positions, dict) else {}
    return current, places
