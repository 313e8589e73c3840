"""Which files of an archive are articles, and finding them.

One rule decides whether a path is an article file (`is_article_path`); the scan, the
index's refresh of single paths and the live watcher all ask it, so they never disagree.
"""

from __future__ import annotations

import os
import stat as stat_module
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.core.model import Problem
from reader.core.sanitize import clean_line, display_path

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".html", ".htm"})
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})
#: Hugo's and Zola's name for a section's own page (its title and settings, a list of the
#: posts below it when built; `_index.en.md` in a language): no article. The first thing
#: a Zola blog showed was three of them, dated by their file times, each "(This article
#: has no text.)".
SECTION_PAGE = "_index"


def is_listed_folder(name: str) -> bool:
    """May the scan go into a folder of this name? Not hidden ones, nor `node_modules`."""
    return not name.startswith(".") and name not in SKIPPED_FOLDERS


def is_article_name(name: str) -> bool:
    """Is a file of this name an article? An article suffix, not hidden, not a section page."""
    if name.startswith("."):
        return False
    stem, suffix = os.path.splitext(name)
    return suffix.lower() in ARTICLE_SUFFIXES and stem.split(".")[0] != SECTION_PAGE


def is_article_path(rel: str) -> bool:
    """THE rule: is the file at `rel` (inside the archive, `/`-separated) an article?

    Its name must be an article's (`is_article_name`) and every folder on the way one the
    scan goes into (`is_listed_folder`).
    """
    *folders, name = rel.split("/")
    return is_article_name(name) and all(is_listed_folder(part) for part in folders if part)


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """A candidate file found by the scan."""

    id: str
    path: Path
    size: int
    mtime: float


def scan_files(root: Path, problems: list[Problem] | None = None,
               under: str = "") -> Iterator[ArticleFile]:
    """Yield every article file under `root` (or only under its folder `under`), in a
    stable order.

    Lists what `is_article_path` accepts, and nothing else. Follows symbolic links to
    folders, but never into a folder it has already visited, so a link loop ends.
    """
    root = Path(root)
    start = root / under if under else root
    seen: set[tuple[int, int]] = set()
    try:
        info = start.stat()
        seen.add((info.st_dev, info.st_ino))
    except OSError:
        return
    stack: list[tuple[Path, str]] = [(start, f"{under}/" if under else "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listing = sorted(entries, key=lambda entry: entry.name)
        except OSError as error:
            if problems is not None:
                problems.append(
                    Problem(display_path(prefix or "."), f"cannot list folder: {os_reason(error)}")
                )
            continue
        subfolders = []
        for entry in listing:
            name = entry.name
            if name.startswith("."):
                continue
            rel = f"{prefix}{name}"
            try:
                if entry.is_dir(follow_symlinks=True):
                    if not is_listed_folder(name):
                        continue
                    info = entry.stat(follow_symlinks=True)
                    key = (info.st_dev, info.st_ino)
                    if key in seen:
                        continue
                    seen.add(key)
                    subfolders.append((Path(entry.path), rel + "/"))
                    continue
                if not is_article_name(name):
                    continue
                info = entry.stat(follow_symlinks=True)
            except OSError as error:
                if problems is not None and is_article_name(name):
                    problems.append(Problem(display_path(rel), os_reason(error)))
                continue
            if not stat_module.S_ISREG(info.st_mode):
                continue
            yield ArticleFile(rel, Path(entry.path), info.st_size, info.st_mtime)
        stack.extend(reversed(subfolders))


def os_reason(error: OSError) -> str:
    """An operating system error as a short lowercase reason (`permission denied`)."""
    return clean_line(error.strerror or type(error).__name__, 200).lower()


