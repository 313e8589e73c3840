"""The `reader` command: the UI, and plain commands for scripts and tests.

Each command lives in a module of its own that adds its parser and runs it; the UI is
imported only when it is started, so `reader list` stays fast and never needs a terminal.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from reader import __version__
from reader.cli import articles, config, indexing, marks, searching, serving
from reader.cli.common import Failure, UsageError, add_archive, check_archive
from reader.settings import FOLLOW_VARIABLE

#: The modules of the commands, in the order `--help` lists them.
MODULES = (articles, searching, marks, indexing, serving, config)


def _parser() -> tuple[argparse.ArgumentParser, set[str]]:
    """The parser, and the names of its commands."""
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read a folder of articles (Hexo, Jekyll, Hugo, Zola, crawler posts) "
        "in the terminal.",
        epilog="`reader ARCHIVE` is short for `reader open ARCHIVE`.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    opener = commands.add_parser("open", help="open the archive in the reader (the default)")
    add_archive(opener, help="the archive's folder")
    opener.set_defaults(run=_run_open)
    for module in MODULES:
        module.add_parsers(commands)
    return parser, set(commands.choices)


def _run_open(options: argparse.Namespace) -> int:
    from reader.app import run

    return run(check_archive(options.archive))


def _settings_problems() -> None:
    """What is wrong with the settings file, a line each on standard error (the command
    still runs with the rest of the file)."""
    from reader.settings import Settings

    for problem in Settings.load().problems:
        print(f"reader: {problem}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the `reader` command; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser, commands = _parser()
    lead = 1 if args[:1] == ["--follow"] else 0  # `reader --follow ARCHIVE`
    if len(args) > lead and not args[lead].startswith("-") and args[lead] not in commands:
        args.insert(0, "open")
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if args and args[0] == "search":
        args = ["search", *searching.query_words_last(args[1:])]
    options = parser.parse_args(args)
    if options.command is None:
        parser.print_help()
        return 2
    from reader.settings import Settings

    Settings.load().apply()
    if getattr(options, "follow", False):
        # For the whole process: the UI's workers open the index as the commands do.
        os.environ[FOLLOW_VARIABLE] = "1"
    if options.command != "open":  # the UI ends on SIGTERM its own way (`app.run`)
        signal.signal(signal.SIGTERM, _terminated)
    try:
        if options.command not in ("config", "open"):
            _settings_problems()
        return options.run(options)
    except UsageError as error:
        print(f"reader: {error}", file=sys.stderr)
        return 2
    except Failure as error:
        print(f"reader: {error}", file=sys.stderr)
        return 3  # not 1: `search` says "nothing matched" with it
    except BrokenPipeError:
        # `reader list | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt as interrupt:
        return 128 + signal.SIGTERM if isinstance(interrupt, Terminated) else 130


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwinding the command as Ctrl-C does: the index's transaction rolled back,
    its reading processes stopped and waited for."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated
