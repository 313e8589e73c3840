"""The `reader` command: the UI, and plain commands for scripts and tests.

The UI is imported only when it is started, so `reader list` stays fast and never needs a
terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from reader import __version__
from reader.core.archive import Archive, display_path
from reader.core.model import Article, Problem

COMMANDS = {"open", "list", "show", "index", "search", "images", "links"}


class UsageError(Exception):
    """A bad argument from the user: a one-line message and exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read a folder of articles (Hexo, Jekyll, Hugo, Zola, crawler posts) "
        "in the terminal.",
        epilog="`reader ARCHIVE` is short for `reader open ARCHIVE`.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    opener = commands.add_parser("open", help="open the archive in the reader (the default)")
    opener.add_argument("archive", help="the archive's folder")
    lister = commands.add_parser("list", help="list the archive's articles, newest first")
    lister.add_argument("archive")
    lister.add_argument("--json", action="store_true", help="JSON Lines, one article a line")
    shower = commands.add_parser("show", help="print one article as the reader shows it")
    shower.add_argument("archive")
    shower.add_argument("id", help="the article's path inside the archive, as `list` prints it")
    shower.add_argument("--format", choices=("markdown", "text"), default="markdown")
    shower.add_argument("--width", type=int, default=80, help="line width for --format text")
    for name, what in (("images", "the article's images, numbered as in its text, and its "
                                  "cover"), ("links", "the article's links and their targets")):
        picker = commands.add_parser(name, help=f"print {what}")
        picker.add_argument("archive")
        picker.add_argument("id")
        picker.add_argument("--json", action="store_true", help="JSON Lines")
    indexer = commands.add_parser("index", help="build or refresh the archive's index")
    indexer.add_argument("archive")
    searcher = commands.add_parser(
        "search", help="search the archive; exit status 1 when nothing matched",
        description="Words must all match (any length, Chinese included); \"a phrase\" as "
        "written; -word excludes; filters: cat: tag: author: after:2022-05 before:2022-06-01.",
    )
    searcher.add_argument("archive")
    searcher.add_argument("query", nargs="+", help="one or more words, joined by spaces")
    searcher.add_argument("--json", action="store_true", help="JSON Lines")
    searcher.add_argument("--limit", type=_positive, default=20,
                          help="at most this many (20)")
    return parser


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a whole number above 0: {text!r}")
    return number


def _query_words_last(args: list[str]) -> list[str]:
    """`search`'s arguments with its positionals after `--`, so that a word to exclude
    (`-sqlite`) is read as a query word, not as an unknown option.

    Words of two dashes stay options (argparse takes `--lim` for `--limit`, and says so
    of a typo); after a `--` of the user's own, everything is a positional.
    """
    split = args.index("--") if "--" in args else len(args)
    options: list[str] = []
    positionals: list[str] = []
    words = iter(args[:split])
    for word in words:
        if word.startswith("--") or word in ("-h", "-help"):
            options.append(word)
            name = word.split("=", 1)[0]
            if "=" not in word and len(name) > 2 and "--limit".startswith(name):
                value = next(words, None)
                if value is not None:
                    options.append(value)
        else:
            positionals.append(word)
    return [*options, "--", *positionals, *args[split + 1 :]]


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


def _article_json(article: Article) -> dict:
    return {
        "id": display_path(article.id),
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "date_source": article.date_source.value,
        "categories": [list(path) for path in article.categories],
        "tags": list(article.tags),
        "author": article.author,
    }


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"{problem.path}: {problem.reason}", file=sys.stderr)


def _list(archive: Archive, as_json: bool) -> int:
    from reader.core.render import format_date

    for article in archive.newest_first():
        if as_json:
            print(json.dumps(_article_json(article), ensure_ascii=False))
        else:
            category = article.category_paths[0] if article.categories else ""
            print(f"{format_date(article)[:16]:16}  {display_path(article.id)}  {article.title}"
                  + (f"  [{category}]" if category else ""))
    _print_problems(archive.problems)
    return 0


def _find(archive: Archive, article_id: str) -> Article:
    article = archive.find(article_id)
    if article is None:
        problem = next((p for p in archive.problems if p.path == article_id), None)
        reason = f": {problem.reason}" if problem else ""
        raise UsageError(f"no article {article_id!r} in {display_path(str(archive.root))}{reason}")
    return article


def _targets(archive: Archive, article_id: str, kind: str, as_json: bool) -> int:
    from reader.core.opener import image_targets, link_targets
    from reader.core.render import render_article

    article = _find(archive, article_id)
    document = render_article(archive.root, article)
    targets = image_targets(document, article) if kind == "images" else link_targets(document)
    for target in targets:
        if as_json:
            print(json.dumps({
                "number": target.number, "url": target.url, "label": target.label,
                "fallback": target.fallback or None, "cover": target.cover,
                "openable": target.openable, "refused": target.refused,
            }, ensure_ascii=False))
        else:
            label = target.label or ("(cover)" if target.cover else "")
            note = f"  [not openable: {target.refused}]" if target.refused else ""
            print(f"{target.number:>3}  {target.url}{note}" + (f"  {label}" if label else ""))
    return 0


def _show(archive: Archive, article_id: str, form: str, width: int) -> int:
    from reader.core.layout import layout, plain_text
    from reader.core.render import render_article
    from reader.core.textout import to_markdown

    article = _find(archive, article_id)
    document = render_article(archive.root, article)
    if form == "text":
        print(plain_text(layout(document, max(width, 10))))
    else:
        sys.stdout.write(to_markdown(document))
    return 0


def _indexed_archive(root: Path) -> Archive:
    """The archive as its index holds it, brought up to date first."""
    from reader.core.index import ArchiveIndex

    index = ArchiveIndex(root)
    try:
        index.refresh()
        ordered = index.articles()
        return Archive(root, {a.id: a for a in ordered}, index.problems())
    finally:
        index.close()


def _index(root: Path) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from reader.core.index import ArchiveIndex

    console = Console(stderr=True)
    index = ArchiveIndex(root)
    try:
        with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("index", total=None, rate="")

            def progress(p) -> None:
                bar.update(task, total=p.total, completed=p.done, rate=f"{p.rate:,.0f} files/s")

            changes = index.refresh(on_progress=progress)
        size = index.size_on_disk()
        count = index.count()
    finally:
        index.close()
    if index.rebuilt_because:
        print(f"reader: rebuilt the index: {index.rebuilt_because}", file=sys.stderr)
    print(
        f"{count:,} articles, {changes.problems:,} problems; {len(changes.added):,} added, "
        f"{len(changes.changed):,} changed, {len(changes.removed):,} removed in "
        f"{changes.seconds:.1f} s; index {size / 1e6:,.1f} MB at {index.path}"
    )
    return 0


def _search(root: Path, text: str, as_json: bool, limit: int) -> int:
    from reader.core.index import ArchiveIndex
    from reader.core.render import format_date
    from reader.core.search import QueryError, parse_query, shown_snippet

    try:
        query = parse_query(text)
    except QueryError as error:
        raise UsageError(str(error)) from None
    index = ArchiveIndex(root)
    try:
        index.refresh()
        hits = index.search(query, limit)
    finally:
        index.close()
    for hit in hits:
        article = hit.article
        text_snippet = shown_snippet(root, article, query.words) or hit.snippet
        if as_json:
            print(json.dumps({**_article_json(article), "snippet": text_snippet},
                             ensure_ascii=False))
        else:
            category = article.category_paths[0] if article.categories else ""
            print(f"{format_date(article)[:10]}  {article.title}"
                  + (f"  [{category}]" if category else ""))
            print(f"    {display_path(article.id)}")
            print(f"    {text_snippet}")
    return 0 if hits else 1


def main(argv: list[str] | None = None) -> int:
    """Run the `reader` command; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        args.insert(0, "open")
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if args and args[0] == "search":
        args = ["search", *_query_words_last(args[1:])]
    parser = _parser()
    options = parser.parse_args(args)
    if options.command is None:
        parser.print_help()
        return 2
    try:
        root = check_archive(options.archive)
        if options.command == "open":
            from reader.app import run

            return run(root)
        if options.command == "index":
            return _index(root)
        if options.command == "search":
            return _search(root, " ".join(options.query), options.json, options.limit)
        archive = _indexed_archive(root)
        if options.command == "list":
            return _list(archive, options.json)
        if options.command in ("images", "links"):
            return _targets(archive, options.id, options.command, options.json)
        return _show(archive, options.id, options.format, options.width)
    except UsageError as error:
        print(f"reader: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `reader list | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
