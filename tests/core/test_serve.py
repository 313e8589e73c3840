"""`reader serve`'s parts that need no server: the command line textual-serve runs, and which
hosts are this machine's. (The server itself: tests/e2e/test_serve.py.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

serve = pytest.importorskip("reader.system.serve")

ODD = "my archive 'q' \"dq\" $HOME;`x`&(y)*\\n"  # spaces, quotes, $, ;, backticks, &, (), *


@pytest.mark.parametrize("setpriv", [None, serve.find_setpriv()])
def test_the_archive_reaches_the_reader_as_one_argument(tmp_path: Path,
                                                        setpriv: str | None) -> None:
    argv = [sys.executable, "-c", "import sys, json; print(json.dumps(sys.argv[1:]))", "--",
            str(tmp_path / ODD), "-x", "", "*"]
    # textual-serve runs the command with /bin/sh -c (asyncio.create_subprocess_shell).
    out = subprocess.run(["/bin/sh", "-c", serve.app_command(argv, setpriv)], check=True,
                         capture_output=True, text=True, cwd=tmp_path).stdout
    assert json.loads(out) == argv[3:]


def test_the_reader_is_this_installation_on_an_absolute_path(tmp_path: Path,
                                                             monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    argv = serve.reader_argv(Path("-odd"))
    assert argv[:5] == [sys.executable, "-m", "reader", "open", "--"]
    assert argv[5] == str(tmp_path / "-odd")


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("LOCALHOST", True), ("0.0.0.0", False), ("::", False),
    ("192.168.1.5", False), ("example.org", False), ("localhost.evil.example", False),
])
def test_which_hosts_are_this_machine_only(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:8000"), ("0.0.0.0", "http://127.0.0.1:8000"),
    ("::", "http://[::1]:8000"), ("::1", "http://[::1]:8000"),
    ("reader.lan", "http://reader.lan:8000"),
])
def test_the_address_given_to_the_user(host: str, url: str) -> None:
    assert serve.listening_url(host, 8000) == url
