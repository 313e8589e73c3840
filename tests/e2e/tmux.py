"""A tiny driver for running the installed `reader` inside tmux."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path


class Tmux:
    """One tmux server of our own (its own socket), one window running a command."""

    def __init__(self, command: list[str], width: int, height: int, env: dict[str, str]) -> None:
        self.socket = f"reader-test-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # The command waits for a line on its terminal, so that the window has its final size
        # (and the options below are set) before the reader starts and measures it.
        shell = f"read _; env -u COLUMNS -u LINES {exports} {shlex.join(command)}; sleep 60"
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y",
                   str(height), shell)
        # Escape followed quickly by a key must not arrive as Alt+key.
        self._tmux("set-option", "-g", "escape-time", "0")
        self._tmux("set-option", "-g", "window-size", "manual")
        self._tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))
        self._tmux("send-keys", "-t", "t", "Enter")

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                                text=True, encoding="utf-8", timeout=30)
        return result.stdout

    def send(self, *keys: str, pause: float = 0.3) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "t", key)
            time.sleep(pause)

    def type(self, text: str, pause: float = 0.3) -> None:
        """Text typed as it is (`-l`: no key names), Chinese included."""
        self._tmux("send-keys", "-t", "t", "-l", text)
        time.sleep(pause)

    def screen(self) -> list[str]:
        return self._tmux("capture-pane", "-p", "-t", "t").splitlines()

    def wait_for(self, text: str, timeout: float = 20.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.screen()
            if any(text in line for line in lines):
                return lines
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed; the screen was:\n" + "\n".join(self.screen()))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def reader_command() -> str | None:
    return shutil.which("reader")


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


def reader_env(home: Path) -> dict[str, str]:
    return {
        "READER_HOME": str(home),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PATH": os.environ.get("PATH", ""),
    }
