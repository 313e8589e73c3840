"""The reader in a real terminal, killed while it indexes: nothing is left running."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_files
from tests.e2e.tmux import Tmux, reader_command, reader_env, tmux_available
from tests.processes import alive, children, find

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(reader_command() is None, reason="the reader command is not installed"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

BODY = "。".join(f"第{n}句话讲的是抚顺的振兴和城市的变化" for n in range(80))


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_ui_killed_while_indexing(tmp_path: Path, reader_home: Path,
                                      how: signal.Signals) -> None:
    root = write_files(tmp_path / "archive", {
        f"p/{n:04d}.md": f"---\ntitle: 文章{n}\ndate: 2022-05-01\n---\n{BODY}{n}\n"
        for n in range(4000)
    })
    term = Tmux([reader_command() or "reader", str(root)], 100, 30, reader_env(reader_home))
    pool: set[int] = set()
    ui: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(pool) < 3:
            # The reader is the process whose children are multiprocessing's.
            pool = find("multiprocessing")
            ui = {pid for pid in find("reader", str(root)) if children(pid) & pool}
            pool = {child for pid in ui for child in children(pid)}
            time.sleep(0.05)
        assert len(pool) >= 3, "the pool never started"
        assert term.wait_for("Indexing", timeout=20)
        [pid] = ui
        os.kill(pid, how)
        deadline = time.monotonic() + 20
        while alive(pool | ui) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(pool | ui), f"left running: {alive(pool | ui)}"
        if how == signal.SIGTERM:
            # Quit as `q` quits: the terminal is the shell's again, not the app's screen.
            screen = "\n".join(term.screen())
            assert "Indexing" not in screen and "articles" not in screen
    finally:
        for leftover in alive(pool | ui):
            os.kill(leftover, signal.SIGKILL)
        term.close()
