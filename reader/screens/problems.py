"""The files that could not be loaded, and why."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.model import Problem
from reader.screens.lists import LIST_BINDINGS, ListScreen
from reader.widgets.key_bar import KeyBar


class ProblemsScreen(ListScreen[None]):
    """A list of problems: a path, and the one-line reason under it."""

    BINDINGS = [Binding("escape,q,exclamation_mark", "dismiss", "Close", id="problems.close"),
                *LIST_BINDINGS]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        with Vertical(id="problems-box"):
            title = f"{count} file{'s' if count != 1 else ''} could not be loaded" if count else (
                "Every file loaded"
            )
            yield Static(Text(title), id="problems-title")
            options = [
                Option(Text.assemble((problem.path, "bold"), "\n  ", (problem.reason, "italic")))
                for problem in self.problems
            ]
            yield OptionList(*options, id="problems-list")
        yield KeyBar()
