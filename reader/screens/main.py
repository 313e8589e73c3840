"""The reading screen: the sidebar beside the article, a status line, the keys in the footer."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from reader.commands import ArchiveCommands
from reader.core.archive import ARTICLE_SUFFIXES, SKIPPED_FOLDERS, Archive, sort_key
from reader.core.grouping import Group, Grouping, by_date_first_page, group_articles
from reader.core.index import ArchiveIndex, Changes, Progress
from reader.core.model import Article, Document, Problem
from reader.core.opener import image_targets, link_targets
from reader.core.render import render_article
from reader.core.search import find_in_document
from reader.screens.contents import ContentsScreen
from reader.screens.help import HelpScreen
from reader.screens.picker import PickerScreen, open_or_copy
from reader.screens.problems import ProblemsScreen
from reader.screens.search import Chosen, SearchScreen
from reader.settings import ReadingState, Settings
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar
from reader.widgets.sidebar import Sidebar

#: How often the sidebar is refreshed while an archive loads.
LOAD_REFRESH_SECONDS = 0.4
#: How many of the newest articles the first screen is built from.
FIRST_PAGE = 300


@dataclass
class FirstScreen:
    """What the first screen shows, read from a warm index before the app starts."""

    articles: dict[str, Article]
    newest: list[Article]
    groups: list[Group]
    article: Article
    document: Document | None  # None for a long article: converted in a worker as usual
    block: int
    state: ReadingState  # read once, for this and then for the screen


#: An article larger than this is not converted before the app starts (the screen would
#: stay blank meanwhile); it opens as any other, with the app already drawn.
FIRST_ARTICLE_MAX_BYTES = 256 * 1024


def read_first_screen(root: Path) -> FirstScreen | None:
    """The newest articles, the month counts and the article to open, from the index.

    Read before Textual starts: read in the load worker, the same work ran beside Textual's
    own start-up and both took twice as long (one interpreter lock). None when there is no
    index yet (the load worker builds it) or it cannot be read.
    """
    index = ArchiveIndex(root)
    if not index.path.exists():
        return None
    state = ReadingState.load(root)
    try:
        if not index.has_articles():
            return None
        newest = index.newest(FIRST_PAGE)
        articles = {article.id: article for article in newest}
        remembered = state.current
        if remembered and remembered not in articles:
            found = index.article(remembered)
            if found is not None:
                articles[found.id] = found
        groups = by_date_first_page(newest, index.month_counts())
        chosen = articles.get(remembered or "", newest[0])
        block = state.positions.get(chosen.id, 0) if chosen.id == remembered else 0
        small = chosen.size <= FIRST_ARTICLE_MAX_BYTES
        document = render_article(root, chosen) if small else None
    except Exception:  # only a head start: the load worker finds out what is wrong
        return None
    finally:
        index.close()
    return FirstScreen(articles, newest, groups, chosen, document, block, state)


#: Up to this many changed files (or a twentieth of the archive) found at opening are
#: applied to the articles on screen one by one, not by reading the whole index again.
INCREMENTAL_CHANGES = 2000


class MainScreen(Screen[None]):
    """Loads the archive in a worker and shows it as it arrives."""

    COMMANDS = Screen.COMMANDS | {ArchiveCommands}

    # In the footer's order: what a reader does most first, then `?` for every key, so
    # that an 80-column footer still shows the way to the rest.
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
    ]

    grouping: reactive[Grouping] = reactive(Grouping.DATE, init=False)
    sidebar_width: reactive[int] = reactive(40, init=False)

    def __init__(self, root: Path, settings: Settings, first: FirstScreen | None = None) -> None:
        super().__init__()
        self.root = root
        self._first = first
        self.settings = settings
        self.archive = Archive(root)
        self.articles: dict[str, Article] = {}
        self.ordered: list[Article] = []
        self.in_progress = True
        self.state = first.state if first is not None else ReadingState.load(root)
        self.document: Document | None = None
        self.shown: str | None = None  # the article in the main pane
        self.top_block = 0  # the block at the top of the main pane
        self.set_reactive(MainScreen.sidebar_width, settings.sidebar_width)
        self.progress_text = ""
        self._stop_watching = threading.Event()
        self._first_article_shown = threading.Event()
        self.search_text = ""  # the last archive search, offered again by /
        self._generation = 0  # counts snapshots, so that stale groupings are dropped
        self._pending_reveal: str | None = None  # a group to choose once regrouped
        self._opening = False  # an article is being converted for the main pane
        self.find_words: list[str] = []  # what find (or the search that opened it) looks for
        self._jump_to_match = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            with Vertical(id="reading"):
                yield ArticleView(measure=self.settings.measure, id="article")
                yield FindBar(id="find")
        yield ProgressBar(id="progress", show_eta=True)
        yield Static(Text("Opening…"), id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FindBar).display = False
        self.query_one("#progress", ProgressBar).display = False
        self.query_one(Sidebar).styles.width = self.sidebar_width
        self.query_one(ArticleView).show_message("Loading the archive…")
        self.query_one(Sidebar).focus()
        first = self._first
        if first is not None and self.grouping is Grouping.DATE:
            # Read before the app started: on screen in the first frame.
            self._opening = True  # the snapshot must not open an article itself
            self._apply_snapshot(first.articles, first.newest, first.groups, [],
                                 len(first.newest), False, Grouping.DATE)
            if first.document is None:
                self._opening = False
                self.open_article(first.article.id, first.block)
            else:
                self.state.current = first.article.id
                self.query_one(Sidebar).reveal(first.article.id)
                self._show(first.article, first.document, first.block)
        else:
            self._first = None
        self.load()

    def on_unmount(self) -> None:
        self._stop_watching.set()
        self.remember_place()

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        """Show what the index holds, bring it up to date, then follow the archive."""
        worker = get_current_worker()
        for attempt in range(2):
            index = ArchiveIndex(self.root)
            try:
                self._load_with(index, worker)
                break
            except sqlite3.OperationalError:
                raise  # locked or busy: not damage; the worker's error is shown
            except sqlite3.DatabaseError:
                # Damaged while in use: the index is only a cache, so start it again.
                index.rebuild()
                if attempt:
                    raise
            finally:
                index.close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self.follow_archive)

    def _load_with(self, index: ArchiveIndex, worker) -> None:
        warm = index.has_articles()
        if warm:
            if self.grouping is Grouping.DATE and self._first is None:
                self._publish_first_page(index)
            self._publish(index, finished=False)
        last = time.monotonic()
        interval = LOAD_REFRESH_SECONDS

        def on_progress(progress: Progress) -> None:
            self.app.call_from_thread(self._show_progress, progress)

        def on_batch(entries: list) -> None:
            nonlocal last, interval
            now = time.monotonic()
            if now - last >= interval:
                self._publish(index, finished=False)
                # Publishing costs more as the archive grows: keep it a small share of time.
                last = time.monotonic()
                interval = max(LOAD_REFRESH_SECONDS, 4 * (last - now))

        changes = index.refresh(on_progress, lambda: worker.is_cancelled, on_batch)
        if not worker.is_cancelled:
            touched = len(changes.added) + len(changes.changed) + len(changes.removed)
            if warm and touched <= max(INCREMENTAL_CHANGES, len(self.articles) // 20):
                # Every row is on screen already: apply what changed, not 100,000 rows
                # read again (2 s at that size, after every opening).
                self._publish_changes(index, changes)
            else:
                self._publish(index, finished=True)
            self.app.call_from_thread(self._indexed, changes, warm)

    def _publish_first_page(self, index: ArchiveIndex) -> None:
        """The newest articles and the month counts: enough for the first screen.

        Loading every row of a large index takes a second or two; the first frame should
        not wait for it. The rest follows once the first article is on screen.
        """
        newest = index.newest(FIRST_PAGE)
        articles = {article.id: article for article in newest}
        remembered = self.state.current
        if remembered and remembered not in articles:
            found = index.article(remembered)
            if found is not None:
                articles[found.id] = found
        groups = by_date_first_page(newest, index.month_counts())
        self.app.call_from_thread(self._apply_snapshot, articles, newest, groups, [],
                                  len(newest), False, Grouping.DATE)
        self._first_article_shown.wait(timeout=3.0)

    def _publish(self, index: ArchiveIndex, finished: bool) -> None:
        """Send the index's articles to the screen (from a worker thread)."""
        ordered = index.articles()
        articles = {article.id: article for article in ordered}
        grouping = self.grouping
        groups = group_articles(ordered, grouping)
        problems = index.problems()
        self.app.call_from_thread(self._apply_snapshot, articles, ordered, groups, problems,
                                  len(ordered), finished, grouping)

    def _publish_changes(self, index: ArchiveIndex, changes: Changes) -> None:
        """Apply a few changed files to the articles on screen (from the watcher thread):
        only those rows are read from the index, the rest is re-sorted in memory."""
        articles = dict(self.articles)
        for article_id in changes.removed:
            articles.pop(article_id, None)
        for article_id in [*changes.added, *changes.changed]:
            article = index.article(article_id)
            if article is None:
                articles.pop(article_id, None)  # it became a problem
            else:
                articles[article_id] = article
        ordered = sorted(articles.values(), key=sort_key)
        grouping = self.grouping
        groups = group_articles(ordered, grouping)
        self.app.call_from_thread(self._apply_snapshot, articles, ordered, groups,
                                  index.problems(), len(ordered), True, grouping)

    def _show_progress(self, progress: Progress) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = progress.done < progress.total
        bar.update(total=progress.total, progress=progress.done)
        left = progress.remaining
        self.progress_text = (
            f"Indexing {progress.done:,} / {progress.total:,} files · {progress.rate:,.0f}/s"
            + (f" · {left:,.0f} s left" if left is not None else "")
        )
        self._update_status()

    def _indexed(self, changes: Changes, warm: bool) -> None:
        self.progress_text = ""
        self.query_one("#progress", ProgressBar).display = False
        self._update_status()
        if warm and changes.any:
            parts = [
                f"{len(found):,} {what}"
                for found, what in ((changes.added, "new"), (changes.changed, "changed"),
                                    (changes.removed, "removed"))
                if found
            ]
            self.notify("Since last time: " + ", ".join(parts), markup=False, timeout=4)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so, instead of leaving the screen waiting."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        what = {"load": "Loading the archive", "watch": "Following the archive",
                "render": "Showing the article"}.get(event.worker.group, "A task")
        message = f"{what} failed: {type(error).__name__}: {error}"
        self.progress_text = ""
        self.in_progress = False
        self.query_one("#status", Static).update(Text(message))
        self.notify(message, markup=False, severity="error", timeout=10)

    # -- following the archive ----------------------------------------------------------
    def follow_archive(self) -> None:
        self._watch()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _watch(self) -> None:
        """Apply files added, changed and deleted while the reader runs (watchfiles)."""
        import watchfiles

        worker = get_current_worker()
        index = ArchiveIndex(self.root)
        try:
            # Wakes at least twice a second, so that a cancelled worker (the app quitting)
            # stops at once instead of holding the index until the next change.
            for batch in watchfiles.watch(self.root, stop_event=self._stop_watching,
                                          debounce=300, step=100, raise_interrupt=False,
                                          rust_timeout=500, yield_on_timeout=True,
                                          watch_filter=_ArticleFilter(self.root)):
                if worker.is_cancelled:
                    break
                if not batch:
                    continue
                ids = set()
                whole_folders = False
                for _change, path in batch:
                    rel = Path(path).relative_to(self.root).as_posix()
                    if Path(path).suffix.lower() in ARTICLE_SUFFIXES:
                        ids.add(rel)
                    else:
                        whole_folders = True  # a folder moved or went: look at everything
                changes = index.refresh(parallel=False) if whole_folders else (
                    index.refresh_paths(ids)
                )
                if changes.any:
                    self._publish_changes(index, changes)
                    if self.shown in changes.changed:
                        self.app.call_from_thread(self._reopen_shown)
        except sqlite3.OperationalError as error:
            self.app.call_from_thread(
                self.notify, f"Stopped following the archive's changes: {error}",
                markup=False, severity="warning")
        except sqlite3.DatabaseError:
            index.rebuild()
            self.app.call_from_thread(
                self.notify, "The index was damaged and is rebuilt when the archive is opened "
                "again; search finds nothing until then.", markup=False, severity="error")
        finally:
            index.close()

    def _reopen_shown(self) -> None:
        article = self.articles.get(self.shown or "")
        if article is not None:
            self._convert(article, self.top_block)

    def _apply_snapshot(self, articles: dict[str, Article], ordered: list[Article],
                        groups: list[Group], problems: list[Problem], done: int,
                        finished: bool, grouping: Grouping) -> None:
        self.articles, self.ordered = articles, ordered
        self.archive.articles, self.archive.problems = articles, problems
        self.in_progress = not finished
        self._generation += 1
        sidebar = self.query_one(Sidebar)
        sidebar.empty_text = "Loading…" if not finished else "No articles in this archive."
        if grouping is self.grouping:
            sidebar.show_groups(groups, articles, grouping)
        else:
            self._regroup(self.grouping)  # the user switched while these were being built
        if self.shown is None and not self._opening:
            self._open_first()
        self._update_status()

    def _open_first(self) -> None:
        """Open the article read last time, or else the newest one."""
        if not self.ordered:
            if not self.in_progress:
                self.query_one(ArticleView).show_message(
                    "No articles here: the folder has no .md, .markdown, .mdown, .html or .htm "
                    "files with text." if not self.archive.problems else
                    "No article could be loaded: press ! to see why."
                )
            return
        remembered = self.state.current
        if remembered in self.articles:
            self.open_article(remembered, self.state.positions.get(remembered, 0))
        else:
            self.open_article(self.ordered[0].id)

    def _update_status(self) -> None:
        count = len(self.articles)
        problems = len(self.archive.problems)
        parts = [f"{count:,} article{'s' if count != 1 else ''}"]
        if self.progress_text:
            parts = [self.progress_text, f"{count:,} ready"]
        elif self.in_progress:
            parts = [f"Loading… {count:,} articles"]
        if problems:
            parts.append(f"{problems:,} problem{'s' if problems != 1 else ''} (press !)")
        parts.append(f"by {self.grouping.value}")
        parts.append(self.root.resolve().name or str(self.root))
        self.query_one("#status", Static).update(Text("  ·  ".join(parts)))

    # -- reading ---------------------------------------------------------------------------
    def open_article(self, article_id: str, block: int = 0) -> None:
        """Show an article (rendered in a worker), remembering the place in the last one."""
        article = self.articles.get(article_id)
        if article is None:
            return
        self.remember_place()
        self.state.current = article_id
        self._opening = True
        self.query_one(Sidebar).reveal(article_id)
        self._convert(article, block)

    @work(thread=True, exclusive=True, group="render", exit_on_error=False)
    def _convert(self, article: Article, block: int) -> None:
        document = render_article(self.root, article)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, article, document, block)

    def _show(self, article: Article, document: Document, block: int) -> None:
        self._opening = False
        self._first_article_shown.set()
        self.document = document
        self.shown, self.top_block = article.id, block
        view = self.query_one(ArticleView)
        view.show(article.id, document, block)
        if self.find_words:
            view.set_matches(find_in_document(document, self.find_words),
                             jump=self._jump_to_match)
            self._jump_to_match = False
        ready_file = os.environ.get("READER_BENCHMARK_READY_FILE")
        if ready_file:
            # benchmarks/bench_index.py times the start until this first article is drawn.
            self.call_after_refresh(self._ready_for_benchmark, ready_file)

    def _ready_for_benchmark(self, ready_file: str) -> None:
        if not self.query_one(ArticleView).lines:  # not laid out (and drawn) yet
            self.call_after_refresh(self._ready_for_benchmark, ready_file)
            return
        Path(ready_file).write_text(f"{len(self.articles)}\n", encoding="utf-8")
        self.app.exit()

    def remember_place(self) -> None:
        """Save which article is open and where, for the next start."""
        if self.shown is not None:
            self.state.positions.pop(self.shown, None)
            self.state.positions[self.shown] = self.top_block
        self.state.save()

    @on(ArticleView.Scrolled)
    def _scrolled(self, event: ArticleView.Scrolled) -> None:
        self.top_block = event.block

    @on(Sidebar.ArticleChosen)
    def _chosen(self, event: Sidebar.ArticleChosen) -> None:
        self.open_article(event.article_id, self.state.positions.get(event.article_id, 0))
        self.query_one(ArticleView).focus()

    @on(ArticleView.Back)
    def _back(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = True
        sidebar.focus()

    # -- search and find -----------------------------------------------------------------
    def action_search(self) -> None:
        def chosen(result: Chosen | None) -> None:
            if result is None:
                return  # back where we were: the sidebar and the article as they were
            self.search_text = result.text
            self.find_words = result.words
            self._jump_to_match = True
            self.query_one(FindBar).display = False
            self.open_article(result.article_id)
            self.query_one(ArticleView).focus()

        self.app.push_screen(
            SearchScreen(self.root, self.search_text, indexing=lambda: self.progress_text),
            chosen)

    def action_find(self) -> None:
        self.query_one(FindBar).open(" ".join(self.find_words))

    @on(FindBar.Find)
    def _find(self, event: FindBar.Find) -> None:
        view = self.query_one(ArticleView)
        self.find_words = [word for word in event.text.split() if word]
        if view.document is not None:
            view.set_matches(find_in_document(view.document, self.find_words), jump=True)
        if event.submitted:
            view.focus()

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self.query_one(ArticleView).focus()

    @on(ArticleView.MatchMoved)
    def _match_moved(self, event: ArticleView.MatchMoved) -> None:
        self.query_one(FindBar).show_count(event.number, event.total, " ".join(self.find_words),
                                           event.wrapped)
        if self.find_words and not self.query_one(FindBar).display and event.total:
            where = f" (from the {event.wrapped})" if event.wrapped else ""
            self.notify(f"match {event.number}/{event.total}{where} · n next, N previous",
                        markup=False, timeout=2)

    # -- images and links ----------------------------------------------------------------
    def _current_article(self) -> tuple[Article, Document] | None:
        view = self.query_one(ArticleView)
        article = self.articles.get(view.article_id or "")
        if article is None or view.document is None:
            self.notify("No article is open.", markup=False, severity="warning")
            return None
        return article, view.document

    def action_images(self) -> None:
        current = self._current_article()
        if current is not None:
            targets = image_targets(current[1], current[0])
            self.app.push_screen(PickerScreen(f"Images of “{current[0].title}”", targets,
                                              images=True, opener=self.settings.opener))

    def action_links(self) -> None:
        current = self._current_article()
        if current is not None:
            self.app.push_screen(PickerScreen(f"Links of “{current[0].title}”",
                                              link_targets(current[1]), images=False,
                                              opener=self.settings.opener))

    def action_open_image(self, number: int) -> None:
        current = self._current_article()
        if current is None:
            return
        targets = image_targets(current[1], current[0])
        target = next((t for t in targets if t.number == number), None)
        if target is None:
            self.notify(f"This article has no image {number}.", markup=False, severity="warning")
        elif not target.openable:
            self.notify(f"Not opened: {target.refused}", markup=False, severity="error")
        else:
            outcome = open_or_copy(self.app, target.url, self.settings.opener)
            self.notify(outcome.message, markup=False,
                        severity="information" if outcome.ok else "error")

    # -- actions ---------------------------------------------------------------------------
    def action_group(self, name: str) -> None:
        self.grouping = Grouping(name)

    def watch_grouping(self, grouping: Grouping) -> None:
        self._regroup(grouping)
        self._update_status()

    @work(thread=True, exclusive=True, group="group", exit_on_error=False)
    def _regroup(self, grouping: Grouping) -> None:
        generation, ordered = self._generation, self.ordered
        groups = group_articles(ordered, grouping)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._apply_groups, groups, grouping, generation)

    def _apply_groups(self, groups: list[Group], grouping: Grouping, generation: int) -> None:
        if generation != self._generation or grouping is not self.grouping:
            return  # newer articles or another grouping arrived meanwhile
        sidebar = self.query_one(Sidebar)
        sidebar.show_groups(groups, self.articles, grouping)
        if self._pending_reveal is not None:
            self._select_group(self._pending_reveal)
            self._pending_reveal = None
        elif sidebar.current:
            sidebar.reveal(sidebar.current)

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

    def action_contents(self) -> None:
        view = self.query_one(ArticleView)
        if view.document is None:
            self.notify("No article is open.", markup=False, severity="warning")
            return

        def jump(block: int | None) -> None:
            if block is not None:
                view.scroll_to_block(block)
                view.focus()

        self.app.push_screen(ContentsScreen(view.document.toc, view.top_block), jump)

    def action_problems(self) -> None:
        self.app.push_screen(ProblemsScreen(self.archive.problems))

    def reveal_group(self, grouping: Grouping, key: str) -> None:
        """Show the sidebar grouped by `grouping` with the group `key` open and chosen."""
        if grouping is self.grouping:
            self._select_group(key)
        else:
            self._pending_reveal = key
            self.grouping = grouping

    def _select_group(self, key: str) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.open_group(key)
        for index, row in enumerate(sidebar.rows):
            if row.group is not None and row.group.key == key:
                sidebar.cursor = index
                break
        sidebar.focus()

    def help_sections(self) -> list[tuple[str, list]]:
        return [
            ("everywhere", list(self.app.BINDINGS)),
            ("reading screen", list(self.BINDINGS)),
            ("sidebar", list(Sidebar.BINDINGS)),
            ("article", list(ArticleView.BINDINGS)),
        ]

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.help_sections()))



class _ArticleFilter:
    """Changes worth a look: article files and folders, not hidden ones or node_modules."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, change: object, path: str) -> bool:
        try:
            parts = Path(path).relative_to(self.root).parts
        except ValueError:
            return False
        if any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts):
            return False
        suffix = Path(path).suffix.lower()
        return suffix in ARTICLE_SUFFIXES or not suffix
