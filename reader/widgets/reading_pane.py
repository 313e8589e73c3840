"""The reading pane: the article view with the find bar under it, and what works on the
article shown (find, its images and links, its contents).

It is the nearest common parent of the view and the find bar, so it carries messages
between them (find words to matches, matches to the count); the screen sees only what
concerns it.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical

from reader.core.convert.targets import image_targets, link_targets
from reader.core.model import Article, Document
from reader.core.search.find import find_in_document
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar


class ReadingPane(Vertical):
    """Shows one article; finds in it; lists its images, links and headings."""

    def __init__(self, *, measure: int = 80, id: str | None = None) -> None:
        super().__init__(id=id)
        self.measure = measure
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
        self.article = article
        self.view.open(root, article, block)

    def show(self, article: Article, document: Document, block: int = 0) -> None:
        """Show an article converted already."""
        self.article = article
        self.view.show(article.id, document, block)
        self._mark_matches(document)

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
            self.notify(f"match {event.number}/{event.total}{where} · n next, N previous",
                        markup=False, timeout=2)

    # -- what the article holds ------------------------------------------------------------------
    def current(self) -> tuple[Article, Document] | None:
        """The article shown and its document, or None (and a notice) when none is."""
        article, document = self.article, self.view.document
        if article is None or document is None or self.view.article_id != article.id:
            self.notify("No article is open.", markup=False, severity="warning")
            return None
        return article, document

    def images(self):
        """The images of the article shown, as the picker lists them (or None)."""
        current = self.current()
        return None if current is None else image_targets(current[1], current[0])

    def links(self):
        """The links of the article shown, as the picker lists them (or None)."""
        current = self.current()
        return None if current is None else link_targets(current[1])
