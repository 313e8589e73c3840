"""The status line under the panes: counts, progress, problems, the grouping; and, for a
few seconds at a time, what a key just did (`match 3/17`, `Marked read`).

One line for passing news, not a toast each: a new message replaces the last, so `n`
pressed ten times never stacks ten notices over the text.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.timer import Timer
from textual.widgets import Static

from reader.core.live import STATUS_SEPARATOR as SEPARATOR

#: How long a passing message stays before the status comes back.
FLASH_SECONDS = 4.0


def fitted(text: str, width: int) -> str:
    """The status in `width` cells: whole parts from the first, the last ones (the least
    needed) left out, never one cut in the middle or a separator left dangling."""
    if width <= 0 or cell_len(text) <= width:
        return text
    parts = text.split(SEPARATOR)
    while len(parts) > 1 and cell_len(SEPARATOR.join(parts)) > width:
        parts.pop()
    return SEPARATOR.join(parts)  # one part still too long ends in an ellipsis (the CSS)


class StatusLine(Static):
    """One line of plain text (never markup: it may hold an archive's own names)."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(Text(text), id=id, markup=False)
        self.status = text  # what the line says when no message is passing
        self.message = ""  # the passing message, or ""
        self._timer: Timer | None = None

    def say(self, text: str) -> None:
        """The status: shown whenever no passing message is."""
        self.status = text
        if not self.message:
            self._show_status()

    def flash(self, text: str, seconds: float = FLASH_SECONDS) -> None:
        """A passing message, in place of the last one, for `seconds`."""
        if self._timer is not None:
            self._timer.stop()
        self.message = text
        self.update(Text(text, style="bold"))
        self._timer = self.set_timer(seconds, self._flash_over)

    def _flash_over(self) -> None:
        self.message = ""
        self._timer = None
        self._show_status()

    def _show_status(self) -> None:
        self.update(Text(fitted(self.status, self.content_size.width)))

    def on_resize(self, event: events.Resize) -> None:
        if not self.message:
            self._show_status()

    @property
    def text(self) -> str:
        """What the line says now."""
        return self.message or self.status
