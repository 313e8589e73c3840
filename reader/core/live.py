"""What the reading screen shows while an archive loads and changes, as values.

The screen's workers call these and post what they return: the first page of the newest
articles (before Textual even starts), snapshots of the whole archive, snapshots with a
few changes applied, and the changes a file watcher saw. Nothing here knows a widget.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.convert.render import render_article
from reader.core.files.archive import sort_key
from reader.core.files.scan import is_article_path, is_listed_folder
from reader.core.grouping import Group, Grouping, by_category, by_date_first_page, group_articles
from reader.core.index.entries import Changes
from reader.core.index.store import ArchiveIndex
from reader.core.model import Article, Document, Problem
from reader.core.search.fold import normalise
from reader.core.search.titles import TitleList

#: How many of the newest articles the first screen is built from.
FIRST_PAGE = 300
#: An article larger than this is not converted before the app starts (the screen would
#: stay blank meanwhile); it opens as any other, with the app already drawn.
FIRST_ARTICLE_MAX_BYTES = 256 * 1024
#: Up to this many changed files (or a twentieth of the archive) are applied to the
#: articles on screen one by one, not by reading the whole index again.
INCREMENTAL_CHANGES = 2000


@dataclass(frozen=True, eq=False)  # compared by identity: which snapshot, not what in it
class Snapshot:
    """The archive as the screen shows it at one moment, built off the UI thread.

    `complete` is False for the first page (the newest articles and the month counts);
    `finished` says the index was up to date with the disk when it was read. `categories`
    and `titles` serve the command palette, built here once rather than per keystroke.
    """

    articles: dict[str, Article]
    ordered: list[Article]
    groups: list[Group]
    grouping: Grouping
    problems: list[Problem] = field(default_factory=list)
    finished: bool = False
    complete: bool = True
    categories: list[Group] = field(default_factory=list)
    titles: TitleList = field(default_factory=lambda: TitleList([]))

    def with_groups(self, groups: list[Group], grouping: Grouping) -> Snapshot:
        """The same articles, grouped another way."""
        categories = groups if grouping is Grouping.CATEGORY else self.categories
        return Snapshot(self.articles, self.ordered, groups, grouping, self.problems,
                        self.finished, self.complete, categories, self.titles)


EMPTY = Snapshot({}, [], [], Grouping.DATE)


def _snapshot(articles: dict[str, Article], ordered: list[Article], grouping: Grouping,
              problems: list[Problem], finished: bool) -> Snapshot:
    groups = group_articles(ordered, grouping)
    categories = groups if grouping is Grouping.CATEGORY else by_category(ordered)
    titles = TitleList([normalise(article.title) for article in ordered])
    return Snapshot(articles, ordered, groups, grouping, problems, finished, True, categories,
                    titles)


def first_page(index: ArchiveIndex, remembered: str | None = None) -> Snapshot:
    """The newest articles and the month counts: enough for the first screen.

    Loading every row of a large index takes a second or two; the first frame should not
    wait for it. The article read last time (`remembered`) is included wherever it is.
    """
    newest = index.newest(FIRST_PAGE)
    articles = {article.id: article for article in newest}
    if remembered and remembered not in articles:
        found = index.article(remembered)
        if found is not None:
            articles[found.id] = found
    groups = by_date_first_page(newest, index.month_counts())
    return Snapshot(articles, newest, groups, Grouping.DATE, complete=False,
                    titles=TitleList([normalise(article.title) for article in newest]))


def whole(index: ArchiveIndex, grouping: Grouping, finished: bool) -> Snapshot:
    """Every article of the index, grouped as asked."""
    ordered = index.articles()
    articles = {article.id: article for article in ordered}
    return _snapshot(articles, ordered, grouping, index.problems(), finished)


def with_changes(index: ArchiveIndex, before: Snapshot, changes: Changes,
                 grouping: Grouping) -> Snapshot:
    """`before` with a few changed files applied: only those rows are read from the index,
    the rest is re-sorted in memory."""
    articles = dict(before.articles)
    for article_id in changes.removed:
        articles.pop(article_id, None)
    for article_id in [*changes.added, *changes.changed]:
        article = index.article(article_id)
        if article is None:
            articles.pop(article_id, None)  # it became a problem
        else:
            articles[article_id] = article
    ordered = sorted(articles.values(), key=sort_key)
    return _snapshot(articles, ordered, grouping, index.problems(), True)


def worth_applying(changes: Changes, shown: int) -> bool:
    """Are `changes` few enough to apply one by one to `shown` articles (else read all)?"""
    touched = len(changes.added) + len(changes.changed) + len(changes.removed)
    return touched <= max(INCREMENTAL_CHANGES, shown // 20)


@dataclass(frozen=True)
class FirstScreen:
    """What the first frame shows, read from a warm index before the app starts."""

    snapshot: Snapshot
    article: Article
    document: Document | None  # None for a long article: converted in a worker as usual
    block: int


def read_first_screen(root: Path, index: ArchiveIndex, remembered: str | None,
                      positions: dict[str, int]) -> FirstScreen | None:
    """The first page and the article to open, from the index, converted.

    Read before Textual starts: read in the load worker, the same work ran beside Textual's
    own start-up and both took twice as long (one interpreter lock). None when there is no
    index yet (the load worker builds it) or it cannot be read.
    """
    if not index.path.exists():
        return None
    try:
        if not index.has_articles():
            return None
        snapshot = first_page(index, remembered)
        chosen = snapshot.articles.get(remembered or "", snapshot.ordered[0])
        block = positions.get(chosen.id, 0) if chosen.id == remembered else 0
        small = chosen.size <= FIRST_ARTICLE_MAX_BYTES
        document = render_article(root, chosen) if small else None
    except Exception:  # only a head start: the load worker finds out what is wrong
        return None
    return FirstScreen(snapshot, chosen, document, block)


@dataclass(frozen=True)
class PathChanges:
    """What a file watcher saw in one batch: article files to read again, and folders
    (moved in, moved out, deleted) to look through again. `lost`: the watcher had to start
    again, and changes meanwhile may be unseen: look through the whole archive."""

    ids: frozenset[str]
    folders: frozenset[str]
    lost: bool = False

    @property
    def any(self) -> bool:
        return bool(self.ids or self.folders or self.lost)


def classify(root: Path, paths: list[str]) -> PathChanges:
    """Sort a watcher's changed paths into article ids and folders, by the scan's own rule
    (`is_article_path`). A folder is a folder by what it is on disk, whatever its name
    (`batch.2024`); a path that is gone and was no article may have been a folder."""
    ids: set[str] = set()
    folders: set[str] = set()
    for path in paths:
        try:
            rel = Path(path).relative_to(root).as_posix()
        except ValueError:
            continue
        parts = rel.split("/")
        if not all(is_listed_folder(part) for part in parts[:-1]) or parts[-1].startswith("."):
            continue
        if os.path.isdir(path):
            if is_listed_folder(parts[-1]):
                folders.add(rel)
        elif is_article_path(rel):
            ids.add(rel)
        elif not os.path.lexists(path) and is_listed_folder(parts[-1]):
            folders.add(rel)  # gone: it may have been a folder of articles
    return PathChanges(frozenset(ids), frozenset(folders))


#: A watcher that keeps failing starts again after this long at most; each failure is
#: followed by a look through the whole archive (a poll, in effect, while it fails).
WATCH_RETRY_SECONDS = 5.0
#: Folders the notifier can't watch (their names are not UTF-8) are looked through this often.
UNWATCHED_POLL_SECONDS = 2.0


@dataclass(frozen=True)
class WatchPlan:
    """How to watch an archive holding folders whose names are not UTF-8, which the
    notifier can't watch (any such folder stops it at once): every other folder, each on
    its own; those folders (ids) are looked through now and then instead."""

    folders: list[str]
    unwatched: frozenset[str]


def watch_plan(root: Path) -> WatchPlan | None:
    """The plan for `root`, or None when every folder's name is UTF-8 (the whole archive is
    watched at once, recursively). A walk of the folders: a fraction of a second."""
    folders: list[str] = []
    unwatched: set[str] = set()
    top = os.fsencode(root)
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        folders.append(os.fsdecode(folder))
        with entries:
            for entry in entries:
                try:
                    if not entry.is_dir(follow_symlinks=False):
                        continue
                except OSError:
                    continue
                try:
                    entry.name.decode("utf-8")
                except UnicodeDecodeError:
                    unwatched.add(os.fsdecode(os.path.relpath(entry.path, top)))
                    continue
                stack.append(entry.path)
    return WatchPlan(folders, frozenset(unwatched)) if unwatched else None


def watch_archive(root: Path, stop: threading.Event) -> Iterator[PathChanges]:
    """The archive's changes as they happen (watchfiles), batched and classified.

    Yields an empty `PathChanges` at least twice a second, so that a caller can check
    whether it should stop, and ends when `stop` is set. The notifier stops at any name
    that is not UTF-8 ("Unable to decode path") and at a full table of watches: then it
    starts again and says `lost` (look through everything), and folders it can't name are
    left to a `WatchPlan` (watched around, looked through every few seconds).
    """
    import watchfiles

    plan: WatchPlan | None = None
    lost = False  # a failure not yet told
    wait = 0.0
    polled = time.monotonic()
    while not stop.is_set():
        started = time.monotonic()
        paths = plan.folders if plan is not None else [str(root)]
        try:
            for batch in watchfiles.watch(*paths, stop_event=stop, debounce=300, step=100,
                                          raise_interrupt=False, rust_timeout=500,
                                          yield_on_timeout=True, recursive=plan is None):
                seen = classify(root, [path for _, path in batch])
                folders = seen.folders
                if plan is not None and time.monotonic() - polled >= UNWATCHED_POLL_SECONDS:
                    folders |= plan.unwatched
                    polled = time.monotonic()
                yield PathChanges(seen.ids, folders, lost)
                lost = False
                if plan is not None and seen.folders:
                    break  # folders came or went: watched one by one, they need a new plan
            else:
                return
        except (RuntimeError, OSError, ValueError):
            if lost:
                # Failing again before a single batch: look through everything now (and
                # again at each failure) rather than never.
                yield PathChanges(frozenset(), frozenset(), True)
            lost = True
            # Again at once the first time; waiting longer while it keeps failing.
            wait = 0.0 if time.monotonic() - started > 60 else min(
                max(2 * wait, 0.5), WATCH_RETRY_SECONDS)
            stop.wait(wait)
        plan = watch_plan(root)


def apply_path_changes(index: ArchiveIndex, seen: PathChanges) -> Changes:
    """Bring the index up to date with what a watcher saw: the files and folders named, or
    everything when the watcher lost track."""
    if seen.lost:
        return index.refresh()
    return index.refresh_paths(seen.ids, seen.folders)


def differences(index: ArchiveIndex, snapshot: Snapshot) -> Changes:
    """What the index holds that `snapshot` does not show: articles added, changed (in
    size or time) and removed by another writer (a second reader, `reader index`), or by a
    rebuild. A pass over small rows: 100,000 in a fraction of a second."""
    changes = Changes()
    held = index.stamps()
    shown = snapshot.articles
    for article_id, stamp in held.items():
        article = shown.get(article_id)
        if article is None:
            changes.added.append(article_id)
        elif (article.size, article.mtime) != stamp:
            changes.changed.append(article_id)
    changes.removed = [article_id for article_id in shown if article_id not in held]
    return changes


def caught_up(index: ArchiveIndex, snapshot: Snapshot, grouping: Grouping
              ) -> tuple[Snapshot, Changes] | None:
    """`snapshot` brought up to what the index holds, with what changed; None when it shows
    the index already (its articles and its problems)."""
    changes = differences(index, snapshot)
    if not changes.any:
        if index.problems() == snapshot.problems:
            return None
        return with_changes(index, snapshot, changes, grouping), changes
    if worth_applying(changes, len(snapshot.articles)):
        return with_changes(index, snapshot, changes, grouping), changes
    return whole(index, grouping, finished=True), changes


#: Between the parts of the status line; it leaves out parts from the end to fit.
STATUS_SEPARATOR = "  ·  "


def status_text(snapshot: Snapshot, progress: str, loading: bool, grouping: Grouping,
                root: Path, notes: tuple[str, ...] = ()) -> str:
    """The status line: how many articles, what is going on, `notes` (the view, new,
    unread: most needed first), problems, the grouping, the archive's name. A narrow
    screen leaves out parts from the end."""
    count = len(snapshot.articles)
    problems = len(snapshot.problems)
    parts = [f"{count:,} article{'s' if count != 1 else ''}"]
    if progress:
        parts = [progress, f"{count:,} ready"]
    elif loading:
        parts = [f"Loading… {count:,} articles"]
    parts.extend(note for note in notes if note)
    if problems:
        parts.append(f"{problems:,} problem{'s' if problems != 1 else ''} (press !)")
    parts.append(f"by {grouping.value}")
    parts.append(_archive_name(root))
    return STATUS_SEPARATOR.join(parts)


@functools.lru_cache(maxsize=8)
def _archive_name(root: Path) -> str:
    """The archive's folder name (resolved once: the status is redrawn often)."""
    return root.resolve().name or str(root)


def since_last_time(changes: Changes) -> str:
    """`Since last time: 3 new, 1 changed`, or "" when nothing changed."""
    parts = [
        f"{len(found):,} {what}"
        for found, what in ((changes.added, "new"), (changes.changed, "changed"),
                            (changes.removed, "removed"))
        if found
    ]
    return "Since last time: " + ", ".join(parts) if parts else ""
