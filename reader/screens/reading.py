"""The reading screen: the sidebar beside the article, a status line, the keys in the footer.

It holds keys and handlers. What it shows comes from the core: the loader widget posts
snapshots of the archive (`reader.core.live`), the article view converts and lays out the
article, the sidebar groups; the screen passes attributes down and handles messages up.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ProgressBar

from reader.core import live
from reader.core.grouping import Grouping
from reader.core.model import Article, Problem
from reader.screens.article_keys import ArticleKeys
from reader.screens.marking import MARK_BINDINGS, Marking
from reader.screens.palette import ArchiveCommands
from reader.settings import Settings
from reader.state.session import ReadingState
from reader.widgets.article_view import ArticleView
from reader.widgets.key_bar import KeyBar
from reader.widgets.loader import ArchiveLoader
from reader.widgets.reading_pane import ReadingPane
from reader.widgets.sidebar import Sidebar
from reader.widgets.status_line import StatusLine

#: The place in an article is written this long after the last change (by a thread).
SAVE_AFTER_SECONDS = 1.0
#: How often the screen asks whether another process changed the marks.
MARKS_CHECK_SECONDS = 2.0


class ReadingScreen(Marking, ArticleKeys, Screen[None]):
    """Shows an archive as it loads; reads the article chosen."""

    COMMANDS = Screen.COMMANDS | {ArchiveCommands}

    # In the footer's order: what a reader does most first, then `?` for every key, so
    # that an 80-column footer still shows the way to the rest. The ids (`main.…`) are a
    # public interface: a user's keymap names them.
    BINDINGS = [
        Binding("slash", "search", "Search", id="main.search"),
        Binding("f", "find", "Find", id="main.find"),
        Binding("i", "images", "Images", id="main.images"),
        Binding("u", "links", "Links", id="main.links"),
        *(Binding(str(n), f"open_image({n})", f"Open image {n}", show=False,
                  id=f"main.image_{n}") for n in range(1, 10)),
        Binding("o", "contents", "Contents", id="main.contents"),
        Binding("question_mark", "app.help", "Keys", id="main.help"),
        Binding("d", "group('date')", "By date", id="main.group_date"),
        Binding("c", "group('category')", "By category", id="main.group_category"),
        Binding("t", "group('tag')", "By tag", id="main.group_tag"),
        Binding("s", "toggle_sidebar", "Sidebar", id="main.toggle_sidebar"),
        Binding("right_square_bracket", "sidebar_width(4)", "Wider sidebar", show=False,
                id="main.sidebar_wider"),
        Binding("left_square_bracket", "sidebar_width(-4)", "Narrower sidebar", show=False,
                id="main.sidebar_narrower"),
        Binding("exclamation_mark", "problems", "Problems", show=False, id="main.problems"),
        *MARK_BINDINGS,
        Binding("v", "edit", "Edit the file", show=False, id="main.edit"),
        Binding("vertical_line", "pipe", "Pipe to a command", show=False, id="main.pipe"),
        Binding("y", "copy_address", "Copy its address", show=False, id="main.copy_address"),
        Binding("Y", "copy_markdown", "Copy as Markdown", show=False, id="main.copy_markdown"),
        # Tab goes between the list and the article only (not into the find box).
        Binding("tab,shift+tab", "switch_pane", "Next pane", show=False, id="main.switch_pane"),
    ]

    grouping: reactive[Grouping] = reactive(Grouping.DATE, init=False)
    sidebar_width: reactive[int] = reactive(40, init=False)

    def __init__(self, root: Path, settings: Settings, state: ReadingState,
                 first: live.FirstScreen | None = None) -> None:
        super().__init__()
        self.root = root
        self.settings = settings
        self.state = state
        self._first = first
        self.snapshot = first.snapshot if first is not None else live.EMPTY
        self._article_keys_init()
        self.in_progress = True  # until the index is up to date with the disk
        self.shown: str | None = None  # the article in the main pane
        self.top_block = 0  # the block at the top of the main pane
        self.progress_text = ""
        self.search_text = ""  # the last archive search, offered again by /
        self._save_timer: Timer | None = None
        self._auto_opened = False  # the article shown was chosen by the reader, not the user
        self._remembered_at_start: str | None = None  # the state's article when it opened
        self._benchmark_timer: Timer | None = None
        self._marks_init()
        self.set_reactive(ReadingScreen.sidebar_width, settings.sidebar_width)

    # -- what is shown ---------------------------------------------------------------------
    @property
    def articles(self) -> dict[str, Article]:
        """The articles on screen, by id."""
        return self.snapshot.articles

    @property
    def ordered(self) -> list[Article]:
        """The articles on screen, newest first."""
        return self.snapshot.ordered

    @property
    def problems(self) -> list[Problem]:
        """The files that could not be loaded, and why."""
        return self.snapshot.problems

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            yield ReadingPane(measure=self.settings.measure, id="reading")
        yield ProgressBar(id="progress", show_eta=True)
        yield StatusLine("Opening…", id="status")
        yield KeyBar(id="keys")
        first = self._first.snapshot if self._first is not None else None
        yield ArchiveLoader(self.root, first, self.state.current, id="loader")

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        sidebar = self.query_one(Sidebar)
        sidebar.styles.width = self.sidebar_width
        sidebar.read, sidebar.starred = self.state.read, self.state.starred  # shared sets
        sidebar.focus()
        self.set_interval(MARKS_CHECK_SECONDS, self._every_few_seconds)
        self._problem_told: str | None = None
        self._tell_state_problem()
        problems = getattr(self.app, "config_problems", [])
        if problems:
            more = (f" (and {len(problems) - 1} more: `reader config check` lists them)"
                    if len(problems) > 1 else "")
            self.notify(problems[0] + more, markup=False, severity="warning", timeout=12)
        view = self.query_one(ArticleView)
        view.show_message("Loading the archive…")
        first = self._first
        if first is not None:
            # Read before the app started: on screen in the first frame.
            self.state.current = first.article.id
            pane = self.query_one(ReadingPane)
            if first.document is None:
                pane.open(self.root, first.article, first.block)
            else:
                self.shown, self.top_block = first.article.id, first.block
                pane.show(self.root, first.article, first.document, first.block)
            self._show_snapshot(first.snapshot)
            sidebar.reveal(first.article.id)
            if first.document is not None:
                self._article_shown(first.article.id)

    def on_unmount(self) -> None:
        self.remember_place(save=False)
        self.state.remember()

    # -- the archive as it loads -------------------------------------------------------------
    @on(ArchiveLoader.Loaded)
    def _loaded(self, event: ArchiveLoader.Loaded) -> None:
        self.in_progress = not event.snapshot.finished
        self._show_snapshot(event.snapshot)

    def _show_snapshot(self, snapshot: live.Snapshot) -> None:
        self.snapshot = snapshot
        self.state.articles = snapshot.articles
        sidebar = self.query_one(Sidebar)
        sidebar.empty_text = "No articles in this archive." if snapshot.finished else "Loading…"
        sidebar.show_snapshot(snapshot, self.grouping)
        view = self.query_one(ArticleView)
        if self.shown is None and view.opening is None:
            self._open_first()
        self._update_status()

    @on(ArchiveLoader.Progressed)
    def _progressed(self, event: ArchiveLoader.Progressed) -> None:
        progress = event.progress
        bar = self.query_one("#progress", ProgressBar)
        bar.display = progress.done < progress.total
        bar.update(total=progress.total, progress=progress.done)
        left = progress.remaining
        self.progress_text = (
            f"Indexing {progress.done:,} / {progress.total:,} files · {progress.rate:,.0f}/s"
            + (f" · {left:,.0f} s left" if left is not None else "")
        )
        self._update_status()

    @on(ArchiveLoader.Indexed)
    def _indexed(self, event: ArchiveLoader.Indexed) -> None:
        self.progress_text = ""
        self.in_progress = False
        if self._auto_opened and self.ordered:
            self._auto_opened = False
            # The article open last time (not the one that loaded first, opened meanwhile).
            remembered = self._remembered_at_start
            remembered = remembered if remembered in self.articles else None
            wanted = remembered or self.ordered[0].id
            if wanted != self.shown:
                sidebar = self.query_one(Sidebar)
                row = sidebar.rows[sidebar.cursor] if sidebar.rows else None
                on_it = row is not None and row.article == self.shown
                self.open_article(wanted, reveal=on_it, chosen=False)
        self.query_one("#progress", ProgressBar).display = False
        self._update_status()
        self._arrive(self.articles)
        self._build_permalinks(self.snapshot, None)  # ready before the first link is followed
        if event.warm and event.changes.any:
            self.notify(live.since_last_time(event.changes), markup=False, timeout=4)

    @on(ArchiveLoader.Changed)
    def _changed(self, event: ArchiveLoader.Changed) -> None:
        if event.changes.added or event.changes.removed:
            self._arrive(self.articles)
        if self.shown in event.changes.removed:
            self.query_one(ReadingPane).note_deleted()
        article = self.articles.get(self.shown or "")
        if article is not None and self.shown in event.changes.changed:
            self.query_one(ReadingPane).open(self.root, article, self.top_block)

    @on(ArchiveLoader.Rebuilding)
    def _rebuilding(self, event: ArchiveLoader.Rebuilding) -> None:
        self.progress_text = "Rebuilding the index…"  # until the first progress: search knows
        self._update_status()
        self.notify(f"The index is being rebuilt in the background ({event.reason}); search "
                    "finds only what is rebuilt so far.", markup=False, severity="warning",
                    timeout=8)

    @on(ArchiveLoader.Notice)
    def _notice(self, event: ArchiveLoader.Notice) -> None:
        self.notify(event.message, markup=False, severity="warning", timeout=10)

    @on(ArchiveLoader.Failed)
    def _failed(self, event: ArchiveLoader.Failed) -> None:
        if event.severity == "error":
            self.progress_text = ""
            self.in_progress = False
            self.query_one(StatusLine).say(event.message)
        self.notify(event.message, markup=False, severity=event.severity,  # type: ignore[arg-type]
                    timeout=10)

    def _open_first(self) -> None:
        """Open the article read last time, or else the newest one."""
        if not self.ordered:
            if not self.in_progress:
                self.query_one(ArticleView).show_message(
                    "No articles here: the folder has no .md, .markdown, .mdown, .html or .htm "
                    "files with text." if not self.problems else
                    "No article could be loaded: press ! to see why."
                )
            return
        remembered = self._remembered_at_start = self.state.current
        if remembered in self.articles:
            self.open_article(remembered, self.state.positions.get(remembered, 0), chosen=False)
        else:
            self.open_article(self.ordered[0].id, chosen=False)
        # While a first index fills, what loaded first is not the newest: `_indexed` opens
        # the right one then, unless the reader has chosen one meanwhile.
        self._auto_opened = self.in_progress

    def _update_status(self) -> None:
        sidebar = self.query_one(Sidebar)
        unread = sidebar.tally.total_unread if sidebar.tally is not None else None
        notes = (f"{sidebar.only} only (press {sidebar.only[0].upper()} for all)"
                 if sidebar.only else "", self.new_text,
                 f"{unread:,} unread" if unread is not None else "")
        self.query_one(StatusLine).say(live.status_text(
            self.snapshot, self.progress_text, self.in_progress, self.grouping, self.root,
            notes))

    # -- reading ---------------------------------------------------------------------------
    def open_article(self, article_id: str, block: int = 0, reveal: bool = True,
                     chosen: bool = True) -> None:
        """Show an article (converted in a worker), remembering the place in the last one;
        with `reveal`, the sidebar's cursor goes to it. `chosen=False`: the reader opened
        it by itself (at start), and it is not read until the user does something."""
        article = self.articles.get(article_id)
        if article is None:
            return
        self._auto_opened = False
        self._unchosen = None if chosen else article_id
        self.remember_place()
        self.state.current = article_id
        if reveal:
            self.query_one(Sidebar).reveal(article_id)
        else:
            self.query_one(Sidebar).current = article_id
        self.query_one(ReadingPane).open(self.root, article, block)

    @on(ArticleView.Rendered)
    def _rendered(self, event: ArticleView.Rendered) -> None:
        self.shown, self.top_block = event.article.id, event.block
        self._article_shown(event.article.id)

    def on_key(self, event: events.Key) -> None:
        # After the key has done its work: where the focus went says what is being read.
        self.call_after_refresh(self._marks_user_acted)

    def _article_shown(self, article_id: str) -> None:
        self.query_one(ArchiveLoader).first_article_shown()
        self._marks_article_shown(article_id)
        ready_file = os.environ.get("READER_BENCHMARK_READY_FILE")
        if ready_file and self._benchmark_timer is None:
            # benchmarks/bench_index.py times the start until this first article is drawn.
            # (A timer, not call_after_refresh: re-queued at once, that starved the resize
            # the layout waits for.)
            self._benchmark_timer = self.set_interval(
                0.005, lambda: self._ready_for_benchmark(ready_file))

    def _ready_for_benchmark(self, ready_file: str) -> None:
        if not self.query_one(ArticleView).lines or self._benchmark_timer is None:
            return  # not laid out (and drawn) yet
        self._benchmark_timer.stop()
        self.call_after_refresh(self._benchmark_done, ready_file)

    def _benchmark_done(self, ready_file: str) -> None:
        if not Path(ready_file).exists():
            Path(ready_file).write_text(f"{len(self.articles)}\n", encoding="utf-8")
            self.app.exit()

    def remember_place(self, save: bool = True) -> None:
        """Note which article is open and where; written a second later (keys pressed in
        a row make one write), by the state's writer thread."""
        if self.shown is not None:
            self.state.place(self.shown, self.top_block)
        if save:
            if self._save_timer is not None:
                self._save_timer.stop()
            self._save_timer = self.set_timer(SAVE_AFTER_SECONDS, self.state.remember)

    @on(ArticleView.Scrolled)
    def _scrolled(self, event: ArticleView.Scrolled) -> None:
        self.top_block = event.block

    @on(Sidebar.ArticleChosen)
    def _chosen(self, event: Sidebar.ArticleChosen) -> None:
        self.open_article(event.article_id, self.state.positions.get(event.article_id, 0))
        self.query_one(ArticleView).focus()

    def _every_few_seconds(self) -> None:
        self._tell_state_problem()
        self._check_marks()

    def _tell_state_problem(self) -> None:
        """What keeps the reading state from being kept as it should, said once."""
        problem = self.state.problem
        if problem and problem != self._problem_told:
            self._problem_told = problem
            self.notify(problem, markup=False, severity="warning", timeout=10)

    @on(Sidebar.CountsChanged)
    def _counts_changed(self) -> None:
        self._update_status()

    @on(ArticleView.Back)
    def _back(self) -> None:
        self.query_one(ReadingPane).close_find()
        sidebar = self.query_one(Sidebar)
        sidebar.display = True
        sidebar.focus()

    def action_switch_pane(self) -> None:
        """Between the list and the article: leaving the article closes the find bar."""
        sidebar, view = self.query_one(Sidebar), self.query_one(ArticleView)
        if sidebar.has_focus or not sidebar.display:
            view.focus()
        else:
            self.query_one(ReadingPane).close_find()
            sidebar.focus()

    def say(self, text: str) -> None:
        """What a key just did, on the status line for a few seconds (never a toast each)."""
        self.query_one(StatusLine).flash(text)

    @on(ReadingPane.Said)
    def _pane_said(self, event: ReadingPane.Said) -> None:
        self.say(event.text)

    @on(ArchiveCommands.OpenArticle)
    def _palette_article(self, event: ArchiveCommands.OpenArticle) -> None:
        self.open_article(event.article_id)

    @on(ArchiveCommands.ShowCategory)
    def _palette_category(self, event: ArchiveCommands.ShowCategory) -> None:
        self.reveal_group(Grouping.CATEGORY, event.key)

    # -- search and find -----------------------------------------------------------------
    def action_search(self) -> None:
        from reader.screens.search import Chosen, SearchScreen

        version = self.state.version

        def chosen(result: Chosen | None) -> None:
            if self.state.version != version:  # results were marked read there
                self.query_one(Sidebar).marks_reloaded()
                self._update_status()
            if result is None:
                return  # back where we were: the sidebar and the article as they were
            self.search_text = result.text
            self.query_one(ReadingPane).find(result.words)
            self.open_article(result.article_id)
            self.query_one(ArticleView).focus()

        self.app.push_screen(
            SearchScreen(self.root, self.search_text, indexing=lambda: self.progress_text,
                         state=self.state, damaged=self.query_one(ArchiveLoader).damaged),
            chosen)

    def action_find(self) -> None:
        self.query_one(ReadingPane).open_find()

    # -- the sidebar -------------------------------------------------------------------------
    def action_group(self, name: str) -> None:
        self.grouping = Grouping(name)

    def watch_grouping(self, grouping: Grouping) -> None:
        self.query_one(ArchiveLoader).grouping = grouping
        self.query_one(Sidebar).show_snapshot(self.snapshot, grouping)
        self._update_status()

    def reveal_group(self, grouping: Grouping, key: str) -> None:
        """Show the sidebar grouped by `grouping` with the group `key` open and chosen."""
        self.set_reactive(ReadingScreen.grouping, grouping)
        self.query_one(ArchiveLoader).grouping = grouping
        self.query_one(Sidebar).show_snapshot(self.snapshot, grouping, select=key)
        self._update_status()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.query_one(ArticleView).focus()
        else:
            sidebar.focus()

    def action_sidebar_width(self, change: int) -> None:
        width = self.size.width or 80
        self.sidebar_width = max(16, min(self.sidebar_width + change, width - 20))

    def watch_sidebar_width(self, width: int) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.styles.width = width
        sidebar.display = True

    # -- lists over the screen -----------------------------------------------------------------
    def action_contents(self) -> None:
        view = self.query_one(ArticleView)
        if view.document is None:
            self.notify("No article is open.", markup=False, severity="warning")
            return

        def jump(block: int | None) -> None:
            if block is not None:
                view.scroll_to_block(block)
                view.focus()

        from reader.screens.contents import ContentsScreen

        self.app.push_screen(ContentsScreen(view.document.toc, view.top_block), jump)

    def action_problems(self) -> None:
        from reader.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.problems))
