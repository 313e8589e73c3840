"""The query language: words, "phrases", -exclusions and filters, parsed into a `Query`.

Words and filter values are folded as the index folds text (`reader.core.search.fold`),
so matching is plain substring search, right for Chinese words of any length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from reader.core.files.dates import as_local
from reader.core.model import Article
from reader.core.search.fold import normalise
from reader.core.search.marks import FLAGS

FILTERS = ("cat", "tag", "author", "after", "before", "is")
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
    flags: list[str] = field(default_factory=list)  # `is:unread` and friends (`marks.FLAGS`)

    @property
    def empty(self) -> bool:
        return not (self.words or self.excluded or self.categories or self.tags
                    or self.authors or self.after is not None or self.before is not None
                    or self.flags)


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
            elif name == "is":
                flag = value.lower()
                if flag not in FLAGS:
                    raise QueryError(f"is: takes {', '.join(FLAGS)}, not {value!r}")
                if flag not in query.flags:
                    query.flags.append(flag)
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


