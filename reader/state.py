"""What the user was reading in an archive, and where: remembered between runs.

The user's own data, kept in the XDG state directory (not the cache).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from reader.settings import archive_key, state_dir


class ReadingState:
    """What the user was reading in an archive, and where: remembered between runs."""

    def __init__(self, root: Path) -> None:
        self.path = state_dir() / f"{archive_key(root)}.json"
        self.current: str | None = None
        self.positions: dict[str, int] = {}

    @classmethod
    def load(cls, root: Path) -> ReadingState:
        state = cls(root)
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return state
        if isinstance(data, dict):
            current = data.get("current")
            state.current = current if isinstance(current, str) else None
            positions = data.get("positions")
            if isinstance(positions, dict):
                state.positions = {
                    str(k): int(v) for k, v in positions.items() if isinstance(v, int) and v >= 0
                }
        return state

    def payload(self) -> str:
        """The state as the text `write` saves: taken on the thread that changes the state,
        written from another (a worker), so the screen never waits for the disk."""
        # Keep the most recent positions only, so the file stays small.
        positions = dict(list(self.positions.items())[-2000:])
        # ASCII JSON: ids of files whose names are not UTF-8 hold lone surrogates, which
        # JSON escapes can carry and UTF-8 cannot.
        return json.dumps({"current": self.current, "positions": positions})

    def write(self, payload: str) -> None:
        """Write a `payload` atomically; a failure to write is not worth a crash."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{threading.get_ident()}.tmp")
            temporary.write_text(payload, encoding="utf-8")
            temporary.replace(self.path)
        except (OSError, ValueError):
            pass

    def save(self) -> None:
        """Write the state now (at the end of a session)."""
        self.write(self.payload())
