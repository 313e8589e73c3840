"""Searching the archive's index: substring matching that is right for Chinese.

Word-splitting full-text indexes find nothing in Chinese, and SQLite's trigram index never
matches one- or two-character queries. The index keeps each article's text normalised
(NFKC, casefolded), and a query is matched as plain substrings of it, newest first, stopping
as soon as a page is full; title matches come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reader.core.dates import as_local
from reader.core.model import Article, Document
from reader.core.searchtext import normalise

FILTERS = ("cat", "tag", "author", "after", "before")
_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))?')


class QueryError(ValueError):
    """A query that cannot be run; the message says what to fix, in one line."""


@dataclass
class Query:
    """A parsed query: words that must all match, words that must not, and filters."""

    words: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    after: float | None = None
    before: float | None = None

    @property
    def empty(self) -> bool:
        return not (self.words or self.excluded or self.categories or self.tags
                    or self.authors or self.after is not None or self.before is not None)


def _date_bound(value: str, name: str) -> float:
    """`2022`, `2022-05` or `2022-05-01` as the start of that period, in local time.

    `after:2022-05` keeps articles from May 2022 on; `before:2022-06-01` those before June.
    """
    for pattern in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return as_local(datetime.strptime(value, pattern)).timestamp()
        except ValueError:
            continue
    raise QueryError(f"{name}: wants a date such as 2022-05 or 2022-06-01, not {value!r}")


def parse_query(text: str) -> Query:
    """Parse `振兴 "a phrase" -word cat:ZAKER tag:rust author:x after:2022-05 before:…`.

    Raises `QueryError` for an unknown filter or a bad date.
    """
    query = Query()
    for match in _TOKEN.finditer(text):
        negate, name, quoted, bare = match.groups()
        if name is None and quoted is None and bare is None:
            continue  # the empty match between words
        value = quoted if quoted is not None else (bare or "")
        if name is not None and name.lower() not in FILTERS:
            if value.startswith("//"):  # an address such as https://example.org
                name, value = None, f"{name}:{value}"
            else:
                raise QueryError(
                    f"unknown filter {name}: (use {', '.join(f + ':' for f in FILTERS)})"
                )
        if name is not None:
            name = name.lower()
            if negate:
                raise QueryError(f"-{name}: filters cannot be negated; use -word for words")
            if not value:
                raise QueryError(f"{name}: needs a value")
            if name in ("after", "before"):
                setattr(query, name, _date_bound(value, name))
            else:
                target = {"cat": query.categories, "tag": query.tags, "author": query.authors}
                target[name].append(normalise(value))
            continue
        folded = normalise(value)
        if folded:
            (query.excluded if negate else query.words).append(folded)
    return query


@dataclass(frozen=True, slots=True)
class Hit:
    article: Article
    snippet: str
    in_title: bool


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
    return sql, args


def snippet(text: str, words: list[str], width: int = 80, normalised: bool = False) -> str:
    """A window of `text` around the first match of any of `words` (folded), or its start.

    `normalised`: the text is the index's own (already folded), so plain `find` locates the
    words, with no fold of the whole text.
    """
    if normalised:
        places = [place for place in (text.find(word) for word in words) if place >= 0]
        at = min(places) if places else -1
    else:
        found = highlights(text, words) if words else []
        at = found[0][0] if found else -1
    start = max(at - width // 3, 0) if at >= 0 else 0
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def highlights(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Ranges of `text` where any of `words` occurs (case and width folded)."""
    folded, origin = _fold_with_origin(text)
    ranges = []
    for word in words:
        needle = fold(word)
        if not needle:
            continue
        at = folded.find(needle)
        while at >= 0:
            end = at + len(needle)
            if origin is None:
                ranges.append((at, end))
            else:
                ranges.append((origin[at], origin[end - 1] + 1))
            at = folded.find(needle, end)
    return sorted(ranges)


class _Fold(dict):
    """A translation table, built as characters are met, that folds each character to one:
    casefolded and NFKC where that gives a single character, else left alone. Positions in
    the folded text are positions in the original. Characters whose fold is not one
    character (`ß` is `ss`) are noted in `uneven`."""

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()

    def __missing__(self, code: int) -> int:
        folded = _fold_char(chr(code))
        result = ord(folded) if len(folded) == 1 else code
        if len(folded) != 1:
            self.uneven.add(chr(code))
        self[code] = result
        return result


def _fold_char(char: str) -> str:
    return normalise(char) if not char.isspace() else " "


_FOLD = _Fold()


def fold(text: str) -> str:
    """`text` folded for matching, one character for one: positions stay the same."""
    return text.translate(_FOLD)


def _fold_with_origin(text: str) -> tuple[str, list[int] | None]:
    """`text` folded as search folds it, and where each folded character came from; None
    for that when every character folds to one (the common case, done in C)."""
    folded = fold(text)
    if _FOLD.uneven.isdisjoint(text):
        return folded, None
    parts: list[str] = []
    origin: list[int] = []
    for number, char in enumerate(text):
        piece = _fold_char(char) if char in _FOLD.uneven else folded[number]
        parts.append(piece)
        origin.extend([number] * len(piece))
    return "".join(parts), origin


def shown_snippet(root: Path, article: Article, words: list[str], width: int = 80) -> str:
    """A snippet from the article's own text (its real punctuation and case), for a hit.

    The index keeps text normalised; for the page of results the file is read again so the
    snippet shows what the article shows. Falls back to the start of the text.
    """
    from reader.core.archive import LoadError, read_source
    from reader.core.document import markdown_text
    from reader.core.extract import extract

    try:
        source = read_source(Path(root) / article.id)
    except LoadError:
        return ""
    if source.is_html:
        return snippet(extract(source.body, True).text, words, width)
    # Markdown is parsed to show it as text (7 ms for a long post, fifty times a page of
    # results); the paragraph around the first match is enough for a snippet.
    body = source.body
    # A paragraph alone would show `[text][1]` for a link defined elsewhere in the post.
    definitions = "\n\n" + "\n".join(_LINK_DEFINITION.findall(body))
    lowered = body.casefold()  # a cheap first look (the full fold costs 2 ms a long post);
    after = 0                  # a place off by a few characters is near enough
    for _ in range(5):  # a first place may be no text (a fence's language name, an address)
        places = [lowered.find(word, after) for word in words]
        at = min((place for place in places if place >= 0), default=-1)
        if at < 0:
            break
        start, end = _paragraph_around(body, min(at, len(body)))
        text = " ".join(markdown_text(body[start:end] + definitions).split())
        if highlights(text, words):
            return snippet(text, words, width)
        after = max(end, at + 1)
    return snippet(" ".join(markdown_text(source.body).split()), words, width)


_LINK_DEFINITION = re.compile(r"(?m)^ {0,3}\[[^\]\n]{1,999}\]:[ \t]*\S.*$")


def _paragraph_around(text: str, at: int, reach: int = 1500) -> tuple[int, int]:
    """Where the blank-line-bounded stretch of `text` around `at` starts and ends, at most
    `reach` either side."""
    start = text.rfind("\n\n", max(at - reach, 0), at)
    start = start + 2 if start >= 0 else max(text.rfind("\n", 0, max(at - reach, 0)) + 1, 0)
    end = text.find("\n\n", at, at + reach)
    if end < 0:
        end = text.find("\n", at + reach)
    return start, end if end >= 0 else len(text)


def find_in_document(document: Document, words: list[str]) -> list[tuple[int, int, int]]:
    """Every place in `document` where one of `words` occurs: (block, start, end), in order."""
    found = []
    for number, block in enumerate(document.blocks):
        text = block.text
        if not text:
            continue
        for start, end in highlights(text, words):
            found.append((number, start, end))
    return found
