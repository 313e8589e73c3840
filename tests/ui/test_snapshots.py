"""SVG snapshots of the main layouts (pytest-textual-snapshot).

Update them after a deliberate change of look with `pytest tests/ui --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.app import make_app
from reader.widgets.article_view import ArticleView
from tests.ui.helpers import stable_copy, wait_for, wait_loaded

CHINESE = "source/_posts/新媒体/ZAKER/source/青禾镇老码头改造完工百年货栈变身社区书房.md"


@pytest.fixture
def archive(sample: Path, tmp_path: Path) -> Path:
    return stable_copy(sample, tmp_path)


def test_reading_a_chinese_article(snap_compare, archive: Path) -> None:
    async def run_before(pilot) -> None:
        screen = await wait_loaded(pilot)
        screen.open_article(CHINESE)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == CHINESE and view.lines)

    assert snap_compare(make_app(archive), terminal_size=(110, 32), run_before=run_before)


def test_categories_at_80x24(snap_compare, archive: Path) -> None:
    async def run_before(pilot) -> None:
        screen = await wait_loaded(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: screen.query_one("#sidebar").groups[0].key.startswith(
            "category:"))
        await pilot.press("home", "enter", "down", "enter")
        await pilot.pause()

    assert snap_compare(make_app(archive), terminal_size=(80, 24), run_before=run_before)


def test_keys_screen(snap_compare, archive: Path) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(archive), terminal_size=(100, 30), run_before=run_before)
