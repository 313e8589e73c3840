"""The status line under the panes: counts, progress, problems, the grouping."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    """One line of plain text (never markup: it may hold an archive's own names)."""

    def say(self, text: str) -> None:
        self.update(Text(text))

    @property
    def text(self) -> str:
        """What the line says now."""
        return str(self.render())
