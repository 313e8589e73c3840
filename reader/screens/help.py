"""`?`: every key the reader answers to, read from the bindings themselves."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from reader.core.sanitize import clean_line


def _describe(app: App, bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = ", ".join(
            app.get_key_display(Binding(key.strip(), "")) for key in binding.key.split(",")
        )
        rows.append((keys, binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """A table of keys, by where they work."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("Keys"), id="help-title")
            table: DataTable[Text] = DataTable(id="help-table", cursor_type="row",
                                               zebra_stripes=True)
            table.add_columns(Text("Key"), Text("Does"), Text("Where"))
            for where, bindings in self.sections:
                for keys, description in _describe(self.app, bindings):
                    table.add_row(Text(keys, style="bold"), Text(clean_line(description)),
                                  Text(where, style="dim"))
            yield table
            yield Static(Text("escape closes"), id="help-hint")
