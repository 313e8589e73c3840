"""Save the README's screenshot: the app itself draws it (Textual's save_screenshot).

    python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLE = "source/_posts/科技/36氪/最新/深度一座小城的芯片梦石桥县半导体产业园五年观察.md"


async def main() -> None:
    os.environ["TZ"] = "UTC"
    with tempfile.TemporaryDirectory() as home:
        os.environ["READER_HOME"] = home
        from reader.app import make_app
        from tests.ui.helpers import stable_copy, wait_for, wait_loaded

        archive = stable_copy(ROOT / "sample_archive", Path(home))
        app = make_app(archive)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await wait_loaded(pilot)
            await pilot.press("c")
            await pilot.pause(0.3)
            screen.open_article(ARTICLE)
            view = screen.query_one("#article")
            await wait_for(pilot, lambda: view.article_id == ARTICLE and view.lines)
            await pilot.pause(0.3)
            app.save_screenshot(filename="screenshot.svg", path=str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(main())
