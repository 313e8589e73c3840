"""The open article's table of contents: headings and bold subheadings."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.model import Heading
from reader.screens.lists import LIST_BINDINGS, ListScreen
from reader.widgets.key_bar import KeyBar


class ContentsScreen(ListScreen[int | None]):
    """Pick a heading; the screen returns its block index."""

    BINDINGS = [Binding("escape,q,o", "dismiss", "Close", id="contents.close"), *LIST_BINDINGS]

    def __init__(self, headings: list[Heading], current: int = 0) -> None:
        super().__init__()
        self.headings = headings
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="contents-box"):
            yield Static(Text("Contents"), id="contents-title")
            if self.headings:
                least = min(h.level for h in self.headings)
                options = [
                    Option(Text("  " * (h.level - least) + h.title), id=str(h.block))
                    for h in self.headings
                ]
                yield OptionList(*options, id="contents-list")
            else:
                yield Static(Text("This article has no headings."), id="contents-empty")
        yield KeyBar(lead=(("⏎", "Go to"),))

    def on_mount(self) -> None:
        if not self.headings:
            return
        chosen = 0
        for index, heading in enumerate(self.headings):
            if heading.block <= self.current:
                chosen = index
        self.query_one(OptionList).highlighted = chosen

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))
