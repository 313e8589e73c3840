"""The user's editor: `$VISUAL`, then `$EDITOR`, then `vi`, as an argument list."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping


def editor_command(env: Mapping[str, str] | None = None) -> list[str]:
    """The user's editor as an argument list; the file to edit goes last."""
    env = os.environ if env is None else env
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                continue
            if words:
                return words
    return ["vi"]
