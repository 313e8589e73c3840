"""The reading state as JSON, and how two states merge.

The format (`reader state export`), one object:

    {"format": "reader-state", "version": 1, "archive": "/path/of/archive",
     "exported": "2026-12-07T10:00:00+00:00",
     "articles": [{"id": "posts/a.md", "fingerprint": "9f2c…", "read": true,
                   "read_at": 1765100000.0, "starred": false, "star_changed": 1765100000.0}]}

Merging is a join: a read mark is kept if either side has it (read wins; the earlier
`read_at` is kept), a star follows the later change (`star_changed`; on a tie, starred),
so importing the same file twice, or two files in either order, gives the same state.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

FORMAT = "reader-state"
VERSION = 1


class StateFileError(ValueError):
    """A state file that cannot be imported; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Mark:
    """What the user did with one article: read it, starred it, and when."""

    id: str
    fingerprint: str = ""
    read: bool = False
    read_at: float | None = None
    starred: bool = False
    star_changed: float | None = None


def merged(ours: Mark, theirs: Mark) -> Mark:
    """One article's marks from two states: commutative, associative and idempotent."""
    read = ours.read or theirs.read
    read_times = [m.read_at for m in (ours, theirs) if m.read and m.read_at is not None]
    read_at = min(read_times) if read_times else None
    star = max((ours.star_changed or 0.0, ours.starred), (theirs.star_changed or 0.0,
                                                         theirs.starred))
    star_changed = star[0] if (ours.star_changed is not None
                               or theirs.star_changed is not None) else None
    fingerprint = max(ours.fingerprint, theirs.fingerprint)  # any one, the same either way
    return Mark(ours.id, fingerprint, read, read_at, star[1], star_changed)


def merge_all(ours: dict[str, Mark], theirs: list[Mark]) -> dict[str, Mark]:
    """`ours` with `theirs` merged in, by article id: only the marks that changed."""
    changed: dict[str, Mark] = {}
    for mark in theirs:
        before = changed.get(mark.id) or ours.get(mark.id)
        after = merged(before, mark) if before is not None else merged(mark, mark)
        if after != before:
            changed[mark.id] = after
    return changed


def to_json(archive: str, exported: str, marks: list[Mark]) -> str:
    """The state as the export file's text."""
    articles = [
        {"id": m.id, "fingerprint": m.fingerprint, "read": m.read, "read_at": m.read_at,
         "starred": m.starred, "star_changed": m.star_changed}
        for m in sorted(marks, key=lambda m: m.id)
    ]
    # ASCII escapes carry ids whose file names are not UTF-8 (lone surrogates). One
    # article a line: a file of 50,000 marks stays readable and diffs well.
    head = json.dumps({"format": FORMAT, "version": VERSION, "archive": archive,
                       "exported": exported})
    rows = ",\n".join(json.dumps(article) for article in articles)
    return f"{head[:-1]}, \"articles\": [\n{rows}\n]}}\n"


def _time(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StateFileError(f"{where}: a time must be a number of seconds")
    return float(value)


def from_json(text: str) -> list[Mark]:
    """The marks of an export file; raises `StateFileError` saying what is wrong."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise StateFileError(f"not JSON ({str(error)[:80]})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateFileError("not a reader state file (no \"format\": \"reader-state\")")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise StateFileError(f"state file version {version!r}: this reader reads {VERSION}")
    articles = data.get("articles")
    if not isinstance(articles, list):
        raise StateFileError("\"articles\" must be a list")
    marks = []
    for number, item in enumerate(articles, 1):
        where = f"article {number}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise StateFileError(f"{where}: needs an \"id\"")
        read, starred = item.get("read", False), item.get("starred", False)
        if not isinstance(read, bool) or not isinstance(starred, bool):
            raise StateFileError(f"{where}: \"read\" and \"starred\" are true or false")
        fingerprint = item.get("fingerprint") or ""
        if not isinstance(fingerprint, str):
            raise StateFileError(f"{where}: \"fingerprint\" must be text")
        marks.append(Mark(item["id"], fingerprint, read, _time(item.get("read_at"), where),
                          starred, _time(item.get("star_changed"), where)))
    return marks


def exported_from(text: str) -> str:
    """The archive an export file says it came from ("" if it says nothing)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return ""
    archive = data.get("archive") if isinstance(data, dict) else None
    return archive if isinstance(archive, str) else ""
