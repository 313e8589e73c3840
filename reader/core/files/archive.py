"""An archive loaded whole into memory: for small archives and for tests.

The reader itself reads archives through the index (`reader.core.index`); this is the
same scan and the same loading, without the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.files.scan import scan_files
from reader.core.files.source import load_file
from reader.core.model import Article, Problem
from reader.core.sanitize import display_path


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
    """Newest first, then by id, so equal dates keep a stable order; pages, which are no
    posts, after the posts, as undated ones."""
    stamp = article.date.timestamp() if article.date and not article.page else float("-inf")
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
