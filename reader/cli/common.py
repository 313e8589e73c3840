"""What every command shares: the archive argument, one-line usage errors, JSON rows."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from reader.core.sanitize import display_path

if TYPE_CHECKING:
    from reader.core.files.archive import Archive
    from reader.core.index.store import ArchiveIndex
    from reader.core.model import Article, Problem

T = TypeVar("T")


class UsageError(Exception):
    """A bad argument from the user: a one-line message and exit status 2."""


def add_archive(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """The archive argument every command takes, and `--follow`."""
    parser.add_argument("archive", help=help)
    parser.add_argument("--follow", action="store_true",
                        help="follow every symbolic link, also out of the archive (as rg -L); "
                        "by default only links that stay inside are followed")


def check_archive(path: str) -> Path:
    """The archive's folder, or a `UsageError` saying in one line what is wrong with it."""
    root = Path(path).expanduser()
    if not root.exists():
        raise UsageError(f"no such folder: {display_path(path)}")
    if not root.is_dir():
        raise UsageError(f"not a folder: {display_path(path)}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise UsageError(f"cannot read folder: {display_path(path)}")
    try:
        next(os.scandir(root), None)
    except OSError as error:
        raise UsageError(f"cannot read folder: {display_path(path)} ({error.strerror})") from None
    return root


def article_json(article: Article) -> dict:
    """An article as `--json` prints it (one line of JSON Lines)."""
    return {
        "id": display_path(article.id),
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "date_source": article.date_source.value,
        "categories": [list(path) for path in article.categories],
        "tags": list(article.tags),
        "author": article.author,
        "summary": article.summary,
        "draft": article.draft,
        "page": article.page,
    }


def print_problems(problems: list[Problem]) -> None:
    """Problems on standard error, one a line: `path: reason`."""
    for problem in problems:
        print(f"{problem.path}: {problem.reason}", file=sys.stderr)


class Failure(Exception):
    """The command could not do its work (the index can't be used): a one-line message and
    exit status 3."""


def with_index(root: Path, job: Callable[[ArchiveIndex], T], fresh: bool = True) -> T:
    """What `job` finds in the archive's index, brought up to date with its files first
    (`fresh`), or kept up to date by a reader following the archive (`followers`). A job
    asks for what it prints (one article, one page of results), never for every article
    unless it prints every one.

    Damage found on the way (any `sqlite3.DatabaseError` but a busy index) is rebuilt, once,
    and the job runs again; what was done to the index is said on standard error, one line
    each, and an index that can't be used becomes a `Failure`, never a traceback.
    """
    import sqlite3

    from reader.cache import open_index
    from reader.core.index.followers import followed
    from reader.core.index.location import Fault, fault_of

    rebuilt: str | None = None
    for attempt in (1, 2):
        index = open_index(root)
        index.rebuilt_because = rebuilt
        try:
            # A rebuilt index is filled here, whoever follows the archive.
            if fresh and (rebuilt or not followed(index.path, index.follow)):
                refresh(index)
            result = job(index)
        except sqlite3.Error as error:
            fault = fault_of(error)
            if fault is Fault.BUSY:
                raise Failure(f"the index is busy (another reader is writing it): {error}"
                              ) from None
            if fault is not Fault.DAMAGE or attempt == 2:
                raise Failure(f"the index can't be used: {error}") from None
            index.rebuild(f"damaged index ({error})")
            rebuilt = index.rebuilt_because
            continue
        except OSError as error:  # nowhere to keep an index at all
            raise Failure(f"the index can't be kept anywhere: {error}") from None
        finally:
            index.close()
        say_what_happened(index)
        return result
    raise AssertionError("unreachable")


def say_what_happened(index: ArchiveIndex) -> None:
    """One line on standard error for an index rebuilt, or kept away from the cache."""
    if index.rebuilt_because:
        print(f"reader: rebuilt the index: {index.rebuilt_because}", file=sys.stderr)
    if index.moved_because:
        print(f"reader: {index.moved_because} this time", file=sys.stderr)


def indexed_archive(root: Path) -> Archive:
    """The whole archive as its index holds it, brought up to date first."""
    from reader.core.files.archive import Archive

    def read(index: ArchiveIndex) -> Archive:
        ordered = index.articles()
        return Archive(root, {a.id: a for a in ordered}, index.problems())

    return with_index(root, read)


def refresh(index) -> None:
    """Bring the index up to date; a long refresh (a first index) shows its progress on
    standard error when that is a terminal, and nothing when it is piped."""
    if not sys.stderr.isatty():
        index.refresh()
        return
    shown = False

    def progress(p) -> None:
        nonlocal shown
        if p.total >= 200:
            shown = True
            left = f", {p.remaining:,.0f} s left" if p.remaining is not None else ""
            print(f"\rreader: indexing {p.done:,} / {p.total:,} files{left}\x1b[K",
                  end="", file=sys.stderr, flush=True)

    index.refresh(on_progress=progress)
    if shown:
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def _candidates(root: Path, text: str) -> list[str]:
    """The ids `text` may name: itself as `list` prints it, or a path (`./a/b.md`, or
    absolute) inside the archive."""
    candidates = [text]
    path = Path(text)
    try:
        inside = (path if path.is_absolute() else Path.cwd() / path).resolve().relative_to(
            root.resolve())
        candidates.append(inside.as_posix())
    except (ValueError, OSError):
        pass
    if text.startswith("./"):
        candidates.append(text[2:])
    return candidates


def find_article(index: ArchiveIndex, text: str) -> Article:
    """The article `text` names: its id as `list` prints it, or its path (`./a/b.md`, or
    absolute, inside the archive); or a `UsageError` that says why there is none. Looked up
    by id: one row, not the whole archive."""
    candidates = _candidates(index.root, text)
    for candidate in candidates:
        article = index.article(candidate)
        if article is not None:
            return article
    shown = set(candidates)  # a name with odd bytes, given as `list` shows it
    article = next((a for a in index.articles() if display_path(a.id) in shown), None)
    if article is not None:
        return article
    problem = next((p for p in index.problems() if p.path in shown), None)
    reason = f": {problem.reason}" if problem else ""
    raise UsageError(f"no article {text!r} in {display_path(str(index.root))}{reason}")


def article_id(archive: Archive, text: str) -> str:
    """The id of the article `text` names (see `find_article`), in a loaded archive."""
    candidates = _candidates(archive.root, text)
    for candidate in candidates:
        article = archive.find(candidate)
        if article is not None:
            return article.id
    problem = next((p for p in archive.problems if p.path in candidates), None)
    reason = f": {problem.reason}" if problem else ""
    raise UsageError(f"no article {text!r} in {display_path(str(archive.root))}{reason}")


def whole_number(least: int, wanted: str):
    """An argparse type: a whole number of at least `least`; `wanted` says what is, for the
    error (`a width of 20 cells or more`)."""
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = least - 1
        if number < least:
            raise argparse.ArgumentTypeError(f"wants {wanted}, not {text!r}")
        return number

    return parse


def read_marks(root: Path, listed: list[str] | None = None):
    """The reading state's marks for a command that only looks; a state that can't be read
    is an error (a list of everything as unread would be a wrong answer)."""
    from reader.state.session import StateUnreadable, peek_marks

    try:
        return peek_marks(root, listed)
    except StateUnreadable as error:
        raise Failure(f"the reading state can't be read ({error}); opening the archive "
                      "in the reader sets a damaged one aside") from None
