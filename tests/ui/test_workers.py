"""Workers are declared so that starting one costs nothing on the UI thread."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "reader"


def test_every_worker_has_a_description() -> None:
    """Without `description=`, Textual's `@work` builds one from `repr()` of every argument,
    on the UI thread: a snapshot of 100,000 articles passed to a worker cost a second."""
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "work":
                if not any(keyword.arg == "description" for keyword in node.keywords):
                    missing.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not missing, missing
