"""Helpers for driving the app in tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from rich.segment import Segment
from textual.pilot import Pilot

from reader.screens.reading import ReadingScreen
from reader.widgets.article_view import ArticleView

FIXED_MTIME = 1_700_000_000  # 2023-11-14 22:13:20 UTC


def stable_copy(source: Path, parent: Path) -> Path:
    """A copy of an archive whose files all have the same modification time."""
    target = parent / source.name
    shutil.copytree(source, target, symlinks=True)
    for folder, _, files in os.walk(target):
        for name in files:
            os.utime(Path(folder) / name, (FIXED_MTIME, FIXED_MTIME))
    return target


async def wait_loaded(pilot: Pilot, timeout: float = 20.0) -> ReadingScreen:
    """Wait until the archive is loaded and the first article is shown."""
    waited = 0.0
    while waited < timeout:
        screen = pilot.app.screen
        if isinstance(screen, ReadingScreen) and not screen.in_progress:
            view = screen.query_one(ArticleView)
            if view.lines or (not screen.ordered and view.placeholder):
                await pilot.pause()
                return screen
        await pilot.pause(0.05)
        waited += 0.05
    raise AssertionError("the archive did not load in time")


async def wait_for(pilot: Pilot, condition, timeout: float = 10.0) -> None:
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()


def article_text(pilot: Pilot) -> str:
    view = pilot.app.screen.query_one(ArticleView)
    return "\n".join(line.lead + line.text for line in view.lines)


def screen_lines(app) -> list[list[Segment]]:
    """The screen as the terminal gets it: a list of segments per line, every filter
    applied (colours composited, NO_COLOR, legible text), control codes left out."""
    update = app.screen._compositor.render_full_update()
    return [[segment for strip in strips for segment in Segment.filter_control(strip)]
            for strips in update.strips]
