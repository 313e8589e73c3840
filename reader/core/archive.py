"""Reading an archive: finding its article files and loading each into an `Article`.

The archive is only ever read. A file that cannot be loaded becomes a `Problem` and the
rest load as usual.
"""

from __future__ import annotations

import os
import re
import stat as stat_module
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.decode import MAX_FILE_BYTES, NotText, decode_bytes
from reader.core.fields import build_article
from reader.core.frontmatter import FrontMatterError, split_front_matter
from reader.core.model import Article, Problem
from reader.core.sanitize import clean_line

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".html", ".htm"})
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})
#: Hugo's and Zola's name for a section's own page (its title and settings, a list of the
#: posts below it when built; `_index.en.md` in a language): no article. The first thing
#: a Zola blog showed was three of them, dated by their file times, each "(This article
#: has no text.)".
SECTION_PAGE = "_index"

_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|div|p|section|article|span|h[1-6]|"
    r"table|ul|ol|figure|img|br|blockquote|center|font|a|strong|b|em|i|pre|iframe|style|script)\b",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """A candidate file found by the scan."""

    id: str
    path: Path
    size: int
    mtime: float


def display_path(text: str) -> str:
    """A path as it can be shown: undecodable bytes replaced, controls removed."""
    raw = os.fsencode(text)
    return clean_line(raw.decode("utf-8", "replace"), 1000)


def scan_files(root: Path, problems: list[Problem] | None = None) -> Iterator[ArticleFile]:
    """Yield every article file under `root`, in a stable order.

    Skips hidden folders and files, `node_modules`, Hugo's and Zola's section pages
    (`_index.md`), and anything that is not an article suffix. Follows symbolic links to
    folders, but never into a folder it has already visited, so a link loop ends.
    """
    root = Path(root)
    seen: set[tuple[int, int]] = set()
    try:
        info = root.stat()
        seen.add((info.st_dev, info.st_ino))
    except OSError:
        return
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listing = sorted(entries, key=lambda entry: entry.name)
        except OSError as error:
            if problems is not None:
                problems.append(
                    Problem(display_path(prefix or "."), f"cannot list folder: {_reason(error)}")
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
                    if name in SKIPPED_FOLDERS:
                        continue
                    info = entry.stat(follow_symlinks=True)
                    key = (info.st_dev, info.st_ino)
                    if key in seen:
                        continue
                    seen.add(key)
                    subfolders.append((Path(entry.path), rel + "/"))
                    continue
                stem, suffix = os.path.splitext(name)
                if suffix.lower() not in ARTICLE_SUFFIXES or stem.split(".")[0] == SECTION_PAGE:
                    continue
                info = entry.stat(follow_symlinks=True)
            except OSError as error:
                if problems is not None and os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES:
                    problems.append(Problem(display_path(rel), _reason(error)))
                continue
            if not stat_module.S_ISREG(info.st_mode):
                continue
            yield ArticleFile(rel, Path(entry.path), info.st_size, info.st_mtime)
        stack.extend(reversed(subfolders))


def _reason(error: OSError) -> str:
    return clean_line(error.strerror or type(error).__name__, 200).lower()


def looks_like_html(body: str) -> bool:
    """True when a body (of a `.md` file, say) is raw HTML rather than Markdown."""
    return bool(_HTML_START.match(body[:4096]))


@dataclass(frozen=True, slots=True)
class Source:
    """An article's front matter and body, read again for showing it."""

    meta: dict
    body: str
    is_html: bool
    encoding: str


def read_source(path: Path, size_limit: int = MAX_FILE_BYTES) -> Source:
    """Read and split one file. Raises `LoadError` with a one-line reason."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(size_limit + 1)
    except OSError as error:
        raise LoadError(_reason(error)) from None
    if len(data) > size_limit:
        raise LoadError(f"larger than {size_limit // (1024 * 1024)} MB: skipped")
    if not data.strip():
        raise LoadError("empty file")
    try:
        decoded = decode_bytes(data)
    except NotText as error:
        raise LoadError(str(error)) from None
    try:
        split = split_front_matter(decoded.text)
    except FrontMatterError as error:
        raise LoadError(clean_line(str(error), 300)) from None
    is_html = path.suffix.lower() in {".html", ".htm"} or looks_like_html(split.body)
    return Source(split.meta, split.body, is_html, decoded.encoding)


class LoadError(Exception):
    """A file that cannot be loaded; the message is the one-line reason."""


def load_file(file: ArticleFile) -> Article | Problem:
    """Load one file as an `Article`, or say in a `Problem` why it can't be."""
    try:
        source = read_source(file.path)
        return build_article(
            file.id,
            source.meta,
            source.body,
            is_html=source.is_html,
            size=file.size,
            mtime=file.mtime,
            encoding=source.encoding,
        )
    except LoadError as error:
        return Problem(display_path(file.id), clean_line(str(error), 300))
    except RecursionError:
        return Problem(display_path(file.id), "front matter nested too deeply")


@dataclass
class Archive:
    """An archive's articles and problems, as loaded so far."""

    root: Path
    articles: dict[str, Article] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, item: Article | Problem) -> None:
        if isinstance(item, Article):
            self.articles[item.id] = item
        else:
            self.problems.append(item)

    def newest_first(self) -> list[Article]:
        """Every article, newest first; undated ones last."""
        return sorted(self.articles.values(), key=sort_key)

    def find(self, article_id: str) -> Article | None:
        """An article by its id, or by its shown form when the name had odd bytes."""
        found = self.articles.get(article_id)
        if found is None:
            for article in self.articles.values():
                if display_path(article.id) == article_id:
                    return article
        return found


def sort_key(article: Article) -> tuple[float, str]:
    """Newest first, then by id, so equal dates keep a stable order."""
    stamp = article.date.timestamp() if article.date else float("-inf")
    return (-stamp, article.id)


def load_archive(
    root: Path,
    on_progress: Callable[[Archive, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Archive:
    """Load every article of the archive at `root`.

    `on_progress` is called with the archive so far and the count of files done after each
    file, so a UI can show progress; `should_stop` lets a worker cancel between files.
    """
    archive = Archive(Path(root))
    scan_problems: list[Problem] = []
    done = 0
    for file in scan_files(archive.root, scan_problems):
        if should_stop is not None and should_stop():
            break
        archive.add(load_file(file))
        done += 1
        if on_progress is not None:
            on_progress(archive, done)
    archive.problems.extend(scan_problems)
    return archive
