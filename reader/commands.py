"""Command palette (ctrl+p) entries: jump to an article or a category, switch views."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from reader.core.archive import display_path
from reader.core.grouping import Grouping

if TYPE_CHECKING:
    from reader.screens.main import MainScreen

MAX_HITS = 40


def _highlighted(text: str, query: str) -> Content:
    """`text` as plain content (never markup) with the first match of `query` in bold."""
    content = Content(text)
    start = text.casefold().find(query.casefold()) if query else -1
    if start >= 0:
        content = content.stylize("bold underline", start, start + len(query))
    return content


class ArchiveCommands(Provider):
    """Articles by title, categories and tags by name, and the reader's own actions."""

    @property
    def main(self) -> MainScreen:
        return self.screen  # type: ignore[return-value]

    def _actions(self) -> list[tuple[str, str, object]]:
        main = self.main
        return [
            ("Group by date", "Sidebar: months, newest first", partial(main.action_group, "date")),
            ("Group by category", "Sidebar: the category tree",
             partial(main.action_group, "category")),
            ("Group by tag", "Sidebar: one group per tag", partial(main.action_group, "tag")),
            ("Table of contents", "The open article's headings", main.action_contents),
            ("Show problems", "Files that could not be loaded", main.action_problems),
            ("Toggle sidebar", "Hide or show the sidebar", main.action_toggle_sidebar),
            ("Keys", "Every key the reader answers to", main.action_help),
        ]

    async def discover(self) -> Hits:
        for name, help_text, command in self._actions():
            yield DiscoveryHit(Content(name), command, text=name, help=Content(help_text))

    async def search(self, query: str) -> Hits:
        main = self.main
        needle = query.strip().casefold()
        if not needle:
            return
        matcher = self.matcher(query)
        for name, help_text, command in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, Content(name), command, text=name, help=Content(help_text))
        hits = 0
        for article in main.ordered:
            if needle in article.title.casefold():
                yield Hit(
                    0.9 if article.title.casefold().startswith(needle) else 0.6,
                    _highlighted(article.title, needle),
                    partial(main.open_article, article.id),
                    text=article.title,
                    help=Content(display_path(article.id)),
                )
                hits += 1
                if hits >= MAX_HITS:
                    break
        seen: set[str] = set()
        for group in main.query_one("#sidebar").groups if main.grouping is Grouping.CATEGORY else (
            _category_groups(main)
        ):
            for node in group.walk():
                if node.key in seen or needle not in node.label.casefold():
                    continue
                seen.add(node.key)
                label = f"Category: {node.label}"
                yield Hit(
                    0.7,
                    Content("Category: ") + _highlighted(node.label, needle),
                    partial(main.reveal_group, Grouping.CATEGORY, node.key),
                    text=label,
                    help=Content(f"{node.count:,} articles"),
                )
                if len(seen) >= MAX_HITS:
                    return


def _category_groups(main: MainScreen):
    from reader.core.grouping import by_category

    return by_category(main.ordered)
