"""The user's marks as search sees them: which articles are read, starred, new.

The reading state lives outside the core (`reader.state`); a search is handed these sets
(`is:unread`, `is:read`, `is:starred`, `is:new`) and never reads the state itself.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The values `is:` takes.
FLAGS = ("unread", "read", "starred", "new")


@dataclass(frozen=True, slots=True)
class Marks:
    """Sets of article ids; `version` changes whenever a set does (caches compare it)."""

    read: frozenset[str] = frozenset()
    starred: frozenset[str] = frozenset()
    new: frozenset[str] = frozenset()
    version: int = 0


NO_MARKS = Marks()
