"""`?`: every key the reader answers to, read from the bindings themselves."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from reader.core.sanitize import clean_line
from reader.widgets.key_bar import KeyBar


def _describe(app: App, bindings: list[BindingType],
              keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """One row a binding, with the keys in force (`keymap` by binding id, else its own);
    a run of digit keys that do one thing to 1…9 (`Open image 3`) is one row, `1–9`."""
    rows: list[tuple[str, str, str]] = []  # (keys, what they do, the action)
    numbered: list[tuple[str, str]] = []  # (digit, what it does without the digit)

    def close_run() -> None:
        if len(numbered) > 1:
            # Its action is what it does: `1–9` opens images in the article and picks
            # entries in a list, and each is listed where it works.
            rows.append((f"{numbered[0][0]}–{numbered[-1][0]}",
                         f"{numbered[0][1]} {numbered[0][0]}–{numbered[-1][0]}",
                         numbered[0][1]))
        else:
            rows.extend((key, f"{what} {key}", what) for key, what in numbered)
        numbered.clear()

    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        key = keymap.get(binding.id or "", binding.key).strip()
        if key.isdigit() and binding.description.endswith(f" {key}"):
            numbered.append((key, binding.description[: -len(key) - 1]))
            continue
        close_run()
        keys = ", ".join(
            app.get_key_display(Binding(part.strip(), "")) for part in key.split(",")
        )
        rows.append((keys, binding.description, binding.action.removeprefix("app.")))
    close_run()
    return rows


class HelpScreen(ModalScreen[None]):
    """A table of keys, by where they work."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j", "table('cursor_down')", "Down", show=False, id="help.down"),
        Binding("k", "table('cursor_up')", "Up", show=False, id="help.up"),
        Binding("space", "table('page_down')", "Page down", show=False, id="help.page_down"),
        Binding("b", "table('page_up')", "Page up", show=False, id="help.page_up"),
        Binding("g", "table('scroll_top')", "Top", show=False, id="help.top"),
        Binding("G", "table('scroll_bottom')", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]],
                 keymap: dict[str, str] | None = None) -> None:
        """`sections`: (where, bindings); `keymap`: the user's keys by binding id."""
        super().__init__()
        self.sections = sections
        self.keymap = keymap or {}

    def action_table(self, action: str) -> None:
        table = self.query_one(DataTable)
        table.focus()
        getattr(table, f"action_{action}")()

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("Keys"), id="help-title")
            table: DataTable[Text] = DataTable(id="help-table", cursor_type="row",
                                               zebra_stripes=True)
            table.add_columns(Text("Key"), Text("Does"), Text("Where"))
            # A key bound to one action in several places (`?`, `1–9` in every list) is one
            # row, saying each place it works.
            rows: dict[tuple[str, str], tuple[str, list[str]]] = {}
            for where, bindings in self.sections:
                for keys, description, action in _describe(self.app, bindings, self.keymap):
                    rows.setdefault((keys, action), (description, []))[1].append(where)
            for (keys, _action), (description, wheres) in rows.items():
                places = "everywhere" if "everywhere" in wheres else ", ".join(wheres)
                table.add_row(Text(keys, style="bold"), Text(clean_line(description)),
                              Text(places, style="dim"))
            yield table
        yield KeyBar()
