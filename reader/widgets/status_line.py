"""The status line under the panes: counts, progress, problems, the grouping; and, for a
few seconds at a time, what a key just did (`match 3/17`, `Marked read`).

One line for passing news, not a toast each: a new message replaces the last, so `n`
pressed ten times never stacks ten notices over the text.
"""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

#: How long a passing message stays before the status comes back.
FLASH_SECONDS = 4.0


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
            self.update(Text(text))

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
        self.update(Text(self.status))

    @property
    def text(self) -> str:
        """What the line says now."""
        return self.message or self.status
