"""Benchmark the commands scripts run, as whole processes, beside ripgrep.

    python benchmarks/bench_commands.py [--sizes 2000 20000 100000] [--runs 7]
                                        [--work /tmp/reader-bench] [--home DIR]

For each size: the archive of benchmarks/bench_index.py (generated once, seed 7), its index
built first (not timed; --home keeps it for the next run), then each command started
afresh `--runs` times with the index up to date and the page cache warm: `reader search`
(a rare word, and a common one that fills a page with snippets), `reader list`, `reader
show`. Beside them, in the same run: `rg -l` for the same word over the same files (the
reference; for `list`, `rg -l 的`, which lists every file as `list` does), and
`python -c pass` (the floor any Python command pays).

ripgrep: `apt-get install ripgrep` (the `ripgrep` package on PyPI builds from source and
needs a network for cargo).
"""

from __future__ import annotations

import argparse
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

from benchmarks.bench_index import archive_for, compile_reader, user_env  # noqa: E402


def timed(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median and worst seconds of `command` as a whole process (output discarded)."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), max(seconds)


def bench(count: int, work: Path, home: Path, runs: int, rg: str | None) -> list[list[str]]:
    root = archive_for(work, count)
    env = user_env(home)  # found through platformdirs, as a user's
    # The installed command, as a script runs it (`python -m` adds runpy's own imports).
    script = Path(sys.executable).parent / "reader"
    reader = [str(script)] if script.exists() else [sys.executable, "-m", "reader"]
    subprocess.run([*reader, "index", str(root)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    first = subprocess.run([*reader, "list", str(root)], env=env, check=True,
                           capture_output=True, text=True).stdout.splitlines()[0]
    article_id = first.split("  ")[1]

    def rg_l(word: str) -> float:
        return timed([rg, "-l", word, str(root)], env, runs)[0] if rg else float("nan")

    rare, common = rg_l("振兴"), rg_l("的")  # `rg -l 的` lists every file, as `list` does
    floor = timed([sys.executable, "-c", "pass"], env, runs)[0]
    rows = []

    def row(label: str, command: list[str], reference: float, what: str) -> None:
        median, worst = timed(command, env, runs)
        rows.append([f"{count:,}", label, f"{median * 1000:,.0f}", f"{worst * 1000:,.0f}",
                     f"{reference * 1000:,.0f} ({what})", f"{reference / median:.2f}×",
                     f"{floor * 1000:,.0f}"])

    search = [*reader, "search", str(root)]
    row("search 振兴 (rare)", [*search, "振兴", "--limit", "20"], rare, "振兴")
    row("search 的 (20 snippets)", [*search, "的", "--limit", "20"], common, "的")
    row("list", [*reader, "list", str(root)], common, "的: every file")
    row("show", [*reader, "show", str(root), article_id], rare, "振兴")
    # The same search while a reader follows the archive (its watcher's lock, held here).
    os.environ.clear()
    os.environ.update(env)
    from reader.cache import index_path
    from reader.core.index.followers import following

    with following(index_path(root)):
        row("search 振兴, a reader following", [*search, "振兴", "--limit", "20"], rare, "振兴")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000, 100_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "reader-bench")
    parser.add_argument("--home", type=Path,
                        help="keep the indexes here for the next run (by default a fresh "
                        "folder, deleted after)")
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    home = options.home or Path(tempfile.mkdtemp(prefix="reader-bench-commands-"))
    compile_reader()
    rg = shutil.which("rg")
    if rg is None:
        print("ripgrep (rg) is not installed: no reference column", file=sys.stderr)
    print("| articles | command | median ms | worst ms | `rg -l WORD` ms | rg ÷ ours | "
          "`python -c pass` ms |")
    print("|---|---|---|---|---|---|---|")
    for count in options.sizes:
        for row in bench(count, options.work, home, options.runs, rg):
            print("| " + " | ".join(row) + " |", flush=True)
    if options.home is None:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
