"""How a query runs on the index: in memory where it can, then the character index.

A search of 100,000 articles answers in milliseconds: titles and the newest texts are
matched in memory (`Titles`, `Recent`), and older texts are found through a positional
character index (FTS5, every character a token), each candidate checked again with `instr`
so the answer stays exact for Chinese words of any length.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from reader.core.index.schema import ARTICLE_COLUMNS, key_of, row_to_article
from reader.core.search.marks import NO_MARKS, Marks
from reader.core.search.query import Hit, Query
from reader.core.search.snippets import snippet
from reader.core.search.titles import TitleList

#: Searches look among this many of the newest articles (a common word fills the page
#: there in a few milliseconds) before asking the character index.
WINDOW = 400


def sql_conditions(query: Query) -> tuple[list[str], list[object]]:
    """The query as SQL conditions on the index's normalised columns, and their arguments."""
    sql: list[str] = []
    args: list[object] = []
    # Cheap conditions on the small metadata row come first: SQLite tries them in order.
    for name in query.categories:
        sql.append("instr(a.ncategories, ?) > 0")
        args.append(name)
    for name in query.tags:
        sql.append("instr(a.ntags, ?) > 0")
        args.append(name)
    for name in query.authors:
        sql.append("instr(a.nauthor, ?) > 0")
        args.append(name)
    if query.after is not None:
        sql.append("a.stamp >= ?")
        args.append(query.after)
    if query.before is not None:
        sql.append("a.stamp < ?")
        args.append(query.before)
    for word in query.words:
        sql.append("(instr(a.fields, ?) > 0 OR instr(t.body, ?) > 0)")
        args += [word, word]
    for word in query.excluded:
        sql.append("instr(a.fields, ?) = 0 AND instr(t.body, ?) = 0")
        args += [word, word]
    for flag in query.flags:  # the user's marks, in temporary tables (`_use_marks`)
        table = _MARK_TABLES["read" if flag == "unread" else flag]
        sql.append(f"a.id {'NOT ' if flag == 'unread' else ''}IN (SELECT id FROM temp.{table})")
    return sql, args


#: The temporary tables that hold the user's marks for a search, by set.
_MARK_TABLES = {"read": "read_marks", "starred": "star_marks", "new": "new_marks"}



class SearchEngine:
    """Runs queries on one connection to the index, with what it keeps in memory.

    `connection` gives the index's connection; `writes` counts this connection's own
    commits, which SQLite's `data_version` does not, so that the memory is read again
    after them too.
    """

    def __init__(self, connection: Callable[[], sqlite3.Connection],
                 writes: Callable[[], int]) -> None:
        self._db = connection
        self._writes = writes
        self._cache: SearchCache | None = None
        self._cache_lock = threading.Lock()
        # The connection the marks' temporary tables were filled on, and the marks' version:
        # the connection itself is kept (not its id(), which a new one may reuse).
        self._marks_on: tuple[sqlite3.Connection, int] | None = None

    def forget(self) -> None:
        """Drop what is kept in memory (the connection is closing)."""
        self._cache = None
        self._marks_on = None

    @property
    def holds_memory(self) -> bool:
        """True while titles and recent texts are kept in memory."""
        return self._cache is not None

    def _use_marks(self, marks: Marks) -> None:
        """Put the user's marks where the SQL of `is:` finds them (again only when they
        changed, or the connection is a new one)."""
        db = self._db()
        if self._marks_on is not None and self._marks_on[0] is db and (
                self._marks_on[1] == marks.version):
            return
        for name, table in _MARK_TABLES.items():
            db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id BLOB PRIMARY KEY)")
            db.execute(f"DELETE FROM temp.{table}")
            db.executemany(f"INSERT OR IGNORE INTO temp.{table} VALUES (?)",
                           [(key_of(i),) for i in getattr(marks, name)])
        self._marks_on = (db, marks.version)

    def _among(self, keys: list[bytes]) -> tuple[str, list]:
        """`a.id IN (…)` for `keys`: as variables when few, else through a temporary table
        (SQLite allows 32,766 variables a statement in its default build, or fewer)."""
        if len(keys) <= 500:
            return f"a.id IN ({', '.join('?' * len(keys))})", list(keys)
        db = self._db()
        db.execute("CREATE TEMP TABLE IF NOT EXISTS among (id BLOB PRIMARY KEY)")
        db.execute("DELETE FROM temp.among")
        db.executemany("INSERT OR IGNORE INTO temp.among VALUES (?)", [(k,) for k in keys])
        return "a.id IN (SELECT id FROM temp.among)", []

    def search(self, query: Query, limit: int = 50, marks: Marks = NO_MARKS,
               keep: bool = True) -> list[Hit]:
        """The first `limit` articles matching `query`: title matches first, then newest.

        Titles and the newest `WINDOW` texts are matched in memory (`SearchCache`), so a
        common word answers at once; when those do not fill the page, the character index
        finds the older articles that hold every word (each checked again with `instr`, so
        the answer stays exact). Filters are SQL conditions on the candidates; `is:`
        filters ask `marks`.

        `keep=False` (one query, from the command line): the same answer, with titles and
        the newest texts matched by SQLite where they lie, none of them read into memory.
        """
        if query.empty:
            return []
        if query.flags:
            self._use_marks(marks)
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
            found = [row[0] for row in self._db().execute(
                f"SELECT id FROM articles a INDEXED BY articles_filters WHERE {clause} "
                f"{order} LIMIT ?", [*args, limit])]
            rows = self._rows_among(found, "1", [], select, order, limit) if found else []
            return [Hit(row_to_article(row[:-1]), snippet(row[-1], [], normalised=True), False)
                    for row in rows]
        titled = self._titled(words, clause, args, select, order, limit, keep)
        rows = list(titled)
        if len(rows) < limit:
            wanted = limit - len(rows)
            if keep:
                cache = self._search_cache()
                keys = list(cache.recent.matching(words))
                recent = self._rows_among(keys, f"{clause} AND NOT ({title_clause})",
                                          [*args, *words], select, order, wanted) if keys else []
                beyond = len(cache.titles.keys) > len(cache.recent.rows)
                frequency = cache.recent.frequency
            elif (rare := self._rare_phrases(
                    words, frequency := self._sample_frequency())) is not None:
                # Fewer articles hold the words than the window: the character index finds
                # them all at once, where reading the newest texts for them costs 20 ms.
                rows += self._db().execute(
                    f"{select} JOIN chars ON chars.rowid = t.rowid WHERE chars MATCH ? "
                    f"AND {clause} AND NOT ({title_clause}) {order} LIMIT ?",
                    [rare, *args, *words, wanted]).fetchall()
                return self._hits(rows, words, len(titled))
            else:
                recent = self._db().execute(
                    f"{select} WHERE a.id IN (SELECT id FROM articles ORDER BY stamp DESC "
                    f"NULLS LAST, id LIMIT {WINDOW}) AND {clause} AND NOT ({title_clause}) "
                    f"{order} LIMIT ?", [*args, *words, wanted]).fetchall()
                beyond = self._db().execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM articles LIMIT {WINDOW + 1})"
                ).fetchone()[0] > WINDOW
            rows += recent
            if len(recent) < wanted and beyond:
                older_args = [*args, *words]
                phrases = character_query(words, frequency)
                if phrases is not None:
                    rows += self._db().execute(
                        f"{select} JOIN chars ON chars.rowid = t.rowid WHERE chars MATCH ? "
                        f"AND {clause} AND NOT ({title_clause}) AND a.id NOT IN "
                        f"(SELECT id FROM articles ORDER BY stamp DESC NULLS LAST, id "
                        f"LIMIT {WINDOW}) {order} LIMIT ?",
                        [phrases, *older_args, wanted - len(recent)]).fetchall()
                else:
                    rows += self._search_older(clause, title_clause, older_args,
                                               wanted - len(recent), select, order)
        return self._hits(rows, words, len(titled))

    @staticmethod
    def _hits(rows: list[tuple], words: list[str], titled: int) -> list[Hit]:
        """Rows as hits with their snippets: the first `titled` matched by their titles."""
        return [
            Hit(row_to_article(row[:-1]), snippet(row[-1], words, normalised=True),
                number < titled)
            for number, row in enumerate(rows)
        ]

    def _rare_phrases(self, words: list[str], frequency: Callable[[str], int]
                      ) -> str | None:
        """The words' character query when at most `WINDOW` articles can hold them (so the
        index alone answers faster than reading the newest texts), else None."""
        phrases = character_query(words, frequency)  # the sample read once a search
        if phrases is None:
            return None
        found = self._db().execute(
            f"SELECT count(*) FROM (SELECT 1 FROM chars WHERE chars MATCH ? LIMIT {WINDOW + 1})",
            [phrases]).fetchone()[0]
        return phrases if found <= WINDOW else None

    def count(self, query: Query, marks: Marks = NO_MARKS, cap: int = 10_000) -> tuple[int, bool]:
        """How many articles match `query`: (the count, or `cap` and True when there are
        more). Slower than a page of results (every match is checked): run it after."""
        if query.empty:
            return 0, False
        if query.flags:
            self._use_marks(marks)
        where, args = sql_conditions(query)
        clause = " AND ".join(where) if where else "1"
        db = self._db()
        if query.words:
            phrases = character_query(query.words, self._search_cache().recent.frequency)
            if phrases is not None:
                sql = ("SELECT 1 FROM chars JOIN texts t ON t.rowid = chars.rowid JOIN "
                       f"articles a ON a.id = t.id WHERE chars MATCH ? AND {clause} LIMIT ?")
                found = db.execute(f"SELECT count(*) FROM ({sql})",
                                   [phrases, *args, cap + 1]).fetchone()[0]
                return min(found, cap), found > cap
        join = "JOIN texts t USING (id)" if query.words or query.excluded else ""
        found = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM articles a {join} "
                           f"WHERE {clause} LIMIT ?)", [*args, cap + 1]).fetchone()[0]
        return min(found, cap), found > cap

    def _titled(self, words: list[str], clause: str, args: list, select: str, order: str,
                limit: int, keep: bool = True) -> list[tuple]:
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
        if keep:
            keys: Iterator[bytes] = self._search_cache().titles.matching(words)
        else:  # newest first through the small index of titles, stopping at a full page
            keys = (row[0] for row in self._db().execute(
                "SELECT id FROM articles INDEXED BY articles_titles WHERE "
                + " AND ".join(["instr(ntitle, ?) > 0"] * len(words))
                + " ORDER BY stamp DESC NULLS LAST, id", words))
        for key in keys:
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
        among, among_args = self._among(keys)
        return self._db().execute(f"{select} WHERE {among} AND {clause} {order} LIMIT ?",
                                  [*among_args, *args, limit]).fetchall()

    def _sample_frequency(self) -> Callable[[str], int]:
        """`Recent.frequency` over the newest texts, read only if a long word asks."""
        sample: list[Recent] = []

        def frequency(char: str) -> int:
            if not sample:
                sample.append(Recent(self._db().execute(
                    "SELECT a.id, a.fields, t.body FROM articles a JOIN texts t USING (id) "
                    f"ORDER BY a.stamp DESC NULLS LAST, a.id LIMIT {SAMPLE}")))
            return sample[0].frequency(char)

        return frequency

    def prepare(self) -> None:
        """Read what search keeps in memory now (a search screen opening), not at the first key."""
        self._search_cache()

    def _search_cache(self) -> SearchCache:
        """Titles and the newest texts in memory, read again when the index has changed
        (here or through another connection: SQLite's `data_version` says)."""
        with self._cache_lock:  # a search screen reads it ahead in one thread, searches in another
            return self._read_search_cache()

    def _read_search_cache(self) -> SearchCache:
        version = (self._db().execute("PRAGMA data_version").fetchone()[0], self._writes(), WINDOW)
        if self._cache is None or self._cache.version != version:
            rows = self._db().execute("SELECT id, ntitle FROM articles INDEXED BY articles_titles "
                                   "ORDER BY stamp DESC NULLS LAST, id").fetchall()
            titles = Titles([row[0] for row in rows], [row[1] for row in rows])
            recent = self._db().execute(
                "SELECT a.id, a.fields, t.body FROM articles a JOIN texts t USING (id) "
                "WHERE a.id IN (SELECT id FROM articles ORDER BY stamp DESC NULLS LAST, id "
                f"LIMIT {WINDOW}) ORDER BY a.stamp DESC NULLS LAST, a.id").fetchall()
            self._cache = SearchCache(version, titles, Recent(recent))
        return self._cache

    def _search_older(self, clause: str, title_clause: str, args: list, wanted: int,
                      select: str, order: str) -> list[tuple]:
        """Matches beyond the newest `WINDOW` when the character index cannot help (a query
        of filters and exclusions only): one pass in storage order, sorted here."""
        found = self._db().execute(
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
        among, among_args = self._among(ids)
        return self._db().execute(f"{select} WHERE {among} {order}", among_args).fetchall()


@dataclass(frozen=True, slots=True)
class SearchCache:
    version: object
    titles: Titles
    recent: Recent


#: How many of the newest texts tell which characters are rare.
SAMPLE = 100


class Recent:
    """The fields and text of the newest `WINDOW` articles, newest first: a common word
    fills a page of results from these, in memory, in a millisecond."""

    def __init__(self, rows: Iterable[tuple[bytes, str, str]]) -> None:
        self.rows = list(rows)
        self._sample = "\n".join(body for _, _, body in self.rows[:SAMPLE])
        self._counts: dict[str, int] = {}

    def frequency(self, char: str) -> int:
        """How often `char` is in a sample of the newest texts: which characters are rare.
        Counted when asked (a `count` over the sample), not for every character ahead."""
        found = self._counts.get(char)
        if found is None:
            found = self._counts[char] = self._sample.count(char)
        return found

    def matching(self, words: list[str]) -> Iterator[bytes]:
        """Keys of the articles holding every word in their fields or text."""
        for key, fields, body in self.rows:
            if all(word in body or word in fields for word in words):
                yield key


class Titles:
    """Normalised titles, newest first, with their keys: which hold every word."""

    def __init__(self, keys: list[bytes], titles: list[str]) -> None:
        self.keys = keys
        self.list = TitleList(titles)

    def matching(self, words: list[str]) -> Iterator[bytes]:
        """Keys of the titles holding every word, newest first."""
        for number in self.list.matching(words):
            yield self.keys[number]


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


