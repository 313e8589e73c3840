"""Soak: two readers open on one archive while a writer changes it and searches run.

    python benchmarks/soak.py [--minutes 3] [--articles 2000] [--work /tmp/reader-soak]

Two UIs run in tmux on the same archive (one index, two processes). For the whole run a
writer adds, edits, renames (some into folders named like files, `batch.2024`) and deletes
articles, and `reader search` runs in a loop (answering from the index the UIs keep), with
`reader index` every tenth run: a third writer. At the end each UI, `reader list` and the
disk must agree exactly; the UIs quit and nothing they started may be left. Memory and open
files of each UI are sampled every few seconds. Each UI says what it shows through
`READER_BENCHMARK_SNAPSHOT_FILE` (the loader writes the ids of every snapshot it posts).

Not part of the test run: it takes minutes. Prints a table of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402
from reader.core.files.scan import scan_files  # noqa: E402
from tests.e2e.tmux import Tmux, reader_env  # noqa: E402
from tests.processes import alive, children  # noqa: E402

POST = "---\ntitle: {title}\ndate: {date}\ncategories: [浸泡, 测试]\n---\n<p>{body}</p>\n"


@dataclass
class Tally:
    added: int = 0
    edited: int = 0
    renamed: int = 0
    deleted: int = 0
    folders_moved: int = 0
    last_change: float = 0.0  # time.monotonic() of the last change on disk
    searches: int = 0
    indexes: int = 0
    searches_failed: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # "reader: …" lines (a rebuild: a bug)

    @property
    def changes(self) -> int:
        return self.added + self.edited + self.renamed + self.deleted + self.folders_moved


def disk_ids(root: Path) -> set[str]:
    return {file.id for file in scan_files(root)}


def shown_ids(path: Path) -> set[str] | None:
    try:
        return set(path.read_text(encoding="utf-8", errors="surrogateescape").splitlines())
    except FileNotFoundError:
        return None


def listed_ids(root: Path, env: dict[str, str]) -> set[str]:
    result = subprocess.run([sys.executable, "-m", "reader", "list", str(root), "--json"],
                            capture_output=True, text=True, encoding="utf-8", env=env,
                            check=True)
    return {json.loads(line)["id"] for line in result.stdout.splitlines()}


def write_post(path: Path, rng: random.Random, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(rng.choice("浸泡测试的文字内容在这里变化振兴抚顺") for _ in range(400))
    date = f"2031-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    path.write_text(POST.format(title=title, date=date, body=body), encoding="utf-8")


def writer(root: Path, seconds: float, tally: Tally, stop: threading.Event) -> None:
    """Adds, edits, renames and deletes articles (and moves folders) until time is up."""
    rng = random.Random(17)
    soak = root / "soak"
    made: list[Path] = []
    originals = sorted(p for p in root.rglob("*.md") if p.is_file())
    deadline = time.monotonic() + seconds
    number = 0
    while time.monotonic() < deadline and not stop.is_set():
        number += 1
        roll = rng.random()
        if roll < 0.35 or not made:
            path = soak / f"s{number % 7}" / f"新{number}.md"
            write_post(path, rng, f"浸泡新增{number}")
            made.append(path)
            tally.added += 1
        elif roll < 0.6:
            path = rng.choice(made + originals[:50])
            if path.exists():
                write_post(path, rng, f"浸泡改过{number}")
                info = path.stat()
                os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
                tally.edited += 1
        elif roll < 0.8:
            path = made.pop(rng.randrange(len(made)))
            target = soak / f"s{rng.randrange(7)}" / f"移{number}.md"
            if path.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(path, target)
                made.append(target)
                tally.renamed += 1
        elif roll < 0.95:
            path = made.pop(rng.randrange(len(made)))
            if path.exists():
                path.unlink()
                tally.deleted += 1
        else:
            # A folder named like a file, moved in whole, or moved back out.
            inside, outside = soak / "batch.2024", root.parent / "batch.2024"
            if inside.exists():
                os.rename(inside, outside)
                made = [p for p in made if inside not in p.parents]
            else:
                if not outside.exists():
                    for n in range(5):
                        write_post(outside / f"批{n}.md", rng, f"成批{number}-{n}")
                os.rename(outside, inside)
                made += sorted(inside.glob("*.md"))
            tally.folders_moved += 1
        tally.last_change = time.monotonic()
        time.sleep(rng.uniform(0.02, 0.25))


def searcher(root: Path, env: dict[str, str], tally: Tally, stop: threading.Event) -> None:
    """`reader search` in a loop: exit 0 (found) or 1 (nothing), anything else a failure.
    Every tenth run is a `reader index` instead: a writer the UIs did not start (a search
    answers from the index the UIs keep, without writing)."""
    words = ["浸泡", "振兴", "改过", "成批", "抚顺 -浸泡"]
    number = 0
    while not stop.is_set():
        word = words[number % len(words)]
        number += 1
        command = (["index", str(root)] if number % 10 == 0 else
                   ["search", str(root), *word.split(), "--limit", "5"])
        result = subprocess.run([sys.executable, "-m", "reader", *command],
                                capture_output=True, text=True, encoding="utf-8", env=env)
        if command[0] == "index":
            tally.indexes += 1
            if result.returncode != 0 or "Traceback" in result.stderr:
                tally.searches_failed.append(result.stderr.strip()[-200:])
            continue
        tally.searches += 1
        tally.notices += [line for line in result.stderr.splitlines()
                          if line.startswith("reader: ")]
        if result.returncode not in (0, 1) or "Traceback" in result.stderr:
            tally.searches_failed.append(result.stderr.strip().splitlines()[-1:][0]
                                         if result.stderr.strip() else str(result.returncode))


def usage(pid: int) -> tuple[int, int]:
    """Resident memory (KB) and open files of a process."""
    rss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def ui_pid(session: Tmux) -> int:
    pane = int(session._tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for pid in descendants(pane):
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"reader" in command and b"python" in command.split(b"\0")[0]:
                return pid
        time.sleep(0.1)
    raise RuntimeError("the reader never started")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/reader-soak"))
    options = parser.parse_args()

    work = options.work
    shutil.rmtree(work, ignore_errors=True)
    root = work / "archive"
    print(f"generating {options.articles:,} articles…", file=sys.stderr)
    generate(root, options.articles)
    home = work / "home"
    env = dict(os.environ, READER_HOME=str(home), PYTHONIOENCODING="utf-8")
    subprocess.run([sys.executable, "-m", "reader", "index", str(root)], env=env, check=True,
                   capture_output=True)

    reader = shutil.which("reader") or "reader"
    sessions, pids, dumps = [], [], []
    for number in (1, 2):
        dump = work / f"ui{number}.ids"
        ui_env = dict(reader_env(home), READER_BENCHMARK_SNAPSHOT_FILE=str(dump))
        session = Tmux([reader, str(root)], 120, 40, ui_env)
        sessions.append(session)
        dumps.append(dump)
        session.wait_for("articles", timeout=120)
        pids.append(ui_pid(session))
    started = time.monotonic()
    tally = Tally()
    stop = threading.Event()
    seconds = options.minutes * 60
    threads = [threading.Thread(target=writer, args=(root, seconds, tally, stop)),
               threading.Thread(target=searcher, args=(root, env, tally, stop))]
    for thread in threads:
        thread.start()
    samples: list[list[tuple[int, int]]] = [[], []]
    spawned: set[int] = set()
    sampled = 0.0
    while threads[0].is_alive():
        if time.monotonic() - sampled >= 5:
            sampled = time.monotonic()
            for number, pid in enumerate(pids):
                samples[number].append(usage(pid))
                spawned |= descendants(pid)
        time.sleep(0.05)
    threads[0].join()
    last_change = tally.last_change
    written = last_change - started

    # Settle: the UIs follow within seconds; the figure is how many, from the last change.
    disk = disk_ids(root)
    agreed: list[float | None] = [None, None]
    while time.monotonic() - last_change < 30 and None in agreed:
        for number, dump in enumerate(dumps):
            if agreed[number] is None and shown_ids(dump) == disk:
                agreed[number] = time.monotonic() - last_change
        time.sleep(0.05)
    stop.set()
    threads[1].join()
    listed = listed_ids(root, env)
    shown = [shown_ids(dump) or set() for dump in dumps]
    mismatches = {f"ui{n + 1}": len(ids ^ disk) for n, ids in enumerate(shown)}
    mismatches["reader list"] = len(listed ^ disk)
    for number, pid in enumerate(pids):
        samples[number].append(usage(pid))
        spawned |= descendants(pid)

    for session in sessions:
        session.send("q")
    deadline = time.monotonic() + 20
    while alive(set(pids) | spawned) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = alive(set(pids) | spawned)
    for session in sessions:
        session.close()

    rows = [
        ("seconds of changes", f"{written:.0f}"),
        ("changes made", f"{tally.changes:,} ({tally.added} added, {tally.edited} edited, "
                         f"{tally.renamed} renamed, {tally.deleted} deleted, "
                         f"{tally.folders_moved} folders moved)"),
        ("articles at the end", f"{len(disk):,}"),
        ("searches, reader index runs (failed)",
         f"{tally.searches}, {tally.indexes} ({len(tally.searches_failed)})"),
        ("index rebuilds or notices", str(len(tally.notices))),
        ("mismatches at the end", ", ".join(f"{k}: {v}" for k, v in mismatches.items())),
        ("UIs agree with the disk after", " / ".join(
            "never (30 s)" if seconds is None else f"{seconds:.1f} s" for seconds in agreed)
         + " from the last change"),
    ]
    for number, series in enumerate(samples):
        # From the sample after a minute on (the whole archive loaded and drawn), so that
        # growth over the run shows, not the start.
        settled = series[min(12, len(series) - 1):]
        first, end = settled[0], settled[-1]
        rows.append((f"ui{number + 1} memory MB at 1 min/max/last",
                     f"{first[0] / 1024:.0f} / {max(s[0] for s in settled) / 1024:.0f} / "
                     f"{end[0] / 1024:.0f}"))
        rows.append((f"ui{number + 1} open files at 1 min/max/last",
                     f"{first[1]} / {max(s[1] for s in settled)} / {end[1]}"))
    rows.append(("processes left after quitting", str(len(left))))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for failure in tally.searches_failed[:5]:
        print(f"  search failed: {failure}")
    for notice in tally.notices[:5]:
        print(f"  {notice}")
    ok = (None not in agreed and not any(mismatches.values()) and not left
          and not tally.searches_failed and not tally.notices)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
