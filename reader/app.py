"""The Textual application: reads its arguments, pushes the reading screen."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import LineFilter, Monochrome, NoColor
from textual.theme import Theme

from reader.cache import open_index
from reader.contrast import LegibleText
from reader.core.live import FirstScreen, read_first_screen
from reader.screens.reading import ReadingScreen
from reader.settings import Settings
from reader.state.session import ReadingState
from reader.state.theme import remember_theme, remembered_theme
from reader.system.terminal import ask_terminal_for_graphics, graphics_terminal
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar
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
        self.settings.apply()
        self.state = state or ReadingState.open(self.root)
        self.first = first
        # NO_COLOR as no-color.org has it: set and not empty. Textual counts an empty one too
        # and turns colours to greys; the reader draws in the terminal's own two colours,
        # and styles/reader.tcss marks the cursor and matches by `:nocolor` rules instead.
        self.no_color = bool(os.environ.get("NO_COLOR"))
        self._legible = LegibleText()
        self._colourless = NoColor()
        self.config_problems = list(self.settings.problems)
        themes = self.available_themes
        if self.settings.theme in themes:
            self.theme = self.settings.theme
        else:
            self.config_problems.append(
                f"{self.settings.path}: [reader] theme = \"{self.settings.theme}\": wants one of "
                + ", ".join(sorted(themes)))
        picked = remembered_theme(self.settings.theme)  # in the reader, since that was set
        if picked in themes:
            self.theme = picked
        self._theme_kept = self.theme
        # (With no `[keys]` there is nothing to check, and the screens only `help_sections`
        # names need not be imported before the first frame.)
        self.keymap, problems = check_keymap(self.settings.keys, self.help_sections(),
                                             self.settings.path) if self.settings.keys else ({}, [])
        self.config_problems += problems
        self.set_keymap(self.keymap)

    #: Set by `run`: SIGTERM quits as `q` does (the terminal restored, the state saved, the
    #: index's reading processes stopped), not mid-frame.
    ends_on_sigterm = False

    def on_mount(self) -> None:
        if self.ends_on_sigterm:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
        self.sub_title = str(self.root)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.push_screen(ReadingScreen(self.root, self.settings, self.state, self.first))

    def get_line_filters(self) -> list[LineFilter]:
        """Textual's filters, and either every text kept legible or no colour at all."""
        filters = [f for f in super().get_line_filters()
                   if not isinstance(f, Monochrome | NoColor)]
        return [*filters, self._colourless if self.no_color else self._legible]

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._theme_kept:
            self._theme_kept = theme.name
            self._keep_theme(theme.name)

    @work(thread=True, exclusive=True, group="theme", exit_on_error=False,
          description="remember the theme")
    def _keep_theme(self, name: str) -> None:
        try:
            remember_theme(name, self.settings.theme)
        except OSError:
            pass  # a read-only state directory: the theme is simply not remembered

    def on_unmount(self) -> None:
        # Marks and places queued for the writer are on disk before the process ends.
        self.state.close()

    @classmethod
    def help_sections(cls) -> list[tuple[str, list[BindingType]]]:
        """Every key, by where it works: read from the bindings themselves."""
        from reader.screens.contents import ContentsScreen
        from reader.screens.help import HelpScreen
        from reader.screens.picker import PickerScreen
        from reader.screens.preview import PreviewScreen
        from reader.screens.problems import ProblemsScreen
        from reader.screens.search import SearchScreen

        palette = Binding(cls.COMMAND_PALETTE_BINDING, "command_palette",
                          "Palette: articles, categories, commands")
        return [
            ("everywhere", [*cls.BINDINGS, palette]),
            ("reading screen", list(ReadingScreen.BINDINGS)),
            ("sidebar", list(Sidebar.BINDINGS)),
            ("article", list(ArticleView.BINDINGS)),
            ("find bar", list(FindBar.BINDINGS)),
            ("search", [_chosen("open_result", "Open the result"), *SearchScreen.BINDINGS]),
            ("images and links", [_chosen("open_target", "Open it (copy the address over SSH)"),
                                  *PickerScreen.BINDINGS]),
            ("image preview", list(PreviewScreen.BINDINGS)),
            ("contents", [_chosen("go_to_heading", "Go to the heading"), *ContentsScreen.BINDINGS]),
            ("problems", list(ProblemsScreen.BINDINGS)),
            ("this list", list(HelpScreen.BINDINGS)),
        ]

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections(), self.keymap))


def _chosen(action: str, what: str) -> Binding:
    """`enter` in a list, for the keys help: the list's own key (its `OptionSelected`), not a
    binding of the screen."""
    return Binding("enter", action, what)


#: Sections of the keys help whose bindings are active together (a key can't mean two
#: things in one of these).
TOGETHER = (("everywhere", "reading screen", "sidebar"),
            ("everywhere", "reading screen", "article"), ("everywhere", "reading screen",
                                                          "find bar"),
            ("search",), ("images and links",), ("contents",), ("problems",),
            ("image preview",), ("this list",))


def check_keymap(keys: dict[str, str], sections: list[tuple[str, list[BindingType]]],
                 path: object) -> tuple[dict[str, str], list[str]]:
    """The user's `[keys]` that can be used, and a line for each that can't: an unknown
    binding id, or a key another binding active at the same time already has."""
    by_section = {where: [b for b in bindings if isinstance(b, Binding) and b.id]
                  for where, bindings in sections}
    known = {b.id: b for bindings in by_section.values() for b in bindings}
    usable: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, wanted in keys.items():
        if binding_id not in known:
            problems.append(f"{path}: [keys] {binding_id} is not a binding id "
                            "(`reader config keys` lists them)")
            continue
        usable[binding_id] = wanted
    # A clash is found group by group; a binding left out puts its own keys back, so look
    # again until nothing changes (a rejected binding must not push another one out).
    # Clashes with the reader's own keys go first: a binding of the user's that lost its
    # key to one of those must not be what pushes another of the user's out.
    changed = True
    while changed:
        changed = False
        for group, with_user in [(g, False) for g in TOGETHER] + [(g, True) for g in TOGETHER]:
            clash = _clash(group, by_section, usable, with_user)
            if clash is not None:
                mine, theirs, key = clash
                problems.append(f"{path}: [keys] {mine} = \"{usable[mine]}\": {key} is "
                                f"already {theirs}'s key; not used")
                usable.pop(mine)
                changed = True
                break
    return usable, list(dict.fromkeys(problems))


def _clash(group: tuple[str, ...], by_section: dict[str, list[Binding]],
           usable: dict[str, str], with_user: bool) -> tuple[str, str, str] | None:
    """The first key that two bindings of `group` would share, one of them the user's:
    (the user's binding, the other, the key); with `with_user`, the other may be the user's
    too, else it is one of the reader's own. The palette's ctrl+p belongs to no binding
    and is always taken."""
    holders: dict[str, str] = {ReaderApp.COMMAND_PALETTE_BINDING: "the command palette"}
    for where in group:
        for binding in by_section.get(where, []):
            for key in usable.get(binding.id or "", binding.key).split(","):
                key = key.strip()
                other = holders.setdefault(key, binding.id or "")
                if other == binding.id or not (binding.id in usable or other in usable):
                    continue
                if (binding.id in usable and other in usable) and not with_user:
                    continue
                mine = binding.id if binding.id in usable else other
                return mine or "", (other if mine == binding.id else binding.id) or "", key
    return None


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
    app = make_app(root, warm_start=True)
    app.ends_on_sigterm = True
    app.run()
    return 0
