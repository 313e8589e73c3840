"""Benchmark what the UI thread does at 100,000 articles, and the reading state's costs.

    python benchmarks/bench_ui.py [--count 100000] [--work /tmp/reader-bench]

On a generated archive (benchmarks/generate.py, seed 7; reused when present) with its index
built, in one run:

- the command palette's answer per keystroke (typing a title, a character at a time);
- how long opening an article holds the event loop (the call, then showing the converted
  document: the layout of a short article happens there);
- toggling one read mark with every count it touches, on the UI thread;
- with half the archive read: marking a whole month read (`A`), and the whole archive,
  until the counts are right again; the store's size;
- warm open with half the archive read, beside a trivial Textual app's first frame;
- `reader list --unread` as a whole process beside `reader list`.

Every figure is the median and the worst of several runs, wall time on the event loop
(the frame budget is 16 ms), beside a floor measured in the same run: an empty Textual
callback's time on the same loop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_index import TRIVIAL_APP, archive_for, run_in_pty  # noqa: E402


def figures(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.2f} ms, worst {max(samples) * 1000:.2f} ms"


async def measure(root: Path) -> dict[str, str]:
    from reader.app import make_app
    from reader.screens.palette import ArchiveCommands
    from reader.settings import Settings
    from reader.widgets.article_view import ArticleView
    from reader.widgets.sidebar import Sidebar
    from tests.ui.helpers import wait_for, wait_loaded

    out: dict[str, str] = {}
    app = make_app(root, settings=Settings(read_after_seconds=0), warm_start=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await wait_loaded(pilot, timeout=600)
        await wait_for(pilot, lambda: screen.snapshot.complete and len(screen.articles) > 1000,
                       timeout=600)
        sidebar = screen.query_one(Sidebar)
        await wait_for(pilot, lambda: sidebar.tally is not None, timeout=120)
        articles = screen.ordered

        # A floor: an empty callback run on the event loop.
        floor = []
        for _ in range(50):
            start = time.perf_counter()
            app.call_later(lambda: None)
            floor.append(time.perf_counter() - start)
        out["floor: an empty call on the event loop"] = figures(floor)

        # The palette, a keystroke at a time.
        provider = ArchiveCommands(screen)
        title = articles[len(articles) // 2].title
        typed = []
        for end in range(1, min(len(title), 12) + 1):
            start = time.perf_counter()
            hits = [hit async for hit in provider.search(title[:end])]
            typed.append(time.perf_counter() - start)
        out[f"palette: answer per keystroke ({len(typed)} keys of a title, {len(hits)} hits "
            "at the end)"] = figures(typed)

        # Opening an article: the call, then the converted document shown (laid out).
        view = screen.query_one(ArticleView)
        calls, shows = [], []
        original_show = view.show

        def timed_show(*args, **kwargs):
            start = time.perf_counter()
            original_show(*args, **kwargs)
            shows.append(time.perf_counter() - start)

        view.show = timed_show  # type: ignore[method-assign]
        for article in articles[100:120]:
            start = time.perf_counter()
            screen.open_article(article.id)
            calls.append(time.perf_counter() - start)
            await wait_for(pilot, lambda a=article: view.article_id == a.id and view.lines,
                           timeout=30)
        view.show = original_show  # type: ignore[method-assign]
        out["open_article: the call on the UI thread"] = figures(calls)
        out["open_article: showing the document (layout included)"] = figures(shows)

        # Half the archive read, then one mark toggled: every count it touches.
        half = [a.id for a in articles[::2]]
        start = time.perf_counter()
        app.state.set_read(half)
        sidebar.marks_reloaded()
        await wait_for(pilot, lambda: sidebar.tally is not None
                       and sidebar.tally.total_unread == len(articles) - len(half), timeout=120)
        out["mark half the archive read, counts right again"] = (
            f"{(time.perf_counter() - start):.2f} s")
        view.focus()
        toggles = []
        for _ in range(20):
            start = time.perf_counter()
            screen.action_toggle_read()
            toggles.append(time.perf_counter() - start)
        out["m: toggle one mark and its counts (UI thread)"] = figures(toggles)

        # A on a month, and on the whole archive.
        sidebar.focus()
        sidebar.cursor = 0
        start = time.perf_counter()
        screen.action_mark_group_read()
        out[f"A on a month ({sidebar.rows[0].group.count:,} articles), UI thread"] = (
            f"{(time.perf_counter() - start) * 1000:.1f} ms")
        everything = [a.id for a in articles]
        start = time.perf_counter()
        app.state.mark_all(everything, "everything")
        sidebar.marks_reloaded()
        ui = time.perf_counter() - start
        await wait_for(pilot, lambda: sidebar.tally is not None
                       and sidebar.tally.total_unread == 0, timeout=120)
        out[f"A on the whole archive ({len(everything):,}): UI thread / until counted"] = (
            f"{ui * 1000:.0f} ms / {time.perf_counter() - start:.2f} s")
        app.state.undo()
        app.state.set_read(half)
        app.state._writer.flush()
        size = sum(os.path.getsize(f"{app.state.store.path}{s}") for s in ("", "-wal")
                   if os.path.exists(f"{app.state.store.path}{s}"))
        out[f"state store with {len(half):,} read"] = f"{size / 1e6:.1f} MB"
    return out


def whole_process(command: list[str], env: dict[str, str], runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "reader-bench")
    parser.add_argument("--home", type=Path, default=None,
                        help="READER_HOME to keep (its index is reused by the next run)")
    options = parser.parse_args()
    root = archive_for(options.work, options.count)
    home = options.home or Path(tempfile.mkdtemp(prefix="reader-bench-ui-"))
    os.environ["READER_HOME"] = str(home)
    env = dict(os.environ)
    reader = [sys.executable, "-m", "reader"]
    print(f"archive: {options.count:,} articles at {root}; READER_HOME={home}", file=sys.stderr)
    # The benchmark's own reading state starts empty each run (the index is kept).
    shutil.rmtree(home / "state", ignore_errors=True)
    subprocess.run([*reader, "index", str(root)], env=env, check=True)
    results = asyncio.run(measure(root))
    # Warm open with half the archive read (the state as the measure above left it),
    # beside a trivial Textual app's first frame, in the same run.
    ready = home / "ready"
    trivial_script = home / "trivial.py"
    trivial_script.write_text(TRIVIAL_APP)
    trivial = min(run_in_pty([sys.executable, str(trivial_script)], dict(env, READY=str(ready)),
                             ready)[0] for _ in range(3))
    warm = min(run_in_pty([*reader, str(root)], dict(env, READER_BENCHMARK_READY_FILE=str(ready)),
                          ready)[0] for _ in range(3))
    results["warm open, half the archive read"] = (
        f"{warm:.2f} s ({warm / trivial:.1f}× a trivial app's {trivial:.2f} s)")
    plain = whole_process([*reader, "list", str(root)], env)
    unread = whole_process([*reader, "list", str(root), "--unread"], env)
    results["reader list, whole process"] = f"median {statistics.median(plain):.2f} s"
    results["reader list --unread, whole process"] = (
        f"median {statistics.median(unread):.2f} s "
        f"({statistics.median(unread) / statistics.median(plain):.2f}× reader list)")
    width = max(len(name) for name in results)
    for name, value in results.items():
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
