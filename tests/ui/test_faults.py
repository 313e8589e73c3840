"""Faults while the reader runs: a second process writing the index, the index damaged or
deleted under it, names the file watcher can't decode, a cache that can't be written.

Whatever happens, the screen follows the disk, and search never answers "Nothing matched."
from an index that broke.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.app import make_app
from reader.cache import index_path
from reader.screens.search import SearchScreen
from tests.conftest import write_files
from tests.ui.helpers import wait_for, wait_loaded

POST = "---\ntitle: {title}\ndate: 2022-05-{day:02d}\n---\n{body}\n"


def make_archive(root: Path, count: int = 30) -> Path:
    return write_files(root, {
        f"p/{n:02d}.md": POST.format(title=f"文章{n}", day=n % 28 + 1,
                                     body=f"第{n}篇的正文，讲振兴与抚顺。") for n in range(count)
    })


async def watching(pilot) -> None:
    """Wait until the loader follows the archive (its watcher has started)."""
    await wait_for(pilot, lambda: any(w.group == "watch" for w in pilot.app.workers))
    await pilot.pause(0.6)


def notifications(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_a_second_process_writing_the_index_is_followed(tmp_path: Path) -> None:
    """Another process (a second reader, `reader index`) changes files and refreshes the
    index before this reader's watcher gets to them: this reader's watcher then finds
    nothing to do, and the screen still follows the disk (it asks the index what changed:
    SQLite's `data_version`)."""
    root = make_archive(tmp_path / "archive")
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await watching(pilot)
        assert len(screen.articles) == 30
        # The second process changes the disk and its index within a few milliseconds, well
        # inside this watcher's 300 ms debounce.
        script = textwrap.dedent(f"""
            import os, sys
            from pathlib import Path
            from reader.cache import open_index
            root = Path({str(root)!r})
            (root / "p" / "new.md").write_text({POST.format(title="别人加的", day=9, body="新")!r},
                                               encoding="utf-8")
            (root / "p" / "00.md").unlink()
            index = open_index(root)
            index.refresh()
            index.close()
        """)
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60,
                       env=dict(os.environ))
        await wait_for(pilot, lambda: "p/new.md" in screen.articles
                       and "p/00.md" not in screen.articles, timeout=8)
        assert screen.articles["p/new.md"].title == "别人加的"
        assert len(screen.articles) == 30


async def test_a_second_process_rebuilding_the_index_is_followed(tmp_path: Path) -> None:
    """Another process deletes the index and builds a new one (while files change): this
    reader leaves the old file for the new one, and shows what the disk holds."""
    root = make_archive(tmp_path / "archive")
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await watching(pilot)
        script = textwrap.dedent(f"""
            import os
            from pathlib import Path
            from reader.cache import index_path, open_index
            root = Path({str(root)!r})
            path = index_path(root)
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.remove(f"{{path}}{{suffix}}")
                except FileNotFoundError:
                    pass
            (root / "p" / "01.md").unlink()
            index = open_index(root)
            index.refresh()
            index.close()
        """)
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60,
                       env=dict(os.environ))
        await wait_for(pilot, lambda: "p/01.md" not in screen.articles, timeout=8)
        # The watcher now follows the new file: a third writer is seen too.
        (root / "p" / "later.md").write_text(POST.format(title="后来", day=3, body="后"),
                                             encoding="utf-8")
        await wait_for(pilot, lambda: "p/later.md" in screen.articles, timeout=8)
        check = sqlite3.connect(index_path(root))
        assert check.execute("SELECT count(*) FROM articles").fetchone()[0] == 30
        check.close()


def damage(path: Path, how: str) -> None:
    if how == "deleted":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = path.read_bytes()
    if how == "overwritten":
        path.write_bytes(os.urandom(len(data)))
    elif how == "truncated":
        with open(path, "r+b") as file:
            file.truncate(len(data) // 3)


@pytest.mark.parametrize("how", ["overwritten", "truncated", "deleted"])
async def test_index_damaged_while_running(tmp_path: Path, how: str) -> None:
    """The index overwritten, truncated or deleted while the reader runs: the user is told
    it is rebuilt, the list stays, search never says "Nothing matched." meanwhile, and
    answers again once the index is rebuilt in the background."""
    root = make_archive(tmp_path / "archive", 60)
    app = make_app(root)
    async with app.run_test(size=(110, 32)) as pilot:
        screen = await wait_loaded(pilot)
        await watching(pilot)
        damage(index_path(root), how)
        await pilot.pause(0.3)
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        search = app.screen
        await pilot.press(*"第7篇")
        status = search.query_one("#search-status")
        seen: list[str] = []

        def answered() -> bool:
            seen.append(str(status.render()))
            return [hit.article.id for hit in search.hits] == ["p/07.md"]

        await wait_for(pilot, answered, timeout=20)
        assert not any("Nothing matched" in text for text in seen), seen
        assert "rebuilt" in notifications(app)
        assert len(screen.articles) == 60  # the list never emptied
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.progress_text and not screen.in_progress)
        assert len(screen.articles) == 60
        check = sqlite3.connect(index_path(root))
        assert check.execute("SELECT count(*) FROM articles").fetchone()[0] == 60
        check.close()


async def test_names_that_are_not_utf8_keep_the_watcher_alive(tmp_path: Path) -> None:
    """watchfiles stops at a name it can't decode ("Unable to decode path"): the watcher
    starts again and catches up, and later changes are still followed."""
    root = make_archive(tmp_path / "archive", 3)
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await watching(pilot)
        folder = os.fsencode(root) + b"/gbk-\xb9\xfa"
        os.mkdir(folder)
        with open(folder + b"/a.md", "w", encoding="utf-8") as file:
            file.write(POST.format(title="名字不是 UTF-8 的目录", day=5, body="正文"))
        odd = os.fsdecode(b"gbk-\xb9\xfa/a.md")
        await wait_for(pilot, lambda: odd in screen.articles, timeout=10)
        await pilot.pause(1.0)
        (root / "after.md").write_text(POST.format(title="之后", day=6, body="正文"),
                                       encoding="utf-8")
        await wait_for(pilot, lambda: "after.md" in screen.articles, timeout=10)
        with open(folder + b"/a.md", "a", encoding="utf-8") as file:
            file.write("又改了\n")
        os.unlink(folder + b"/a.md")
        await wait_for(pilot, lambda: odd not in screen.articles, timeout=10)
        assert "failed" not in notifications(app).lower()


async def test_a_cache_that_cannot_be_written(tmp_path: Path, reader_home: Path) -> None:
    """A file where the cache folder should be: the archive opens all the same (its index
    kept in a temporary folder), search answers, and one line says why."""
    (reader_home / "cache").write_text("not a folder", encoding="utf-8")
    root = make_archive(tmp_path / "archive")
    app = make_app(root, warm_start=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        assert len(screen.articles) == 30
        await wait_for(pilot, lambda: "cache can't be written" in notifications(app))
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"第12篇")
        await wait_for(pilot, lambda: [h.article.id for h in app.screen.hits] == ["p/12.md"])
    assert (reader_home / "cache").read_text(encoding="utf-8") == "not a folder"

