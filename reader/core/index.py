"""The archive's index: what the sidebar, the header and search need, kept in SQLite.

One database per archive in the cache directory, keyed by the archive's resolved path. It is
only a cache: deleting it loses nothing, and a damaged one (garbage, truncated, another
schema version) is thrown away and rebuilt. Refreshing reads again only the files whose size
or modification time changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat as stat_module
import sys
import threading
import time
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

from reader.core.archive import ArticleFile, LoadError, display_path, read_source, scan_files
from reader.core.document import markdown_text
from reader.core.extract import extract
from reader.core.fields import build_article
from reader.core.model import Article, DateSource, Problem
from reader.core.sanitize import clean_line
from reader.core.search import Hit, Query, snippet, sql_conditions
from reader.core.searchtext import normalise

SCHEMA_VERSION = 12
#: Below this many files to read, parsing in other processes costs more than it saves.
PARALLEL_THRESHOLD = 400
BATCH = 256
#: Searches look among this many of the newest articles (a common word fills the page
#: there in a few milliseconds) before asking the character index.
WINDOW = 400
#: How long to wait for another process (a second reader on the same archive) to finish writing.
BUSY_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    id BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    problem TEXT
);
CREATE TABLE articles (
    id BLOB PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    date TEXT,
    stamp REAL,
    date_source TEXT NOT NULL,
    categories TEXT NOT NULL,
    tags TEXT NOT NULL,
    author TEXT NOT NULL,
    cover TEXT NOT NULL,
    link TEXT NOT NULL,
    is_html INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    images TEXT NOT NULL,
    links TEXT NOT NULL,
    fields TEXT NOT NULL,
    ntitle TEXT NOT NULL,
    ncategories TEXT NOT NULL,
    ntags TEXT NOT NULL,
    nauthor TEXT NOT NULL
);
CREATE INDEX articles_by_stamp ON articles (stamp DESC, id);
-- Covers a title search: a scan of titles reads this small index, not the wide rows.
CREATE INDEX articles_titles ON articles (stamp DESC, id, ntitle);
-- Covers a search of filters alone (cat:, tag:, author:, after:, before:) the same way.
CREATE INDEX articles_filters ON articles (stamp DESC, id, ncategories, ntags, nauthor);
-- The text apart from the metadata: listing and title searches read small rows, and a
-- search that has to read every text reads this table front to back.
-- AUTOINCREMENT: a row number is never given twice, so the character index, which keeps
-- row numbers, can never point a stale entry at a newer text.
CREATE TABLE texts (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT, id BLOB UNIQUE NOT NULL, body TEXT NOT NULL
);
-- Every character of each article's fields and text as a token, with positions: a phrase of
-- characters is a substring, so one index answers Chinese words of any length and Latin
-- substrings alike. Contentless: the text is in `texts`.
-- The ascii tokenizer, with every ASCII mark made part of a token, splits on spaces alone
-- (and keeps every other character whole): what the character index needs, at less cost
-- than unicode61.
CREATE VIRTUAL TABLE chars USING fts5(
    t, content='', detail='full', tokenize="ascii tokenchars '!""#$%&''()*+,-./:;<=>?@[\\]^_`{|}~'"
);
-- Folders that could not be listed, links that lead nowhere: found by the last full scan.
CREATE TABLE scan_problems (path TEXT NOT NULL, reason TEXT NOT NULL);
"""


class Entry(NamedTuple):
    """What the index keeps of one file: an article's row and text, or a problem.

    A plain tuple of plain values: 100,000 of them cross from the reading processes, and
    a dataclass holding an `Article` and a `Path` cost four times as much to pickle.
    """

    id: str
    size: int
    mtime: float
    problem: str = ""
    body: str = ""  # the searchable text of the body, normalised
    fields: str = ""  # title, categories, tags and author, normalised
    row: tuple = ()  # the `articles` row; empty for a problem


def index_file(file: ArticleFile) -> Entry:
    """Read and extract one file for the index; what goes wrong becomes its problem."""
    try:
        source = read_source(file.path)
        article = build_article(file.id, source.meta, source.body, is_html=source.is_html,
                                size=file.size, mtime=file.mtime, encoding=source.encoding)
        extracted = extract(source.body, source.is_html, article.link, clean=False)
        # HTML's text comes from the fast extractor (the same text, tests check); Markdown's
        # from the document parser, since a regex cannot tell `[a][1]` or a fence's language
        # from text. 2.6 ms an article against 0.4: Markdown archives are the smaller ones.
        text = extracted.text if source.is_html else markdown_text(source.body, article.link)
    except LoadError as error:
        return Entry(file.id, file.size, file.mtime, problem=clean_line(str(error), 300))
    except RecursionError:
        return Entry(file.id, file.size, file.mtime, problem="nested too deeply")
    except Exception as error:  # a bug on one odd file must not stop the other 100,000
        return Entry(file.id, file.size, file.mtime,
                     problem=f"could not be read ({type(error).__name__})")
    fields = " ".join([article.title, *(" ".join(p) for p in article.categories),
                       *article.tags, article.author])
    body, folded = normalise(text), normalise(fields)
    return Entry(file.id, file.size, file.mtime, body=body, fields=folded,
                 row=_row(article, folded, extracted.images, extracted.links))


#: Between fields and body in the character index, so that no phrase spans the two.
FIELD_BREAK = "\ue100"


def character_document(fields: str, body: str) -> str:
    """Fields and body with a space between any two characters: each character is a token.

    (`str.replace` with an empty pattern does it in C, nine times faster than a join.)
    """
    return f"{fields}{FIELD_BREAK}{body}".replace("", " ")


def _index_files(files: list[ArticleFile]) -> list[Entry]:
    return [index_file(file) for file in files]


def _quiet() -> None:
    """In a reading process: write nothing to the terminal the reader draws on."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """Processes that read files, started fresh (spawn: forking a process that runs threads,
    as the UI does, is unsafe) and silent.

    multiprocessing passes `sys.stderr`'s descriptor to its helper process; under Textual,
    `sys.stderr` is a capture object with no real descriptor, so the real one stands in
    while the pool starts.
    """
    saved = sys.stderr
    if sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__
    try:
        return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                   initializer=_quiet)
    finally:
        sys.stderr = saved


@dataclass
class Changes:
    """What a refresh found and did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: int = 0
    total: int = 0
    seconds: float = 0.0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    started: float

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def remaining(self) -> float | None:
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 else None


def default_index_path(root: Path) -> Path:
    from reader.settings import archive_key, cache_dir

    return cache_dir() / "index" / f"{archive_key(root)}.sqlite3"


class ArchiveIndex:
    """The index of one archive. Open it, refresh it, ask it."""

    def __init__(self, root: Path, path: Path | None = None) -> None:
        self.root = Path(root)
        self.path = path or default_index_path(self.root)
        self.rebuilt_because: str | None = None
        self._db: sqlite3.Connection | None = None
        self._cache: SearchCache | None = None
        self._cache_lock = threading.Lock()
        self._closed = False
        self._writes = 0  # this connection's own commits, which `data_version` does not count

    # -- opening ---------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            if self._closed:
                raise sqlite3.ProgrammingError("the index was closed")
            self._db = self._connect()
        return self._db

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._open_existing()
            if db is not None:
                return db
        except sqlite3.OperationalError:
            raise  # busy or locked by another reader: not damage, nothing to throw away
        except sqlite3.DatabaseError as error:
            self.rebuilt_because = f"damaged index ({error})"
        self._remove_files()
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             timeout=BUSY_SECONDS)
        # 8 KB pages: the character index's segments write faster than with 4 KB (16 KB,
        # faster still, leaves half-empty pages after texts of 16-32 KB).
        db.execute("PRAGMA page_size=8192")
        self._tune(db)
        db.executescript("BEGIN;" + _SCHEMA + "COMMIT;")
        # Merge segments sixteen at a time, not four: a third less work while building, and
        # lookups measured no slower.
        db.execute("INSERT INTO chars (chars, rank) VALUES ('automerge', 16)")
        db.execute("INSERT INTO meta VALUES ('schema', ?), ('root', ?)",
                   (str(SCHEMA_VERSION), str(self.root.resolve())))
        return db

    def _open_existing(self) -> sqlite3.Connection | None:
        if not self.path.exists():
            return None
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             timeout=BUSY_SECONDS)
        try:
            self._tune(db)
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if rows.get("schema") != str(SCHEMA_VERSION):
                self.rebuilt_because = "index from another version"
            elif rows.get("root") != str(self.root.resolve()):
                self.rebuilt_because = "index of another archive"
            else:
                # A full integrity check reads the whole file; touching the table every
                # open reads is enough to catch garbage and truncation here, and a fault
                # found later raises DatabaseError, upon which the caller rebuilds.
                db.execute("SELECT count(*) FROM files").fetchone()
                db.execute("SELECT id FROM articles ORDER BY stamp DESC LIMIT 1").fetchone()
                return db
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                db.close()
                raise
            self.rebuilt_because = f"damaged index ({error})"
        except sqlite3.DatabaseError as error:
            self.rebuilt_because = f"damaged index ({error})"
        db.close()
        return None

    @staticmethod
    def _tune(db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA cache_size=-32000")

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    def rebuild(self) -> None:
        """Throw the index away (it was found damaged while in use) and start empty."""
        self._disconnect()
        self._remove_files()
        self.rebuilt_because = "damaged index"

    def close(self) -> None:
        """Done with it: a thread still holding it (a search screen's) cannot open it again."""
        self._closed = True
        self._disconnect()

    def _disconnect(self) -> None:
        self._cache = None
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- refreshing ------------------------------------------------------------------------
    def refresh(
        self,
        on_progress: Callable[[Progress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_batch: Callable[[list[Entry]], None] | None = None,
        parallel: bool = True,
    ) -> Changes:
        """Bring the index up to date with the archive's files.

        Only files whose size or modification time changed are read; added files are
        indexed, deleted ones removed. `on_batch` sees each batch of new entries as it is
        stored, so a UI can show the archive while it is indexed.
        """
        started = time.monotonic()
        scan_problems: list[Problem] = []
        on_disk = {file.id: file for file in scan_files(self.root, scan_problems)}
        known = {_id(row[0]): (row[1], row[2]) for row in self.db.execute(
            "SELECT id, size, mtime FROM files")}
        changes = Changes(total=len(on_disk))
        stale: list[ArticleFile] = []
        for file_id, file in on_disk.items():
            before = known.get(file_id)
            if before is None:
                changes.added.append(file_id)
                stale.append(file)
            elif before != (file.size, file.mtime):
                changes.changed.append(file_id)
                stale.append(file)
        changes.removed = [file_id for file_id in known if file_id not in on_disk]
        if changes.removed:
            self._delete(changes.removed)
        done = 0
        for entries in self._entries(stale, parallel, should_stop):
            self._store(entries)
            done += len(entries)
            if on_batch is not None:
                on_batch(entries)
            if on_progress is not None:
                on_progress(Progress(done, len(stale), started))
        with _transaction(self.db):
            self.db.execute("DELETE FROM scan_problems")
            self.db.executemany("INSERT INTO scan_problems VALUES (?, ?)",
                                [(p.path, p.reason) for p in scan_problems])
        if len(stale) >= PARALLEL_THRESHOLD:
            # A big refresh leaves the log as large as what it wrote: fold it in and cut it.
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        changes.problems = len(self.problems())
        changes.seconds = time.monotonic() - started
        return changes

    def refresh_paths(self, ids: Iterable[str]) -> Changes:
        """Re-read just these files (from a file watcher): added, changed or gone."""
        changes = Changes()
        stale: list[ArticleFile] = []
        for file_id in sorted(set(ids)):
            path = self.root / file_id
            try:
                info = path.stat()
                regular = stat_module.S_ISREG(info.st_mode)  # not a FIFO that would block
            except OSError:
                regular = False
            if not regular:
                if self.db.execute("SELECT 1 FROM files WHERE id = ?",
                                   (_key(file_id),)).fetchone():
                    changes.removed.append(file_id)
                continue
            row = self.db.execute("SELECT size, mtime FROM files WHERE id = ?",
                                  (_key(file_id),)).fetchone()
            if row is None:
                changes.added.append(file_id)
            elif tuple(row) != (info.st_size, info.st_mtime):
                changes.changed.append(file_id)
            else:
                continue
            stale.append(ArticleFile(file_id, path, info.st_size, info.st_mtime))
        if changes.removed:
            self._delete(changes.removed)
        for entries in self._entries(stale, parallel=False, should_stop=None):
            self._store(entries)
        return changes

    def _entries(self, files: list[ArticleFile], parallel: bool,
                 should_stop: Callable[[], bool] | None) -> Iterator[list[Entry]]:
        batches = [files[i : i + BATCH] for i in range(0, len(files), BATCH)]
        done = 0
        if parallel and len(files) >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
            try:
                # Spawned processes: forking a process that runs threads (the UI) is unsafe.
                workers = os.cpu_count() or 2
                with _process_pool(workers) as pool:
                    # A few batches in flight at a time, so that memory stays bounded
                    # however far the readers get ahead of the writer.
                    pending = deque(pool.submit(_index_files, batch)
                                    for batch in batches[: 2 * workers])
                    next_batch = len(pending)
                    while pending:
                        if should_stop is not None and should_stop():
                            for future in pending:
                                future.cancel()
                            return
                        entries = pending.popleft().result()
                        if next_batch < len(batches):
                            pending.append(pool.submit(_index_files, batches[next_batch]))
                            next_batch += 1
                        done += 1
                        yield entries
                return
            except (BrokenProcessPool, OSError, ValueError):
                pass  # no processes to be had here: read the rest in this one
        for batch in batches[done:]:
            if should_stop is not None and should_stop():
                return
            yield _index_files(batch)

    def _delete(self, ids: list[str]) -> None:
        with _transaction(self.db):
            self.db.execute("DELETE FROM meta WHERE key = 'month_counts'")
            self._forget_texts([_key(i) for i in ids])
            self.db.executemany("DELETE FROM files WHERE id = ?", [(_key(i),) for i in ids])
        self._writes += 1  # after the commit: a search cache read mid-write must not stick

    def _forget_texts(self, keys: list[bytes]) -> None:
        """Take articles' texts out of `texts` and the character index.

        A contentless index forgets a row only when told what it held, so the old fields
        and text are read back first.
        """
        for key in keys:
            old = self.db.execute(
                "SELECT t.rowid, a.fields, t.body FROM texts t LEFT JOIN articles a USING (id) "
                "WHERE t.id = ?", (key,)).fetchone()
            if old is None:
                continue
            if old[1] is not None:
                self.db.execute("INSERT INTO chars (chars, rowid, t) VALUES ('delete', ?, ?)",
                                (old[0], character_document(old[1], old[2])))
            self.db.execute("DELETE FROM texts WHERE rowid = ?", (old[0],))

    def _store(self, entries: list[Entry]) -> None:
        with _transaction(self.db):
            self.db.execute("DELETE FROM meta WHERE key = 'month_counts'")
            # First, while the old article rows still say what the index holds for them.
            self._forget_texts([_key(e.id) for e in entries])
            self.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                [(_key(e.id), e.size, e.mtime, e.problem or None) for e in entries],
            )
            gone = [(_key(e.id),) for e in entries if not e.row]
            self.db.executemany("DELETE FROM articles WHERE id = ?", gone)
            for entry in entries:
                if entry.row:
                    cursor = self.db.execute("INSERT INTO texts (id, body) VALUES (?, ?)",
                                             (entry.row[0], entry.body))
                    self.db.execute("INSERT INTO chars (rowid, t) VALUES (?, ?)",
                                    (cursor.lastrowid,
                                     character_document(entry.fields, entry.body)))
            self.db.executemany(
                "INSERT OR REPLACE INTO articles VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [e.row for e in entries if e.row],
            )
        self._writes += 1  # after the commit: a search cache read mid-write must not stick

    # -- asking ----------------------------------------------------------------------------

    def articles(self) -> list[Article]:
        """Every article, newest first."""
        rows = self.db.execute(
            f"SELECT {ARTICLE_COLUMNS}, f.size, f.mtime FROM articles JOIN files f USING (id) "
            "ORDER BY stamp DESC NULLS LAST, id"
        )
        return [row_to_article(row) for row in rows]

    def newest(self, limit: int) -> list[Article]:
        rows = self.db.execute(
            f"SELECT {ARTICLE_COLUMNS}, f.size, f.mtime FROM articles JOIN files f USING (id) "
            "ORDER BY stamp DESC NULLS LAST, id LIMIT ?", (limit,)
        )
        return [row_to_article(row) for row in rows]

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute(
            f"SELECT {ARTICLE_COLUMNS}, f.size, f.mtime FROM articles JOIN files f USING (id) "
            "WHERE id = ?", (_key(article_id),)
        ).fetchone()
        return row_to_article(row) if row else None

    def month_counts(self) -> list[tuple[str | None, int]]:
        """Articles per month (in the local time zone), newest first; undated last.

        Each month is a range of the date index between two local month starts, counted
        there (24 ms at 100,000 articles, where grouping by a `strftime(..., 'localtime')`
        of every row took 60). It is on the way to the first screen, so the answer is kept
        in `meta` for those month starts, and any write to the index drops it.
        """
        newest, oldest = self.db.execute(  # apart, each is one look into the date index
            "SELECT (SELECT max(stamp) FROM articles), (SELECT min(stamp) FROM articles)"
        ).fetchone()
        starts: list[datetime] = []
        if newest is not None:
            month = datetime.fromtimestamp(newest).replace(
                day=1, hour=0, minute=0, second=0, microsecond=0)
            while True:
                starts.append(month)
                if month.timestamp() <= oldest or (month.year, month.month) == (1, 1):
                    break
                month = (month.replace(year=month.year - 1, month=12) if month.month == 1
                         else month.replace(month=month.month - 1))
        key = json.dumps([start.timestamp() for start in starts])
        kept = self.db.execute("SELECT value FROM meta WHERE key = 'month_counts'").fetchone()
        if kept is not None:
            stored = json.loads(kept[0])
            if stored.get("starts") == key:
                return [(month, count) for month, count in stored["counts"]]
        counts: list[tuple[str | None, int]] = []
        end = float("inf")
        for month in starts:
            start = month.timestamp()
            found = self.db.execute(
                "SELECT count(*) FROM articles WHERE stamp >= ? AND stamp < ?",
                (start, end)).fetchone()[0]
            if found:
                counts.append((f"{month.year:04d}-{month.month:02d}", found))
            end = start
        undated = self.db.execute("SELECT count(*) FROM articles WHERE stamp IS NULL").fetchone()[0]
        if undated:
            counts.append((None, undated))
        with contextlib.suppress(sqlite3.OperationalError):  # busy, or read-only: next time
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('month_counts', ?)",
                            (json.dumps({"starts": key, "counts": counts}),))
        return counts

    def has_articles(self) -> bool:
        return self.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def problems(self) -> list[Problem]:
        rows = self.db.execute("SELECT id, problem FROM files WHERE problem IS NOT NULL "
                               "ORDER BY id")
        found = [Problem(display_path(_id(row[0])), row[1]) for row in rows]
        return found + [Problem(*row) for row in self.db.execute(
            "SELECT path, reason FROM scan_problems")]

    def images(self, article_id: str) -> list[tuple[str, str, str]]:
        row = self.db.execute("SELECT images FROM articles WHERE id = ?",
                              (_key(article_id),)).fetchone()
        return [tuple(item) for item in json.loads(row[0])] if row else []

    def links(self, article_id: str) -> list[tuple[str, str]]:
        row = self.db.execute("SELECT links FROM articles WHERE id = ?",
                              (_key(article_id),)).fetchone()
        return [tuple(item) for item in json.loads(row[0])] if row else []

    def search(self, query: Query, limit: int = 50) -> list[Hit]:
        """The first `limit` articles matching `query`: title matches first, then newest.

        Titles and the newest `WINDOW` texts are matched in memory (`SearchCache`), so a
        common word answers at once; when those do not fill the page, the character index
        finds the older articles that hold every word (each checked again with `instr`, so
        the answer stays exact). Filters are SQL conditions on the candidates.
        """
        if query.empty:
            return []
        where, args = sql_conditions(query)
        clause = " AND ".join(where) if where else "1"
        words = query.words
        title_clause = " AND ".join(["instr(a.ntitle, ?) > 0"] * len(words)) or "0"
        columns = ", ".join(f"a.{c.strip()}" for c in ARTICLE_COLUMNS.split(","))
        select = (f"SELECT {columns}, f.size, f.mtime, t.body FROM articles a "
                  "JOIN texts t USING (id) JOIN files f USING (id)")
        order = "ORDER BY a.stamp DESC NULLS LAST, a.id"
        if not words and not query.excluded:
            # Filters alone need no text: the newest that pass, from the metadata (a small
            # index covers them), then their texts for the snippets.
            found = [row[0] for row in self.db.execute(
                f"SELECT id FROM articles a INDEXED BY articles_filters WHERE {clause} "
                f"{order} LIMIT ?", [*args, limit])]
            rows = self._rows_among(found, "1", [], select, order, limit) if found else []
            return [Hit(row_to_article(row[:-1]), snippet(row[-1], [], normalised=True), False)
                    for row in rows]
        titled = self._titled(words, clause, args, select, order, limit)
        rows = list(titled)
        if len(rows) < limit:
            wanted = limit - len(rows)
            cache = self._search_cache()
            keys = list(cache.recent.matching(words))
            recent = self._rows_among(keys, f"{clause} AND NOT ({title_clause})",
                                      [*args, *words], select, order, wanted) if keys else []
            rows += recent
            if len(recent) < wanted and len(cache.titles.keys) > len(cache.recent.rows):
                older_args = [*args, *words]
                phrases = character_query(words, cache.recent.frequency)
                if phrases is not None:
                    rows += self.db.execute(
                        f"{select} JOIN chars ON chars.rowid = t.rowid WHERE chars MATCH ? "
                        f"AND {clause} AND NOT ({title_clause}) AND a.id NOT IN "
                        f"(SELECT id FROM articles ORDER BY stamp DESC NULLS LAST, id "
                        f"LIMIT {WINDOW}) {order} LIMIT ?",
                        [phrases, *older_args, wanted - len(recent)]).fetchall()
                else:
                    rows += self._search_older(clause, title_clause, older_args,
                                               wanted - len(recent), select, order)
        return [
            Hit(row_to_article(row[:-1]), snippet(row[-1], words, normalised=True),
                number < len(titled))
            for number, row in enumerate(rows)
        ]

    def _titled(self, words: list[str], clause: str, args: list, select: str, order: str,
                limit: int) -> list[tuple]:
        """The newest `limit` articles whose title holds every word and that pass the filters.

        Titles are matched in memory (`Titles`): a scan of 100,000 titles in SQLite takes
        35 ms, a `str.find` over them a millisecond. Candidates go to SQLite newest first, a
        chunk at a time, for the filters; a page is usually full after the first chunk.
        """
        if not words:
            return []
        rows: list[tuple] = []
        chunk: list[bytes] = []
        size = limit
        for key in self._search_cache().titles.matching(words):
            chunk.append(key)
            if len(chunk) < size:
                continue
            rows += self._rows_among(chunk, clause, args, select, order, limit - len(rows))
            if len(rows) >= limit:
                return rows
            chunk = []
            size = min(size * 4, 500)  # the filters drop most: ask about more at once
        if chunk:
            rows += self._rows_among(chunk, clause, args, select, order, limit - len(rows))
        return rows

    def _rows_among(self, keys: list[bytes], clause: str, args: list, select: str,
                    order: str, limit: int) -> list[tuple]:
        marks = ", ".join("?" * len(keys))
        return self.db.execute(f"{select} WHERE a.id IN ({marks}) AND {clause} {order} LIMIT ?",
                               [*keys, *args, limit]).fetchall()

    def prepare_search(self) -> None:
        """Read what search keeps in memory now (a search screen opening), not at the first key."""
        self._search_cache()

    def _search_cache(self) -> SearchCache:
        """Titles and the newest texts in memory, read again when the index has changed
        (here or through another connection: SQLite's `data_version` says)."""
        with self._cache_lock:  # a search screen reads it ahead in one thread, searches in another
            return self._read_search_cache()

    def _read_search_cache(self) -> SearchCache:
        version = (self.db.execute("PRAGMA data_version").fetchone()[0], self._writes, WINDOW)
        if self._cache is None or self._cache.version != version:
            rows = self.db.execute("SELECT id, ntitle FROM articles INDEXED BY articles_titles "
                                   "ORDER BY stamp DESC NULLS LAST, id").fetchall()
            titles = Titles([row[0] for row in rows], [row[1] for row in rows])
            recent = self.db.execute(
                "SELECT a.id, a.fields, t.body FROM articles a JOIN texts t USING (id) "
                "WHERE a.id IN (SELECT id FROM articles ORDER BY stamp DESC NULLS LAST, id "
                f"LIMIT {WINDOW}) ORDER BY a.stamp DESC NULLS LAST, a.id").fetchall()
            self._cache = SearchCache(version, titles, Recent(recent))
        return self._cache

    def _search_older(self, clause: str, title_clause: str, args: list, wanted: int,
                      select: str, order: str) -> list[tuple]:
        """Matches beyond the newest `WINDOW` when the character index cannot help (a query
        of filters and exclusions only): one pass in storage order, sorted here."""
        found = self.db.execute(
            f"SELECT a.id, a.stamp FROM texts t CROSS JOIN articles a ON a.id = t.id "
            f"WHERE {clause} AND NOT ({title_clause}) AND a.id NOT IN "
            f"(SELECT id FROM articles ORDER BY stamp DESC NULLS LAST, id LIMIT {WINDOW})",
            args,
        ).fetchall()
        found.sort(key=lambda row: (-(row[1] if row[1] is not None else float("-inf")),
                                    row[0]))
        ids = [row[0] for row in found[:wanted]]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        return self.db.execute(f"{select} WHERE a.id IN ({marks}) {order}", ids).fetchall()

    def interrupt(self) -> None:
        """Stop a query running in another thread (a search the user typed past)."""
        if self._db is not None:
            self._db.interrupt()

    def size_on_disk(self) -> int:
        return sum(
            os.path.getsize(f"{self.path}{suffix}")
            for suffix in ("", "-wal") if os.path.exists(f"{self.path}{suffix}")
        )


@dataclass(frozen=True, slots=True)
class SearchCache:
    version: object
    titles: Titles
    recent: Recent


class Recent:
    """The fields and text of the newest `WINDOW` articles, newest first: a common word
    fills a page of results from these, in memory, in a millisecond."""

    def __init__(self, rows: list[tuple[bytes, str, str]]) -> None:
        self.rows = rows
        self.counts: Counter[str] = Counter()  # characters in a sample: which are rare
        for _, _, body in rows[:100]:
            self.counts.update(body)

    def frequency(self, char: str) -> int:
        return self.counts[char]

    def matching(self, words: list[str]) -> Iterator[bytes]:
        """Keys of the articles holding every word in their fields or text."""
        for key, fields, body in self.rows:
            if all(word in body or word in fields for word in words):
                yield key


class Titles:
    """Normalised titles, newest first, joined into one string that `str.find` scans."""

    def __init__(self, keys: list[bytes], titles: list[str]) -> None:
        self.keys = keys
        # Normalised titles hold no newline (whitespace is folded to single spaces), so a
        # newline ends each one and no match can span two.
        self.text = "".join(f"{title}\n" for title in titles)
        self.starts = list(accumulate((len(title) + 1 for title in titles), initial=0))

    def matching(self, words: list[str]) -> Iterator[bytes]:
        """Keys of the titles holding every word, newest first."""
        if not all(words) or any("\n" in word for word in words):
            return
        first = max(words, key=len)
        others = [word for word in words if word is not first]
        text, starts = self.text, self.starts
        position = text.find(first)
        while position != -1:
            number = bisect_right(starts, position) - 1
            end = starts[number + 1] - 1
            if all(word in text[starts[number] : end] for word in others):
                yield self.keys[number]
            position = text.find(first, end + 1)


#: A longer word is looked up in the character index by its rarest run of this many
#: characters: each character of a phrase costs a pass over its positions (5 ms for a common
#: one at 100,000 articles), and `instr` checks the whole word on what the run finds.
PHRASE_CHARACTERS = 4


def character_query(words: list[str], frequency: Callable[[str], int] | None = None
                    ) -> str | None:
    """The words as an FTS5 query on the character index: each a phrase of its characters.

    A word longer than `PHRASE_CHARACTERS` gives the run of that many whose `frequency` adds
    up least. None when a word has no character the index holds (only spaces or controls):
    then the caller reads the texts instead.
    """
    phrases = []
    for word in words:
        # The tokens the index holds: everything but spaces and ASCII controls (a zero-width
        # space or a soft hyphen is a character of the text like any other).
        characters = [char for char in word
                      if not char.isspace() and (char >= "\x80" or char.isprintable())]
        if not characters:
            return None
        if len(characters) > PHRASE_CHARACTERS:
            cost = frequency or (lambda char: 0)
            starts = range(len(characters) - PHRASE_CHARACTERS + 1)
            start = min(starts, key=lambda at: sum(
                cost(char) for char in characters[at : at + PHRASE_CHARACTERS]))
            characters = characters[start : start + PHRASE_CHARACTERS]
        phrases.append('"' + " ".join(characters).replace('"', '""') + '"')
    return " AND ".join(phrases) if phrases else None


def _key(article_id: str) -> bytes:
    """An id as the index stores it: bytes, so that file names which are not UTF-8 (kept by
    Python as lone surrogates) fit too. Ids sort the same as UTF-8 text."""
    return article_id.encode("utf-8", "surrogateescape")


def _id(key: bytes | str) -> str:
    return key.decode("utf-8", "surrogateescape") if isinstance(key, bytes) else key


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN")

    def __exit__(self, kind, value, traceback) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _row(article: Article, fields: str, images: list, links: list) -> tuple:
    return (
        _key(article.id),
        article.title,
        article.date.isoformat() if article.date else None,
        article.date.timestamp() if article.date else None,
        article.date_source.value,
        json.dumps(article.categories, ensure_ascii=False),
        json.dumps(article.tags, ensure_ascii=False),
        article.author,
        article.cover,
        article.link,
        int(article.is_html),
        article.encoding,
        json.dumps(images, ensure_ascii=False),
        json.dumps(links, ensure_ascii=False),
        fields,
        normalise(article.title),
        "\x1f".join(normalise(name) for path in article.categories for name in path),
        "\x1f".join(normalise(tag) for tag in article.tags),
        normalise(article.author),
    )


ARTICLE_COLUMNS = ("id, title, date, date_source, categories, tags, author, cover, link, "
                   "is_html, encoding")


def row_to_article(row: tuple) -> Article:
    """An `Article` from the columns `ARTICLE_COLUMNS`, then the file's size and mtime."""
    (article_id, title, date, source, categories, tags, author, cover, link, is_html,
     encoding, size, mtime) = row
    return Article(
        id=_id(article_id),
        title=title,
        date=datetime.fromisoformat(date) if date else None,
        date_source=DateSource(source),
        categories=tuple(tuple(path) for path in json.loads(categories)),
        tags=tuple(json.loads(tags)),
        author=author,
        cover=cover,
        link=link,
        is_html=bool(is_html),
        size=size,
        mtime=mtime,
        encoding=encoding,
    )
