"""`reader index`: build or refresh the archive's index, with a progress bar; `--check`
reads all of it first and rebuilds it when it is damaged."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import add_archive, check_archive, with_index


def add_parsers(commands: argparse._SubParsersAction) -> None:
    indexer = commands.add_parser("index", help="build or refresh the archive's index")
    add_archive(indexer)
    indexer.add_argument("--check", action="store_true",
                         help="check every page of the index first (PRAGMA quick_check) and "
                         "rebuild it if damaged")
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

    root = check_archive(options.archive)
    console = Console(stderr=True)

    def index_it(index):
        if options.check:
            damage = index.check()
            if damage is not None:
                index.rebuild(f"damaged index ({damage})")
            elif index.rebuilt_because is None:
                print("reader: the index is sound (quick_check: ok)", file=sys.stderr)
        with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("index", total=None, rate="")

            def progress(p) -> None:
                bar.update(task, total=p.total, completed=p.done, rate=f"{p.rate:,.0f} files/s")

            changes = index.refresh(on_progress=progress, whole=True)
        return changes, index.count(), index.size_on_disk(), index.location.file

    changes, count, size, where = with_index(root, index_it, fresh=False)
    place = f"index {size / 1e6:,.1f} MB at {where}" if where else "index in memory"
    print(
        f"{count:,} articles, {changes.problems:,} problems; {len(changes.added):,} added, "
        f"{len(changes.changed):,} changed, {len(changes.removed):,} removed in "
        f"{changes.seconds:.1f} s; {place}"
    )
    return 0
