"""Files read for the index: each becomes an `Entry` (an article's row and text, or a
problem), in other processes when there are many.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from reader.core.files.scan import ArticleFile

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Below this many files to read, parsing in other processes costs more than it saves.
PARALLEL_THRESHOLD = 400
BATCH = 256


class Entry(NamedTuple):
    """What the index keeps of one file: an article's row and text, or a problem.

    A plain tuple of plain values: 100,000 of them cross from the reading processes, and
    a dataclass holding an `Article` and a `Path` cost four times as much to pickle.
    """

    id: str
    size: int
    mtime: float
    problem: str = ""
    body: str = ""  # the searchable text of the body, normalised
    fields: str = ""  # title, categories, tags and author, normalised
    row: tuple = ()  # the `articles` row; empty for a problem


def index_file(file: ArticleFile) -> Entry:
    """Read and extract one file for the index; what goes wrong becomes its problem."""
    # Imported here: a command that finds nothing changed never reads a file, and these
    # (the parsers, their regular expressions) are most of its start-up.
    from reader.core.convert.extract import extract
    from reader.core.convert.templates import render_templates
    from reader.core.files.source import problem_of, read_article
    from reader.core.index.schema import article_row
    from reader.core.search.fold import normalise

    try:
        source, article = read_article(file)
        body = source.body if source.is_html else render_templates(source.body, source.meta)
        extracted = extract(body, source.is_html, article.link, clean=False)
        # HTML's text comes from the fast extractor (the same text, tests check); Markdown's
        # from the document parser, since a regex cannot tell `[a][1]` or a fence's language
        # from text. 2.6 ms an article against 0.4: Markdown archives are the smaller ones.
        if source.is_html:
            text = extracted.text
        else:
            from reader.core.convert.markdown import markdown_text  # markdown-it: if needed

            text = markdown_text(body, article.link)
    except Exception as error:  # LoadError, or a bug on one odd file: that file's problem
        return Entry(file.id, file.size, file.mtime, problem=problem_of(file.id, error).reason)
    fields = " ".join([article.title, *(" ".join(p) for p in article.categories),
                       *article.tags, article.author, article.summary])
    body, folded = normalise(text), normalise(fields)
    return Entry(file.id, file.size, file.mtime, body=body, fields=folded,
                 row=article_row(article, folded, extracted.images, extracted.links))


def _index_files(files: list[ArticleFile]) -> list[Entry]:
    return [index_file(file) for file in files]


#: How much less the reading processes get of the processors than the reader itself.
NICENESS = 10

#: How often a reading process looks whether the reader that started it is still there.
PARENT_CHECK_SECONDS = 0.5


def _start_reading_process(parent: int) -> None:
    """In a reading process: write nothing to the terminal the reader draws on, leave Ctrl-C
    to the reader (which stops the pool in order), and end when the reader is gone.

    A reader killed outright (`kill -9`) never tells its pool to stop, and a worker blocked
    on the pool's queue would wait for good (the queue's pipe has a writer: the worker
    itself); so each one watches its parent's pid and ends when it changes.
    """
    # The index's writer (one thread, in the reader) is the slower end of the pipe: where
    # the processes outnumber the processors, it goes first. (And so does the UI.)
    os.nice(NICENESS)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True,
                     name="end-with-parent").start()


def _end_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)  # the reader is gone: nobody will read what this process would write


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """Processes that read files, started fresh (spawn: forking a process that runs threads,
    as the UI does, is unsafe), silent, and ending with the reader (`_start_reading_process`).

    multiprocessing passes `sys.stderr`'s descriptor to its helper process; under Textual,
    `sys.stderr` is a capture object with no real descriptor, so the real one stands in
    while the pool starts.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    saved = sys.stderr
    if sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__
    try:
        return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                   initializer=_start_reading_process,
                                   initargs=(os.getpid(),))
    finally:
        sys.stderr = saved


def read_entries(files: list[ArticleFile], parallel: bool = True,
                 should_stop: Callable[[], bool] | None = None) -> Iterator[list[Entry]]:
    """The entries of `files`, a batch at a time: read in other processes when there are
    enough of them to be worth it, else here. Stops early when `should_stop` says so."""
    from concurrent.futures.process import BrokenProcessPool  # with the pool: 13 ms to import

    batches = [files[i : i + BATCH] for i in range(0, len(files), BATCH)]
    done = 0
    if parallel and len(files) >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
        try:
            # Spawned processes: forking a process that runs threads (the UI) is unsafe.
            workers = os.cpu_count() or 2
            pool = _process_pool(workers)
            try:
                # A few batches in flight at a time, so that memory stays bounded
                # however far the readers get ahead of the writer.
                pending = deque(pool.submit(_index_files, batch)
                                for batch in batches[: 2 * workers])
                next_batch = len(pending)
                while pending:
                    if should_stop is not None and should_stop():
                        return
                    entries = pending.popleft().result()
                    if next_batch < len(batches):
                        pending.append(pool.submit(_index_files, batches[next_batch]))
                        next_batch += 1
                    done += 1
                    yield entries
            finally:
                # However this ends (done, stopped, Ctrl-C, SIGTERM, the caller gone): what
                # is not started is dropped, and the processes are waited for, never left.
                pool.shutdown(wait=True, cancel_futures=True)
            return
        except (BrokenProcessPool, OSError, ValueError):
            pass  # no processes to be had here: read the rest in this one
    for batch in batches[done:]:
        if should_stop is not None and should_stop():
            return
        yield _index_files(batch)


@dataclass
class Changes:
    """What a refresh found and did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: int = 0
    total: int = 0
    seconds: float = 0.0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    started: float

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def remaining(self) -> float | None:
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 else None


