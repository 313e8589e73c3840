"""`reader list`, `reader show`, `reader images` and `reader links`."""

from __future__ import annotations

import argparse
import json
import sys

from reader.cli.common import (
    add_archive,
    article_json,
    check_archive,
    find_article,
    indexed_archive,
    print_problems,
    whole_number,
)
from reader.core.sanitize import display_path


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
    from reader.core.convert.render import format_date

    root = check_archive(options.archive)
    archive = indexed_archive(root)
    articles = archive.newest_first()
    marks = None
    if options.json or options.unread or options.starred or options.new:
        from reader.state.session import peek_marks

        marks = peek_marks(root, [a.id for a in articles] if options.new else None)
        keep = (lambda a: a.id not in marks.read) if options.unread else (
            (lambda a: a.id in marks.starred) if options.starred else
            (lambda a: a.id in marks.new) if options.new else None)
        if keep is not None:
            articles = [a for a in articles if keep(a)]
    for article in articles:
        if options.json:
            row = article_json(article)
            if marks is not None:
                row["read"], row["starred"] = article.id in marks.read, article.id in marks.starred
            print(json.dumps(row, ensure_ascii=False))
        else:
            category = article.category_paths[0] if article.categories else ""
            print(f"{format_date(article)[:16]:16}  {display_path(article.id)}  {article.title}"
                  + (f"  [{category}]" if category else ""))
    print_problems(archive.problems)
    return 0


def run_targets(options: argparse.Namespace) -> int:
    from reader.core.convert.render import render_article
    from reader.core.convert.targets import image_targets, link_targets
    from reader.core.files.local import Permalinks

    archive = indexed_archive(check_archive(options.archive))
    article = find_article(archive, options.id)
    document = render_article(archive.root, article)
    targets = (image_targets(document, article, archive.root) if options.command == "images"
               else link_targets(document, article, archive.root, archive.articles,
                                 Permalinks.of(archive.articles.values())))
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

    archive = indexed_archive(check_archive(options.archive))
    article = find_article(archive, options.id)
    document = render_article(archive.root, article)
    if options.format == "text":
        print(plain_text(layout(document, options.width)))
    else:
        sys.stdout.write(to_markdown(document))
    return 0
