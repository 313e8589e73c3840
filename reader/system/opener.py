"""Opening an address: the user's command, the desktop's opener, or the user's clipboard.

Only http and https addresses are ever opened (`reader.core.urls.refusal` decides), and
never through a shell. Over SSH, or with no display, nothing is started on the machine the
reader runs on: the address goes to the user's own clipboard (OSC 52) instead.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from reader.core.files.local import file_refusal
from reader.core.sanitize import clean_line, display_path
from reader.core.urls import refusal


class Way(str, Enum):
    COMMAND = "command"  # the user's own command
    DESKTOP = "desktop"  # the desktop's opener (xdg-open, open)
    CLIPBOARD = "clipboard"  # over SSH or with no display: OSC 52 to the user's terminal


def over_ssh(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


def has_display(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    if platform == "darwin" or platform.startswith("win"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def user_command(env: Mapping[str, str], configured: list[str] | None = None) -> list[str] | None:
    """The user's opener as an argument list: `READER_OPENER`, else the config's `opener`."""
    text = env.get("READER_OPENER", "").strip()
    if text:
        try:
            return shlex.split(text) or None
        except ValueError:
            return None
    return list(configured) if configured else None


def choose_way(env: Mapping[str, str], configured: list[str] | None = None,
               platform: str = sys.platform) -> Way:
    """How an address will be opened here: the user's command wins; then SSH or no display
    means the clipboard; else the desktop's opener."""
    if user_command(env, configured):
        return Way.COMMAND
    if over_ssh(env) or not has_display(env, platform):
        return Way.CLIPBOARD
    return Way.DESKTOP


def desktop_command(platform: str = sys.platform) -> list[str]:
    if platform == "darwin":
        return ["open"]
    if platform.startswith("win"):
        return ["explorer"]
    return ["xdg-open"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened, in a line for the status bar; `copy` is set when the UI must copy."""

    message: str
    ok: bool
    copy: str | None = None
    #: The program started, for a caller that wants to know if it failed after all.
    process: subprocess.Popen | None = None


def open_file(path: str, env: Mapping[str, str] | None = None,
              configured: list[str] | None = None, platform: str = sys.platform,
              popen=None) -> Outcome:
    """Open a file of the archive (a picture beside a post) the way `choose_way` says, as
    an address is: one absolute path as one argument, never through a shell."""
    if not os.path.isabs(path) or not os.path.isfile(path):
        return Outcome(f"Not opened: no such file: {display_path(path)}", ok=False)
    why = file_refusal(path)
    if why is not None:
        return Outcome(f"Not opened: {why}", ok=False)
    shown = display_path(path)
    return _open(path, shown, "its path is copied", env, configured, platform, popen)


def open_address(url: str, env: Mapping[str, str] | None = None,
                 configured: list[str] | None = None, platform: str = sys.platform,
                 popen=None) -> Outcome:
    """Open `url` the way `choose_way` says, never blocking and never through a shell."""
    why = refusal(url)
    if why is not None:
        return Outcome(f"Not opened: {why}", ok=False)
    return _open(url, url, "copied to clipboard", env, configured, platform, popen)


def _open(what: str, shown: str, copied: str, env: Mapping[str, str] | None,
          configured: list[str] | None, platform: str, popen) -> Outcome:
    """Open `what` (an address or a file) by the way `choose_way` says, or copy it.

    A program is started in its own session with no terminal of ours (stdin, stdout and
    stderr go nowhere), so it can neither block the reader nor take over the screen. With
    no program to start (over SSH, no display, no desktop opener here), `what` is copied
    to the user's clipboard instead.
    """
    env = os.environ if env is None else env
    way = choose_way(env, configured, platform)
    if way is Way.CLIPBOARD:
        reason = "over SSH" if over_ssh(env) else "no display"
        return Outcome(f"{copied.capitalize()} ({reason}): {shown}", ok=True, copy=what)
    command = user_command(env, configured) if way is Way.COMMAND else desktop_command(platform)
    assert command
    if way is Way.DESKTOP and popen is None and shutil.which(command[0]) is None:
        # A display but no desktop opener: do what is done over SSH instead.
        return Outcome(f"{copied.capitalize()} (no {command[0]} here): {shown}", ok=True,
                       copy=what)
    popen = popen or subprocess.Popen
    try:
        process = popen([*command, what], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError as error:
        return Outcome(f"Could not start {clean_line(command[0], 60)} "
                       f"({clean_line(error.strerror or str(error), 120)}); {copied}: {shown}",
                       ok=False, copy=what)
    return Outcome(f"Opened in {clean_line(os.path.basename(command[0]), 60)}: {shown}",
                   ok=True, process=process if hasattr(process, "wait") else None)


def failed_after_start(process: subprocess.Popen, seconds: float = 10.0) -> int | None:
    """Wait (in a thread of the caller's) for an opener that was started: its exit status
    when it failed within `seconds`, else None (it succeeded, or still runs: a browser)."""
    try:
        status = process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None
    return status or None
