"""`i` and `u`: the article's images or links, numbered; open, copy or preview one."""

from __future__ import annotations

import os
import threading

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.convert.targets import Target
from reader.core.files.local import file_refusal
from reader.core.sanitize import display_path
from reader.core.urls import refusal
from reader.screens.lists import LIST_BINDINGS, ListScreen
from reader.system.opener import Outcome, failed_after_start, open_address, open_file
from reader.widgets.key_bar import KeyBar


def outcome_text(outcome: Outcome) -> Text:
    """A status line for what happened; the address in it is a clickable OSC 8 link."""
    text = Text(outcome.message, style="" if outcome.ok else "bold red")
    url = outcome.copy
    if url and url in outcome.message:
        start = outcome.message.index(url)
        text.stylize(Style(link=url, underline=True), start, start + len(url))
    return text


def open_or_copy(app, url: str, configured: tuple[str, ...], path: str = "") -> Outcome:
    """Open `url` (or the archive's file at `path`) as `reader.system.opener` decides; copy
    it (OSC 52) when that is the way, or when the opener fails, now or within seconds
    (`xdg-open` with nothing to open with).

    In a browser (`reader serve`) the browser opens it, in a new tab: the machine the reader
    runs on is the server, not the reader's. The page gets no answer, so "sent", not "opened".
    """
    if app.is_web:
        return _send_to_browser(app, url, path)
    outcome = (open_file(path, os.environ, list(configured)) if path
               else open_address(url, os.environ, list(configured)))
    if outcome.copy:
        app.copy_to_clipboard(outcome.copy)
    process = outcome.process
    if process is not None:
        def watch() -> None:
            status = failed_after_start(process)
            if status is not None:
                app.call_from_thread(_opener_failed, app, path or url, status)

        threading.Thread(target=watch, name="reader-opener", daemon=True).start()
    return outcome


def _send_to_browser(app, url: str, path: str) -> Outcome:
    """The address to the page (window.open), or the archive's file through textual-serve's
    download route, shown in the browser."""
    if path:
        shown = display_path(path)
        if not os.path.isfile(path):
            return Outcome(f"Not opened: no such file: {shown}", ok=False)
        why = file_refusal(path)
        if why is not None:  # served from the reader's own page, a file could run script
            return Outcome(f"Not opened: {why}", ok=False)
        app.deliver_binary(path, open_method="browser")
        return Outcome(f"Sent to your browser: {shown}", ok=True)
    why = refusal(url)
    if why is not None:
        return Outcome(f"Not opened: {why}", ok=False)
    app.open_url(url, new_tab=True)  # new_tab=False would take the reader's page away
    return Outcome(f"Sent to your browser: {url}", ok=True)


def _opener_failed(app, url: str, status: int) -> None:
    app.copy_to_clipboard(url)
    app.notify(f"The opener failed (exit status {status}); copied to clipboard: {url}",
               markup=False, severity="warning", timeout=8)


class PickerScreen(ListScreen[str | None]):
    """A numbered list of targets; enter opens, y copies, p previews an image. A link to
    another article of the archive closes the picker with that article's id, for the
    reading screen to open."""

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="picker.close"),
        Binding("y", "copy", "Copy address", id="picker.copy"),
        Binding("p", "preview", "Preview image", id="picker.preview"),
        *LIST_BINDINGS,
    ]

    def __init__(self, title: str, targets: list[Target], images: bool,
                 opener: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.targets = targets
        self.images = images
        self.opener = opener

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(Text(self.title_text), id="picker-title")
            if self.targets:
                rows: list[Option | None] = []
                for number, target in enumerate(self.targets):
                    rows += [Option(self._row(target), id=str(number)), None]
                yield OptionList(*rows, id="picker-list")
            else:
                what = "images" if self.images else "links"
                yield Static(Text(f"This article has no {what}."), id="picker-empty")
            yield Static(Text(self._hint()), id="picker-status")
        yield KeyBar(lead=(("⏎", "Open"),))

    def on_mount(self) -> None:
        if self.targets:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()

    def _hint(self) -> str:
        keys = "enter opens · y copies"
        return keys + (" · p previews" if self.images else "") + " · escape closes"

    @staticmethod
    def _row(target: Target) -> Text:
        number = Text(f"{target.number:>3}  ", style="bold")
        label = Text(target.label or ("(cover)" if target.cover else "(no caption)"),
                     style="" if target.label else "dim italic")
        address = Text("\n     " + target.url, style="dim" if target.openable else "red")
        row = Text.assemble(number, label, address)
        if target.refused:
            row.append(f"\n     not openable: {target.refused}", style="red italic")
        elif target.article:
            row.append(f"\n     an article of this archive: {display_path(target.article)}",
                       style="italic")
        elif target.path:
            row.append("\n     a file of this archive", style="italic")
        elif target.fallback:
            row.append(f"\n     also at {target.fallback}", style="dim")
        return row

    def _current(self) -> Target | None:
        if not self.targets:
            return None
        index = self.query_one(OptionList).highlighted
        return self.targets[index] if index is not None else None

    def _status(self, text: Text) -> None:
        self.query_one("#picker-status", Static).update(text)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.open_target(self.targets[event.option_index])

    def open_target(self, target: Target) -> None:
        if not target.openable:
            self._status(Text(f"Not opened: {target.refused}", style="bold red"))
            return
        if target.article:
            self.dismiss(target.article)
            return
        outcome = open_or_copy(self.app, target.url, self.opener, target.path)
        self._status(outcome_text(outcome))
        self.app.notify(outcome.message, markup=False,
                        severity="information" if outcome.ok else "error")

    def action_copy(self) -> None:
        target = self._current()
        if target is None:
            return
        if not target.openable:
            self._status(Text(f"Not copied: {target.refused}", style="bold red"))
            return
        copied = target.path or target.url
        self.app.copy_to_clipboard(copied)
        self._status(outcome_text(Outcome(f"Copied to clipboard: {display_path(copied)}", True,
                                          copied)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`p` previews pictures: in the links list it is no key (nor in the key bar)."""
        return self.images or action != "preview"

    def action_preview(self) -> None:
        target = self._current()
        if not self.images or target is None:
            return
        if not target.openable:
            self._status(Text(f"No preview: {target.refused}", style="bold red"))
            return
        from reader.screens.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(target))
