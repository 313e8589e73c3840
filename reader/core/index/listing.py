"""What the sidebar, the header and the pickers read from the index: plain queries."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime

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
    """Articles per month (in the local time zone), newest first; undated last.

    Each month is a range of the date index between two local month starts, counted
    there (24 ms at 100,000 articles, where grouping by a `strftime(..., 'localtime')`
    of every row took 60). It is on the way to the first screen, so the answer is kept
    in `meta` for those month starts, and any write to the index drops it.
    """
    newest, oldest = db.execute(  # apart, each is one look into the date index
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
    kept = db.execute("SELECT value FROM meta WHERE key = 'month_counts'").fetchone()
    if kept is not None:
        stored = json.loads(kept[0])
        if stored.get("starts") == key:
            return [(month, count) for month, count in stored["counts"]]
    counts: list[tuple[str | None, int]] = []
    end = float("inf")
    for month in starts:
        start = month.timestamp()
        found = db.execute(
            "SELECT count(*) FROM articles WHERE stamp >= ? AND stamp < ?",
            (start, end)).fetchone()[0]
        if found:
            counts.append((f"{month.year:04d}-{month.month:02d}", found))
        end = start
    undated = db.execute("SELECT count(*) FROM articles WHERE stamp IS NULL").fetchone()[0]
    if undated:
        counts.append((None, undated))
    with contextlib.suppress(sqlite3.OperationalError):  # busy, or read-only: next time
        db.execute("INSERT OR REPLACE INTO meta VALUES ('month_counts', ?)",
                        (json.dumps({"starts": key, "counts": counts}),))
    return counts

def has_articles(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None

def count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM articles").fetchone()[0]

def problems(db: sqlite3.Connection) -> list[Problem]:
    rows = db.execute("SELECT id, problem FROM files WHERE problem IS NOT NULL "
                           "ORDER BY id")
    found = [Problem(display_path(id_of(row[0])), row[1]) for row in rows]
    return found + [Problem(*row) for row in db.execute(
        "SELECT path, reason FROM scan_problems")]

def images(db: sqlite3.Connection, article_id: str) -> list[tuple[str, str, str]]:
    row = db.execute("SELECT images FROM articles WHERE id = ?",
                          (key_of(article_id),)).fetchone()
    return [tuple(item) for item in json.loads(row[0])] if row else []

def links(db: sqlite3.Connection, article_id: str) -> list[tuple[str, str]]:
    row = db.execute("SELECT links FROM articles WHERE id = ?",
                          (key_of(article_id),)).fetchone()
    return [tuple(item) for item in json.loads(row[0])] if row else []

