"""The layers: the core imports no Textual and nothing above it, and no module imports
itself round a cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "reader"
#: What `reader.core` must never import: the UI, the user's settings and state, effects.
ABOVE_THE_CORE = ("textual", "reader.settings", "reader.state", "reader.cache", "reader.app",
                  "reader.screens", "reader.widgets", "reader.system", "reader.cli")


def test_core_imports_without_textual() -> None:
    code = (
        "import sys, pkgutil, importlib, reader.core\n"
        "for m in pkgutil.walk_packages(reader.core.__path__, 'reader.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import reader.cli.main, reader.settings, reader.system.opener, reader.system.fetch\n"
        "bad = sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function; relative imports
    (`from . import x`) as the absolute names they are."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: list[str]) -> set[str]:
    """The modules `source`, a module of `package`, imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if not module:
                continue
            found.add(module)
            # `from reader.core import live` imports the module `reader.core.live`.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_relative_imports_are_read_as_what_they_import() -> None:
    package = ["reader", "core", "convert"]
    assert "reader.core.convert.html" in imports_in("from .html import x", package)
    assert "reader.settings" in imports_in("from ...settings import y", package)
    assert "reader.core.live" in imports_in("from .. import live", package)


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name}
            for name, path in modules.items()}


def test_the_core_imports_nothing_above_it() -> None:
    offences = []
    for path in (PACKAGE / "core").rglob("*.py"):
        for imported in imports_of(path):
            if any(imported == top or imported.startswith(top + ".") for top in ABOVE_THE_CORE):
                offences.append(f"{module_name(path)} imports {imported}")
    assert not offences, "\n".join(offences)


def test_effects_import_no_ui() -> None:
    offences = [
        f"{module_name(path)} imports {imported}"
        for path in (PACKAGE / "system").rglob("*.py")
        for imported in imports_of(path)
        if imported.split(".")[0] == "textual" or imported.startswith(
            ("reader.screens", "reader.widgets", "reader.app"))
    ]
    assert not offences, "\n".join(offences)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the import graph, as the modules round it, or None."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycles() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, " → ".join(cycle or [])


def test_the_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
