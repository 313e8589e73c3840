"""`f`: the find bar under the article, like `/` in less: matches, `n`/`N`, a count."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static


class FindBar(Horizontal):
    """An input and a `3/17` count; posts `Find` as the words change, `Closed` on escape."""

    BINDINGS = [Binding("escape", "close", "Close find", show=False, id="find.close")]

    class Find(Message):
        def __init__(self, text: str, submitted: bool) -> None:
            self.text = text
            self.submitted = submitted
            super().__init__()

    class Closed(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Static(Text("Find:"), id="find-label")
        yield Input(placeholder="in this article", id="find-input")
        yield Static(Text(""), id="find-count")

    def open(self, text: str = "") -> None:
        self.display = True
        field = self.query_one(Input)
        if text:
            field.value = text
        field.focus()

    def show_count(self, number: int, total: int, text: str, wrapped: str = "") -> None:
        label = f"{number}/{total}" if total else ("no match" if text.strip() else "")
        if wrapped and total:
            label = f"from the {wrapped}: {label}"
        self.query_one("#find-count", Static).update(Text(label))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Find(event.value, submitted=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Find(event.value, submitted=True))

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())
