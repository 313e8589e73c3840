"""`reader list`, `reader show`, `reader images` and `reader links`."""

from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.common import (
    add_archive,
    check_archive,
    find_article,
    print_problems,
    whole_number,
    with_index,
)
from reader.core.files.dates import format_stored
from reader.core.index import listing
from reader.core.index.schema import id_of
from reader.core.model import DateSource
from reader.core.sanitize import display_path

if TYPE_CHECKING:
    from reader.core.index.store import ArchiveIndex
    from reader.core.model import Article
    from reader.core.search.marks import Marks


def add_parsers(commands: argparse._SubParsersAction) -> None:
    lister = commands.add_parser("list", help="list the archive's articles, newest first")
    add_archive(lister)
    lister.add_argument("--json", action="store_true", help="JSON Lines, one article a line "
                        "(with its read and starred marks)")
    which = lister.add_mutually_exclusive_group()
    which.add_argument("--unread", action="store_true", help="only articles not read yet")
    which.add_argument("--starred", action="store_true", help="only starred articles")
    which.add_argument("--new", action="store_true",
                       help="only articles that arrived since the reader was last opened")
    lister.set_defaults(run=run_list)
    shower = commands.add_parser("show", help="print one article as the reader shows it")
    add_archive(shower)
    shower.add_argument("id", help="the article's path inside the archive, as `list` prints it")
    shower.add_argument("--format", choices=("markdown", "text"), default="markdown")
    shower.add_argument("--width", type=whole_number(20, "a width of 20 cells or more"), default=80,
                        help="line width for --format text (20 or more)")
    shower.set_defaults(run=run_show)
    for name, what in (("images", "the article's images, numbered as in its text, and its "
                                  "cover"), ("links", "the article's links and their targets")):
        picker = commands.add_parser(name, help=f"print {what}")
        add_archive(picker)
        picker.add_argument("id")
        picker.add_argument("--json", action="store_true", help="JSON Lines")
        picker.set_defaults(run=run_targets)


def run_list(options: argparse.Namespace) -> int:
    root = check_archive(options.archive)
    columns = listing.SUMMARY if options.json else listing.LINE
    rows, problems = with_index(root, lambda index: (list(index.summaries(columns)),
                                                     index.problems()))
    marks = None
    if options.json or options.unread or options.starred or options.new:
        from reader.cli.common import read_marks

        ids = [id_of(row[0]) for row in rows]
        marks = read_marks(root, ids if options.new else None)
        keep = (lambda i: i not in marks.read) if options.unread else (
            (lambda i: i in marks.starred) if options.starred else
            (lambda i: i in marks.new) if options.new else None)
        if keep is not None:
            rows = [row for row, i in zip(rows, ids, strict=True) if keep(i)]
    lines = [_json_line(row, marks) if options.json else _plain_line(row) for row in rows]
    if lines:
        lines.append("")
        sys.stdout.write("\n".join(lines))
    print_problems(problems)
    return 0


_MODIFIED = DateSource.MODIFIED.value


def _plain_line(row: tuple) -> str:
    """A line of `reader list`, from a `listing.SUMMARY` row: date, path, title, category."""
    article_id, title, stamp, date, source, categories, *_ = row
    category = _first_category(categories)
    date_text = format_stored(date, stamp, source == _MODIFIED)
    shown = display_path(article_id.decode("utf-8", "surrogateescape"))  # `id_of`, inlined
    return f"{date_text[:16]:16}  {shown}  {title}" + (f"  [{category}]" if category else "")


def _json_line(row: tuple, marks: Marks | None = None) -> str:
    """A line of `reader list --json`, as `article_json` writes an `Article`, with its read
    and starred marks."""
    article_id, title, _, date, source, categories, tags, author, summary, draft, page = row
    fields = {
        "id": display_path(id_of(article_id)), "title": title, "date": date,
        "date_source": source, "categories": _json(categories), "tags": _json(tags),
        "author": author, "summary": summary, "draft": bool(draft), "page": bool(page),
    }
    if marks is not None:
        fields["read"] = id_of(article_id) in marks.read
        fields["starred"] = id_of(article_id) in marks.starred
    return json.dumps(fields, ensure_ascii=False)


@lru_cache(maxsize=4096)
def _json(text: str) -> list:
    """A JSON list of the index: the same few category lists come back thousands of times."""
    return json.loads(text)


@lru_cache(maxsize=4096)
def _first_category(categories: str) -> str:
    paths = json.loads(categories)
    return " › ".join(paths[0]) if paths else ""


def _article_to_show(options: argparse.Namespace) -> tuple[Path, Article]:
    root = check_archive(options.archive)
    return root, with_index(root, lambda index: find_article(index, options.id))


def run_targets(options: argparse.Namespace) -> int:
    from reader.core.convert.render import render_article
    from reader.core.convert.targets import image_targets, link_targets
    from reader.core.files.local import Permalinks

    root = check_archive(options.archive)

    def read(index: ArchiveIndex) -> tuple[Article, dict[str, Article]]:
        # Links to other articles are found among all of them; images need none.
        return find_article(index, options.id), (
            {a.id: a for a in index.articles()} if options.command == "links" else {})

    article, articles = with_index(root, read)
    document = render_article(root, article)
    targets = (image_targets(document, article, root) if options.command == "images"
               else link_targets(document, article, root, articles,
                                 Permalinks.of(articles.values())))
    for target in targets:
        if options.json:
            print(json.dumps({
                "number": target.number, "url": target.url, "label": target.label,
                "fallback": target.fallback or None, "cover": target.cover,
                "openable": target.openable, "refused": target.refused,
                "file": display_path(target.path) if target.path else None,
                "article": display_path(target.article) if target.article else None,
            }, ensure_ascii=False))
        else:
            label = target.label or ("(cover)" if target.cover else "")
            note = f"  [not openable: {target.refused}]" if target.refused else ""
            if target.article:
                note = f"  [article: {display_path(target.article)}]"
            elif target.path:
                note = f"  [file: {display_path(target.path)}]"
            print(f"{target.number:>3}  {target.url}{note}" + (f"  {label}" if label else ""))
    return 0


def run_show(options: argparse.Namespace) -> int:
    from reader.core.convert.render import render_article
    from reader.core.layout.lines import layout, plain_text
    from reader.core.layout.markdown_out import to_markdown

    root, article = _article_to_show(options)
    document = render_article(root, article)
    if options.format == "text":
        print(plain_text(layout(document, options.width)))
    else:
        sys.stdout.write(to_markdown(document))
    return 0
