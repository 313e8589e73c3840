"""The reading screen's keys for what the user has read and kept: read and unread, stars,
the next unread article, a group marked read (and undone), the unread and starred views,
what is new, back and forward.

A part of `ReadingScreen` kept in its own module (a mixin): the screen holds the keys, the
reading state (`reader.state.session`) holds the marks, and the sidebar counts them.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer

from reader.core.history import History
from reader.core.model import Article
from reader.widgets.article_view import ArticleView
from reader.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from reader.settings import Settings
    from reader.state.session import ReadingState

#: The keys, in the footer's order after the reading screen's own.
MARK_BINDINGS = [
    Binding("m", "toggle_read", "Read/unread", id="main.toggle_read"),
    Binding("asterisk", "toggle_star", "Star", id="main.toggle_star"),
    Binding("J", "step(1)", "Next article", show=False, id="main.next_article"),
    Binding("K", "step(-1)", "Previous article", show=False, id="main.previous_article"),
    Binding("A", "mark_group_read", "Mark group read", show=False, id="main.mark_group_read"),
    Binding("z", "undo_marks", "Undo mark read", show=False, id="main.undo"),
    Binding("U", "only('unread')", "Unread only", show=False, id="main.only_unread"),
    Binding("S", "only('starred')", "Starred only", show=False, id="main.only_starred"),
    Binding("w", "first_new", "First new article", show=False, id="main.first_new"),
    Binding("H", "history(-1)", "Back", show=False, id="main.back"),
    Binding("L", "history(1)", "Forward", show=False, id="main.forward"),
]


class Arrived(Message):
    """The reading state has matched the archive's articles: moved marks, what is new."""

    def __init__(self, new: set[str], moves: dict[str, str]) -> None:
        self.new = new
        self.moves = moves
        super().__init__()


class Reloaded(Message):
    """Another process changed the marks; these are the store's sets now, read when the
    session's marks were at `version`."""

    def __init__(self, read: set[str], starred: set[str], version: int) -> None:
        self.read = read
        self.starred = starred
        self.version = version
        super().__init__()


def since_text(moment: float) -> str:
    """`Tue 21:14` for a time this week, `2026-11-03 21:14` for an older one."""
    then = datetime.fromtimestamp(moment)
    if time.time() - moment < 6 * 24 * 3600:
        return then.strftime("%a %H:%M")
    return then.strftime("%Y-%m-%d %H:%M")


class Marking:
    """Keys and handlers of the reading screen for marks, views and history."""

    state: ReadingState
    settings: Settings
    shown: str | None
    articles: dict[str, Article]
    new_text: str

    def _marks_init(self) -> None:
        self.history = History()
        self._going_back = False
        self._read_timer: Timer | None = None
        self._unchosen: str | None = None  # shown at start by the reader: read once the user acts
        self.new_text = ""

    # -- reading an article marks it read ---------------------------------------------------
    def _marks_article_shown(self, article_id: str) -> None:
        """Called as an article is shown: remember it in the history, start the timer.

        An article the reader opened by itself at start (`_unchosen`: the newest, or the
        one open last time, perhaps marked unread by hand) is not read by the clock until
        the user presses a key: it was on screen, not read."""
        if not self._going_back:
            self.history.visit(article_id)
        self._going_back = False
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if article_id != self._unchosen:
            self._start_read_timer(article_id)

    def _start_read_timer(self, article_id: str) -> None:
        seconds = self.settings.read_after_seconds
        if seconds > 0 and article_id not in self.state.read:
            self._read_timer = self.set_timer(
                seconds, lambda: self._read_by_itself(article_id))

    def _marks_user_acted(self) -> None:
        """A key was pressed: with the article in focus, the one the reader opened by
        itself is now being read (keys in the list are not reading it), as if chosen: its
        clock starts, and it is read already when the key left it at its end."""
        view = self.focused
        if self._unchosen is None or not isinstance(view, ArticleView):
            return
        article_id, self._unchosen = self._unchosen, None  # shown again: still the user's
        if article_id != self.shown:
            return
        if self.settings.read_at_end and view.article_id == article_id and view.at_end:
            self._set_read(article_id, True)  # its one "at end" came while it was not read
        elif self._read_timer is None:
            self._start_read_timer(article_id)

    def _read_by_itself(self, article_id: str) -> None:
        if self.shown == article_id:
            self._set_read(article_id, True)

    def on_article_view_at_end(self, event: ArticleView.AtEnd) -> None:
        if (self.settings.read_at_end and event.article_id == self.shown
                and event.article_id != self._unchosen):
            self._set_read(event.article_id, True)

    def on_article_view_past_end(self, event: ArticleView.PastEnd) -> None:
        self._set_read(event.article_id, True)
        self._open_next_unread(event.article_id)

    def _set_read(self, article_id: str, read: bool) -> None:
        if self.state.set_read([article_id], read):
            self.query_one(Sidebar).marks_changed(article_id, read=read)
            self._update_status()

    # -- keys --------------------------------------------------------------------------------
    def _target(self) -> str | None:
        """The article a mark key means: the one under the sidebar's cursor while the
        sidebar has focus, else the one shown."""
        sidebar = self.query_one(Sidebar)
        if sidebar.has_focus and sidebar.rows:
            row = sidebar.rows[sidebar.cursor]
            if row.article is not None:
                return row.article
        return self.shown

    def action_toggle_read(self) -> None:
        target = self._target()
        if target is None:
            return
        read = target not in self.state.read
        if self._read_timer is not None and target == self.shown:
            self._read_timer.stop()  # marked by hand: the timer must not undo it
            self._read_timer = None
        self._set_read(target, read)
        self.say("Marked read." if read else "Marked unread.")

    def action_toggle_star(self) -> None:
        target = self._target()
        if target is None:
            return
        starred = self.state.toggle_star(target)
        self.query_one(Sidebar).marks_changed(target, starred=starred)
        self.say("Starred." if starred else "Star removed.")

    def action_step(self, step: int) -> None:
        sidebar = self.query_one(Sidebar)
        order = sidebar.order()
        if not order:
            return
        at = sidebar.outline.position(self.shown)
        index = at + step if at >= 0 else 0
        if 0 <= index < len(order):
            self.open_article(order[index])
        else:
            self.say("This is the last article." if step > 0 else "This is the first article.")

    def _open_next_unread(self, after: str) -> None:
        sidebar = self.query_one(Sidebar)
        order = sidebar.order()
        at = sidebar.outline.position(after)
        read = self.state.read
        following = next((a for a in order[at + 1 :] if a not in read), None)
        wrapped = following is None
        if wrapped:
            following = next((a for a in order[: at + 1] if a not in read), None)
        if following is None:
            self.say("No unread articles left.")
            return
        if wrapped:
            self.say("From the top: the next unread article.")
        self.open_article(following)

    def action_mark_group_read(self) -> None:
        sidebar = self.query_one(Sidebar)
        group = sidebar.group_at_cursor()
        if group is None:
            return
        if not self.snapshot.complete:
            self.notify("Still loading the archive: try again in a moment.", markup=False,
                        severity="warning")
            return
        ids = sidebar.outline.articles_under(group.key)
        changed = self.state.mark_all(ids, group.label.strip())
        sidebar.marks_reloaded()
        self._update_status()
        self.say(f"Marked {len(changed):,} read in {group.label.strip()}"
                 + (" · z undoes" if changed else ""))

    def action_undo_marks(self) -> None:
        undone = self.state.undo()
        if undone is None:
            self.say("Nothing to undo.")
            return
        changed, what = undone
        self.query_one(Sidebar).marks_reloaded()
        self._update_status()
        self.say(f"Unread again: {len(changed):,} in {what}")

    def action_only(self, what: str) -> None:
        sidebar = self.query_one(Sidebar)
        only = None if sidebar.only == what else what
        sidebar.show_only(only)
        self._update_status()
        if only == "starred" and not self.state.starred:
            self.say("No starred articles yet: * stars the article.")

    def action_first_new(self) -> None:
        new = self.state.new
        order = self.query_one(Sidebar).order()
        first = next((a for a in order if a in new), None)
        if first is None:
            self.say("Nothing new since last time.")
        else:
            self.open_article(first)

    def action_history(self, step: int) -> None:
        target = self.history.step(step, lambda article_id: article_id in self.articles)
        if target is None:
            self.say("No article before this one." if step < 0 else "No article after this one.")
            return
        self._going_back = True
        self.open_article(target)

    # -- the state and the archive -----------------------------------------------------------
    @work(thread=True, exclusive=True, group="arrive", exit_on_error=False,
          description="match marks to the archive")
    def _arrive(self, articles: dict[str, Article]) -> None:
        new, moves = self.state.arrive(articles)
        self.post_message(Arrived(new, moves))

    def on_arrived(self, event: Arrived) -> None:
        self.state.apply_arrival(event.new, event.moves)
        visit = self.state.visit
        if visit is not None and visit.previous is not None and event.new:
            self.new_text = f"{len(event.new):,} new since {since_text(visit.previous)} (w)"
        if event.moves:
            self.query_one(Sidebar).marks_reloaded()
        self._update_status()

    @work(thread=True, exclusive=True, group="reload-marks", exit_on_error=False,
          description="read marks made elsewhere")
    def _check_marks(self) -> None:
        """Every few seconds: have other processes marked articles? Take their marks in."""
        if self.state.changed_elsewhere():
            version = self.state.version
            self.post_message(Reloaded(*self.state.reload(), version))

    def on_reloaded(self, event: Reloaded) -> None:
        if event.version != self.state.version:
            # A mark made here since the store was read would be lost: read it again.
            self.state.changed_elsewhere(force=True)
            return
        self.state.read.clear()
        self.state.read.update(event.read)
        self.state.starred.clear()
        self.state.starred.update(event.starred)
        self.state.version += 1
        self.query_one(Sidebar).marks_reloaded()
        self._update_status()
