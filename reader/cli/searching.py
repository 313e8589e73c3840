"""`reader search`: the archive's search, for scripts; exit status 1 when nothing matched."""

from __future__ import annotations

import argparse
import json

from reader.cli.common import (
    UsageError,
    add_archive,
    article_json,
    check_archive,
    read_marks,
    whole_number,
    with_index,
)
from reader.core.sanitize import display_path


def add_parsers(commands: argparse._SubParsersAction) -> None:
    searcher = commands.add_parser(
        "search", help="search the archive; exit status 1 when nothing matched",
        description="Words must all match (any length, Chinese included); \"a phrase\" as "
        "written; -word excludes; filters: cat: tag: author: after:2022-05 before:2022-06-01.",
    )
    add_archive(searcher)
    searcher.add_argument("query", nargs="+", help="one or more words, joined by spaces")
    searcher.add_argument("--json", action="store_true", help="JSON Lines")
    searcher.add_argument("--limit", type=whole_number(1, "a whole number above 0"), default=20,
                          help="at most this many (20)")
    searcher.set_defaults(run=run_search)


def query_words_last(args: list[str]) -> list[str]:
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


def run_search(options: argparse.Namespace) -> int:
    from reader.core.files.dates import format_date
    from reader.core.index.store import ArchiveIndex
    from reader.core.search.marks import NO_MARKS
    from reader.core.search.query import Hit, QueryError, parse_query
    from reader.core.search.snippets import shown_snippet

    root = check_archive(options.archive)
    try:
        query = parse_query(" ".join(options.query))
    except QueryError as error:
        raise UsageError(str(error)) from None

    def search(index: ArchiveIndex) -> list[Hit]:
        marks = NO_MARKS
        if query.flags:  # is:unread and friends ask the reading state, as `list` does
            listed = [a.id for a in index.articles()] if "new" in query.flags else None
            marks = read_marks(root, listed)
        return index.search(query, options.limit, marks, keep=False)

    hits = with_index(root, search)
    for hit in hits:
        article = hit.article
        text_snippet = shown_snippet(root, article, query.words) or hit.snippet
        if options.json:
            print(json.dumps({**article_json(article), "snippet": text_snippet},
                             ensure_ascii=False))
        else:
            category = article.category_paths[0] if article.categories else ""
            print(f"{format_date(article)[:10]}  {article.title}"
                  + (f"  [{category}]" if category else ""))
            print(f"    {display_path(article.id)}")
            print(f"    {text_snippet}")
    return 0 if hits else 1
