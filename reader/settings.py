"""Where the reader keeps its own files, and the user's settings.

Nothing is created on lookup: a path is made only when something is written to it.
`READER_HOME` puts cache, state and config under one folder (the tests use it).
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "reader"
DEFAULT_MEASURE = 80


def _home_override() -> Path | None:
    home = os.environ.get("READER_HOME")
    return Path(home) if home else None


def cache_dir() -> Path:
    home = _home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME))


def state_dir() -> Path:
    home = _home_override()
    return home / "state" if home else Path(platformdirs.user_state_dir(APP_NAME))


def config_file() -> Path:
    home = _home_override()
    folder = home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))
    return folder / "config.toml"


def archive_key(root: Path) -> str:
    """A short stable name for an archive, from its resolved path."""
    return hashlib.sha256(str(Path(root).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[
        :16
    ]


@dataclass(frozen=True)
class Settings:
    """The user's settings from `config.toml`; every one has a default."""

    measure: int = DEFAULT_MEASURE
    sidebar_width: int = 40
    theme: str = "textual-dark"
    opener: tuple[str, ...] = ()  # a command to open addresses with; the address is added last

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or config_file()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            return cls()
        reader = data.get("reader", data)
        measure = reader.get("measure", DEFAULT_MEASURE)
        sidebar = reader.get("sidebar_width", 40)
        theme = reader.get("theme", "textual-dark")
        opener = reader.get("opener", [])
        if isinstance(opener, str):
            import shlex

            try:
                opener = shlex.split(opener)
            except ValueError:
                opener = []
        return cls(
            opener=tuple(str(part) for part in opener) if isinstance(opener, list) else (),
            measure=measure if isinstance(measure, int) and 20 <= measure <= 400 else (
                DEFAULT_MEASURE
            ),
            sidebar_width=sidebar if isinstance(sidebar, int) and 16 <= sidebar <= 200 else 40,
            theme=theme if isinstance(theme, str) else "textual-dark",
        )
