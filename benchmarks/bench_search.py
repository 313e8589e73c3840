"""Benchmark search: the first page of results for each kind of query, beside ripgrep.

    python benchmarks/bench_search.py [--count 100000] [--work /tmp/reader-bench] [--runs 15]
                                      [--home DIR]

Uses (or generates) the archive of benchmarks/bench_index.py and builds its index in a
fresh home. For every query: median and p95 of the first page (20 hits) through
the index, and `rg -l` (ripgrep) over the same files, in the same run. Page cache warm.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_index import archive_for, use_home  # noqa: E402

QUERIES = [
    ("1 Chinese character (common)", "的"),
    ("1 Chinese character (rare: only in a planted word)", "鲸"),
    ("1 Chinese character (in no article here)", "抚"),
    ("2 Chinese characters", "发展"),
    ("3 Chinese characters", "经济发"),
    ("6 Chinese characters", "中国经济的发展"),
    ("Latin word", "python"),
    ("rare term", "蓝鲸计划"),
    ("rare Latin term", "quokkadb"),
    ("absent term", "不存在之词"),
    ("mixed", "5G 基站"),
    ("with a category filter", "cat:科技 发展"),
    ("with date filters", "after:2022-05 before:2022-06 的"),
    ("a filter alone", "cat:科技"),
    ("a filter alone, no match", "cat:不存在"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(share * (len(ordered) - 1)), len(ordered) - 1)]


def rg_pattern(query: str) -> str | None:
    words = [w for w in query.split() if ":" not in w]
    return words[0] if words else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "reader-bench")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--home", type=Path,
                        help="keep the index here and reuse it on the next run (by default "
                        "a fresh one is built and deleted)")
    options = parser.parse_args()
    root = archive_for(options.work, options.count)
    home = options.home or Path(tempfile.mkdtemp(prefix="reader-bench-search-"))
    use_home(home)  # (as bench_index.py --keep left it)

    from reader.cache import open_index
    from reader.core.search.query import parse_query

    index = open_index(root)
    started = time.perf_counter()
    changes = index.refresh()
    build = time.perf_counter() - started
    if not (changes.added or changes.changed):
        print(f"(index reused from {home})")
    size = index.size_on_disk()
    archive_size = sum(p.stat().st_size for p in root.rglob("*.md"))
    print(f"index of {options.count:,} articles: built in {build:.1f} s, "
          f"{size / 1e6:,.0f} MB (archive {archive_size / 1e6:,.0f} MB)")
    # What the search screen does as it opens, while the user types the first key.
    started = time.perf_counter()
    index.prepare_search()
    print(f"titles and newest texts read into memory in "
          f"{(time.perf_counter() - started) * 1000:,.0f} ms\n")

    rg = shutil.which("rg")
    print("| query | kind | hits on page | median ms | p95 ms | rg -l median ms | rg ÷ ours |")
    print("|---|---|---|---|---|---|---|")
    for kind, text in QUERIES:
        query = parse_query(text)
        times = []
        hits = []
        for _ in range(options.runs):
            start = time.perf_counter()
            hits = index.search(query, 20)
            times.append((time.perf_counter() - start) * 1000)
        median, p95 = statistics.median(times), percentile(times, 0.95)
        rg_text = ratio = "–"
        pattern = rg_pattern(text)
        if rg and pattern:
            rg_times = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run([rg, "-l", "-F", "-i", pattern, str(root)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                rg_times.append((time.perf_counter() - start) * 1000)
            rg_median = statistics.median(rg_times)
            rg_text = f"{rg_median:,.0f}"
            ratio = f"{rg_median / median:,.1f}×"
        print(f"| `{text}` | {kind} | {len(hits)} | {median:,.1f} | {p95:,.1f} | {rg_text} | "
              f"{ratio} |")
    index.close()
    if options.home is None:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
