"""The reading pane: the article view with the find bar under it, and what works on the
article shown (find, its images and links, its contents).

It is the nearest common parent of the view and the find bar, so it carries messages
between them (find words to matches, matches to the count); the screen sees only what
concerns it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Vertical
from textual.message import Message

from reader.core.convert.targets import image_targets, link_targets
from reader.core.files.local import Permalinks
from reader.core.layout.markdown_out import to_markdown
from reader.core.model import Article, Block, BlockKind, Document, Span
from reader.core.search.find import find_in_document
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar


class ReadingPane(Vertical):
    """Shows one article; finds in it; lists its images, links and headings."""

    class Said(Message):
        """A passing message for the status line (a find count, what a key did)."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def __init__(self, *, measure: int = 80, id: str | None = None) -> None:
        super().__init__(id=id)
        self.measure = measure
        self.root: Path | None = None
        self.article: Article | None = None  # the article shown (or being opened)
        self.find_words: list[str] = []  # what find (or the search that opened it) looks for
        self._jump_to_match = False

    def compose(self) -> ComposeResult:
        yield ArticleView(measure=self.measure, id="article")
        yield FindBar(id="find")

    def on_mount(self) -> None:
        self.query_one(FindBar).display = False

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def document(self) -> Document | None:
        """The document on screen, or None while none is shown."""
        return self.view.document

    # -- showing ---------------------------------------------------------------------------
    def open(self, root: Path, article: Article, block: int = 0) -> None:
        """Convert `article` in a worker and show it with `block` at the top."""
        self._leave(article)
        self.root, self.article = root, article
        self.view.open(root, article, block)

    def show(self, root: Path, article: Article, document: Document, block: int = 0) -> None:
        """Show an article converted already."""
        self._leave(article)
        self.root, self.article = root, article
        self.view.show(article.id, document, block)
        self._mark_matches(document)

    def _leave(self, article: Article) -> None:
        """Another article: the find bar closes (and its words go, unless a search result
        is being opened at its match)."""
        if self.article is not None and self.article.id == article.id:
            return
        self.close_find()
        if not self._jump_to_match:
            self.find_words = []

    def close_find(self) -> None:
        bar = self.query_one(FindBar)
        if bar.display:
            bar.display = False
            if bar.has_focus_within:
                self.view.focus()

    def note_deleted(self) -> None:
        """The article shown was deleted from the archive: say so above its text."""
        document = self.view.document
        if document is None or self.article is None:
            return
        note = Block(BlockKind.META, [Span("This article was deleted from the archive; "
                                           "what is shown is what it was.", "note")])
        self.view.show(self.article.id, Document([*document.blocks[:1], note,
                                                  *document.blocks[1:]], document.images,
                                                 document.links, document.notes),
                       self.view.top_block)

    def find(self, words: list[str]) -> None:
        """Open the next article at the first of `words` (a search result's)."""
        self.find_words = words
        self._jump_to_match = True
        self.query_one(FindBar).display = False

    @on(ArticleView.Rendered)
    def _rendered(self, event: ArticleView.Rendered) -> None:
        self._mark_matches(event.document)

    def _mark_matches(self, document: Document) -> None:
        if self.find_words:
            self.view.set_matches(find_in_document(document, self.find_words),
                                  jump=self._jump_to_match)
        self._jump_to_match = False

    # -- find --------------------------------------------------------------------------------
    def open_find(self) -> None:
        self.query_one(FindBar).open(" ".join(self.find_words))

    @on(FindBar.Find)
    def _find(self, event: FindBar.Find) -> None:
        self.find_words = [word for word in event.text.split() if word]
        if self.view.document is not None:
            self.view.set_matches(find_in_document(self.view.document, self.find_words),
                                  jump=True)
        if event.submitted:
            self.view.focus()

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self.view.focus()

    @on(ArticleView.MatchMoved)
    def _match_moved(self, event: ArticleView.MatchMoved) -> None:
        bar = self.query_one(FindBar)
        bar.show_count(event.number, event.total, " ".join(self.find_words), event.wrapped)
        if self.find_words and not bar.display and event.total:
            where = f" (from the {event.wrapped})" if event.wrapped else ""
            self.post_message(self.Said(f"match {event.number}/{event.total}{where} · "
                                        "n next, N previous"))

    # -- what the article holds ------------------------------------------------------------------
    def current(self) -> tuple[Article, Document] | None:
        """The article shown and its document, or None (and a notice) when none is."""
        article, document = self.article, self.view.document
        if article is None or document is None or self.view.article_id != article.id:
            self.notify("No article is open.", markup=False, severity="warning")
            return None
        return article, document

    def images(self, root: Path | None = None):
        """The images of the article shown, as the picker lists them (or None); with the
        archive's `root`, those that live in the archive name their files."""
        current = self.current()
        return None if current is None else image_targets(current[1], current[0], root)

    def links(self, root: Path | None = None, articles: Mapping[str, Article] | None = None,
              permalinks: Permalinks | None = None):
        """The links of the article shown, as the picker lists them (or None); with the
        archive, links to its own articles and files name them."""
        current = self.current()
        return None if current is None else link_targets(current[1], current[0], root,
                                                         articles, permalinks)

    # -- the article outside the reader ------------------------------------------------------
    def file_path(self) -> Path | None:
        """The article's file on disk."""
        if self.root is None or self.article is None:
            return None
        return self.root / self.article.id

    def address(self) -> str | None:
        """The article's own address: its `link`, else its file's path."""
        if self.article is None:
            return None
        path = self.file_path()
        return self.article.link or (str(path) if path is not None else None)

    def markdown(self) -> str | None:
        """The article as Markdown, as `reader show` prints it."""
        current = self.current()
        return None if current is None else to_markdown(current[1])

    def edit(self, command: list[str]) -> str:
        """Open the article's file in the user's editor, the app suspended meanwhile; the
        reader itself writes nothing (an edit comes back through live reload)."""
        path = self.file_path()
        if path is None:
            return "No article is open."
        if not self._can_suspend():
            return "An editor needs the terminal: not in a browser, nor without one."
        try:
            with self.app.suspend():
                result = subprocess.run([*command, str(path)])
        except SuspendNotSupported:
            return "An editor needs the terminal: not in a browser, nor without one."
        except OSError as error:
            return f"Could not start {command[0]}: {error.strerror}"
        return "" if result.returncode == 0 else f"{command[0]} ended with {result.returncode}"

    def pipe(self, command: str) -> str:
        """Give the article, as Markdown, to `command` on its standard input, with the
        terminal (`less`, `grep x | wc -l`). The command is the user's own: it runs in
        their shell, as mutt's `|` does; the article is only ever its input."""
        text = self.markdown()
        if text is None:
            return "No article is open."
        if not self._can_suspend():
            return "A pipe needs the terminal: not in a browser, nor without one."
        shell = os.environ.get("SHELL") or "/bin/sh"
        try:
            with self.app.suspend():
                result = subprocess.run([shell, "-c", command], input=text.encode("utf-8"))
                # Its output stays on screen until the user has read it (mutt's wait_key):
                # `wc -m` printed its count and the reader covered it at once.
                status = result.returncode  # 141: a pager the user left early
                said = "" if status in (0, 141) else f"exit status {status}: "
                try:
                    input(f"\n[{said}press enter to go back to the reader]")
                except (EOFError, KeyboardInterrupt):  # ctrl+d, ctrl+c: back all the same
                    pass
        except SuspendNotSupported:
            return "A pipe needs the terminal: not in a browser, nor without one."
        except OSError as error:
            return f"Could not run it: {error.strerror}"
        return ""

    def _can_suspend(self) -> bool:
        """Can the app give the terminal to another program (not under `reader serve`)?"""
        return not self.app.is_web and not self.app.is_headless
