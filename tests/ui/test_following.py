"""While the reader follows an archive, commands answer from its index without a walk."""

from __future__ import annotations

import time
from pathlib import Path

from reader.app import make_app
from reader.cache import index_path
from reader.core.index.followers import followed
from tests.conftest import write_files
from tests.ui.helpers import wait_for, wait_loaded


async def test_the_reader_says_it_follows_only_while_it_does(tmp_path: Path) -> None:
    root = write_files(tmp_path / "archive", {
        "a.md": "---\ntitle: 第一篇\ndate: 2022-05-01\n---\n正文",
    })
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_loaded(pilot)
        await wait_for(pilot, lambda: screen.workers and any(
            w.group == "watch" for w in screen.workers))
        await wait_for(pilot, lambda: followed(index_path(root)), timeout=5)
    for _ in range(60):  # the watcher's thread ends within its half-second turn
        if not followed(index_path(root)):
            break
        time.sleep(0.05)
    assert not followed(index_path(root))
