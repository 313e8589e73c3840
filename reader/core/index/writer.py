"""Writing to the index: entries in, files out, each in one transaction."""

from __future__ import annotations

import sqlite3

from reader.core.index.entries import Entry
from reader.core.index.schema import (
    ARTICLE_ROW_LENGTH,
    character_document,
    key_of,
    transaction,
)


def delete(db: sqlite3.Connection, ids: list[str]) -> None:
    """Take these files out of the index, in one transaction."""
    with transaction(db):
        db.execute("DELETE FROM meta WHERE key = 'month_counts'")
        _forget_texts(db, [key_of(i) for i in ids])
        db.executemany("DELETE FROM files WHERE id = ?", [(key_of(i),) for i in ids])


def _forget_texts(db: sqlite3.Connection, keys: list[bytes]) -> None:
    """Take articles' texts out of `texts` and the character index.

    A contentless index forgets a row only when told what it held, so the old fields
    and text are read back first.
    """
    for key in keys:
        old = db.execute(
            "SELECT t.rowid, a.fields, t.body FROM texts t LEFT JOIN articles a USING (id) "
            "WHERE t.id = ?", (key,)).fetchone()
        if old is None:
            continue
        if old[1] is not None:
            db.execute("INSERT INTO chars (chars, rowid, t) VALUES ('delete', ?, ?)",
                       (old[0], character_document(old[1], old[2])))
        db.execute("DELETE FROM texts WHERE rowid = ?", (old[0],))


def store(db: sqlite3.Connection, entries: list[Entry]) -> None:
    """Write these entries (articles or problems) over what the index held, in one
    transaction."""
    with transaction(db):
        db.execute("DELETE FROM meta WHERE key = 'month_counts'")
        # First, while the old article rows still say what the index holds for them.
        _forget_texts(db, [key_of(e.id) for e in entries])
        db.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
            [(key_of(e.id), e.size, e.mtime, e.problem or None) for e in entries],
        )
        gone = [(key_of(e.id),) for e in entries if not e.row]
        db.executemany("DELETE FROM articles WHERE id = ?", gone)
        for entry in entries:
            if entry.row:
                cursor = db.execute("INSERT INTO texts (id, body) VALUES (?, ?)",
                                    (entry.row[0], entry.body))
                db.execute("INSERT INTO chars (rowid, t) VALUES (?, ?)",
                           (cursor.lastrowid, character_document(entry.fields, entry.body)))
        db.executemany(
            f"INSERT OR REPLACE INTO articles VALUES ({', '.join('?' * ARTICLE_ROW_LENGTH)})",
            [e.row for e in entries if e.row],
        )
