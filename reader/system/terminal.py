"""What the terminal can draw: real pictures (Kitty, Sixel) or half blocks.

Asking the terminal costs start-up time and must happen before Textual takes it over, so it
is asked only where the answer is likely yes, or where the user says so.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def graphics_terminal(env: Mapping[str, str]) -> bool:
    """A terminal that likely draws real pictures (Kitty's protocol or Sixel)."""
    choice = env.get("READER_IMAGES", "auto").lower()
    if choice in ("halfblock", "half", "blocks", "off"):
        return False
    if choice in ("kitty", "sixel", "graphics"):
        return True
    term, program = env.get("TERM", ""), env.get("TERM_PROGRAM", "")
    return "kitty" in term or "ghostty" in term or program in {"WezTerm", "iTerm.app", "ghostty"}


def ask_terminal_for_graphics() -> None:
    """Let textual-image ask the terminal what it draws (it does so when first imported):
    only before Textual starts, or the answer would arrive as keys."""
    import textual_image.widget  # noqa: F401


def graphics_available() -> bool:
    """True when the terminal was asked at start-up and real pictures can be drawn."""
    return "textual_image.widget" in sys.modules


@contextmanager
def _no_terminal_queries() -> Iterator[None]:
    """textual-image asks the terminal what it supports when first imported; with Textual
    already reading the terminal the answer would arrive as keys. Half blocks need no
    answer, so the question is not asked."""
    real = sys.__stdout__

    class _NotATerminal:
        def __getattr__(self, name):
            return getattr(real, name)

        def isatty(self) -> bool:
            return False

    sys.__stdout__ = _NotATerminal()  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.__stdout__ = real


def half_block_picture(path: Path, width: int, height: int):
    """A Rich renderable of the picture at `path` in half blocks: works in any terminal."""
    with _no_terminal_queries():
        from textual_image import _terminal
        from textual_image.renderable.halfcell import Image

        if not hasattr(_terminal.get_cell_size, "_result"):
            _terminal.get_cell_size._result = _terminal.CellSize(10, 20)  # type: ignore[attr-defined]
    return Image(path, width=width, height=height)
