"""`p` in the image picker: the picture itself, drawn in the terminal with half blocks."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from reader.core.convert.targets import Target
from reader.settings import cache_dir
from reader.system.fetch import FetchError, fetch_image, local_picture
from reader.system.terminal import graphics_available, half_block_picture
from reader.widgets.key_bar import KeyBar


class PreviewScreen(ModalScreen[None]):
    """The picture of one image target: the archive's own file, or fetched in a worker
    (http and https only)."""

    class Fetched(Message):
        """The worker has the picture at `path`, or `failure` says why not."""

        def __init__(self, path: Path | None, failure: str = "") -> None:
            self.path = path
            self.failure = failure
            super().__init__()

    BINDINGS = [Binding("escape,q,p", "dismiss", "Close", id="preview.close")]

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="preview-box"):
            yield Static(Text(f"{self.target.number}  {self.target.url}"), id="preview-title")
            yield Static(Text("Fetching…"), id="preview-image")
        yield KeyBar()

    def on_mount(self) -> None:
        self._fetch()

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False,
          description="fetch an image")
    def _fetch(self) -> None:
        try:
            path = (local_picture(Path(self.target.path)) if self.target.path  # the archive's
                    else fetch_image(self.target.url, cache_dir() / "images"))
        except FetchError as error:
            self.post_message(self.Fetched(None, str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Fetched(path))

    def on_preview_screen_fetched(self, event: Fetched) -> None:
        if event.path is None:
            self._failed(event.failure)
        else:
            self._draw(event.path)

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
        try:
            if graphics_available():
                # The terminal was asked at start-up (Kitty, WezTerm, iTerm…): real pixels.
                from textual_image.widget import Image

                picture = Image(path, id="preview-picture")
                area.display = False
                self.query_one("#preview-box").mount(picture, after=area)
            else:
                area.update(half_block_picture(path, width, height))
        except Exception as error:  # a picture Pillow cannot decode after all
            self._failed(f"could not draw it ({type(error).__name__})")
