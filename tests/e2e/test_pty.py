"""The installed `reader` on the hostile archive, in a real pseudo-terminal: the raw bytes it
writes carry no sequence from the archive (no OSC 52, no title change, no DCS, no C1, no bidi
override), whatever article is shown."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests import hostile
from tests.conftest import checksums
from tests.e2e.tmux import reader_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(reader_command() is None, reason="the reader command is not installed"),
]

FORBIDDEN = {
    "OSC 52 (clipboard)": re.compile(rb"\x1b\]52;"),
    "OSC 0/1/2 (window title)": re.compile(rb"\x1b\][012];"),
    "OSC 8 (hyperlink from the archive)": re.compile(rb"\x1b\]8;[^\x07\x1b]*;https://evil"),
    "DCS": re.compile(rb"\x1bP"),
    "C1 controls": re.compile(rb"\xc2[\x80-\x9f]"),
    "bidi overrides and isolates": re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"),
}


class Terminal:
    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        os.set_blocking(self.master, False)
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        env=env, close_fds=True, start_new_session=True)
        os.close(slave)
        self.output = bytearray()

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if ready:
                try:
                    self.output += os.read(self.master, 1 << 16)
                except OSError:
                    return

    def key(self, data: bytes, wait: float = 0.15) -> None:
        os.write(self.master, data)
        self.pump(wait)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        os.close(self.master)


def test_no_sequence_from_the_archive_reaches_the_terminal(tmp_path: Path,
                                                           reader_home: Path) -> None:
    archive = hostile.write(tmp_path / "hostile")
    sums = checksums(archive)
    env = {"PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "READER_HOME": str(reader_home), "COLUMNS": "100", "LINES": "30", "TZ": "UTC"}
    terminal = Terminal([reader_command() or "reader", str(archive)], env)
    try:
        terminal.pump(6)
        assert b"articles" in terminal.output
        terminal.key(b"c", 0.5)  # by category: every article under an open-able group
        # Visit every row: down, enter (open a group or an article), escape (back to the list).
        for _ in range(110):
            terminal.key(b"\x1b[B", 0.03)
            terminal.key(b"\r", 0.15)
            terminal.key(b"\x1b", 0.05)
        assert b"nested quotes" in terminal.output and "很长的文章".encode() in terminal.output
        terminal.key(b"?", 0.3)
        terminal.key(b"\x1b", 0.1)
        terminal.key(b"!", 0.3)
        terminal.key(b"\x1b", 0.1)
        terminal.key(b"q", 1.0)
    finally:
        terminal.close()
    stream = bytes(terminal.output)
    assert len(stream) > 50_000
    found = {name: pattern.search(stream) for name, pattern in FORBIDDEN.items()}
    assert {name: match.group(0) for name, match in found.items() if match} == {}
    assert checksums(archive) == sums
