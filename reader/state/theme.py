"""The theme last picked in the reader (ctrl+p → "Theme"), kept between runs.

`config.toml` stays the user's own file: the reader never writes it. The pick goes to a
small file in the state directory with the config's `theme` as it was at that moment, so
whichever changed last wins: a theme picked in the reader is used from then on, until
`theme` in config.toml is changed to something else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from reader.settings import state_dir


def theme_file() -> Path:
    return state_dir() / "theme.json"


def remembered_theme(configured: str, path: Path | None = None) -> str:
    """The theme to start with: the one last picked, unless `configured` (config.toml's
    `theme`) changed since; else `configured`."""
    try:
        data = json.loads((path or theme_file()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return configured
    if not isinstance(data, dict):
        return configured
    picked, configured_then = data.get("theme"), data.get("configured")
    if isinstance(picked, str) and picked and configured_then == configured:
        return picked
    return configured


def remember_theme(theme: str, configured: str, path: Path | None = None) -> None:
    """Keep `theme` as the one picked while config.toml said `configured`.

    Raises OSError when it cannot be written (a read-only state directory)."""
    path = path or theme_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps({"theme": theme, "configured": configured}) + "\n",
                       encoding="utf-8")
    os.replace(partial, path)
