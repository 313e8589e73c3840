"""The Textual application: reads its arguments, pushes the reading screen."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from reader.screens.main import FirstScreen, MainScreen, read_first_screen
from reader.settings import Settings


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
                 first: FirstScreen | None = None) -> None:
        super().__init__()
        self.root = Path(root)
        self.first = first
        self.settings = settings or Settings.load()
        self.theme = self.settings.theme if self.settings.theme in self.available_themes else (
            "textual-dark"
        )

    def on_mount(self) -> None:
        self.sub_title = str(self.root)
        self.push_screen(MainScreen(self.root, self.settings, self.first))

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.action_help()


def make_app(root: Path, settings: Settings | None = None, warm_start: bool = False
             ) -> ReaderApp:
    """The one way to build the app, for the command line and the tests alike.

    `warm_start`: read the first screen from the index now, before the app runs.
    """
    return ReaderApp(root, settings, read_first_screen(Path(root)) if warm_start else None)


def graphics_terminal(env: dict[str, str]) -> bool:
    """A terminal that likely draws real pictures (Kitty's protocol or Sixel).

    Asking the terminal costs start-up time and must happen before Textual takes it over,
    so it is asked only where the answer is likely yes, or where the user says so.
    """
    choice = env.get("READER_IMAGES", "auto").lower()
    if choice in ("halfblock", "half", "blocks", "off"):
        return False
    if choice in ("kitty", "sixel", "graphics"):
        return True
    term, program = env.get("TERM", ""), env.get("TERM_PROGRAM", "")
    return "kitty" in term or "ghostty" in term or program in {"WezTerm", "iTerm.app", "ghostty"}


def run(root: Path) -> int:
    import os

    if graphics_terminal(dict(os.environ)):
        # textual-image asks the terminal what it can draw when first imported.
        import textual_image.widget  # noqa: F401
    make_app(root, warm_start=True).run()
    return 0
