"""The index's tables, and how an `Article` becomes a row and a row an `Article` again.

Everything that names the index's columns is here or in `engine.py` (the search SQL).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime

from reader.core.files.dates import wall_stamp
from reader.core.model import Article, DateSource
from reader.core.search.fold import normalise

SCHEMA_VERSION = 15

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    id BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    problem TEXT
);
-- The few files that are problems, found without a pass over every file.
CREATE INDEX files_problems ON files (id) WHERE problem IS NOT NULL;
CREATE TABLE articles (
    id BLOB PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    date TEXT,
    stamp REAL,
    -- The author's wall-clock time as a UTC stamp, for a date written with an offset.
    wall REAL,
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
    nauthor TEXT NOT NULL,
    summary TEXT NOT NULL,
    draft INTEGER NOT NULL,
    page INTEGER NOT NULL
);
CREATE INDEX articles_by_stamp ON articles (stamp DESC, id);
CREATE INDEX articles_by_wall ON articles (wall) WHERE wall IS NOT NULL;
-- Covers a title search: a scan of titles reads this small index, not the wide rows.
CREATE INDEX articles_titles ON articles (stamp DESC, id, ntitle);
-- Covers `reader list` (and its --json): 100,000 lines read in order from a small index
-- instead of the wide rows (75 ms against 450).
CREATE INDEX articles_list ON articles
    (stamp DESC, id, title, date, date_source, categories, tags, author, summary, draft, page);
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
-- Each folder's fingerprint (`scan.Folder`) when its files were last compared with the
-- disk: a folder whose fingerprint is unchanged is not looked into again.
CREATE TABLE folders (path BLOB PRIMARY KEY, fingerprint INTEGER NOT NULL) WITHOUT ROWID;
-- Folders that could not be listed, links that lead nowhere: found by the last full scan.
CREATE TABLE scan_problems (path TEXT NOT NULL, reason TEXT NOT NULL);
"""


#: Between fields and body in the character index, so that no phrase spans the two.
FIELD_BREAK = "\ue100"


def character_document(fields: str, body: str) -> str:
    """Fields and body with a space between any two characters: each character is a token.

    (`str.replace` with an empty pattern does it in C, nine times faster than a join.)
    """
    return f"{fields}{FIELD_BREAK}{body}".replace("", " ")


def key_of(article_id: str) -> bytes:
    """An id as the index stores it: bytes, so that file names which are not UTF-8 (kept by
    Python as lone surrogates) fit too. Ids sort the same as UTF-8 text."""
    return article_id.encode("utf-8", "surrogateescape")


def id_of(key: bytes | str) -> str:
    return key.decode("utf-8", "surrogateescape") if isinstance(key, bytes) else key


class transaction:
    """`with transaction(db):` all of it is written, or none of it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN")

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # (SQLite rolls back by itself on a full disk)
            with contextlib.suppress(sqlite3.Error):  # the error that got here is the news
                self.db.execute("ROLLBACK")


def article_row(article: Article, fields: str, images: list, links: list) -> tuple:
    """The `articles` row of an article; `fields` is its folded title, categories, tags and
    author, as the character index holds them."""
    return (
        key_of(article.id),
        article.title,
        article.date.isoformat() if article.date else None,
        # A page is no post: no stamp keeps it out of the months and after the posts.
        article.date.timestamp() if article.date and not article.page else None,
        wall_stamp(article.date) if article.date and not article.page else None,
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
        article.summary,
        int(article.draft),
        int(article.page),
    )


ARTICLE_ROW_LENGTH = 23


ARTICLE_COLUMNS = ("id, title, date, date_source, categories, tags, author, cover, link, "
                   "is_html, encoding, summary, draft, page")


def row_to_article(row: tuple) -> Article:
    """An `Article` from the columns `ARTICLE_COLUMNS`, then the file's size and mtime."""
    (article_id, title, date, source, categories, tags, author, cover, link, is_html,
     encoding, summary, draft, page, size, mtime) = row
    return Article(
        id=id_of(article_id),
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
        summary=summary,
        draft=bool(draft),
        page=bool(page),
    )

