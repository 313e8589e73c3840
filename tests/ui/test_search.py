"""`/` search and `f` find, driven by keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.app import make_app
from reader.screens.reading import ReadingScreen
from reader.screens.search import SearchScreen
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar
from reader.widgets.sidebar import Sidebar
from tests.ui.helpers import stable_copy, wait_for, wait_loaded

LONG = "source/_posts/科技/36氪/最新/深度一座小城的芯片梦石桥县半导体产业园五年观察.md"


@pytest.fixture
def archive(sample: Path, tmp_path: Path) -> Path:
    return stable_copy(sample, tmp_path)


async def test_search_opens_article_at_first_match(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        rows_before = list(sidebar.rows)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"无尘车间")
        search = app.screen
        await wait_for(pilot, lambda: bool(search.hits))
        assert search.hits[0].article.id == LONG
        await pilot.press("enter")
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == LONG and view.matches and view.lines)
        assert isinstance(app.screen, ReadingScreen)
        total = len(view.matches)
        assert total >= 2
        first_line = view.lines[int(view.scroll_offset.y)]
        top = int(view.scroll_offset.y)
        block, _start, _ = view.matches[0]
        shown = [line for line in view.lines[top : top + view.size.height] if line.block == block]
        assert shown, "the first match is on screen"
        assert first_line is not None
        await pilot.press("n")
        assert view.current_match == 1
        await pilot.press("N", "N")
        assert view.current_match == total - 1
        assert sidebar.rows != rows_before or sidebar.current == LONG


async def test_escape_returns_to_where_you_were(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        sidebar = screen.query_one(Sidebar)
        before = (view.article_id, sidebar.cursor, list(sidebar.rows))
        await pilot.press("slash", *"社区")
        await wait_for(pilot, lambda: bool(app.screen.hits))
        await pilot.press("down", "escape")
        assert isinstance(app.screen, ReadingScreen)
        assert (view.article_id, sidebar.cursor, list(sidebar.rows)) == before


async def test_query_errors_show_in_the_box(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"nope:x")
        await pilot.pause(0.4)
        status = app.screen.query_one("#search-status")
        assert "unknown filter" in str(status.render())
        assert app.screen.hits == []


async def test_typing_never_waits_for_a_search(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        await pilot.press(*"的的的的的的的的的的的")
        assert app.screen.query_one("#search-input").value == "的" * 11


async def test_find_in_article(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        screen = await wait_loaded(pilot)
        screen.open_article(LONG)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == LONG and view.lines)
        view.focus()
        await pilot.press("f")
        bar = screen.query_one(FindBar)
        assert bar.display
        # On screen, under the article and above the status line (it was once pushed
        # off the bottom by an article view of height 100%).
        status = screen.query_one("#status")
        assert bar.region.height == 1 and screen.region.contains_region(bar.region)
        assert bar.region.bottom <= status.region.y
        assert view.region.bottom <= bar.region.y
        await pilot.press(*"园区", "enter")
        await wait_for(pilot, lambda: len(view.matches) > 3)
        total = len(view.matches)
        count = str(bar.query_one("#find-count").render())
        assert count == f"1/{total}"
        await pilot.press("n", "n")
        assert str(bar.query_one("#find-count").render()) == f"3/{total}"
        await pilot.press("N")
        assert view.current_match == 1
        # Going round says so, like less and vim.
        await pilot.press("N", "N")
        assert str(bar.query_one("#find-count").render()) == f"from the bottom: {total}/{total}"
        await pilot.press("n")
        assert str(bar.query_one("#find-count").render()) == f"from the top: 1/{total}"
        await pilot.press("n")
        assert str(bar.query_one("#find-count").render()) == f"2/{total}"
        await pilot.press("f", "escape")
        assert not bar.display and view.has_focus


async def test_more_results_come_as_the_highlight_nears_the_end(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reader.screens.search.PAGE", 4)
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", "的")
        search = app.screen
        await wait_for(pilot, lambda: len(search.hits) == 4)
        first = [hit.article.id for hit in search.hits]
        results = search.query_one("#search-results")
        for _ in range(6):
            await pilot.press("down")
            await pilot.pause()
        await wait_for(pilot, lambda: len(search.hits) >= 8)
        assert [hit.article.id for hit in search.hits[:4]] == first  # the same, extended
        assert results.highlighted >= 4  # the highlight stayed where the user took it
        status = str(search.query_one("#search-status").render())
        assert "more below" in status
        # A new query starts again from one page.
        await pilot.press("backspace", *"的")
        await wait_for(pilot, lambda: len(search.hits) == 4 and results.highlighted == 0)


async def test_page_keys_move_through_results_from_the_query_box(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(110, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", "的")
        search = app.screen
        await wait_for(pilot, lambda: len(search.hits) > 8)
        results = search.query_one("#search-results")
        box = search.query_one("#search-input")
        assert box.has_focus and results.highlighted == 0
        await pilot.press("pagedown")
        moved = results.highlighted
        assert moved > 1 and box.has_focus  # a page on, typing still goes to the box
        await pilot.press("pageup")
        assert results.highlighted < moved
        await pilot.press("home", "x")
        assert box.value == "x的"  # home stays the box's own


async def test_results_grow_while_the_archive_is_still_being_indexed(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a first opening the index fills while the user searches: the results are read
    again as it grows, and the box says more may match until it is done."""
    from reader.cache import open_index
    from tests.conftest import write_files

    monkeypatch.setattr("reader.screens.search.FOLLOW_SECONDS", 0.2)
    state = {"indexing": "Indexing 10 / 20 files"}
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_loaded(pilot)
        await app.push_screen(SearchScreen(archive, "独角兽词",
                                           indexing=lambda: state["indexing"]))
        await pilot.pause()
        search = app.screen
        status = search.query_one("#search-status")
        # Not "Nothing matched.": an answer from half an index is not the truth yet.
        await wait_for(pilot, lambda: "Nothing found yet" in str(status.render()))
        assert "still indexing" in str(status.render())
        # The indexer stores an article holding the word.
        write_files(archive, {"新文章.md": "---\ntitle: 新\ndate: 2024-01-01\n---\n有独角兽词。"})
        other = open_index(archive)
        other.refresh_paths(["新文章.md"])
        other.close()
        await wait_for(pilot, lambda: [h.article.id for h in search.hits] == ["新文章.md"])
        state["indexing"] = ""
        await wait_for(pilot, lambda: "still indexing" not in str(status.render()))
        assert str(status.render()).startswith("1 result")
