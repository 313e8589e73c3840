"""Keys that work everywhere a terminal user expects them, the help that lists them all,
the key bar, the user's own keys and settings, and the article outside the reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from reader.app import make_app
from reader.screens.contents import ContentsScreen
from reader.screens.help import HelpScreen
from reader.screens.picker import PickerScreen
from reader.screens.search import SearchScreen
from reader.settings import Settings
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar
from reader.widgets.key_bar import KeyBar
from reader.widgets.sidebar import Sidebar
from reader.widgets.status_line import StatusLine, fitted
from tests.ui.helpers import stable_copy, wait_for, wait_loaded

LONG = "source/_posts/科技/36氪/最新/深度一座小城的芯片梦石桥县半导体产业园五年观察.md"
QUIET = Settings(read_after_seconds=0)


@pytest.fixture
def archive(sample: Path, tmp_path: Path) -> Path:
    return stable_copy(sample, tmp_path)


async def open_long(pilot, screen) -> ArticleView:
    screen.open_article(LONG)
    view = screen.query_one(ArticleView)
    await wait_for(pilot, lambda: view.article_id == LONG and view.lines)
    view.focus()
    return view


async def test_the_find_bar_closes_when_the_article_is_left(archive: Path) -> None:
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await open_long(pilot, screen)
        bar = screen.query_one(FindBar)
        await pilot.press("f", *"芯片", "enter")
        assert bar.display
        # Tab goes to the list (never into the find box), and leaving the article closes it.
        await pilot.press("tab")
        sidebar = screen.query_one(Sidebar)
        assert sidebar.has_focus and not bar.display
        await pilot.press("tab")
        assert screen.query_one(ArticleView).has_focus
        # Another article, chosen in the sidebar: the bar goes, and `i` is a key again.
        await pilot.press("f", *"芯片", "enter")
        assert bar.display
        other = next(i for i, row in enumerate(sidebar.rows)
                     if row.article is not None and row.article != LONG)
        sidebar.cursor = other
        sidebar.action_choose()
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == sidebar.rows[other].article)
        assert not bar.display
        await pilot.press("i")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("escape")
        # escape from the article closes an open bar too.
        await pilot.press("f", "x", "enter", "escape")
        assert not bar.display and sidebar.has_focus
        await pilot.press("shift+tab")
        assert screen.query_one(ArticleView).has_focus


async def test_lists_answer_to_j_k_g_G_and_digits(archive: Path) -> None:
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        view = await open_long(pilot, screen)
        await pilot.press("o")
        contents = app.screen
        assert isinstance(contents, ContentsScreen)
        options = contents.query_one("#contents-list")
        start = options.highlighted
        await pilot.press("j")
        assert options.highlighted == start + 1
        await pilot.press("k", "G")
        assert options.highlighted == options.option_count - 1
        await pilot.press("g")
        assert options.highlighted == 0
        await pilot.press("3")  # jumps to heading 3
        await pilot.pause()
        assert not isinstance(app.screen, ContentsScreen)
        top = view.lines[int(view.scroll_offset.y)]
        assert top.block == contents.headings[2].block
        # The sidebar: g and G go to the top and the bottom.
        sidebar = screen.query_one(Sidebar)
        sidebar.focus()
        await pilot.press("G")
        assert sidebar.cursor == len(sidebar.rows) - 1
        await pilot.press("g")
        assert sidebar.cursor == 0


async def test_help_lists_every_screens_keys_and_scrolls(archive: Path) -> None:
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        wheres = {row[2] for row in rows}
        assert {"search", "images and links", "contents", "find bar"} <= wheres
        assert any(row[0] == "^p" and row[1].startswith("Palette") for row in rows)
        assert ["y", "Copy address", "images and links"] in rows
        assert ["p", "Preview image", "images and links"] in rows
        assert any(row[2] == "search" and "Mark all results read" in row[1] for row in rows)
        # enter in each list, and 1–9 wherever they pick (not only where first listed).
        for where in ("search", "images and links", "contents"):
            assert any(row[0] == "⏎" or row[0] == "enter" for row in rows if row[2] == where), where
        picks = next(row for row in rows if row[:2] == ["1–9", "Pick entry 1–9"])
        assert picks[2] == "images and links, contents, problems"
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("space")
        assert table.cursor_row > 2


async def test_n_counts_in_the_status_line_and_never_stacks_toasts(archive: Path) -> None:
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"芯片")
        search = app.screen
        assert isinstance(search, SearchScreen)
        await wait_for(pilot, lambda: bool(search.hits))
        await pilot.press("enter")
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one(ArticleView).matches)
        before = len(app._notifications)
        for _ in range(6):
            await pilot.press("n")
        assert len(app._notifications) == before  # no toast a key
        status = screen.query_one(StatusLine)
        assert status.message.startswith("match ") and "n next" in status.message


@pytest.mark.parametrize("width", [80, 100])
async def test_the_key_bar_shows_whole_keys(archive: Path, width: int) -> None:
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(width, 24)) as pilot:
        screen = await wait_loaded(pilot)
        bar = screen.query_one(KeyBar)
        shown = bar.fit(width)
        text = str(bar.render())
        assert len(text) <= width
        for key, description, *_ in shown:
            assert f"{key} {description}" in text  # whole, never cut
        assert "Keys" in text and "Search" in text


@pytest.mark.parametrize("width", [60, 80, 160])
async def test_the_status_line_shows_whole_parts(archive: Path, width: int) -> None:
    """At 80 columns the status wrapped its last part away and left `by date  ·` hanging:
    parts that don't fit are left out from the end, whole."""
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(width, 24)) as pilot:
        screen = await wait_loaded(pilot)
        status = screen.query_one(StatusLine)
        await wait_for(pilot, lambda: "unread" in str(status.render()))
        shown = str(status.render())
        assert cell_len(shown) <= status.content_size.width
        assert not shown.rstrip().endswith("·")
        assert status.status.startswith(shown)  # the first parts, each whole
        assert shown.startswith("36 articles")
        assert ("sample_archive" in shown) == (width >= 120)


async def test_at_80_columns_the_status_keeps_the_view_and_what_is_new(archive: Path) -> None:
    """`unread only` and `N new since` matter more than the problems' hint: at 80 columns
    in an archive with problems they were the parts left out."""
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_loaded(pilot)
        status = screen.query_one(StatusLine)
        await wait_for(pilot, lambda: "unread" in str(status.render()))
        screen.new_text = "1 new since Mon 04:34 (w)"
        await pilot.press("U")
        await wait_for(pilot, lambda: "unread only" in str(status.render()))
        shown = str(status.render())
        assert "1 new since" in shown and "unread only (press U for all)" in shown


def test_fitted_leaves_out_the_last_parts() -> None:
    status = "36 articles  ·  36 unread  ·  3 problems (press !)  ·  by date  ·  archive"
    assert fitted(status, 200) == status
    assert fitted(status, 70) == "36 articles  ·  36 unread  ·  3 problems (press !)  ·  by date"
    assert fitted(status, 40) == "36 articles  ·  36 unread"
    assert fitted(status, 5) == "36 articles"  # the CSS ends it in an ellipsis
    assert fitted("读书笔记  ·  中文名字", 12) == "读书笔记"  # wide characters count two cells


async def test_over_a_list_the_key_bar_shows_the_lists_keys(archive: Path) -> None:
    """Images, search, contents, help: the bar at the bottom says what works there, not
    the reading screen's keys (which do nothing while a list is open)."""
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_loaded(pilot)
        await open_long(pilot, screen)
        await pilot.press("u")
        await pilot.pause()
        links_bar = [d for _k, d, *_ in app.screen.query_one(KeyBar).fit(80)]
        assert "Preview image" not in links_bar and "Copy address" in links_bar
        await pilot.press("escape")
        for keys, wanted in ((["i"], ["Open", "Close", "Copy address"]),
                             (["escape", "slash"], ["Open", "Results", "Back"]),
                             (["escape", "o"], ["Go to", "Close"]),
                             (["escape", "question_mark"], ["Close"])):
            await pilot.press(*keys)
            await pilot.pause()
            bars = app.screen.query(KeyBar)
            assert len(bars) == 1 and bars.first().region.y == 23  # the bottom line
            shown = [description for _key, description, *_ in bars.first().fit(80)]
            assert shown[: len(wanted)] == wanted and "Search" not in shown


async def test_search_says_how_many_match(archive: Path, monkeypatch) -> None:
    monkeypatch.setattr("reader.screens.search.PAGE", 4)
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", "的")
        search = app.screen
        status = search.query_one("#search-status")
        await wait_for(pilot, lambda: "4 of 25 results" in str(status.render()))


async def test_an_open_article_deleted_says_so(archive: Path) -> None:
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        view = await open_long(pilot, screen)
        await wait_for(pilot, lambda: any(w.group == "watch" for w in screen.workers) or any(
            w.group == "watch" for w in app.workers), timeout=10)
        await pilot.pause(0.5)
        (archive / LONG).unlink()
        await wait_for(pilot, lambda: any("deleted from the archive" in line.text
                                          for line in view.lines), timeout=6)


async def test_the_users_keys_and_bad_settings(archive: Path, tmp_path: Path) -> None:
    settings = Settings.parse('[reader]\nmeasure = 5\n[keys]\n"main.search" = "ctrl+f"\n'
                              '"main.nothing" = "x"\n', tmp_path / "config.toml")
    app = make_app(archive, settings=settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        notices = [str(n.message) for n in app._notifications]
        assert any("measure = 5" in n and "config.toml" in n and "more" in n for n in notices)
        await pilot.press("slash")
        assert not isinstance(app.screen, SearchScreen)
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape", "question_mark")
        table = app.screen.query_one("#help-table")
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["^f", "Search", "reading screen"] in rows


async def test_a_rebound_key_keeps_its_place_in_the_key_bar(archive: Path, tmp_path: Path
                                                              ) -> None:
    """Rebound, Search moved to the end of the bar, and at 80 columns off it."""
    settings = Settings.parse('[keys]\n"main.search" = "ctrl+f,slash"\n',
                              tmp_path / "config.toml")
    app = make_app(archive, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_loaded(pilot)
        descriptions = [description for _key, description, *_ in
                        screen.query_one(KeyBar).fit(80)]
        assert descriptions[:3] == ["Open", "Search", "Find"]


async def test_y_and_Y_copy_the_address_and_the_markdown(archive: Path) -> None:
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await open_long(pilot, screen)
        await pilot.press("y")
        assert app.clipboard == str(archive / LONG)  # no link of its own: its file
        await pilot.press("Y")
        assert app.clipboard.startswith("# 深度｜一座小城的芯片梦")


async def test_a_link_in_the_text_opens_with_a_click(archive: Path, tmp_path: Path,
                                                     monkeypatch) -> None:
    record = tmp_path / "opened.txt"
    script = tmp_path / "opener.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {record}\n')
    script.chmod(0o755)
    monkeypatch.setenv("READER_OPENER", str(script))
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        for article in screen.ordered:
            screen.open_article(article.id)
            await wait_for(pilot, lambda a=article: view.article_id == a.id and view.lines)
            found = [(y, line) for y, line in enumerate(view.lines)
                     if any("link" in span.style.split() for span in line.spans)]
            if found and found[0][0] < view.size.height - 2:
                break
        else:
            pytest.fail("no article of the sample has a link on its first screen")
        y, line = found[0]
        from reader.core.layout.linebreak import cell_width

        x = 0
        for span in line.spans:
            if "link" in span.style.split():
                break
            x += cell_width(span.text)
        margin = max((view.scrollable_content_region.width - view.text_width) // 2, 1)
        await pilot.click(ArticleView, offset=(margin + cell_width(line.lead) + x + 1, y))
        await wait_for(pilot, lambda: record.exists(), timeout=5)
        assert record.read_text().startswith("http")


async def test_v_and_pipe_say_why_where_there_is_no_terminal(archive: Path) -> None:
    """Headless (as under `reader serve`'s browser), the editor and the pipe can't have the
    terminal: a line says so, and the reader goes on."""
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await open_long(pilot, screen)
        await pilot.press("v")
        assert app.is_running
        assert any("needs the terminal" in str(n.message) for n in app._notifications)
        await pilot.press("vertical_line", *"wc", "enter")
        assert app.is_running


async def test_code_is_lexed_in_the_worker_not_on_the_screens_thread(archive: Path,
                                                                     monkeypatch) -> None:
    """Pygments costs 0.4 s on a long code block: it runs with the conversion, in its
    worker, never while the screen draws."""
    import threading

    from reader.core.layout import highlight
    from reader.widgets import article_view

    threads: list[str] = []
    original = highlight.code_tokens

    def recording(code: str, language: str):
        threads.append(threading.current_thread().name)
        return original(code, language)

    monkeypatch.setattr(highlight, "code_tokens", recording)
    monkeypatch.setattr(article_view, "code_tokens", recording)
    app = make_app(archive, settings=QUIET)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_loaded(pilot)
        post = "blog/_posts/2019-03-11-chinese-typesetting-notes.md"
        screen.open_article(post)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == post and view.lines)
        view.focus()
        for _ in range(4):
            await pilot.press("space")
        await pilot.pause()
        assert threads and threading.main_thread().name not in threads


def test_keymap_conflicts_are_found_and_blamed_right() -> None:
    from reader.app import ReaderApp, check_keymap

    sections = ReaderApp.help_sections()
    # A binding rejected for its own clash does not push out another of the user's.
    usable, problems = check_keymap({"app.quit": "j,x", "main.find": "x"}, sections, "c")
    assert usable == {"main.find": "x"} and "app.quit" in problems[0]
    # The palette's ctrl+p is taken; so are keys inside the search screen.
    assert check_keymap({"main.find": "ctrl+p"}, sections, "c")[0] == {}
    assert check_keymap({"search.close": "down"}, sections, "c")[0] == {}
    assert check_keymap({"main.search": "ctrl+f"}, sections, "c") == (
        {"main.search": "ctrl+f"}, [])
