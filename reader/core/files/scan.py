"""Which files of an archive are articles, and finding them.

One rule decides whether a path is an article file (`is_article_path`); the scan, the
index's refresh of single paths and the live watcher all ask it, so they never disagree.
One rule decides which symbolic links are followed (`Walk.inside`): those whose target
stays inside the archive, or all of them when the user asks (`follow`, as ripgrep's -L).

The walk goes through plain strings and open folder descriptors, never `Path` objects:
an unchanged archive of 100,000 files costs a `stat` each and a sum per folder
(`Folder.fingerprint`), which the index compares with the one it stored.
"""

from __future__ import annotations

import errno
import os
import stat as stat_module
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from reader.core.model import Problem
from reader.core.sanitize import clean_line, display_path

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".html", ".htm"})
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})
#: Hugo's and Zola's name for a section's own page (its title and settings, a list of the
#: posts below it when built; `_index.en.md` in a language): no article. The first thing
#: a Zola blog showed was three of them, dated by their file times, each "(This article
#: has no text.)".
SECTION_PAGE = "_index"
#: The longest path the system opens, in bytes with its final NUL (Linux's PATH_MAX).
PATH_MAX = 4096
#: The longest name of one file or folder, in bytes (NAME_MAX).
NAME_MAX = 255

TOO_LONG = f"path longer than the system can open ({PATH_MAX:,} bytes): left out"
OUTSIDE = ("symbolic link to a place outside the archive: not followed "
           "(--follow or follow_symlinks = true follows it)")


def is_listed_folder(name: str) -> bool:
    """May the scan go into a folder of this name? Not hidden ones, nor `node_modules`."""
    return not name.startswith(".") and name not in SKIPPED_FOLDERS


def is_article_name(name: str) -> bool:
    """Is a file of this name an article? An article suffix, not hidden, not a section page."""
    if name.startswith("."):
        return False
    dot = name.rfind(".")
    if dot <= 0 or name[dot:].lower() not in ARTICLE_SUFFIXES:
        return False
    return not name.startswith(SECTION_PAGE) or name.split(".")[0] != SECTION_PAGE


def is_article_path(rel: str) -> bool:
    """THE rule: is the file at `rel` (inside the archive, `/`-separated) an article?

    Its name must be an article's (`is_article_name`) and every folder on the way one the
    scan goes into (`is_listed_folder`).
    """
    *folders, name = rel.split("/")
    return is_article_name(name) and all(is_listed_folder(part) for part in folders if part)


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """A candidate file found by the scan: its id, its path (a plain string), size, mtime."""

    id: str
    path: str
    size: int
    mtime: float


@dataclass(frozen=True, slots=True)
class Folder:
    """One folder of the archive as the walk found it.

    `rel` is `""` for the archive itself, else `a/b`. `fingerprint` sums the names, sizes
    and modification times of its article files and the folder's own time: equal to the
    one stored last time, nothing in the folder (but its subfolders) changed.
    """

    rel: str
    path: str
    fingerprint: int
    count: int


def os_reason(error: OSError) -> str:
    """An operating system error as a short lowercase reason (`permission denied`)."""
    if error.errno == errno.ENAMETOOLONG:
        return TOO_LONG
    return clean_line(error.strerror or type(error).__name__, 200).lower()


class Walk:
    """One walk over an archive: its folders (each once, so a link loop ends), the problems
    met on the way, and the rule for symbolic links.

    `follow`: follow every symbolic link (as ripgrep's -L); by default only those whose
    target stays inside the archive, and the others are listed as problems.
    """

    def __init__(self, root: str | os.PathLike[str], problems: list[Problem] | None = None,
                 follow: bool = False) -> None:
        self.root = os.fspath(root).rstrip("/") or "/"
        self.problems = problems
        self.follow = follow
        self._real_root: str | None = None
        self._seen: set[tuple[int, int]] = set()
        #: Did the walk follow a symbolic link? (Then `quiet` can't vouch for the archive.)
        self.followed_link = False

    # -- the rule for links --------------------------------------------------------------
    def inside(self, path: str) -> bool:
        """Does the symbolic link at `path` lead to a place inside the archive?"""
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        real = os.path.realpath(path)
        return real == self._real_root or real.startswith(self._real_root.rstrip("/") + "/")

    def _refuse(self, rel: str, reason: str) -> None:
        if self.problems is not None:
            self.problems.append(Problem(display_path(rel or "."), reason))

    # -- folders -------------------------------------------------------------------------
    def folders(self, under: str = "") -> Iterator[Folder]:
        """Every listed folder from `under` down (depth first, by name), with its fingerprint.

        Costs a `stat` per article file and no object kept per file.
        """
        start = f"{self.root}/{under}" if under else self.root
        if under and os.path.islink(start) and not self.follow and not self.inside(start):
            self._refuse(under, OUTSIDE)
            return
        stack = [(start, under)]
        while stack:
            path, rel = stack.pop()
            listed = self._list(path, rel, None)
            if listed is None:
                continue
            fingerprint, count, subfolders = listed
            yield Folder(rel, path, fingerprint, count)
            stack.extend(reversed(subfolders))

    def files(self, folder: Folder | tuple[str, str]) -> list[ArticleFile]:
        """The article files right inside `folder` (a `Folder`, or its path and rel), by name."""
        path, rel = (folder.path, folder.rel) if isinstance(folder, Folder) else folder
        found: list[ArticleFile] = []
        self._list(path, rel, found, again=True)
        found.sort(key=lambda file: file.id)
        return found

    def _list(self, path: str, rel: str, found: list[ArticleFile] | None,
              again: bool = False) -> tuple[int, int, list[tuple[str, str]]] | None:
        """List one folder: its fingerprint, its count of article files and its listed
        subfolders (path, rel), sorted by name; with `found`, its files too.

        `again`: the folder was listed by this walk already (loops are not looked for).
        """
        prefix = f"{rel}/" if rel else ""
        refuse = self._refuse if not again else lambda rel, reason: None  # said already
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            refuse(rel, f"cannot list folder: {os_reason(error)}")
            return None
        try:
            info = os.fstat(fd)
            if not again:
                key = (info.st_dev, info.st_ino)
                if key in self._seen:
                    return None  # reached again through a link: a loop, or a second way in
                self._seen.add(key)
            # No name in a folder this deep can be opened: each is checked (rarely needed).
            near_limit = len(os.fsencode(path)) + 1 + NAME_MAX >= PATH_MAX
            total = info.st_mtime_ns  # names added, removed or renamed change it
            count = 0
            subfolders: list[tuple[str, str]] = []
            stat = os.stat
            with os.scandir(fd) as entries:
                for entry in entries:
                    name = entry.name
                    if name[0] == ".":
                        continue
                    try:
                        link = entry.is_symlink()
                        is_dir = entry.is_dir()
                    except OSError:
                        continue
                    if is_dir:
                        if name in SKIPPED_FOLDERS:
                            continue
                        child = f"{path}/{name}"
                        if link and not self.follow and not self.inside(child):
                            refuse(prefix + name, OUTSIDE)
                        elif near_limit and len(os.fsencode(child)) >= PATH_MAX:
                            refuse(prefix + name, TOO_LONG)
                        else:
                            subfolders.append((child, prefix + name))
                            self.followed_link |= link
                        continue
                    if not is_article_name(name):
                        continue
                    if near_limit and len(os.fsencode(f"{path}/{name}")) >= PATH_MAX:
                        refuse(prefix + name, TOO_LONG)
                        continue
                    if link and not self.follow and not self.inside(f"{path}/{name}"):
                        refuse(prefix + name, OUTSIDE)
                        continue
                    try:
                        info = stat(name, dir_fd=fd)
                    except OSError as error:
                        refuse(prefix + name, os_reason(error))
                        continue
                    if not stat_module.S_ISREG(info.st_mode):
                        continue  # a FIFO or a device: reading it could block
                    self.followed_link |= link
                    # A file edited in place changes its own time, not the folder's. (Only
                    # ints and bytes: `hash` of a str differs from one process to the next.)
                    total += hash((zlib.crc32(name.encode("utf-8", "surrogateescape")),
                                   info.st_size, info.st_mtime_ns))
                    count += 1
                    if found is not None:
                        found.append(ArticleFile(prefix + name, f"{path}/{name}",
                                                 info.st_size, info.st_mtime))
        except OSError as error:
            refuse(rel, f"cannot list folder: {os_reason(error)}")
            return None
        finally:
            os.close(fd)
        subfolders.sort()
        return total & 0x7FFF_FFFF_FFFF_FFFF, count, subfolders


def scan_files(root: str | os.PathLike[str], problems: list[Problem] | None = None,
               under: str = "", follow: bool = False) -> Iterator[ArticleFile]:
    """Yield every article file under `root` (or only under its folder `under`), in a
    stable order.

    Lists what `is_article_path` accepts, and nothing else. Follows symbolic links whose
    target stays inside the archive (all of them with `follow`), but never into a folder
    it has already visited, so a link loop ends; links left out, folders that cannot be
    listed and paths too long to open become `problems`.
    """
    walk = Walk(root, problems, follow)
    for folder in walk.folders(under):
        if folder.count:
            yield from walk.files(folder)


def file_at(root: str | os.PathLike[str], rel: str, follow: bool = False) -> ArticleFile | None:
    """The article file at `rel` as the scan would list it, or None (gone, not a regular
    file, a link the scan does not follow, a folder on the way that is a link out)."""
    if not is_article_path(rel):
        return None
    walk = Walk(root, None, follow)
    path = f"{walk.root}/{rel}"
    if not follow:
        # Any link on the way, the file's own or a folder's, must stay inside.
        if os.path.realpath(path) != os.path.join(os.path.realpath(walk.root), rel) and (
                not walk.inside(path)):
            return None
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat_module.S_ISREG(info.st_mode):  # not a FIFO that would block
        return None
    return ArticleFile(rel, path, info.st_size, info.st_mtime)
