"""What's read, what's new, what's starred: the keys and what the sidebar shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.app import make_app
from reader.settings import Settings
from reader.state.session import ReadingState
from reader.widgets.article_view import ArticleView
from reader.widgets.sidebar import STAR_MARK, UNREAD_MARK, Sidebar
from reader.widgets.status_line import StatusLine
from tests.conftest import write_files
from tests.ui.helpers import stable_copy, wait_for, wait_loaded

POST = "---\ntitle: {title}\ndate: 2022-0{month}-{day:02d}\ncategories: [科技, {cat}]\n---\n" + \
    "\n\n".join(f"第{n}段：足够长的一段文字，用来把文章撑到好几屏。" for n in range(60))
SHORT = "---\ntitle: {title}\ndate: 2022-0{month}-{day:02d}\ncategories: [科技, {cat}]\n---\n短文。"

NEVER = Settings(read_after_seconds=0)  # nothing is read by time unless a test says so


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    files = {f"p/{n}.md": POST.format(title=f"长文{n}", month=5, day=n, cat="AI")
             for n in range(1, 4)}
    files.update({f"q/{n}.md": SHORT.format(title=f"短文{n}", month=4, day=n, cat="芯片")
                  for n in range(1, 4)})
    return write_files(tmp_path / "archive", files)


def sidebar_lines(sidebar: Sidebar) -> list[str]:
    return [sidebar.render_line(y).text for y in range(sidebar.size.height)]


async def counted(pilot, sidebar: Sidebar) -> None:
    await wait_for(pilot, lambda: sidebar.tally is not None)


async def test_m_toggles_and_the_counts_follow(archive: Path) -> None:
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await counted(pilot, sidebar)
        shown = screen.shown
        assert shown == "p/3.md"
        lines = sidebar_lines(sidebar)
        assert any("2022-05" in line and "3/3" in line for line in lines)
        assert any(UNREAD_MARK in line and "长文3" in line for line in lines)
        screen.query_one(ArticleView).focus()
        await pilot.press("m")
        assert shown in app.state.read
        lines = sidebar_lines(sidebar)
        assert any("2022-05" in line and "2/3" in line for line in lines)
        assert not any(UNREAD_MARK in line and "长文3" in line for line in lines)
        assert "5 unread" in screen.query_one(StatusLine).status
        await pilot.press("m")
        assert shown not in app.state.read
        assert any("2022-05" in line and "3/3" in line for line in sidebar_lines(sidebar))
        await pilot.press("asterisk")
        assert shown in app.state.starred
        assert any(STAR_MARK in line and "长文3" in line for line in sidebar_lines(sidebar))
    # Kept for the next time.
    state = ReadingState.open(archive)
    assert state.starred == {"p/3.md"} and not state.read
    state.close()


async def test_read_after_a_while_or_at_the_end(archive: Path) -> None:
    app = make_app(archive, settings=Settings(read_after_seconds=0.3))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        # Opened by the reader at start: on screen, not read, until the user reads it.
        await pilot.pause(0.8)
        assert "p/3.md" not in app.state.read
        await pilot.press("j")  # in the list: still not reading the article
        await pilot.pause(0.8)
        assert "p/3.md" not in app.state.read
        screen.query_one(ArticleView).focus()
        await pilot.press("j")
        await wait_for(pilot, lambda: "p/3.md" in app.state.read, timeout=3)
        # Chosen by the user: read after a while, no key needed.
        screen.open_article("p/1.md")
        await wait_for(pilot, lambda: "p/1.md" in app.state.read, timeout=3)
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        screen.open_article("p/2.md")
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == "p/2.md" and view.lines)
        view.focus()
        await pilot.pause(0.5)
        assert "p/2.md" not in app.state.read
        await pilot.press("G")
        await wait_for(pilot, lambda: "p/2.md" in app.state.read)


async def test_an_article_marked_unread_stays_unread_when_it_opens_again(archive: Path
                                                                       ) -> None:
    """Marked unread by hand and quit: the next start opens it again (it was the last one
    open), and the clock must not read it again behind the user's back."""
    settings = Settings(read_after_seconds=0.2)
    app = make_app(archive, settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        screen.query_one(ArticleView).focus()
        await pilot.press("m", "m")  # read, then unread again
        assert "p/3.md" not in app.state.read
    app = make_app(archive, settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        assert screen.shown == "p/3.md"
        await pilot.pause(0.8)
        assert "p/3.md" not in app.state.read


async def test_a_short_article_open_at_start_is_read_at_its_end_once_the_user_acts(
        archive: Path) -> None:
    """With only `read_at_end`: the article open at start fits the pane, its one "at end"
    came before the user did anything; the first key in it reads it."""
    app = make_app(archive, settings=Settings(read_after_seconds=0, read_at_end=True))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        screen.state.current = None
        screen.open_article("q/3.md", chosen=False)  # short: it fits
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == "q/3.md" and view.lines)
        await pilot.pause(0.3)
        assert "q/3.md" not in app.state.read
        view.focus()
        await pilot.press("j")
        await wait_for(pilot, lambda: "q/3.md" in app.state.read)


async def test_space_at_the_end_opens_the_next_unread(archive: Path) -> None:
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        app.state.set_read(["p/2.md"])  # skipped: already read
        view = screen.query_one(ArticleView)
        view.focus()
        await pilot.press("G", "space")
        await wait_for(pilot, lambda: view.article_id == "p/1.md")
        assert "p/3.md" in app.state.read


async def test_J_and_K_and_history(archive: Path) -> None:
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        view.focus()
        await pilot.press("J")
        await wait_for(pilot, lambda: view.article_id == "p/2.md")
        await pilot.press("J")
        await wait_for(pilot, lambda: view.article_id == "p/1.md")
        await pilot.press("K")
        await wait_for(pilot, lambda: view.article_id == "p/2.md")
        await pilot.press("H")
        await wait_for(pilot, lambda: view.article_id == "p/1.md")
        await pilot.press("H")
        await wait_for(pilot, lambda: view.article_id == "p/2.md")
        await pilot.press("L")
        await wait_for(pilot, lambda: view.article_id == "p/1.md")


async def test_A_marks_a_group_read_and_z_takes_it_back(archive: Path) -> None:
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await counted(pilot, sidebar)
        sidebar.focus()
        await pilot.press("home")  # the May group
        await pilot.press("A")
        assert app.state.read == {"p/1.md", "p/2.md", "p/3.md"}
        assert any("2022-05" in line and "3/3" not in line for line in sidebar_lines(sidebar))
        await pilot.press("z")
        assert app.state.read == set()
        await wait_for(pilot, lambda: any("2022-05" in line and "3/3" in line
                                          for line in sidebar_lines(sidebar)))


async def test_U_shows_only_unread_and_S_only_starred(archive: Path) -> None:
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await counted(pilot, sidebar)
        app.state.set_read(["q/1.md", "q/2.md", "q/3.md"])
        sidebar.marks_reloaded()
        await wait_for(pilot, lambda: sidebar.tally is not None and sidebar.tally.unread[
            "date:2022-04"] == 0)
        await pilot.press("U")
        labels = [row.group.label for row in sidebar.rows if row.group is not None]
        assert all("2022-04" not in label for label in labels)  # nothing unread: folded away
        assert any("2022-05" in label for label in labels)
        await pilot.press("U")
        assert any("2022-04" in row.group.label for row in sidebar.rows if row.group)
        await pilot.press("S")
        assert not [row for row in sidebar.rows if row.article is not None
                    and row.article != screen.shown]


async def test_new_since_last_time_and_w(archive: Path) -> None:
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.state.visit is not None)
    (archive / "q" / "9.md").write_text(SHORT.format(title="新到的", month=1, day=9, cat="新"),
                                        encoding="utf-8")
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.state.new == {"q/9.md"})
        await wait_for(pilot, lambda: "1 new since" in screen.query_one(StatusLine).status)
        await pilot.press("w")
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == "q/9.md")


async def test_search_is_unread_and_marking_results(archive: Path) -> None:
    from reader.screens.search import SearchScreen

    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        app.state.set_read(["p/1.md"])
        await pilot.press("slash")
        search = app.screen
        assert isinstance(search, SearchScreen)
        await pilot.press(*"is:unread 长文")
        await wait_for(pilot, lambda: {h.article.id for h in search.hits} == {"p/2.md", "p/3.md"})
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: {"p/2.md", "p/3.md"} <= app.state.read)
        await wait_for(pilot, lambda: "Marked 2 of 2" in str(
            search.query_one("#search-status").render()))


async def test_marks_made_by_another_process_show(tmp_path: Path, sample: Path) -> None:
    archive = stable_copy(sample, tmp_path)
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        other = ReadingState.open(archive)
        target = screen.ordered[-1].id
        other.set_read([target])
        other.close()
        await wait_for(pilot, lambda: target in app.state.read, timeout=6)


async def test_the_status_line_counts_unread_once_counted(archive: Path) -> None:
    """The unread total appears when the sidebar's counting worker is done, not only at the
    next status update (it once waited for the next key)."""
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await counted(pilot, sidebar)
        await wait_for(pilot, lambda: "6 unread" in screen.query_one(StatusLine).status)
        app.state.set_read(["q/1.md"])
        sidebar.marks_reloaded()
        await wait_for(pilot, lambda: "5 unread" in screen.query_one(StatusLine).status)


async def test_a_mark_made_while_the_counts_are_counted_is_counted(archive: Path) -> None:
    """A recount takes a while on a big archive; a mark made meanwhile must not be lost
    when the new counts arrive."""
    import time

    from reader.core import tally as tally_module

    class SlowTally(tally_module.Tally):
        def recounted(self, read, starred):
            time.sleep(0.6)  # a big archive: the count takes a while
            return super().recounted(read, starred)

    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await counted(pilot, sidebar)
        sidebar.tally.__class__ = SlowTally
        sidebar.marks_reloaded()  # another process's marks, an import, A
        await pilot.pause(0.1)
        screen.query_one(ArticleView).focus()
        await pilot.press("m")  # marked while the worker counts
        assert screen.shown in app.state.read

        def right() -> bool:
            unread = len(set(sidebar.tally.keys) - app.state.read)
            return sidebar.tally.total_unread == unread

        await pilot.pause(1.5)
        await wait_for(pilot, right, timeout=5)


async def test_the_unread_view_keeps_the_article_open_in_sight(archive: Path) -> None:
    """With U on, an article opened later (by H, J, the palette) stays listed while it is
    the one shown, even when read."""
    app = make_app(archive, settings=NEVER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await counted(pilot, sidebar)
        app.state.set_read(["q/1.md", "q/2.md", "q/3.md"])
        sidebar.marks_reloaded()
        await wait_for(pilot, lambda: sidebar.tally.unread["date:2022-04"] == 0)
        await pilot.press("U")
        assert not any(row.article == "q/2.md" for row in sidebar.rows)
        screen.open_article("q/2.md")
        await wait_for(pilot, lambda: screen.shown == "q/2.md")
        assert any(row.article == "q/2.md" for row in sidebar.rows)
