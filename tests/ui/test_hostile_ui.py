"""The hostile archive opened in the app: every article and every screen, nothing breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.app import make_app
from reader.core.sanitize import is_clean
from reader.screens.reading import ReadingScreen
from reader.widgets.article_view import ArticleView
from reader.widgets.sidebar import Sidebar
from tests import hostile
from tests.conftest import checksums
from tests.ui.helpers import wait_for, wait_loaded


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile.write(tmp_path_factory.mktemp("hostile-ui") / "archive")


async def test_visit_every_article_and_screen(archive: Path) -> None:
    before = checksums(archive)
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot, timeout=60)
        view = screen.query_one(ArticleView)
        sidebar = screen.query_one(Sidebar)
        assert len(screen.ordered) >= 40
        for article in screen.ordered:
            screen.open_article(article.id)
            await wait_for(pilot, lambda a=article: view.article_id == a.id and bool(view.lines),
                           timeout=20)
            for y in range(view.size.height):
                assert is_clean(view.render_line(y).text)
            for y in range(sidebar.size.height):
                assert is_clean(sidebar.render_line(y).text)
            if article.id.startswith(("links/", "markup/", "escapes/entity-osc8")):
                for key in ("i", "escape", "u", "escape", "o", "escape"):
                    await pilot.press(key)
                assert isinstance(app.screen, ReadingScreen)
        for key in ("c", "t", "d", "question_mark", "escape", "exclamation_mark", "escape",
                    "slash", "p", "w", "n", "e", "d", "enter"):
            await pilot.press(key)
        await pilot.pause(0.5)
        assert app.is_running
        await pilot.press("escape", "f", *"pwned", "enter", "n", "N", "escape")
        assert app.is_running
    assert checksums(archive) == before
