"""Keys and screens, driven through Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.app import make_app
from reader.core.model import BlockKind
from reader.screens.contents import ContentsScreen
from reader.screens.help import HelpScreen
from reader.screens.problems import ProblemsScreen
from reader.widgets.article_view import ArticleView
from reader.widgets.sidebar import Sidebar
from tests.conftest import checksums
from tests.ui.helpers import article_text, stable_copy, wait_for, wait_loaded


@pytest.fixture
def archive(sample: Path, tmp_path: Path) -> Path:
    return stable_copy(sample, tmp_path)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_opens_with_newest_article(archive: Path, size: tuple[int, int]) -> None:
    app = make_app(archive)
    async with app.run_test(size=size) as pilot:
        screen = await wait_loaded(pilot)
        newest = screen.ordered[0]
        view = screen.query_one(ArticleView)
        assert view.article_id == newest.id
        assert article_text(pilot).startswith(newest.title[:10])
        sidebar = screen.query_one(Sidebar)
        assert sidebar.has_focus
        assert sidebar.rows[sidebar.cursor].article == newest.id
        assert len(screen.problems) == 3


async def test_keys_move_and_open(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        view = screen.query_one(ArticleView)
        first = view.article_id
        await pilot.press("j", "j", "down")
        row = sidebar.rows[sidebar.cursor]
        if row.article is None:  # a month row: open it and take its first article
            await pilot.press("enter", "j")
            row = sidebar.rows[sidebar.cursor]
        await pilot.press("enter")
        await wait_for(pilot, lambda: view.article_id == row.article)
        assert view.article_id != first
        assert view.has_focus
        await pilot.press("space")
        assert view.scroll_offset.y > 0 or len(view.lines) <= view.size.height
        await pilot.press("G")
        bottom = view.scroll_offset.y
        await pilot.press("g")
        assert view.scroll_offset.y == 0 and (bottom > 0 or len(view.lines) <= view.size.height)
        await pilot.press("escape")
        assert sidebar.has_focus
        await pilot.press("tab")
        assert view.has_focus
        await pilot.press("shift+tab")
        assert sidebar.has_focus


async def test_grouping_keys(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await pilot.press("c")
        await wait_for(pilot, lambda: sidebar.groups and sidebar.groups[0].key.startswith(
            "category:"))
        labels = [g.label for g in sidebar.groups]
        assert "科技" in labels and "新媒体" in labels and labels[-1] == "(no category)"
        # The open article stays chosen in the new grouping.
        assert sidebar.rows[sidebar.cursor].article == screen.query_one(ArticleView).article_id
        await pilot.press("t")
        await wait_for(pilot, lambda: sidebar.groups[0].key.startswith("tag:"))
        await pilot.press("d")
        await wait_for(pilot, lambda: sidebar.groups[0].key.startswith("date:"))


async def test_group_rows_open_and_close(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await pilot.press("home")
        assert sidebar.rows[0].group is not None
        opened = len(sidebar.rows)
        await pilot.press("left")
        assert len(sidebar.rows) < opened
        await pilot.press("right")
        assert len(sidebar.rows) == opened


async def test_markup_in_titles_is_text(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await wait_loaded(pilot)
        target = next(a for a in screen.ordered if a.title.startswith("[bold]"))
        screen.open_article(target.id)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == target.id and view.lines)
        assert article_text(pilot).startswith("[bold]Markup[/italic] in titles [@click=app.quit]")
        await pilot.click(ArticleView, offset=(10, 0))
        await pilot.pause()
        assert app.is_running
        # The sidebar draws the same title literally.
        sidebar = screen.query_one(Sidebar)
        lines = [sidebar.render_line(y).text for y in range(sidebar.size.height)]
        assert any("[bold]Markup[/italic]" in line for line in lines)


async def test_help_problems_and_contents(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        keys = [row[0] for row in rows]
        assert keys.count("?") == 1  # bound on the app and the screen, listed once
        assert ["1–9", "Open image 1–9", "reading screen"] in rows and "3" not in keys
        assert ["↓, j", "Down", "article"] in rows  # the same key, another pane's action
        await pilot.press("escape")
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ProblemsScreen)
        assert len(app.screen.problems) == 3
        await pilot.press("escape")
        long_post = next(a for a in screen.ordered if a.title.startswith("深度｜"))
        screen.open_article(long_post.id)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == long_post.id and view.lines)
        await pilot.press("o")
        assert isinstance(app.screen, ContentsScreen)
        headings = app.screen.headings
        assert len(headings) >= 3
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ContentsScreen)
        top = view.lines[int(view.scroll_offset.y)]
        assert top.block == headings[2].block
        assert view.document.blocks[top.block].kind is BlockKind.HEADING


async def test_sidebar_hides_and_widens(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        width = sidebar.size.width
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert sidebar.size.width == width + 4
        await pilot.press("s")
        await pilot.pause()
        assert not sidebar.display
        assert screen.query_one(ArticleView).has_focus
        await pilot.press("s")
        assert sidebar.display


async def test_command_palette_jumps_to_article(archive: Path) -> None:
    app = make_app(archive)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"柳塘社区")
        await pilot.pause(0.6)
        await pilot.press("enter")
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.document is not None and "柳塘社区" in (
            view.document.blocks[0].text))


async def test_reading_place_is_remembered(archive: Path) -> None:
    long_id = None
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        long_post = next(a for a in screen.ordered if a.title.startswith("深度｜"))
        long_id = long_post.id
        screen.open_article(long_id)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == long_id and view.lines)
        view.focus()
        await pilot.press("space", "space", "space")
        await pilot.pause()
        block = view.top_block
        assert block > 3
        await pilot.press("q")
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        assert view.article_id == long_id
        assert view.top_block == block


async def test_the_remembered_article_shows_under_its_month(archive: Path) -> None:
    """At start-up the sidebar scrolls to the article read last time with its month's
    heading still on screen (the article's row alone once came to the top)."""
    app = make_app(archive)
    async with app.run_test(size=(100, 14)) as pilot:
        screen = await wait_loaded(pilot)
        dated = [a for a in screen.ordered if a.date is not None]
        remembered = dated[len(dated) * 2 // 3]  # far enough down to scroll, not the last
        screen.open_article(remembered.id)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == remembered.id)
        await pilot.press("q")
    for warm in (False, True):
        app = make_app(archive, warm_start=warm)
        async with app.run_test(size=(100, 14)) as pilot:
            await wait_loaded(pilot)
            await pilot.pause(0.2)
            sidebar = app.screen.query_one(Sidebar)
            assert sidebar.rows[sidebar.cursor].article == remembered.id
            heading = max(i for i in range(sidebar.cursor) if sidebar.rows[i].group)
            top = sidebar.scroll_offset.y
            assert top > 0, "the test needs a sidebar that scrolls"
            assert top <= heading < sidebar.cursor < top + sidebar.size.height
            # As in a real terminal, where the row was revealed before the sidebar had its
            # size and so came to the top: revealing it again brings the heading back.
            sidebar.scroll_to(y=sidebar.cursor, animate=False, force=True)
            await pilot.pause()
            assert sidebar.scroll_offset.y == sidebar.cursor
            sidebar.reveal(remembered.id)
            await pilot.pause(0.2)
            top = sidebar.scroll_offset.y
            assert top <= heading < sidebar.cursor < top + sidebar.size.height


async def test_empty_archive(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        assert "No articles" in view.placeholder
        # At 80 columns the message is wrapped, whole, not cut mid-word at the pane's edge.
        shown = " ".join(view.render_line(y).text.strip() for y in range(1, 6)).split()
        assert " ".join(shown) == " ".join(view.placeholder.split())
        await pilot.press("j", "k", "enter", "o", "escape", "c")
        assert app.is_running


async def test_archive_never_written(archive: Path) -> None:
    before = checksums(archive)
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        for article in screen.ordered:
            screen.open_article(article.id)
            await wait_for(pilot, lambda a=article: view.article_id == a.id and view.lines)
        await pilot.press("c", "t", "d", "question_mark", "escape", "exclamation_mark", "escape")
    assert checksums(archive) == before


async def test_palette_shows_odd_file_names_as_text(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "news" / "a[").mkdir(parents=True)  # the id reads news/a[/b].md: markup-like
    (root / "news" / "a[" / "b].md").write_text("---\ntitle: hello markup\n---\nbody",
                                              encoding="utf-8")
    (root / "news" / "[@click=app.quit]y[").mkdir()
    (root / "news" / "[@click=app.quit]y[" / "].md").write_text("---\ntitle: hello click\n---\nx",
                                                           encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p", *"hello")
        await pilot.pause(0.8)
        assert app.is_running
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.is_running


async def test_a_warm_start_shows_the_first_screen_in_its_first_frame(archive: Path) -> None:
    """With an index, the first screen is read before the app starts, so the first frame
    already holds the months and the article read last time; the rest then loads."""
    app = make_app(archive)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await pilot.press("j", "j", "enter")
        remembered = screen.query_one(ArticleView).article_id
        await pilot.press("q")
    app = make_app(archive, warm_start=True)
    assert app.first is not None and app.first.article.id == remembered
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        view = screen.query_one(ArticleView)
        assert view.article_id == remembered and view.lines  # no wait for a worker
        assert screen.query_one(Sidebar).rows
        loaded = await wait_loaded(pilot)
        assert len(loaded.ordered) == 36 and view.article_id == remembered
    # No index yet: nothing to read ahead, and the app builds it as before.
    assert make_app(archive.parent / "missing", warm_start=True).first is None


async def test_a_warm_start_converts_a_long_article_once_drawn(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reader.core.live.FIRST_ARTICLE_MAX_BYTES", 10)
    async with make_app(archive).run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
    app = make_app(archive, warm_start=True)
    assert app.first is not None and app.first.document is None
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        assert screen.query_one(ArticleView).article_id == app.first.article.id


async def test_the_article_is_laid_out_alike_before_and_after_a_resize(archive: Path) -> None:
    """Text is laid out at the width the pane draws it at, whether or not the scrollbar
    was there yet: a fresh start and a resize round trip give the same lines."""
    app = make_app(archive)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.lines)
        fresh = [line.text for line in view.lines]
        assert view._laid_width == (view.text_width, view.code_width)
        await pilot.resize_terminal(60, 20)
        await pilot.pause(0.3)
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        assert [line.text for line in view.lines] == fresh


async def test_code_keeps_its_lines_and_its_colours(tmp_path: Path) -> None:
    long_line = "result = compute(" + ", ".join(f"argument_{n}" for n in range(12)) + ")"
    root = tmp_path / "archive"
    root.mkdir()
    (root / "code.md").write_text(
        f"---\ntitle: 代码\n---\n说明文字。\n\n```python\ndef f():\n    {long_line}\n```\n",
        encoding="utf-8")
    async with make_app(root).run_test(size=(140, 30)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        code = [line for line in view.lines
                if line.block >= 0 and view.document.blocks[line.block].kind.value == "code"]
        # The code may pass the text's 80-cell measure, up to the pane's edge.
        assert max(len(line.lead + line.text) for line in code) > view.text_width
        assert "".join(line.text for line in code) == "def f():" + "    " + long_line
        # Coloured by its language: the keyword and the name differ in colour.
        y = view.lines.index(code[0]) - int(view.scroll_offset.y)
        segments = list(view.render_line(y))
        colours = {segment.style.color for segment in segments
                   if segment.text.strip() and segment.style and segment.style.color}
        assert len(colours) >= 2
        # A narrow pane wraps the long line with a visible mark, losing nothing.
        await pilot.resize_terminal(70, 30)
        await pilot.pause(0.3)
        code = [line for line in view.lines
                if line.block >= 0 and view.document.blocks[line.block].kind.value == "code"]
        assert len(code) > 2 and all(line.lead.endswith("↪ ") for line in code[2:])
        assert "".join(line.text for line in code) == "def f():" + "    " + long_line
