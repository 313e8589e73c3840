"""The reading screen's keys for what the open article holds and where it leads: its
images and links (followed to another article of the archive, or opened outside), and the
article itself outside the reader (an editor, a pipe, the clipboard).

A part of `ReadingScreen` kept in its own module (a mixin): the reading pane knows the
article; this asks it, and opens what the user picks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from reader.core import live
from reader.core.convert.targets import Target
from reader.core.files.local import Permalinks
from reader.core.model import Article
from reader.core.sanitize import display_path
from reader.system.editor import editor_command
from reader.widgets.article_view import ArticleView
from reader.widgets.reading_pane import ReadingPane

if TYPE_CHECKING:
    from reader.settings import Settings


class PermalinksReady(Message):
    """The archive's permalinks, worked out in a worker; `then` is what waited for them."""

    def __init__(self, snapshot: live.Snapshot, permalinks: Permalinks,
                 then: Callable[[Permalinks], None] | None) -> None:
        self.snapshot = snapshot
        self.permalinks = permalinks
        self.then = then
        super().__init__()


class ArticleKeys:
    """Keys and handlers of the reading screen for the open article's images and links."""

    root: Path
    settings: Settings
    snapshot: live.Snapshot
    articles: dict[str, Article]

    def _article_keys_init(self) -> None:
        self._permalinks_of: live.Snapshot | None = None
        self._permalinks_table = Permalinks()
        self._last_pipe = ""

    def on_article_view_link_clicked(self, event: ArticleView.LinkClicked) -> None:
        def follow(permalinks: Permalinks) -> None:
            links = self.query_one(ReadingPane).links(self.root, self.articles, permalinks)
            target = next((t for t in links or [] if t.number == event.number), None)
            if target is not None:
                self._open_target(target)

        self._with_permalinks(follow)

    # -- the article outside the reader ------------------------------------------------------
    def action_edit(self) -> None:
        failure = self.query_one(ReadingPane).edit(editor_command())
        if failure:
            self.notify(failure, markup=False, severity="error")

    def action_pipe(self) -> None:
        def run(command: str | None) -> None:
            if command:
                self._last_pipe = command
                failure = self.query_one(ReadingPane).pipe(command)
                if failure:
                    self.notify(failure, markup=False, severity="error")

        from reader.screens.prompt import PromptScreen

        self.app.push_screen(PromptScreen("Pipe the article (as Markdown) to:",
                                          self._last_pipe, "less -R"), run)

    def action_copy_address(self) -> None:
        address = self.query_one(ReadingPane).address()
        if address:
            self.app.copy_to_clipboard(address)
            self.say(f"Copied to clipboard: {display_path(address)}")

    def action_copy_markdown(self) -> None:
        text = self.query_one(ReadingPane).markdown()
        if text is not None:
            self.app.copy_to_clipboard(text)
            self.say(f"Copied the article as Markdown ({len(text):,} characters)")

    # -- images and links ----------------------------------------------------------------
    def action_images(self) -> None:
        pane = self.query_one(ReadingPane)
        targets = pane.images(self.root)
        if targets is not None and pane.article is not None:
            from reader.screens.picker import PickerScreen

            self.app.push_screen(PickerScreen(f"Images of “{pane.article.title}”", targets,
                                              images=True, opener=self.settings.opener))

    def action_links(self) -> None:
        self._with_permalinks(self._show_links)

    def _show_links(self, permalinks: Permalinks) -> None:
        pane = self.query_one(ReadingPane)
        targets = pane.links(self.root, self.articles, permalinks)
        if targets is not None and pane.article is not None:
            from reader.screens.picker import PickerScreen

            self.app.push_screen(PickerScreen(f"Links of “{pane.article.title}”", targets,
                                              images=False, opener=self.settings.opener),
                                 callback=self._follow_link)

    def _with_permalinks(self, then: Callable[[Permalinks], None]) -> None:
        """Call `then` with where the archive's articles live on their site: worked out once
        a snapshot, in a worker (0.6 s at 100,000 articles)."""
        if self._permalinks_of is self.snapshot:
            then(self._permalinks_table)
        else:
            self._build_permalinks(self.snapshot, then)

    @work(thread=True, exclusive=True, group="permalinks", exit_on_error=False,
          description="work out the archive's permalinks")
    def _build_permalinks(self, snapshot: live.Snapshot,
                          then: Callable[[Permalinks], None] | None) -> None:
        self.post_message(PermalinksReady(snapshot, Permalinks.of(snapshot.ordered), then))

    def on_permalinks_ready(self, event: PermalinksReady) -> None:
        self._permalinks_of, self._permalinks_table = event.snapshot, event.permalinks
        if event.then is not None:  # a snapshot newer than these is near enough for it
            event.then(event.permalinks)

    def _follow_link(self, article_id: str | None) -> None:
        """A link to another article of the archive opens it here, not in a browser."""
        if article_id is not None and article_id in self.articles:
            self.open_article(article_id)

    def action_open_image(self, number: int) -> None:
        targets = self.query_one(ReadingPane).images(self.root)
        if targets is None:
            return
        target = next((t for t in targets if t.number == number), None)
        if target is None:
            self.notify(f"This article has no image {number}.", markup=False, severity="warning")
        else:
            self._open_target(target)

    def _open_target(self, target: Target) -> None:
        if not target.openable:
            self.notify(f"Not opened: {target.refused}", markup=False, severity="error")
            return
        if target.article:
            self._follow_link(target.article)
            return
        from reader.screens.picker import open_or_copy

        outcome = open_or_copy(self.app, target.url, self.settings.opener, target.path)
        if outcome.ok:
            self.say(outcome.message)
        else:
            self.notify(outcome.message, markup=False, severity="error")

