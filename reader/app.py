"""The Textual application: reads its arguments, pushes the reading screen."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import App
from textual.binding import Binding, BindingType

from reader.cache import open_index
from reader.core.live import FirstScreen, read_first_screen
from reader.screens.help import HelpScreen
from reader.screens.reading import ReadingScreen
from reader.settings import Settings
from reader.state.session import ReadingState
from reader.system.terminal import ask_terminal_for_graphics, graphics_terminal
from reader.widgets.article_view import ArticleView
from reader.widgets.sidebar import Sidebar


def styles_dir() -> Path:
    """The stylesheets: inside the installed package, or at the top of a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "styles", package.parent / "styles"):
        if (candidate / "reader.tcss").is_file():
            return candidate
    raise FileNotFoundError("the reader's styles/reader.tcss is missing from this installation")


class ReaderApp(App[None]):
    """A terminal reader for one archive."""

    TITLE = "reader"
    CSS_PATH = [styles_dir() / "reader.tcss"]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("tab", "focus_next", "Next pane", show=False, id="app.focus_next"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False,
                id="app.focus_previous"),
    ]

    def __init__(self, root: Path, settings: Settings | None = None,
                 state: ReadingState | None = None, first: FirstScreen | None = None) -> None:
        super().__init__()
        self.root = Path(root)
        self.settings = settings or Settings.load()
        self.state = state or ReadingState.open(self.root)
        self.first = first
        self.theme = self.settings.theme if self.settings.theme in self.available_themes else (
            "textual-dark"
        )

    def on_mount(self) -> None:
        self.sub_title = str(self.root)
        self.push_screen(ReadingScreen(self.root, self.settings, self.state, self.first))

    def on_unmount(self) -> None:
        # Marks and places queued for the writer are on disk before the process ends.
        self.state.close()

    def help_sections(self) -> list[tuple[str, list[BindingType]]]:
        """Every key, by where it works: read from the bindings themselves."""
        return [
            ("everywhere", list(self.BINDINGS)),
            ("reading screen", list(ReadingScreen.BINDINGS)),
            ("sidebar", list(Sidebar.BINDINGS)),
            ("article", list(ArticleView.BINDINGS)),
        ]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))


def make_app(root: Path, settings: Settings | None = None, warm_start: bool = False
             ) -> ReaderApp:
    """The one way to build the app, for the command line and the tests alike.

    `warm_start`: read the first screen from the index now, before the app runs.
    """
    root = Path(root)
    state = ReadingState.open(root)
    first = None
    if warm_start:
        index = open_index(root)
        try:
            first = read_first_screen(root, index, state.current, state.positions)
        finally:
            index.close()
    return ReaderApp(root, settings, state, first)


def run(root: Path) -> int:
    """Run the reader on the archive at `root` in this terminal."""
    if graphics_terminal(os.environ):
        ask_terminal_for_graphics()
    make_app(root, warm_start=True).run()
    return 0
