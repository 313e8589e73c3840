"""What every command shares: the archive argument, one-line usage errors, JSON rows."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reader.core.files.archive import Archive
from reader.core.model import Article, Problem
from reader.core.sanitize import display_path


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


def indexed_archive(root: Path) -> Archive:
    """The archive as its index holds it, brought up to date first."""
    from reader.cache import open_index

    index = open_index(root)
    try:
        refresh(index)
        ordered = index.articles()
        return Archive(root, {a.id: a for a in ordered}, index.problems())
    finally:
        index.close()


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


def find_article(archive: Archive, text: str) -> Article:
    """The article `text` names: its id as `list` prints it, or its path (`./a/b.md`, or
    absolute, inside the archive); or a `UsageError` that says why there is none."""
    candidates = [text]
    path = Path(text)
    try:
        inside = (path if path.is_absolute() else Path.cwd() / path).resolve().relative_to(
            archive.root.resolve())
        candidates.append(inside.as_posix())
    except (ValueError, OSError):
        pass
    if text.startswith("./"):
        candidates.append(text[2:])
    for candidate in candidates:
        article = archive.find(candidate)
        if article is not None:
            return article
    problem = next((p for p in archive.problems if p.path in candidates), None)
    reason = f": {problem.reason}" if problem else ""
    raise UsageError(f"no article {text!r} in {display_path(str(archive.root))}{reason}")


def article_id(archive: Archive, text: str) -> str:
    """The id of the article `text` names (see `find_article`)."""
    return find_article(archive, text).id


def whole_number(least: int, wanted: str):
    """An argparse type: a whole number of at least `least`; `wanted` says what is, for the
    error (`a width of 20 cells or more`)."""
    import argparse

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = least - 1
        if number < least:
            raise argparse.ArgumentTypeError(f"wants {wanted}, not {text!r}")
        return number

    return parse
