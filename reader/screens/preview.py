"""`p` in the image picker: the picture itself, drawn in the terminal with half blocks."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from reader.core.fetch import FetchError, fetch_image
from reader.core.opener import Target
from reader.settings import cache_dir


@contextmanager
def _no_terminal_queries():
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


def half_block_renderable(path: Path, width: int, height: int):
    with _no_terminal_queries():
        from textual_image import _terminal
        from textual_image.renderable.halfcell import Image

        if not hasattr(_terminal.get_cell_size, "_result"):
            _terminal.get_cell_size._result = _terminal.CellSize(10, 20)  # type: ignore[attr-defined]
    return Image(path, width=width, height=height)


class PreviewScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,p", "dismiss", "Close", id="preview.close")]

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="preview-box"):
            yield Static(Text(f"{self.target.number}  {self.target.url}"), id="preview-title")
            yield Static(Text("Fetching…"), id="preview-image")
            yield Static(Text("escape closes"), id="preview-hint")

    def on_mount(self) -> None:
        self._fetch()

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _fetch(self) -> None:
        try:
            path = fetch_image(self.target.url, cache_dir() / "images")
        except FetchError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._draw, path)

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.state is WorkerState.ERROR:
            self._failed(f"could not fetch it ({type(event.worker.error).__name__})")

    def _failed(self, reason: str) -> None:
        self.query_one("#preview-image", Static).update(
            Text(f"No preview: {reason}", style="bold red"))

    def _draw(self, path: Path) -> None:
        area = self.query_one("#preview-image", Static)
        width = max(area.size.width, 10)
        height = max(area.size.height, 5)
        graphics = sys.modules.get("textual_image.widget")
        try:
            if graphics is not None:
                # The terminal was asked at start-up (Kitty, WezTerm, iTerm…): real pixels.
                picture = graphics.Image(path, id="preview-picture")
                area.display = False
                self.query_one("#preview-box").mount(picture, after=area)
            else:
                area.update(half_block_renderable(path, width, height))
        except Exception as error:  # a picture Pillow cannot decode after all
            self._failed(f"could not draw it ({type(error).__name__})")
