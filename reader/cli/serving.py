"""`reader serve`: the reader in a web browser, to read a server's archive from a laptop."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import UsageError, add_archive, check_archive
from reader.core.sanitize import display_path

TUNNEL = "ssh -L 8000:localhost:8000 SERVER"


def add_parsers(commands: argparse._SubParsersAction) -> None:
    server = commands.add_parser(
        "serve", help="serve the reader to a web browser",
        description="Serve the reader to a web browser (textual-serve): each tab runs its "
        f"own reader. It listens on this machine only; from elsewhere use `{TUNNEL}` and "
        "open http://localhost:8000.")
    add_archive(server, help="the archive's folder")
    server.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default 127.0.0.1: this machine "
                        "only). Any other lets whoever reaches it read the archive: there "
                        "is no password")
    server.add_argument("--port", type=int, default=8000, help="default 8000")
    server.add_argument("--public-url", metavar="URL",
                        help="the address browsers reach this server at, when that is a "
                        "host name (other names are refused, against DNS rebinding) or a "
                        "proxy in front of it; by default localhost and IP addresses")
    server.set_defaults(run=run_serve)


def run_serve(options: argparse.Namespace) -> int:
    root = check_archive(options.archive)
    if not 0 < options.port < 65536:
        raise UsageError(f"--port must be from 1 to 65535, not {options.port}")
    try:
        from reader.system import serve
    except ImportError as error:  # textual-serve is a dependency, but may have been removed
        raise UsageError(f"serving needs textual-serve ({error.name} is missing): "
                         "python3 -m pip install textual-serve") from None
    if not serve.is_loopback(options.host):
        print(f"reader: warning: listening on {options.host}: anyone who reaches it can read "
              f"the archive, with no password (the default, 127.0.0.1, and `{TUNNEL}` "
              "keep it yours)", file=sys.stderr)
    try:
        serve.serve(root.absolute(), options.host, options.port, options.public_url)
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(f"reader: cannot listen on {display_path(options.host)}:{options.port}: "
              f"{error.strerror or error}", file=sys.stderr)
        return 1
    return 0
