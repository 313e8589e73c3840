"""`/`: search the whole archive as you type; `enter` opens a result at its first match."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reader.cache import open_index
from reader.core.convert.render import format_date
from reader.core.index.location import Fault, IndexUnavailable, fault_of
from reader.core.index.store import ArchiveIndex
from reader.core.search.fold import highlights
from reader.core.search.marks import NO_MARKS, Marks
from reader.core.search.query import Hit, Query, QueryError, parse_query
from reader.core.search.snippets import shown_snippet
from reader.state.session import ReadingState
from reader.widgets.key_bar import KeyBar

#: `ctrl+r` marks at most this many results read.
MARK_ALL_LIMIT = 200_000
#: Typing faster than this does not start a search for every key.
DEBOUNCE_SECONDS = 0.15
PAGE = 50
#: While the archive is still being indexed, the results are read again this often.
FOLLOW_SECONDS = 2.0


@dataclass(frozen=True)
class Chosen:
    """What the search screen returns: the article, and the words to find in it."""

    article_id: str
    words: list[str]
    text: str


class SearchScreen(ModalScreen[Chosen | None]):
    """A query box over a list of results, each with its title, date, category and snippet."""

    class Found(Message):
        """A page of results from the search worker."""

        def __init__(self, hits: list[Hit], snippets: list[str], words: list[str],
                     limit: int) -> None:
            self.hits = hits
            self.snippets = snippets
            self.words = words
            self.limit = limit
            super().__init__()

    class Counted(Message):
        """How many articles match the query `text` (`more`: more than `count`)."""

        def __init__(self, text: str, count: int, more: bool) -> None:
            self.text = text
            self.count = count
            self.more = more
            super().__init__()

    class Failed(Message):
        """The search could not run; `message` says why."""

        def __init__(self, message: str) -> None:
            self.message = message
            super().__init__()

    class Unavailable(Message):
        """The index can't answer now (damaged, deleted, being rebuilt); `damaged`: it must
        be rebuilt (the reading screen's loader does it)."""

        def __init__(self, reason: str, damaged: bool) -> None:
            self.reason = reason
            self.damaged = damaged
            super().__init__()

    BINDINGS = [
        Binding("escape", "dismiss", "Back", id="search.close"),
        Binding("down", "results(1)", "Next result", show=False, id="search.down"),
        Binding("up", "results(-1)", "Previous result", show=False, id="search.up"),
        # From the query box too (home and end stay the box's own, for editing).
        Binding("pagedown", "results_page(1)", "Page of results down", show=False,
                id="search.page-down"),
        Binding("pageup", "results_page(-1)", "Page of results up", show=False,
                id="search.page-up"),
        Binding("ctrl+r", "mark_read", "Mark all results read", id="search.mark_read"),
    ]

    class Marked(Message):
        """Every result of the query was marked read (by the marking worker)."""

        def __init__(self, ids: list[str], text: str) -> None:
            self.ids = ids
            self.text = text
            super().__init__()

    def __init__(self, root: Path, text: str = "",
                 indexing: Callable[[], str] | None = None,
                 state: ReadingState | None = None,
                 damaged: Callable[[str], None] | None = None) -> None:
        """`indexing` says how far a first indexing of the archive has got ("" when done);
        `state` answers `is:` filters and takes marks (none: every article is unread);
        `damaged` is told when a search finds the index damaged, to rebuild it."""
        super().__init__()
        self.root = root
        self.state = state
        self.initial = text
        self._indexing = indexing or (lambda: "")
        self._damaged = damaged or (lambda reason: None)
        self._unavailable = False  # the last search found no index to ask: ask again soon
        self._following = False  # results were last read while indexing went on
        self._refreshing = False
        self._scheduled = False
        self.hits: list[Hit] = []
        self.words: list[str] = []
        self._timer: Timer | None = None
        self._index: ArchiveIndex | None = None
        self._limit = PAGE  # grows a page at a time as the highlight nears the end
        self._loading_more = False
        self._snippets: dict[str, str] = {}  # per article, for the query shown
        self._total_for = ""  # the query `_total` counts matches of
        self._total: tuple[int, bool] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Input(self.initial, placeholder="Search: words, \"a phrase\", -word, cat: tag: "
                        "author: after:2022-05 before:2022-06-01", id="search-input")
            yield Static(Text(""), id="search-status")
            yield OptionList(id="search-results")
        yield KeyBar(lead=(("⏎", "Open"), ("↑↓", "Results")))

    def on_mount(self) -> None:
        # Never repairs: a damaged index is the loader's to rebuild, in the background.
        self._index = open_index(self.root, repair=False)
        self._prepare()
        self._following = bool(self._indexing())
        self.set_interval(FOLLOW_SECONDS, self._follow_indexing)
        self.query_one(Input).focus()
        if self.initial:
            self._schedule(self.initial)

    def on_unmount(self) -> None:
        if self._index is not None:
            self._index.interrupt()
            self.workers.cancel_group(self, "search")
            self.workers.cancel_group(self, "prepare")
            self._index.close()
            self._index = None

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.state is WorkerState.ERROR:
            self._failed(f"Search failed: {type(event.worker.error).__name__}")

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        self._schedule(event.value)

    def _schedule(self, text: str) -> None:
        self._limit = PAGE
        self._loading_more = False
        self._snippets = {}
        if self._timer is not None:
            self._timer.stop()
        if self._index is not None:
            self._index.interrupt()  # a long search gives way to the next key at once
        self._scheduled = True  # a search is about to start: following waits for it
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._start(text))

    def _start(self, text: str) -> None:
        self._scheduled = False
        status = self.query_one("#search-status", Static)
        try:
            query = parse_query(text)
        except QueryError as error:
            status.update(Text(str(error), style="bold red"))
            self._show([], [])
            return
        if query.empty:
            status.update(Text("Type to search every article: titles, text, categories, tags."))
            self._show([], [])
            return
        if not (self._loading_more or self._refreshing):
            status.update(Text("Searching…"))
        self._search(query, text, self._limit)

    @work(thread=True, group="prepare", exit_on_error=False,
          description="read titles for search")
    def _prepare(self) -> None:
        """Titles and the newest texts into memory while the user starts typing."""
        index = self._index
        if index is None:
            return
        try:
            index.prepare_search()
        except (sqlite3.Error, IndexUnavailable):
            pass  # interrupted by the first key, closed, unavailable: the search finds out


    @work(thread=True, exclusive=True, group="search", exit_on_error=False,
          description="search")
    def _search(self, query, text: str, limit: int) -> None:
        worker = get_current_worker()
        index = self._index
        if index is None:
            return
        try:
            if index.trouble() is not None:
                index.reopen()  # deleted, replaced by a rebuild, moved: the one there now
            hits = index.search(query, limit, self._marks())
        except IndexUnavailable as error:
            index.reopen()
            self.post_message(self.Unavailable(str(error), error.damaged))
            return
        except sqlite3.Error as error:
            fault = fault_of(error)
            if fault in (Fault.INTERRUPTED, Fault.CLOSED):
                return  # interrupted by the next key, or the screen closed
            if fault is Fault.MISUSE:  # the reader's own mistake: say it, rebuild nothing
                self.post_message(self.Failed(f"Search failed: {error}"))
                return
            index.reopen()
            self.post_message(self.Unavailable(str(error), fault is not Fault.BUSY))
            return
        snippets = []
        for hit in hits:
            if worker.is_cancelled:
                return
            known = self._snippets.get(hit.article.id)
            if known is None:
                known = shown_snippet(self.root, hit.article, query.words) or hit.snippet
            snippets.append(known)
        if worker.is_cancelled:
            return
        self.post_message(self.Found(hits, snippets, query.words, limit))
        if len(hits) >= limit and self._total_for != text:
            # A full page says "more below": how many more, counted after it is shown.
            try:
                count, more = index.count_matches(query, self._marks())
            except sqlite3.Error:
                return  # interrupted by the next key
            if not worker.is_cancelled:
                self.post_message(self.Counted(text, count, more))

    @on(Counted)
    def _counted(self, event: Counted) -> None:
        self._total_for, self._total = event.text, (event.count, event.more)
        if self.hits:
            self._say_status(len(self.hits), self._limit)

    @on(Failed)
    def _search_failed(self, event: Failed) -> None:
        self._failed(event.message)

    @on(Unavailable)
    def _search_unavailable(self, event: Unavailable) -> None:
        """Never an empty answer for a broken index: say so, have it rebuilt, ask again."""
        self._unavailable = True
        self._loading_more = self._refreshing = False
        if event.damaged:
            self._damaged(f"damaged index ({event.reason})")
            why = "the index is damaged and being rebuilt"
        elif "busy" in event.reason or "locked" in event.reason:
            why = "another reader is writing the index"
        else:
            why = f"{event.reason}; it is being rebuilt"
        self._failed(f"Search is unavailable for now: {why}. Trying again…")
        self._show([], [])

    @on(Found)
    def _found(self, event: Found) -> None:
        self._results(event.hits, event.snippets, event.words, event.limit)

    def _marks(self) -> Marks:
        return self.state.marks() if self.state is not None else NO_MARKS

    def action_mark_read(self) -> None:
        """Mark every result of the query read (not only those on screen)."""
        if self.state is None:
            return
        try:
            query = parse_query(self.query_one(Input).value)
        except QueryError:
            return
        if not query.empty:
            self._mark_all(query, self.query_one(Input).value.strip())

    @work(thread=True, exclusive=True, group="mark", exit_on_error=False,
          description="mark results read")
    def _mark_all(self, query: Query, text: str) -> None:
        index = self._index
        if index is None or self.state is None:
            return
        try:
            hits = index.search(query, MARK_ALL_LIMIT, self._marks())
        except (sqlite3.Error, IndexUnavailable) as error:
            self.post_message(self.Failed(f"Could not mark the results: {error}"))
            return
        self.post_message(self.Marked([hit.article.id for hit in hits], text))

    @on(Marked)
    def _marked(self, event: Marked) -> None:
        what = f"the results of “{event.text}”"
        changed = self.state.mark_all(event.ids, what) if self.state else []
        status = self.query_one("#search-status", Static)
        status.update(Text(f"Marked {len(changed):,} of {len(event.ids):,} results read · "
                           "z undoes, in the reading screen"))

    def _failed(self, message: str) -> None:
        self.query_one("#search-status", Static).update(Text(message, style="bold red"))

    def _results(self, hits: list[Hit], snippets: list[str], words: list[str],
                 limit: int) -> None:
        if limit != self._limit:
            return  # a page asked for before the query changed
        refreshed = self._refreshing
        self._loading_more = self._refreshing = self._unavailable = False
        self._snippets = {hit.article.id: text for hit, text in zip(hits, snippets, strict=True)}
        self._say_status(len(hits), limit)
        results = self.query_one(OptionList)
        keep = results.highlighted if limit > PAGE or refreshed else None
        self._show(hits, snippets, words)
        if keep is not None and hits:
            results.highlighted = min(keep, len(hits) - 1)

    def _say_status(self, count: int, limit: int) -> None:
        full = count >= limit
        text = self.query_one(Input).value
        indexing = bool(self._indexing())
        if not count:
            # Not "Nothing matched.": an answer from half an index is not the truth yet.
            what = "Nothing found yet" if indexing else "Nothing matched."
        elif not full:
            what = f"{count:,} result{'s' if count != 1 else ''}"
        elif self._total_for == text and self._total is not None:
            total, more = self._total
            what = f"{count:,} of {total:,}{'+' if more else ''} results (more below)"
        else:
            what = f"{count:,}+ results (more below; counting…)"
        status = Text(what + (" · enter opens · escape returns" if count else ""))
        if indexing:
            status.append(" · still indexing the archive: more may match", style="italic")
        self.query_one("#search-status", Static).update(status)

    def _follow_indexing(self) -> None:
        """While the archive is being indexed, read the results again every few seconds, and
        once more when it is done, so that they grow with the index."""
        indexing = bool(self._indexing()) or self._unavailable
        if not (indexing or self._following):
            return
        self._following = indexing
        text = self.query_one(Input).value
        if text.strip() and not self._scheduled and not self._loading_more:
            self._refreshing = True
            self._total_for = ""  # the index grew: count again
            self._start(text)

    @on(OptionList.OptionHighlighted, "#search-results")
    def _near_the_end(self, event: OptionList.OptionHighlighted) -> None:
        """The next page of results, read as the highlight nears the end of this one."""
        full = len(self.hits) >= self._limit
        if full and not self._loading_more and event.option_index >= len(self.hits) - 3:
            self._loading_more = True
            self._limit += PAGE
            self._start(self.query_one(Input).value)

    def _show(self, hits: list[Hit], snippets: list[str], words: list[str] | None = None) -> None:
        self.hits = hits
        self.words = words or []
        results = self.query_one(OptionList)
        results.clear_options()
        options: list[Option | None] = []
        for number, (hit, snippet) in enumerate(zip(hits, snippets, strict=True)):
            options += [Option(self._describe(hit, snippet), id=str(number)), None]
        results.add_options(options)
        if hits:
            results.highlighted = 0

    def _describe(self, hit: Hit, snippet: str) -> Text:
        article = hit.article
        title = Text(article.title, style="bold")
        for start, end in highlights(article.title, self.words):
            title.stylize("reverse", start, end)
        meta = Text(format_date(article)[:16], style="dim")
        if article.categories:
            meta.append("  " + article.category_paths[0], style="dim italic")
        body = Text(snippet)
        for start, end in highlights(snippet, self.words):
            body.stylize("bold reverse", start, end)
        return Text("\n").join([title, meta, body])

    def action_results(self, step: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted if results.highlighted is not None else -1
            results.highlighted = max(0, min(current + step, results.option_count - 1))

    def action_results_page(self, direction: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            if results.highlighted is None:
                results.highlighted = 0
            if direction > 0:
                results.action_page_down()
            else:
                results.action_page_up()

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and self.hits:
            self._choose(results.highlighted)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, number: int) -> None:
        hit = self.hits[number]
        self.dismiss(Chosen(hit.article.id, self.words, self.query_one(Input).value))
