"""`reader index`: build or refresh the archive's index, with a progress bar."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import add_archive, check_archive


def add_parsers(commands: argparse._SubParsersAction) -> None:
    indexer = commands.add_parser("index", help="build or refresh the archive's index")
    add_archive(indexer)
    indexer.set_defaults(run=run_index)


def run_index(options: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from reader.cache import open_index

    root = check_archive(options.archive)
    console = Console(stderr=True)
    index = open_index(root)
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
