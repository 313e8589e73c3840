"""The reader follows the archive while it runs: added, edited and deleted files."""

from __future__ import annotations

import os
from pathlib import Path

from reader.app import make_app
from reader.widgets.article_view import ArticleView
from reader.widgets.sidebar import Sidebar
from tests.conftest import write_files
from tests.ui.helpers import wait_for, wait_loaded

POST = "---\ntitle: {title}\ndate: 2022-05-{day:02d}\n---\n" + "\n\n".join(
    f"第{n}段：这是一段用来滚动的文字，内容足够长，可以把文章撑到好几屏那么高。" for n in range(80)
)


async def test_added_edited_and_deleted_files(tmp_path: Path) -> None:
    root = write_files(tmp_path / "archive", {
        "a.md": POST.format(title="第一篇", day=1),
        "b.md": POST.format(title="第二篇", day=2),
    })
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        view = screen.query_one(ArticleView)
        sidebar = screen.query_one(Sidebar)
        assert view.article_id == "b.md"
        await wait_for(pilot, lambda: screen.workers and any(
            w.group == "watch" for w in screen.workers))
        await pilot.pause(0.5)

        # Added: appears in the sidebar within about two seconds.
        (root / "c.md").write_text(POST.format(title="新来的一篇", day=3), encoding="utf-8")
        await wait_for(pilot, lambda: "c.md" in screen.articles, timeout=5)
        assert any(row.article == "c.md" for row in sidebar.rows)

        # Edited while open: re-rendered in place, at the same place.
        view.focus()
        await pilot.press("space", "space")
        await pilot.pause()
        block = view.top_block
        assert block > 5
        (root / "b.md").write_text(POST.format(title="改过的第二篇", day=2), encoding="utf-8")
        info = (root / "b.md").stat()
        os.utime(root / "b.md", ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))
        await wait_for(pilot, lambda: view.document is not None and (
            view.document.blocks[0].text == "改过的第二篇"), timeout=5)
        assert abs(view.top_block - block) <= 1

        # Deleted: disappears.
        (root / "a.md").unlink()
        await wait_for(pilot, lambda: "a.md" not in screen.articles, timeout=5)
        assert not any(row.article == "a.md" for row in sidebar.rows)


async def test_cold_index_shows_progress_and_fills(tmp_path: Path, monkeypatch) -> None:
    files = {f"p/{n:03d}.md": POST.format(title=f"文章{n}", day=n % 28 + 1) for n in range(300)}
    files["z/last.md"] = POST.format(title="最新", day=29)  # the newest, indexed last
    root = write_files(tmp_path / "archive", files)
    monkeypatch.setattr("reader.core.index.entries.BATCH", 16)
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await wait_for(pilot, lambda: not screen.in_progress)
        assert len(screen.articles) == 301
        assert not screen.query_one("#progress").display
        # What loaded first was opened meanwhile; once all are in, the newest is open (the
        # state's article was the first loaded by then, and it stayed).
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == "z/last.md", timeout=5)


async def test_changes_found_at_opening_reach_the_sidebar(tmp_path: Path) -> None:
    """Files added, edited, deleted or broken while the reader was closed: the next opening
    applies them to the articles already on screen (not by reading every row again)."""
    root = write_files(tmp_path / "archive", {
        f"p/{n:02d}.md": POST.format(title=f"文章{n}", day=n + 1) for n in range(12)
    })
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
    (root / "p" / "00.md").unlink()
    (root / "p" / "01.md").write_text(POST.format(title="改过的文章", day=2), encoding="utf-8")
    info = (root / "p" / "01.md").stat()
    os.utime(root / "p" / "01.md", ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))
    (root / "p" / "02.md").write_bytes(b"\x00\x01\x02" * 400)
    (root / "p" / "new.md").write_text(POST.format(title="新文章", day=20), encoding="utf-8")
    for warm in (False, True):
        app = make_app(root, warm_start=warm)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await wait_loaded(pilot)
            await wait_for(pilot, lambda s=screen: not s.in_progress)
            assert "p/00.md" not in screen.articles and "p/02.md" not in screen.articles
            assert screen.articles["p/01.md"].title == "改过的文章"
            assert screen.articles["p/new.md"].title == "新文章"
            assert screen.ordered[0].id == "p/new.md"  # the newest, in order
            assert len(screen.articles) == 11  # 12, less one deleted and one broken, one new
            assert any(p.path == "p/02.md" for p in screen.problems)
            sidebar = screen.query_one(Sidebar)
            titles = {row.article for row in sidebar.rows if row.article}
            assert "p/00.md" not in titles


async def test_section_pages_and_dotted_folders_while_running(tmp_path: Path) -> None:
    """The watcher asks the scan's own rule: a Hugo section page written while the reader
    runs never shows, and a folder named like a file (`batch.2024`) moved in does."""
    root = write_files(tmp_path / "archive", {"a.md": POST.format(title="第一篇", day=1)})
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await wait_for(pilot, lambda: any(w.group == "watch" for w in app.workers))
        await pilot.pause(0.5)
        (root / "_index.md").write_text(POST.format(title="栏目页", day=9), encoding="utf-8")
        write_files(tmp_path / "outside", {"batch.2024/b.md": POST.format(title="批", day=2)})
        (tmp_path / "outside" / "batch.2024").rename(root / "batch.2024")
        await wait_for(pilot, lambda: "batch.2024/b.md" in screen.articles, timeout=5)
        await pilot.pause(1.0)
        assert "_index.md" not in screen.articles
        (root / "batch.2024").rename(tmp_path / "moved-out")
        await wait_for(pilot, lambda: "batch.2024/b.md" not in screen.articles, timeout=5)


async def test_the_open_article_shows_in_the_list_after_the_first_page(tmp_path: Path) -> None:
    """A warm start shows the newest 300 first; a month holding more is a count without
    rows until every row is read. Then the list opens at the article on screen."""
    root = write_files(tmp_path / "archive", {
        f"p/{n:03d}.md": f"---\ntitle: 文章{n}\ndate: 2022-05-{n % 28 + 1:02d} "
                         f"{n % 24:02d}:00\n---\n正文" for n in range(320)})
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
    app = make_app(root, warm_start=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        sidebar = screen.query_one(Sidebar)
        await wait_for(pilot, lambda: screen.snapshot.complete)
        await wait_for(pilot, lambda: sidebar.rows
                       and sidebar.rows[sidebar.cursor].article == screen.shown)
