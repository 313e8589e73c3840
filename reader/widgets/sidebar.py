"""The sidebar: the archive's articles grouped by month, category or tag.

It draws only the rows on screen (Textual's line API), and a group's articles become rows
only when the group is open, so 100,000 articles cost no more than 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.dates import as_local
from reader.core.grouping import Group, Grouping
from reader.core.linebreak import cell_width, truncate
from reader.core.model import Article


@dataclass(frozen=True, slots=True)
class Row:
    depth: int
    group: Group | None = None
    article: str | None = None


class Sidebar(ScrollView, can_focus=True):
    """Groups that open and close, and the articles inside them."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="sidebar.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="sidebar.page_up"),
        Binding("home", "first", "First", show=False, id="sidebar.first"),
        Binding("end", "last", "Last", show=False, id="sidebar.last"),
        Binding("enter", "choose", "Open", id="sidebar.open"),
        Binding("right,l", "expand", "Open group", show=False, id="sidebar.expand"),
        Binding("left,h", "collapse", "Close group", show=False, id="sidebar.collapse"),
    ]

    COMPONENT_CLASSES = {
        "sidebar--group",
        "sidebar--count",
        "sidebar--date",
        "sidebar--title",
        "sidebar--current",
        "sidebar--cursor",
        "sidebar--empty",
    }

    cursor: reactive[int] = reactive(0, always_update=True)

    class ArticleChosen(Message):
        """The user chose an article to read."""

        def __init__(self, article_id: str) -> None:
            self.article_id = article_id
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.groups: list[Group] = []
        self.articles: dict[str, Article] = {}
        self.grouping = Grouping.DATE
        self.expanded: set[str] = set()
        self.rows: list[Row] = []
        self.current: str | None = None  # the article shown in the main pane
        self.empty_text = "Loading…"

    # -- data from the screen --------------------------------------------------------------
    def show_groups(self, groups: list[Group], articles: dict[str, Article],
                    grouping: Grouping) -> None:
        """Show new groups, keeping open groups open and the cursor on the same row."""
        keep = self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None
        if grouping is not self.grouping:
            self.expanded.clear()
            keep = None
        self.grouping = grouping
        self.groups = groups
        self.articles = articles
        self._rebuild()
        if keep is not None:
            self.cursor = self._index_of(keep)
        elif self.current is not None:
            self.reveal(self.current)

    def reveal(self, article_id: str) -> None:
        """Open the group that holds `article_id` and put the cursor on it."""
        self.current = article_id
        for group in self.groups:
            path = self._path_to(group, article_id)
            if path:
                self.expanded.update(g.key for g in path)
                self._rebuild()
                for index, row in enumerate(self.rows):
                    if row.article == article_id:
                        self.cursor = index
                        # Once laid out, show the group's heading above it too, where the
                        # screen has room (at start-up the row alone came to the top).
                        self.call_after_refresh(self._show_heading_of, index)
                        break
                return
        self.refresh()

    def _show_heading_of(self, index: int) -> None:
        if index != self.cursor or index >= len(self.rows):
            return
        heading = next((i for i in range(index - 1, -1, -1)
                        if self.rows[i].group is not None), None)
        height = self.scrollable_content_region.height
        if heading is None or not height or index - heading >= height:
            return
        if heading < self.scroll_offset.y:
            self.scroll_to(y=heading, animate=False, force=True)

    def open_group(self, key: str) -> None:
        """Open the group `key` and every group above it."""

        def path(groups: list[Group]) -> list[Group]:
            for group in groups:
                if group.key == key:
                    return [group]
                below = path(group.children)
                if below:
                    return [group, *below]
            return []

        self.expanded.update(group.key for group in path(self.groups))
        self._rebuild()

    def _path_to(self, group: Group, article_id: str) -> list[Group]:
        if article_id in group.articles:
            return [group]
        for child in group.children:
            found = self._path_to(child, article_id)
            if found:
                return [group, *found]
        return []

    def _index_of(self, row: Row) -> int:
        for index, candidate in enumerate(self.rows):
            if row.article is not None and candidate.article == row.article and (
                candidate.depth == row.depth
            ):
                return index
            if row.group is not None and candidate.group is not None and (
                candidate.group.key == row.group.key
            ):
                return index
        return min(self.cursor, max(len(self.rows) - 1, 0))

    def _rebuild(self) -> None:
        rows: list[Row] = []

        def add(group: Group, depth: int) -> None:
            rows.append(Row(depth, group=group))
            if group.key in self.expanded:
                for child in group.children:
                    add(child, depth + 1)
                rows.extend(Row(depth + 1, article=a) for a in group.articles)

        for group in self.groups:
            add(group, 0)
        self.rows = rows
        self.virtual_size = Size(self.size.width, len(rows))
        if self.cursor >= len(rows):
            self.cursor = max(len(rows) - 1, 0)
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def _part(self, name: str) -> Style:
        # Only what the stylesheet sets for the part (colour, bold), so that the row's own
        # background (plain, current or cursor) shows through.
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        base = self.rich_style
        if not self.rows:
            if y == 0:
                style = self._part("sidebar--empty")
                return Strip([Segment(" " + truncate(self.empty_text, width - 1), style)]
                             ).apply_style(base).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        background = base
        if index == self.cursor:
            background = base + self.get_component_rich_style(
                "sidebar--cursor" if self.has_focus else "sidebar--current"
            )
        elif row.article is not None and row.article == self.current:
            background = base + self.get_component_rich_style("sidebar--current")
        segments = self._row_segments(row, width)
        return Strip(segments).apply_style(background).adjust_cell_length(width, background)

    def _row_segments(self, row: Row, width: int) -> list[Segment]:
        indent = "  " * row.depth
        if row.group is not None:
            group = row.group
            has_content = bool(group.children or group.articles)
            marker = ("▾ " if group.key in self.expanded else "▸ ") if has_content else "  "
            count = f" {group.count:,}"
            room = width - cell_width(indent + marker) - cell_width(count)
            label = truncate(group.label, max(room, 1))
            gap = " " * max(room - cell_width(label), 0)
            return [
                Segment(indent),
                Segment(marker + label, self._part("sidebar--group")),
                Segment(gap),
                Segment(count, self._part("sidebar--count")),
            ]
        article = self.articles.get(row.article or "")
        if article is None:
            return [Segment(indent + "…")]
        date = self._short_date(article)
        room = width - cell_width(indent + date) - 1
        title = truncate(article.title, max(room, 1))
        return [
            Segment(indent),
            Segment(date, self._part("sidebar--date")),
            Segment(" "),
            Segment(title, self._part("sidebar--title")),
        ]

    def _short_date(self, article: Article) -> str:
        if article.date is None:
            return "     "
        moment = as_local(article.date)
        if self.grouping is Grouping.DATE:
            return moment.strftime("%d %a")
        return moment.strftime("%Y-%m-%d")

    # -- moving ----------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        if self.rows:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_cursor_down(self) -> None:
        if self.cursor < len(self.rows) - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor = min(self.cursor + max(self.size.height - 1, 1), max(len(self.rows) - 1, 0))

    def action_page_up(self) -> None:
        self.cursor = max(self.cursor - max(self.size.height - 1, 1), 0)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(len(self.rows) - 1, 0)

    def action_choose(self) -> None:
        if not self.rows:
            return
        row = self.rows[self.cursor]
        if row.group is not None:
            self._toggle(row.group)
        elif row.article is not None:
            self.current = row.article
            self.refresh()
            self.post_message(self.ArticleChosen(row.article))

    def action_expand(self) -> None:
        if self.rows and (group := self.rows[self.cursor].group) is not None:
            if group.key not in self.expanded:
                self._toggle(group)
            elif self.cursor + 1 < len(self.rows):
                self.cursor += 1

    def action_collapse(self) -> None:
        if not self.rows:
            return
        row = self.rows[self.cursor]
        if row.group is not None and row.group.key in self.expanded:
            self._toggle(row.group)
            return
        # Go up to the row's group.
        for index in range(self.cursor - 1, -1, -1):
            if self.rows[index].group is not None and self.rows[index].depth < row.depth:
                self.cursor = index
                return

    def _toggle(self, group: Group) -> None:
        if group.key in self.expanded:
            self.expanded.discard(group.key)
        else:
            self.expanded.add(group.key)
        self._rebuild()

    def on_click(self, event: Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.action_choose()
