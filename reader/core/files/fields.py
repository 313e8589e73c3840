"""Front matter values, as every generator writes them, turned into an `Article`'s fields.

Only the fields the reader uses are read; nothing is stringified whole, so a hostile value
(a huge list, a deep structure) costs nothing.
"""

from __future__ import annotations

import html
import os
import re
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from reader.core.files.dates import as_local, date_from_file_name, date_from_path, parse_date
from reader.core.model import Article, DateSource
from reader.core.sanitize import clean_line

MAX_TITLE = 300
MAX_NAME = 120
MAX_ITEMS = 50
MAX_DEPTH = 6

COVER_KEYS = (
    "headimg", "thumbnail", "cover", "cover_image", "image", "hero_image_url", "hero_image",
    "featured_image", "banner", "og_image", "img",
)
LINK_KEYS = ("link", "url", "permalink", "canonical_url", "blogger_orig_url", "source_url")
DATE_KEYS = ("date", "pubDate", "pubdate", "published", "created", "created_at")
SUMMARY_KEYS = ("summary", "description", "excerpt")
MAX_SUMMARY = 600
#: `layout:` (Jekyll, Hexo) or `type:` (Hexo) values of pages that are not posts.
PAGE_LAYOUTS = frozenset({"page", "about", "links", "archive", "archives", "categories",
                          "tags", "search", "404", "home", "friends"})
#: File names of pages that are not posts, at an archive's root (a section's `_index.md`
#: is no article at all: `scan.SECTION_PAGE`).
PAGE_NAMES = frozenset({"readme.md", "readme.markdown", "readme.html"})

_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_HTML_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def scalar_text(value: Any, limit: int = MAX_TITLE) -> str:
    """A front matter value as one clean line: strings, numbers, dates and flat lists."""
    if value is None or isinstance(value, dict):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # A 5,000-digit number must not cost a huge conversion.
        if value.bit_length() > 200:
            return ""
        return str(value)
    if isinstance(value, float | datetime | date):
        return clean_line(str(value), limit)
    if isinstance(value, list | tuple):
        parts = [scalar_text(item, limit) for item in value[:MAX_ITEMS] if _is_scalar(item)]
        return clean_line(" ".join(p for p in parts if p), limit)
    if isinstance(value, str):
        # Cut before unescaping so a megabyte title costs no more than a short one.
        return clean_line(html.unescape(value[: limit * 8]), limit)
    return ""


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | date)


def _names(value: Any, unique: bool = True) -> list[str]:
    """A list of short names from a list, or from a comma-separated string; `unique=False`
    keeps a repeated name (a category path may hold one: `[财经, 界面新闻, 财经]`)."""
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value[:MAX_ITEMS])
    else:
        items = [value] if _is_scalar(value) else []
    names = []
    for item in items:
        if not _is_scalar(item):
            continue
        name = scalar_text(item, MAX_NAME)
        if name and (not unique or name not in names):
            names.append(name)
    return names


def categories_of(value: Any, several: bool = False) -> tuple[tuple[str, ...], ...]:
    """Categories as paths, outermost first.

    A list is one hierarchy, as Hexo reads it (`[新媒体, ZAKER, source]`); a list holding
    lists is several categories; a string is one category. With `several`, a flat list is
    several one-level categories (Zola's taxonomies).
    """
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        name = scalar_text(value, MAX_NAME)
        return ((name,),) if name else ()
    if not isinstance(value, list | tuple):
        return ()
    items = list(value[:MAX_ITEMS])
    paths: list[tuple[str, ...]] = []
    if several or any(isinstance(item, list | tuple) for item in items):
        for item in items:
            path = tuple(_names(item, unique=False)[:MAX_DEPTH]) if isinstance(
                item, list | tuple) else tuple(_names([item]))
            if path and path not in paths:
                paths.append(path)
        return tuple(paths)
    path = tuple(_names(items, unique=False)[:MAX_DEPTH])
    return (path,) if path else ()


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = meta.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _taxonomy(meta: dict[str, Any], name: str) -> Any:
    taxonomies = meta.get("taxonomies")
    if isinstance(taxonomies, dict):
        return taxonomies.get(name)
    return None


def first_heading(body: str, is_html: bool) -> str:
    """The first heading of a body, as plain text, or ""."""
    head = body[:20000]
    if is_html:
        match = _HTML_HEADING.search(head)
        return scalar_text(_TAG.sub("", match.group(1))) if match else ""
    match = _MD_HEADING.search(head)
    return scalar_text(match.group(1).replace("*", "").replace("`", "")) if match else ""


def _url(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("src") or value.get("url") or value.get("path")
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, str):
        return ""
    return clean_line(html.unescape(value), 4000).replace(" ", "%20")


def summary_of(meta: dict[str, Any]) -> str:
    """The author's summary of a post, shown under its title: a subtitle, then the first
    of `summary`, `description`, `excerpt`."""
    parts = [scalar_text(meta.get("subtitle"), MAX_SUMMARY)]
    parts.append(scalar_text(_first(meta, SUMMARY_KEYS), MAX_SUMMARY))
    extra = meta.get("extra")
    if not parts[1] and isinstance(extra, dict):
        parts[1] = scalar_text(_first(extra, SUMMARY_KEYS), MAX_SUMMARY)
    return " — ".join(dict.fromkeys(part for part in parts if part))


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        return value.strip().lower() in ("true", "yes")
    return None


def is_draft(rel_path: str, meta: dict[str, Any]) -> bool:
    """`draft: true` (Hugo, Zola), `published: false` (Jekyll), or Hexo's `_drafts/`."""
    if _flag(meta.get("draft")) or _flag(meta.get("published")) is False:
        return True
    return "_drafts" in PurePosixPath(rel_path).parts[:-1]


def is_page(rel_path: str, meta: dict[str, Any], body: str = "", dated: bool = True) -> bool:
    """A page that is not a post: `layout: page` (or an about, links… layout), a README
    at the archive's root, or, when not `dated`, a page a site template fills (Zola's
    `template =`; front matter alone, with no title and no text): the Rust blog's
    `releases/latest.md` led its list as an undated "latest" with no text."""
    for key in ("layout", "type"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip().lower() in PAGE_LAYOUTS:
            return True
    # `dated`: a date of its own (front matter, file name, path), not the file's time.
    if not dated and ("template" in meta or ("title" not in meta and not body.strip())):
        return True
    path = PurePosixPath(rel_path)
    name = path.name.lower()
    return name in PAGE_NAMES and len(path.parts) == 1


def build_article(
    rel_path: str,
    meta: dict[str, Any],
    body: str,
    *,
    is_html: bool,
    size: int,
    mtime: float,
    encoding: str = "utf-8",
) -> Article:
    """Normalise a file's front matter into an `Article`.

    `rel_path` is the path inside the archive with `/` separators.
    """
    path = PurePosixPath(rel_path)
    title = scalar_text(meta.get("title")) or first_heading(body, is_html)
    if not title:
        # A name that is not UTF-8 holds lone surrogates: shown with replacement characters.
        stem = os.fsencode(path.stem).decode("utf-8", "replace")
        title = clean_line(stem, MAX_TITLE) or "untitled"

    moment, source = None, DateSource.FRONT_MATTER
    raw_date = _first(meta, DATE_KEYS)
    if raw_date is not None:
        moment = parse_date(raw_date if not isinstance(raw_date, str) else html.unescape(raw_date))
    if moment is None:
        moment, source = date_from_file_name(path.name), DateSource.FILE_NAME
    if moment is None:
        zola_path = meta.get("path")
        if isinstance(zola_path, str):
            moment, source = date_from_path(zola_path), DateSource.PATH
        if moment is None:
            moment, source = date_from_path(str(path.parent)), DateSource.PATH
    if moment is None:
        moment, source = as_local(datetime.fromtimestamp(mtime)), DateSource.MODIFIED

    categories = categories_of(_first(meta, ("categories", "category")))
    if not categories:
        categories = categories_of(_taxonomy(meta, "categories"), several=True)
    tags = _names(_first(meta, ("tags", "tag", "keywords_tags")) or _taxonomy(meta, "tags"))

    author_value = _first(meta, ("author", "authors", "creator"))
    if isinstance(author_value, dict):
        author_value = author_value.get("name")
    author = ", ".join(_names(author_value))[:MAX_NAME] if author_value is not None else ""

    extra = meta.get("extra") if isinstance(meta.get("extra"), dict) else {}
    cover = _url(_first(meta, COVER_KEYS) or _first(extra, COVER_KEYS))
    link = _url(_first(meta, LINK_KEYS))

    return Article(
        id=rel_path,
        title=title,
        date=moment,
        date_source=source,
        categories=categories,
        tags=tuple(tags),
        author=author,
        cover=cover,
        link=link,
        is_html=is_html,
        size=size,
        mtime=mtime,
        encoding=encoding,
        summary=summary_of(meta),
        draft=is_draft(rel_path, meta),
        page=is_page(rel_path, meta, body, dated=source is not DateSource.MODIFIED),
    )
