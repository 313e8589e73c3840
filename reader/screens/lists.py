"""What every list over the reading screen answers to (images, links, contents, problems):
`j`/`k`, `g`/`G`, page keys, and a digit to pick entry N — as the sidebar does."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList

T = TypeVar("T")

LIST_BINDINGS = [
    Binding("j", "move(1)", "Down", show=False, id="list.down"),
    Binding("k", "move(-1)", "Up", show=False, id="list.up"),
    Binding("g", "edge(0)", "First", show=False, id="list.first"),
    Binding("G", "edge(1)", "Last", show=False, id="list.last"),
    *(Binding(str(n), f"pick({n})", f"Pick entry {n}", show=False, id=f"list.pick_{n}")
      for n in range(1, 10)),
]


class ListScreen(ModalScreen[T]):
    """A modal screen around one `OptionList`; `pick(n)` acts on its n-th entry."""

    def _list(self) -> OptionList | None:
        found = self.query(OptionList)
        return found.first() if found else None

    def action_move(self, step: int) -> None:
        options = self._list()
        if options is not None:
            options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_edge(self, last: int) -> None:
        options = self._list()
        if options is not None:
            options.action_last() if last else options.action_first()

    def action_pick(self, number: int) -> None:
        """Entry `number` (from 1): highlighted and chosen, as enter would."""
        options = self._list()
        if options is None:
            return
        index = self.option_index(number)
        if index is None:
            self.notify(f"There is no entry {number}.", markup=False, severity="warning",
                        timeout=2)
            return
        options.highlighted = index
        options.action_select()

    def option_index(self, number: int) -> int | None:
        """Where entry `number` is in the list (lists with separators say otherwise)."""
        options = self._list()
        if options is None or not 1 <= number <= options.option_count:
            return None
        return number - 1
