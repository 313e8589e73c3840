"""Benchmark the index: cold build, warm open, live reload, refresh, memory, size.

    python benchmarks/bench_index.py [--sizes 10000 100000] [--work /tmp/reader-bench]
                                     [--keep /tmp/reader-bench-homes]

Archives are generated once (benchmarks/generate.py, seed 7) under --work and reused. Every
figure of the table comes from this one run. The page cache is warm for the floors and the
builds alike (dropping it needs privileges this machine's sessions don't have).
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402

TRIVIAL_APP = """
import os, sys
from textual.app import App
from textual.widgets import Static
class Trivial(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        open(os.environ["READY"], "w").write("1")
        self.exit()
Trivial().run()
"""


def user_env(home: Path) -> dict[str, str]:
    """The environment with the reader's cache, state and settings under `home` where a
    user's are (XDG, found through platformdirs as for a user), not by READER_HOME."""
    env = {key: value for key, value in os.environ.items() if key != "READER_HOME"}
    env.update(XDG_CACHE_HOME=str(home / "cache"), XDG_STATE_HOME=str(home / "state"),
               XDG_CONFIG_HOME=str(home / "config"))
    return env


def use_home(home: Path) -> None:
    """This process's environment as `user_env` says."""
    os.environ.clear()
    os.environ.update(user_env(home))


def compile_reader() -> None:
    """Byte code as an installed wheel has it: an editable checkout under
    PYTHONDONTWRITEBYTECODE (this machine sets it) compiles every edited module again in
    every process."""
    import compileall

    compileall.compile_dir(HERE.parent / "reader", quiet=1)


def archive_for(work: Path, count: int) -> Path:
    root = work / f"archive-{count}"
    marker = root / ".complete"
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        print(f"generating {count:,} articles…", file=sys.stderr)
        generate(root, count)
        marker.write_text("seed 7\n")
    return root


def read_floor(root: Path) -> float:
    """Read every article file's bytes once, as `cat` would."""
    start = time.perf_counter()
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".md"):
                with open(os.path.join(folder, name), "rb") as handle:
                    handle.read()
    return time.perf_counter() - start


def front_matter_floor(root: Path) -> float:
    """Parse only the front matter of every file with yaml's C loader."""
    import yaml

    start = time.perf_counter()
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".md"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    text = handle.read()
                head = text.lstrip("\n").split("\n---", 1)[0][4:]
                yaml.load(head, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def run_in_pty(command: list[str], env: dict[str, str], ready: Path,
               timeout: float = 120.0) -> tuple[float, int]:
    """Start `command` in a pseudo-terminal; seconds until it writes `ready`, and peak RSS KB."""
    ready.unlink(missing_ok=True)
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    env = dict(env, TERM="xterm-256color", COLUMNS="120", LINES="40")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env,
                               close_fds=True)
    os.close(slave)
    elapsed = None
    while time.perf_counter() - start < timeout:
        readable, _, _ = select.select([master], [], [], 0.01)
        if readable:
            try:
                os.read(master, 65536)
            except OSError:
                pass
        if elapsed is None and ready.exists():
            elapsed = time.perf_counter() - start
        if process.poll() is not None:
            break
    if process.poll() is None:
        process.kill()
    process.wait()
    os.close(master)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (elapsed if elapsed is not None else float("nan")), max(after, before)


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def live_add_latency(root: Path, home: Path) -> float:
    """Seconds from a file written into the archive until the running reader lists it."""
    import asyncio

    use_home(home)
    from reader.app import make_app
    from tests.ui.helpers import wait_for, wait_loaded

    result: list[float] = []

    async def main() -> None:
        app = make_app(root)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await wait_loaded(pilot, timeout=120)
            await wait_for(pilot, lambda: any(w.group == "watch" for w in screen.workers))
            await pilot.pause(0.5)
            path = root / "source" / "_posts" / "benchmark-added.md"
            start = time.perf_counter()
            path.write_text("---\ntitle: 新增的文章\ndate: 2030-01-01\n---\n<p>新增</p>",
                            encoding="utf-8")
            await wait_for(pilot, lambda: "source/_posts/benchmark-added.md" in screen.articles,
                           timeout=30)
            result.append(time.perf_counter() - start)
            path.unlink()

    asyncio.run(main())
    return result[0]


def change_one_percent(root: Path) -> int:
    files = sorted(p for p in root.rglob("*.md"))[::100]
    for path in files:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("</div>", "<p>补充一句。</p></div>", 1), encoding="utf-8")
    return len(files)


def folder_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def bench(count: int, work: Path, keep: Path | None = None) -> dict[str, str]:
    root = archive_for(work, count)
    if keep is not None:
        home = keep / f"home-{count}"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
    else:
        home = Path(tempfile.mkdtemp(prefix="reader-bench-home-"))
    env = user_env(home)
    reader = [sys.executable, "-m", "reader"]
    row: dict[str, str] = {"articles": f"{count:,}"}

    cat = read_floor(root)
    fm = front_matter_floor(root)
    cold_rss_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cold = timed([*reader, "index", str(root)], env)
    cold_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    row["cold index s"] = f"{cold:.1f}"
    row["÷ read floor"] = f"{cold / cat:.1f}× ({cat:.1f} s)"
    row["÷ front-matter floor"] = f"{cold / fm:.1f}× ({fm:.1f} s)"

    ready = home / "ready"
    trivial_script = home / "trivial.py"
    trivial_script.write_text(TRIVIAL_APP)
    trivial = min(run_in_pty([sys.executable, str(trivial_script)], dict(env, READY=str(ready)),
                             ready)[0] for _ in range(3))
    opens = [run_in_pty([*reader, str(root)], dict(env, READER_BENCHMARK_READY_FILE=str(ready)),
                        ready) for _ in range(3)]
    warm = min(seconds for seconds, _ in opens)
    row["warm open s"] = f"{warm:.2f}"
    row["÷ trivial app"] = f"{warm / trivial:.1f}× ({trivial:.2f} s)"

    row["added → shown s"] = f"{live_add_latency(root, home):.2f}"

    changed = change_one_percent(root)
    refresh = timed([*reader, "index", str(root)], env)
    row["refresh 1% s"] = f"{refresh:.1f} ({changed:,} files)"

    from reader.cache import open_index

    use_home(home)
    index = open_index(root)
    index_size = index.size_on_disk()
    index.close()
    archive_size = folder_size(root)
    row["peak RSS MB"] = f"{max(cold_rss, cold_rss_before) / 1024:.0f} index, " + (
        f"{max(rss for _, rss in opens) / 1024:.0f} UI"
    )
    row["index / archive"] = f"{index_size / 1e6:,.0f} / {archive_size / 1e6:,.0f} MB"
    if keep is None:
        shutil.rmtree(home, ignore_errors=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "reader-bench")
    parser.add_argument("--keep", type=Path,
                        help="keep each size's index in KEEP/home-N (for bench_search.py --home)")
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    compile_reader()
    rows = []
    for count in options.sizes:
        rows.append(bench(count, options.work, options.keep))
        print(rows[-1], file=sys.stderr, flush=True)
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(row[c] for c in columns) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
