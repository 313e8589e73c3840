"""The command palette (ctrl+p): jump to an article by title or to a category, or run one
of the reading screen's commands.

It reads the snapshot on screen (its title list and category tree are built with it, off
the UI thread), so an answer per keystroke costs a millisecond at 100,000 articles. What
the user picks goes back to the screen as a message or an action.
"""

from __future__ import annotations

from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.message import Message

from reader.core.live import Snapshot
from reader.core.sanitize import display_path
from reader.core.search.fold import highlights, normalise

MAX_HITS = 40

#: (name, help, the screen's action)
ACTIONS = [
    ("Group by date", "Sidebar: months, newest first", "group('date')"),
    ("Group by category", "Sidebar: the category tree", "group('category')"),
    ("Group by tag", "Sidebar: one group per tag", "group('tag')"),
    ("Table of contents", "The open article's headings", "contents"),
    ("Show problems", "Files that could not be loaded", "problems"),
    ("Toggle sidebar", "Hide or show the sidebar", "toggle_sidebar"),
    ("Keys", "Every key the reader answers to", "app.help"),
]


class Showing(Protocol):
    """What the palette needs of the screen it opens over."""

    snapshot: Snapshot


def _highlighted(text: str, words: list[str]) -> Content:
    """`text` as plain content (never markup) with the matches of `words` in bold."""
    content = Content(text)
    for start, end in highlights(text, words):
        content = content.stylize("bold underline", start, end)
    return content


class ArchiveCommands(Provider):
    """Articles by title, categories by name, and the reading screen's own actions."""

    class OpenArticle(Message):
        """The user picked an article."""

        def __init__(self, article_id: str) -> None:
            self.article_id = article_id
            super().__init__()

    class ShowCategory(Message):
        """The user picked a category: the sidebar by category, with that one open."""

        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    def _run(self, action: str) -> None:
        self.screen.run_action(action)

    async def discover(self) -> Hits:
        for name, help_text, action in ACTIONS:
            yield DiscoveryHit(Content(name), partial(self._run, action), text=name,
                               help=Content(help_text))

    async def search(self, query: str) -> Hits:
        words = normalise(query).split()
        if not words:
            return
        matcher = self.matcher(query)
        for name, help_text, action in ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, Content(name), partial(self._run, action), text=name,
                          help=Content(help_text))
        screen: Showing = self.screen  # type: ignore[assignment]
        snapshot = screen.snapshot
        post = self.screen.post_message
        for hits, number in enumerate(snapshot.titles.matching(words)):
            if hits >= MAX_HITS or number >= len(snapshot.ordered):
                break
            article = snapshot.ordered[number]
            starts = normalise(article.title).startswith(words[0])
            yield Hit(0.9 if starts else 0.6, _highlighted(article.title, words),
                      partial(post, self.OpenArticle(article.id)), text=article.title,
                      help=Content(display_path(article.id)))
        shown = 0
        for group in snapshot.categories:
            for node in group.walk():
                if not all(word in normalise(node.label) for word in words):
                    continue
                yield Hit(0.7, Content("Category: ") + _highlighted(node.label, words),
                          partial(post, self.ShowCategory(node.key)),
                          text=f"Category: {node.label}",
                          help=Content(f"{node.count:,} articles"))
                shown += 1
                if shown >= MAX_HITS:
                    return
