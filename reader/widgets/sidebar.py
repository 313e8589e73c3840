"""The sidebar: the archive's articles grouped by month, category or tag.

It draws only the rows on screen (Textual's line API), and a group's articles become rows
only when the group is open, so 100,000 articles cost no more than 100.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from reader.core.files.dates import shown_moment
from reader.core.grouping import Group, Grouping, group_articles
from reader.core.layout.linebreak import cell_width, truncate
from reader.core.live import Snapshot
from reader.core.model import Article
from reader.core.outline import Outline, Row
from reader.core.tally import Tally
from reader.widgets.parts import part_style

#: The mark before an unread article's title, and a starred one's: seen without colour.
UNREAD_MARK = "●"
STAR_MARK = "★"


class Sidebar(ScrollView, can_focus=True):
    """Groups that open and close, and the articles inside them."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="sidebar.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="sidebar.page_up"),
        Binding("home,g", "first", "First", show=False, id="sidebar.first"),
        Binding("end,G", "last", "Last", show=False, id="sidebar.last"),
        Binding("enter", "choose", "Open", id="sidebar.open"),
        Binding("right,l", "expand", "Open group", show=False, id="sidebar.expand"),
        Binding("left,h", "collapse", "Close group", show=False, id="sidebar.collapse"),
    ]

    COMPONENT_CLASSES = {
        "sidebar--group",
        "sidebar--count",
        "sidebar--date",
        "sidebar--title",
        "sidebar--unread",
        "sidebar--mark",
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

    class Counted(Message):
        """Unread and starred counts for the groups shown, built in a worker."""

        def __init__(self, groups: list[Group], articles: dict[str, Article], tally: Tally,
                     changes: int) -> None:
            self.groups = groups
            self.articles = articles
            self.tally = tally
            self.changes = changes
            super().__init__()

    class CountsChanged(Message):
        """The unread and starred counts are new (for the status line's total)."""

    class Regrouped(Message):
        """Groups for another grouping, built in a worker (the sidebar's own message)."""

        def __init__(self, snapshot: Snapshot, grouping: Grouping, groups: list[Group]) -> None:
            self.snapshot = snapshot
            self.grouping = grouping
            self.groups = groups
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._wanted: tuple[Snapshot, Grouping] | None = None
        self._pending_group: str | None = None  # a group to choose once it is shown
        self.outline = Outline()
        self.articles: dict[str, Article] = {}
        self.grouping = Grouping.DATE
        self.current: str | None = None  # the article shown in the main pane
        self.empty_text = "Loading…"
        # The user's marks (sets owned by the reading state, set by the screen), counted
        # per group by `tally`; `only` narrows the list to "unread" or "starred" articles.
        self.read: set[str] = set()
        self.starred: set[str] = set()
        self.tally: Tally | None = None
        self._tally_of: dict[str, Article] | None = None  # the articles `tally` counted
        self._mark_changes = 0  # marks made through `marks_changed`, to see one missed
        self.only: str | None = None
        self.moved = False  # the user moved the cursor (the list then keeps it where it is)

    # -- data from the screen --------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot, grouping: Grouping,
                      select: str | None = None) -> None:
        """Show `snapshot`'s articles grouped by `grouping` (grouped in a worker when the
        snapshot was built for another grouping), then choose the group `select`."""
        self._wanted = (snapshot, grouping)
        if select is not None:
            self._pending_group = select
        if snapshot.grouping is grouping:
            self._show_wanted(snapshot.groups)
        elif grouping is Grouping.CATEGORY and snapshot.categories:
            self._show_wanted(snapshot.categories)
        else:
            self._regroup(snapshot, grouping)

    @work(thread=True, exclusive=True, group="group", exit_on_error=False,
          description="group the articles")
    def _regroup(self, snapshot: Snapshot, grouping: Grouping) -> None:
        groups = group_articles(snapshot.ordered, grouping)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Regrouped(snapshot, grouping, groups))

    def on_sidebar_regrouped(self, event: Regrouped) -> None:
        event.stop()
        wanted = self._wanted
        if wanted is not None and wanted[0] is event.snapshot and wanted[1] is event.grouping:
            self._show_wanted(event.groups)
        # else: newer articles or another grouping arrived meanwhile

    def _show_wanted(self, groups: list[Group]) -> None:
        assert self._wanted is not None
        snapshot, grouping = self._wanted
        self.show_groups(groups, snapshot.articles, grouping)
        if self._pending_group is not None:
            self.select_group(self._pending_group)
            self._pending_group = None

    @work(thread=True, exclusive=True, group="count", exit_on_error=False,
          description="count unread articles")
    def _count(self, groups: list[Group], articles: dict[str, Article],
               grouping: Grouping, before: Tally | None = None, changes: int = 0) -> None:
        # `changes`: how many marks the screen had made when this count began; one made
        # meanwhile is not in these copies, and `on_sidebar_counted` counts again.
        read, starred = set(self.read), set(self.starred)
        tally = (before.recounted(read, starred) if before is not None else
                 Tally(list(articles.values()), grouping, read, starred))
        if not get_current_worker().is_cancelled:
            self.post_message(self.Counted(groups, articles, tally, changes))

    def on_sidebar_counted(self, event: Counted) -> None:
        event.stop()
        if event.groups is self.outline.groups:
            self.tally, self._tally_of = event.tally, event.articles
            if event.changes != self._mark_changes:
                self.marks_reloaded()  # marks made while counting: count them too
            self._apply_view()
            self.post_message(self.CountsChanged())

    # -- marks -------------------------------------------------------------------------------
    def marks_changed(self, article_id: str, read: bool | None = None,
                      starred: bool | None = None) -> None:
        """An article was marked read or unread, starred or not: its groups' counts follow
        (the sets themselves are the reading state's, already changed)."""
        self._mark_changes += 1
        article = self.articles.get(article_id)
        if article is not None and self.tally is not None:
            if read is not None:
                self.tally.read_changed(article, read)
            if starred is not None:
                self.tally.star_changed(article, starred)
        self.refresh()

    def marks_reloaded(self) -> None:
        """The marks changed wholesale (another process, an import): count again."""
        # The groups of each article are kept only while the articles are the same ones.
        tally = self.tally if self.tally is not None and self.tally.grouping is (
            self.grouping) and self._tally_of is self.articles else None
        self._count(self.outline.groups, self.articles, self.grouping, tally,
                    self._mark_changes)

    def show_only(self, only: str | None) -> None:
        """Show only "unread" or "starred" articles (and groups that hold any), or all."""
        self.only = only
        self._apply_view()

    def _apply_view(self) -> None:
        """Rebuild the rows for the view chosen, keeping the cursor on its row."""
        only, tally = self.only, self.tally
        if only is None or tally is None:
            shows_group, shows_article = (lambda group: True), (lambda article_id: True)
        else:
            counts = tally.unread if only == "unread" else tally.starred
            marked = self.read if only == "unread" else self.starred
            wanted = (lambda a: a not in marked) if only == "unread" else (lambda a: a in marked)
            current = self.current
            # The article open stays in view, with every group on its way (a day, a month).
            holding = self.outline.groups_holding(current) if current is not None else set()

            def shows_group(group: Group) -> bool:
                return counts[group.key] > 0 or group.key in holding

            def shows_article(article_id: str) -> bool:
                return wanted(article_id) or article_id == current
        keep = self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None
        self.outline.set_view(shows_group, shows_article)
        self._rows_changed()
        if keep is not None:
            self.cursor = self.outline.index_of(keep, self.cursor)

    def order(self) -> list[str]:
        """The articles in the sidebar's order (as shown, every group open)."""
        return self.outline.order()

    def group_at_cursor(self) -> Group | None:
        """The group under the cursor, or the one holding the article under it."""
        if not self.rows:
            return None
        row = self.rows[self.cursor]
        if row.group is not None:
            return row.group
        parent = self.outline.parent_row(self.cursor)
        return self.rows[parent].group if parent is not None else None

    @property
    def groups(self) -> list[Group]:
        """The groups shown, in order."""
        return self.outline.groups

    @property
    def rows(self) -> list[Row]:
        """The rows shown: groups, and the articles of open groups."""
        return self.outline.rows

    @property
    def expanded(self) -> set[str]:
        """The keys of the open groups."""
        return self.outline.expanded

    def select_group(self, key: str) -> None:
        """Open the group `key` (and every group above it) and put the cursor on it."""
        row = self.outline.open_group(key)
        self._rows_changed()
        if row is not None:
            self.cursor = row
        self.focus()

    def show_groups(self, groups: list[Group], articles: dict[str, Article],
                    grouping: Grouping) -> None:
        """Show new groups, keeping open groups open and the cursor on the same row."""
        keep = self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None
        same = grouping is self.grouping
        self.grouping = grouping
        self.articles = articles
        if self.tally is not None and self.tally.grouping is not grouping:
            self.tally = None
        self._count(groups, articles, grouping, None, self._mark_changes)
        self.outline.show(groups, keep_open=same)
        self._rows_changed()
        if keep is not None and same and self.moved:
            self.cursor = self.outline.index_of(keep, self.cursor)
        elif self.current is not None:
            # The user has not moved: the cursor stays with the article open (its month may
            # have been a count without rows in the first page).
            self.reveal(self.current)

    def reveal(self, article_id: str) -> None:
        """Open the group that holds `article_id` and put the cursor on it."""
        changed = article_id != self.current
        self.current = article_id
        if changed and self.only is not None:
            self._apply_view()  # the view keeps the article open in sight, whatever it is
        index = self.outline.reveal(article_id)
        if index is None:
            self.refresh()
            return
        self._rows_changed()
        self.cursor = index
        # Once laid out, show the group's heading above it too, where the screen has room
        # (at start-up the row alone came to the top).
        self.call_after_refresh(self._show_heading_of, index)

    def _show_heading_of(self, index: int) -> None:
        if index != self.cursor or index >= len(self.rows):
            return
        heading = self.outline.heading_above(index)
        height = self.scrollable_content_region.height
        if heading is None or not height or index - heading >= height:
            return
        if heading < self.scroll_offset.y:
            self.scroll_to(y=heading, animate=False, force=True)

    def open_group(self, key: str) -> None:
        """Open the group `key` and every group above it."""
        self.outline.open_group(key)
        self._rows_changed()

    def _rows_changed(self) -> None:
        rows = self.rows
        self.virtual_size = Size(self.size.width, len(rows))
        if self.cursor >= len(rows):
            self.cursor = max(len(rows) - 1, 0)
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def _part(self, name: str, highlighted: bool = False) -> Style:
        # Only what the stylesheet sets for the part (colour, bold), so that the row's own
        # background (plain, current or cursor) shows through; on a highlighted row the
        # row's own colour too, which is chosen to read on it.
        if highlighted:
            return self.get_component_rich_style(name, partial=True).without_color
        return part_style(self, name)

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
        highlighted = True
        if index == self.cursor:
            background = base + self.get_component_rich_style(
                "sidebar--cursor" if self.has_focus else "sidebar--current"
            )
        elif row.article is not None and row.article == self.current:
            background = base + self.get_component_rich_style("sidebar--current")
        else:
            highlighted = False
        segments = self._row_segments(row, width, highlighted)
        return Strip(segments).apply_style(background).adjust_cell_length(width, background)

    def _row_segments(self, row: Row, width: int, highlighted: bool = False) -> list[Segment]:
        def part(name: str) -> Style:
            return self._part(name, highlighted)

        indent = "  " * row.depth
        if row.group is not None:
            group = row.group
            has_content = bool(group.children or group.articles)
            marker = ("▾ " if group.key in self.expanded else "▸ ") if has_content else "  "
            unread = self.tally.unread[group.key] if self.tally is not None else 0
            count = f" {unread:,}/{group.count:,}" if unread else f" {group.count:,}"
            room = width - cell_width(indent + marker) - cell_width(count)
            label = truncate(group.label, max(room, 1))
            gap = " " * max(room - cell_width(label), 0)
            return [
                Segment(indent),
                Segment(marker + label, part("sidebar--group")),
                Segment(gap),
                Segment(count, part("sidebar--count")),
            ]
        article = self.articles.get(row.article or "")
        if article is None:
            return [Segment(indent + "…")]
        date = self._short_date(article)
        unread = article.id not in self.read
        mark = STAR_MARK if article.id in self.starred else UNREAD_MARK if unread else " "
        room = width - cell_width(indent + mark + date) - 2
        title = truncate(article.title, max(room, 1))
        title_style = part("sidebar--title")
        if unread:
            title_style += part("sidebar--unread")
        return [
            Segment(indent),
            Segment(mark, part("sidebar--mark")),
            Segment(" "),
            Segment(date, part("sidebar--date")),
            Segment(" "),
            Segment(title, title_style),
        ]

    def _short_date(self, article: Article) -> str:
        if article.date is None:
            return "     "
        moment = shown_moment(article.date)
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
        self.moved = True
        if self.cursor < len(self.rows) - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        self.moved = True
        if self.cursor > 0:
            self.cursor -= 1

    def action_page_down(self) -> None:
        self.moved = True
        self.cursor = min(self.cursor + max(self.size.height - 1, 1), max(len(self.rows) - 1, 0))

    def action_page_up(self) -> None:
        self.moved = True
        self.cursor = max(self.cursor - max(self.size.height - 1, 1), 0)

    def action_first(self) -> None:
        self.moved = True
        self.cursor = 0

    def action_last(self) -> None:
        self.moved = True
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
        parent = self.outline.parent_row(self.cursor)  # go up to the row's group
        if parent is not None:
            self.cursor = parent

    def _toggle(self, group: Group) -> None:
        self.outline.toggle(group.key)
        self._rows_changed()

    def on_click(self, event: Click) -> None:
        self.moved = True
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.action_choose()
