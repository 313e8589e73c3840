"""What the sidebar, the header and the pickers read from the index: plain queries."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

from reader.core.files.dates import as_local, month_start
from reader.core.grouping import PAGES
from reader.core.index.schema import ARTICLE_COLUMNS, id_of, key_of, row_to_article
from reader.core.model import Article, Problem
from reader.core.sanitize import display_path


def articles(db: sqlite3.Connection) -> list[Article]:
    """Every article, newest first."""
    rows = db.execute(
        f"SELECT {ARTICLE_COLUMNS}, f.size, f.mtime FROM articles JOIN files f USING (id) "
        "ORDER BY stamp DESC NULLS LAST, id"
    )
    return [row_to_article(row) for row in rows]

#: The columns of `summaries`: a list's line of each article, with nothing made of it.
SUMMARY = "id, title, stamp, date, date_source, categories, tags, author, summary, draft, page"


#: The first columns of `SUMMARY`: what a plain line of `reader list` shows (fewer values
#: to build: 180 ms for 100,000 rows against 250).
LINE = "id, title, stamp, date, date_source, categories"
assert SUMMARY.startswith(LINE)


def summaries(db: sqlite3.Connection, columns: str = SUMMARY) -> Iterator[tuple]:
    """Every article newest first, as the raw `SUMMARY` columns (dates in ISO form, lists
    in JSON), or the first of them (`LINE`): 100,000 of them print in a fraction of the
    time `Article`s take."""
    return db.execute(f"SELECT {columns} FROM articles INDEXED BY articles_list "
                      "ORDER BY stamp DESC NULLS LAST, id")

def newest(db: sqlite3.Connection, limit: int) -> list[Article]:
    rows = db.execute(
        f"SELECT {ARTICLE_COLUMNS}, f.size, f.mtime FROM articles JOIN files f USING (id) "
        "ORDER BY stamp DESC NULLS LAST, id LIMIT ?", (limit,)
    )
    return [row_to_article(row) for row in rows]

def article(db: sqlite3.Connection, article_id: str) -> Article | None:
    row = db.execute(
        f"SELECT {ARTICLE_COLUMNS}, f.size, f.mtime FROM articles JOIN files f USING (id) "
        "WHERE id = ?", (key_of(article_id),)
    ).fetchone()
    return row_to_article(row) if row else None

def month_counts(db: sqlite3.Connection) -> list[tuple[str | None, int]]:
    """Articles per month as the sidebar groups them, newest first; undated, then pages
    (`PAGES`), last.

    A date written with an offset belongs to its author's month (`wall`, its wall clock);
    a bare timestamp to the display zone's (`stamp`). Each month is two ranges of the
    date indexes, counted there (24 ms at 100,000 articles, where grouping by a
    `strftime(..., 'localtime')` of every row took 60). It is on the way to the first
    screen, so the answer is kept in `meta` for those month starts, and any write to the
    index drops it.
    """
    newest, oldest, wall_newest, wall_oldest = db.execute(  # each one look into an index
        # (`wall IS NOT NULL` lets SQLite use the partial index on `wall`: without it, a
        # scan of every row, 40 ms at 100,000 on the way to the first screen.)
        "SELECT (SELECT max(stamp) FROM articles), (SELECT min(stamp) FROM articles), "
        "(SELECT max(wall) FROM articles WHERE wall IS NOT NULL), "
        "(SELECT min(wall) FROM articles WHERE wall IS NOT NULL)"
    ).fetchone()
    months: list[tuple[int, int]] = []
    if newest is not None:
        ends = [as_local(datetime.fromtimestamp(newest, UTC))]
        ends += [datetime.fromtimestamp(wall_newest, UTC)] if wall_newest is not None else []
        firsts = [as_local(datetime.fromtimestamp(oldest, UTC))]
        firsts += [datetime.fromtimestamp(wall_oldest, UTC)] if wall_oldest is not None else []
        year, month = max((m.year, m.month) for m in ends)
        first = min((m.year, m.month) for m in firsts)
        while (year, month) >= first:
            months.append((year, month))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    starts = [(month_start(y, m), datetime(y, m, 1, tzinfo=UTC).timestamp()) for y, m in months]
    key = json.dumps(starts)
    kept = db.execute("SELECT value FROM meta WHERE key = 'month_counts'").fetchone()
    if kept is not None:
        stored = json.loads(kept[0])
        if stored.get("starts") == key:
            return [(month, count) for month, count in stored["counts"]]
    counts: list[tuple[str | None, int]] = []
    end, wall_end = float("inf"), float("inf")
    for (year, month), (start, wall_start) in zip(months, starts, strict=True):
        found = db.execute(
            "SELECT (SELECT count(*) FROM articles WHERE stamp >= ? AND stamp < ? "
            "AND wall IS NULL), (SELECT count(*) FROM articles WHERE wall >= ? AND wall < ?)",
            (start, end, wall_start, wall_end)).fetchone()
        if sum(found):
            counts.append((f"{year:04d}-{month:02d}", sum(found)))
        end, wall_end = start, wall_start
    undated, pages = db.execute(
        "SELECT count(*) - sum(page), sum(page) FROM articles WHERE stamp IS NULL").fetchone()
    if undated:
        counts.append((None, undated))
    if pages:
        counts.append((PAGES, pages))
    with contextlib.suppress(sqlite3.OperationalError):  # busy, or read-only: next time
        db.execute("INSERT OR REPLACE INTO meta VALUES ('month_counts', ?)",
                        (json.dumps({"starts": key, "counts": counts}),))
    return counts

def stamps(db: sqlite3.Connection) -> dict[str, tuple[int, float]]:
    """Every article's id, with its file's size and modification time."""
    return {id_of(row[0]): (row[1], row[2]) for row in db.execute(
        "SELECT id, f.size, f.mtime FROM articles JOIN files f USING (id)")}

def has_articles(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None

def count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM articles").fetchone()[0]

def problems(db: sqlite3.Connection) -> list[Problem]:
    rows = db.execute("SELECT id, problem FROM files INDEXED BY files_problems "
                      "WHERE problem IS NOT NULL ORDER BY id")
    found = [Problem(display_path(id_of(row[0])), row[1]) for row in rows]
    return found + [Problem(*row) for row in db.execute(
        "SELECT path, reason FROM scan_problems")]

def problem_count(db: sqlite3.Connection) -> int:
    """How many `problems` there are, counted through the small index of problem files."""
    return db.execute(
        "SELECT (SELECT count(*) FROM files INDEXED BY files_problems WHERE problem IS NOT NULL)"
        " + (SELECT count(*) FROM scan_problems)").fetchone()[0]

def images(db: sqlite3.Connection, article_id: str) -> list[tuple[str, str, str]]:
    row = db.execute("SELECT images FROM articles WHERE id = ?",
                          (key_of(article_id),)).fetchone()
    return [tuple(item) for item in json.loads(row[0])] if row else []

def links(db: sqlite3.Connection, article_id: str) -> list[tuple[str, str]]:
    row = db.execute("SELECT links FROM articles WHERE id = ?",
                          (key_of(article_id),)).fetchone()
    return [tuple(item) for item in json.loads(row[0])] if row else []

