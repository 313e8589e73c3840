"""Addresses that point into the archive itself: a picture beside a post, one under the
site's root, another article by its path or its permalink.

Blogs keep `media/x.png` next to a post, `/images/x.png` under the site's root (a
`static/` or `source/` folder above the posts), Hexo's asset folder (`post-name/x.png` beside
`post-name.md`), and link their own posts by relative path or by the address the site gives
them (`/2016/04/18/title/`, `/cn/2017/01/lucky/`). Everything here only looks (stat); the
archive is never written, and nothing outside the archive is ever named.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from reader.core.model import Article

#: Folders that hold a site's root files, as Hugo (`static`), Hexo (`source`), Jekyll and
#: others lay them out.
SITE_ROOTS = ("", "static", "source", "public", "assets", "content")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-|^\d{8}[-_]")
_ARTICLE_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".mdown", ".mkd")


def is_local(address: str) -> bool:
    """Does `address` name something on this site rather than on the web (no scheme, no
    host)? Fragments alone (`#top`) are not places."""
    address = address.strip()
    return bool(address) and not _SCHEME.match(address) and not address.startswith(
        ("//", "#"))


def _path_part(address: str) -> str:
    try:
        return unquote(urlsplit(address.strip()).path)
    except ValueError:
        return ""


#: The only files of an archive the reader hands to an opener or a browser: pictures in
#: formats that carry no script (not SVG, HTML or anything that runs).
OPENABLE_FILES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif"})


def file_refusal(path: str | Path) -> str | None:
    """Why the archive's file at `path` will not be opened or sent to a browser (None when
    it may): the archive is untrusted, and a `.desktop`, `.sh` or `.html` file opened by
    the desktop, or served to the browser from the reader's own page, would run."""
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix not in OPENABLE_FILES:
        return (f"a file of the archive ({suffix or 'no extension'}): only pictures "
                "(.png, .jpg, .gif, .webp) of the archive are opened")
    return None


def local_file(root: Path, article_id: str, address: str) -> Path | None:
    """The file of the archive at `root` that `address`, written in the article
    `article_id`, names; None when none does (or it would lie outside the archive)."""
    if not is_local(address):
        return None
    path = _path_part(address)
    if not path or "\x00" in path:
        return None
    root = Path(root)
    folder = PurePosixPath(article_id).parent
    candidates: list[PurePosixPath] = []
    if path.startswith("/"):
        # Under the site's root: any folder from the post's own up to the archive's.
        relative = path.lstrip("/")
        for level in [folder, *folder.parents]:
            candidates += [level / site / relative for site in SITE_ROOTS]
    else:
        stem = PurePosixPath(article_id).stem
        candidates += [folder / path, folder / stem / path]  # beside it; Hexo's asset folder
        # Jekyll's `{% link _posts/x.md %}` and careless authors write root paths bare.
        for level in folder.parents:
            candidates += [level / site / path for site in SITE_ROOTS]
    real_root = os.path.realpath(root)
    for candidate in candidates:
        full = os.path.realpath(root / candidate)
        if full != real_root and not full.startswith(real_root + os.sep):
            continue
        if os.path.isfile(full):
            return Path(full)
    return None


def _slug(article_id: str) -> str:
    """A post's slug from its file name: `2016-04-18-sqlite-search.md` → `sqlite-search`;
    a page bundle's (`lucky/index.md`) from its folder."""
    path = PurePosixPath(article_id)
    name = path.stem if path.stem not in ("index", "_index") else path.parent.name
    return _DATE_PREFIX.sub("", name).lower()


def _normal(path: str) -> str:
    """A site path compared loosely: no trailing `/`, `index.html` or extension; lowercase."""
    path = path.strip().lower()
    for suffix in ("/index.html", "/index.htm", "/index.md"):
        path = path.removesuffix(suffix)
    for suffix in _ARTICLE_SUFFIXES:
        path = path.removesuffix(suffix)
    return path.strip("/")


@dataclass
class Permalinks:
    """Where each article of an archive lives on its site, to follow the site's own links."""

    by_path: dict[str, str] = field(default_factory=dict)
    by_slug: dict[str, list[str]] = field(default_factory=dict)
    dates: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, articles: Iterable[Article]) -> Permalinks:
        """The permalinks of `articles`: their front-matter `permalink`/`url`/`link` (as a
        path, or the path of a full address), and their slugs from their file names."""
        table = cls()
        for article in articles:
            if article.link:
                path = _normal(_path_part(article.link))
                if path:
                    table.by_path.setdefault(path, article.id)
            slug = _slug(article.id)
            if slug:
                table.by_slug.setdefault(slug, []).append(article.id)
            if article.date is not None:
                table.dates[article.id] = (article.date.year, article.date.month,
                                           article.date.day)
        return table

    def find(self, address: str) -> str | None:
        """The article a site address (`/2016/04/18/title/`, `/cn/2017/01/lucky/`,
        `/posts/slug.html`) names, or None."""
        path = _normal(_path_part(address))
        if not path:
            return None
        found = self.by_path.get(path)
        if found is not None:
            return found
        segments = path.split("/")
        last = segments[-1]
        prefix = _DATE_PREFIX.match(last)  # Jekyll's `{% post_url 2018-02-14-title %}`
        candidates = self.by_slug.get(_DATE_PREFIX.sub("", last), [])
        numbers = [int(s) for s in segments[:-1] if s.isdigit()]
        if prefix and not numbers:
            numbers = [int(n) for n in re.findall(r"\d+", prefix.group(0))]
            if len(numbers) == 1:  # `20180214_`
                day = numbers[0]
                numbers = [day // 10000, day // 100 % 100, day % 100]
        if numbers:  # `/:year/:month/:day/`: the date in the address must be the post's
            candidates = [c for c in candidates if _date_fits(numbers, self.dates.get(c))]
        return candidates[0] if len(candidates) == 1 else None


def _date_fits(numbers: list[int], date: tuple[int, int, int] | None) -> bool:
    if date is None:
        return False
    return list(date[: len(numbers)]) == numbers[:3]


def linked_article(root: Path, article: Article, address: str,
                   articles: Mapping[str, Article], permalinks: Permalinks) -> str | None:
    """The id of the archive's article that a link of `article` goes to: by its file
    (`../2019/other.md`, `{% link _posts/x.md %}`) or by the site's permalink for it."""
    if not is_local(address):
        return None
    found = local_file(root, article.id, address)
    if found is not None:
        try:
            relative = found.relative_to(os.path.realpath(root)).as_posix()
        except ValueError:
            relative = ""
        if relative in articles:
            return relative
    return permalinks.find(address)
