"""`reader mark` and `reader state export|import`: the reading state, from a script."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from reader.cli.common import UsageError, article_id, check_archive, indexed_archive
from reader.core.sanitize import display_path


def add_parsers(commands: argparse._SubParsersAction) -> None:
    marker = commands.add_parser(
        "mark", help="mark articles read (or unread), starred or not",
        description="Marks articles as the reader's m and * keys do. IDs as `reader list "
        "--json` prints them (paths inside the archive). An unknown ID changes nothing.")
    marker.add_argument("archive")
    marker.add_argument("ids", nargs="+", metavar="ID")
    marker.add_argument("--unread", action="store_true", help="mark unread instead of read")
    stars = marker.add_mutually_exclusive_group()
    stars.add_argument("--star", action="store_true", help="star them (read marks unchanged)")
    stars.add_argument("--unstar", action="store_true", help="unstar them")
    marker.set_defaults(run=run_mark)
    state = commands.add_parser("state", help="export or import the reading state (JSON)")
    actions = state.add_subparsers(dest="action", metavar="ACTION", required=True)
    exporter = actions.add_parser("export", help="write the state as JSON")
    exporter.add_argument("archive")
    exporter.add_argument("-o", "--output", help="a file to write (standard output if none)")
    exporter.set_defaults(run=run_export)
    importer = actions.add_parser("import", help="merge a state file in (read marks kept "
                                  "from both; a star follows the later change)")
    importer.add_argument("archive")
    importer.add_argument("file")
    importer.set_defaults(run=run_import)


def _state(root: Path):
    from reader.state.session import ReadingState

    state = ReadingState.open(root)
    if state.problem:
        print(f"reader: {state.problem}", file=sys.stderr)
    return state


def run_mark(options: argparse.Namespace) -> int:
    root = check_archive(options.archive)
    archive = indexed_archive(root)
    ids = [article_id(archive, text) for text in options.ids]  # all known, or nothing done
    state = _state(root)
    state.articles = archive.articles
    try:
        if options.star or options.unstar:
            for target in ids:
                if (target in state.starred) != bool(options.star):
                    state.toggle_star(target)
        else:
            state.set_read(ids, not options.unread)
    finally:
        state.close()
    if not state.store.writable or state.problem:
        print(f"reader: the marks could not be saved ({state.problem or 'read-only'})",
              file=sys.stderr)
        return 1
    return 0


def run_export(options: argparse.Namespace) -> int:
    from reader.state.merge import to_json

    root = check_archive(options.archive)
    state = _state(root)
    try:
        marks = list(state.store.marks().values())
    finally:
        state.close()
    text = to_json(str(root.resolve()), datetime.now(UTC).isoformat(timespec="seconds"), marks)
    if options.output:
        Path(options.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def run_import(options: argparse.Namespace) -> int:
    from reader.state.merge import StateFileError, exported_from, from_json

    root = check_archive(options.archive)
    try:
        text = Path(options.file).read_text(encoding="utf-8")
        marks = from_json(text)
    except OSError as error:
        raise UsageError(f"cannot read {options.file}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{options.file}: not UTF-8 text") from None
    except StateFileError as error:
        raise UsageError(f"{options.file}: {error}") from None
    source = exported_from(text)
    if source and source != str(root.resolve()):
        print(f"reader: {options.file} was exported from {display_path(source)}: its marks "
              "are merged by the paths inside the archive", file=sys.stderr)
    state = _state(root)
    try:
        changed = state.store.merge(marks)
    finally:
        state.close()
    if not state.store.writable:
        print("reader: nothing was saved: the reading state can't be written here",
              file=sys.stderr)
        return 1
    print(f"{changed:,} article{'s' if changed != 1 else ''} changed; {len(marks):,} in the file")
    return 0
