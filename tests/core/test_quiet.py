"""`find` says an archive is unchanged since the last whole walk, so commands skip the walk;
every kind of change still makes them walk, and where `find` can't be trusted they walk."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reader.cache import open_index
from reader.core.files import quiet
from reader.core.index import store
from tests.conftest import write_files

POST = "---\ntitle: {title}\ndate: 2022-05-01\n---\n<p>{title}的正文</p>"


@pytest.fixture(autouse=True)
def no_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The margin for the kernel's coarse clock is ten seconds: here none, and a pause
    before each step instead, so that a test need not wait ten seconds."""
    monkeypatch.setattr(quiet, "MARGIN", 0.0)


class Walks:
    """Counts the whole walks of the archive that refreshes make."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = store.Walk

        def counted(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(store, "Walk", counted)

    def taken(self) -> int:
        count, self.count = self.count, 0
        return count


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Walks:
    return Walks(monkeypatch)


def pause() -> None:
    """Past the kernel's coarse clock, so that what is written next is after the stamp."""
    time.sleep(0.05)


def archive(tmp_path: Path) -> Path:
    root = write_files(tmp_path / "a", {f"{folder}/{n}.md": POST.format(title=f"{folder}{n}")
                                        for folder in ("x", "y", "y/z") for n in range(3)})
    write_files(root, {"y/picture.png": "png", ".git/index": "git"})
    pause()
    return root


def settled(root: Path, walks: Walks):
    index = open_index(root)
    index.refresh()
    pause()
    walks.taken()
    return index


def test_an_unchanged_archive_is_not_walked(tmp_path: Path, walks: Walks) -> None:
    index = settled(archive(tmp_path), walks)
    changes = index.refresh()
    assert walks.taken() == 0
    assert not changes.any and changes.total == 9 and changes.problems == 0
    assert len(index.articles()) == 9


def test_reader_index_always_walks(tmp_path: Path, walks: Walks,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`reader index` is what a user runs to have the archive looked at again: the vouch
    that lets other commands skip the walk does not let it."""
    from reader.cli.main import main

    root = archive(tmp_path)
    settled(root, walks).close()
    assert main(["index", str(root)]) == 0
    assert walks.taken() == 1
    assert "9 articles" in capsys.readouterr().out


@pytest.mark.parametrize("change", [
    "edit in place, old time", "add deep", "remove", "rename folder", "new folder",
    "unreadable", "folder removed", "link added",
])
def test_every_change_is_walked_and_found(tmp_path: Path, walks: Walks, change: str) -> None:
    root = archive(tmp_path)
    index = settled(root, walks)
    edited = root / "y" / "1.md"
    if change == "edit in place, old time":
        # Written in place with its old modification time: the folder's time, the file's
        # size and time as before; only its ctime says so.
        before = edited.stat()
        edited.write_text(POST.format(title="改过"), encoding="utf-8")
        os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
        expect = ("changed", "y/1.md")
    elif change == "add deep":
        (root / "y" / "z" / "new.md").write_text(POST.format(title="新"), encoding="utf-8")
        expect = ("added", "y/z/new.md")
    elif change == "remove":
        (root / "y" / "z" / "0.md").unlink()
        expect = ("removed", "y/z/0.md")
    elif change == "rename folder":
        os.rename(root / "y" / "z", root / "y" / "w")
        expect = ("added", "y/w/0.md")
    elif change == "new folder":
        write_files(root, {"n/1.md": POST.format(title="新文件夹")})
        expect = ("added", "n/1.md")
    elif change == "unreadable":
        edited.chmod(0)
        expect = None  # walked; (as root it is still readable)
    elif change == "folder removed":
        for name in ("0.md", "1.md", "2.md"):
            (root / "y" / "z" / name).unlink()
        (root / "y" / "z").rmdir()
        expect = ("removed", "y/z/0.md")
    else:
        os.symlink(root / "x" / "0.md", root / "y" / "also.md")
        expect = ("added", "y/also.md")
    changes = index.refresh()
    assert walks.taken() == 1
    if expect is not None:
        kind, article = expect
        assert article in getattr(changes, kind)
    pause()
    if change == "link added":
        # A walk that followed a link leaves no stamp: `find` does not follow links.
        assert index.refresh() and walks.taken() == 1
    else:
        assert not index.refresh().any and walks.taken() == 0


def test_what_the_walk_never_reads_makes_no_walk(tmp_path: Path, walks: Walks) -> None:
    root = archive(tmp_path)
    index = settled(root, walks)
    (root / ".git" / "index").write_text("changed", encoding="utf-8")  # a hidden folder
    (root / "y" / "picture.png").write_text("changed", encoding="utf-8")  # no article
    assert not index.refresh().any
    assert walks.taken() == 0
    (root / "y" / "picture.png").unlink()  # but a name gone from a listed folder is walked
    index.refresh()
    assert walks.taken() == 1


def test_a_watchers_change_makes_the_next_refresh_walk(tmp_path: Path, walks: Walks) -> None:
    """The watcher forgets folders' fingerprints, which `find` is asked about: only a whole
    walk may vouch for the archive again."""
    root = archive(tmp_path)
    index = settled(root, walks)
    (root / "x" / "new.md").write_text(POST.format(title="看见"), encoding="utf-8")
    index.refresh_paths(["x/new.md"])
    pause()
    walks.taken()
    index.refresh()
    assert walks.taken() == 1
    pause()
    index.refresh()
    assert walks.taken() == 0


def test_another_folder_at_the_same_path_is_walked(tmp_path: Path, walks: Walks) -> None:
    root = archive(tmp_path)
    index = settled(root, walks)
    os.rename(root, tmp_path / "old")
    write_files(root, {"x/0.md": POST.format(title="另一个")})
    os.utime(root, (1, 1))
    changes = index.refresh()
    assert walks.taken() == 1 and "y/1.md" in changes.removed


@pytest.mark.parametrize("why", ["no find", "network file system", "a find that fails"])
def test_where_find_cant_be_trusted_every_refresh_walks(
        tmp_path: Path, walks: Walks, monkeypatch: pytest.MonkeyPatch, why: str) -> None:
    root = archive(tmp_path)
    index = settled(root, walks)
    if why == "no find":
        monkeypatch.setattr(quiet, "_find", lambda: "")
    elif why == "network file system":
        monkeypatch.setattr(quiet, "_file_system", lambda path: "nfs4")
    else:
        failing = tmp_path / "find"
        failing.write_text("#!/bin/sh\necho 'find: unknown predicate' >&2\nexit 1\n")
        failing.chmod(0o755)
        monkeypatch.setattr(quiet, "_find", lambda: str(failing))
    assert not index.refresh().any
    assert walks.taken() == 1


def test_the_file_system_is_read_from_mountinfo() -> None:
    assert quiet._file_system("/proc/self") == "proc"
    assert quiet._unescape(r"/mnt/my\040disk") == "/mnt/my disk"
    assert quiet.Stamp.parse("12.5 3 4 9") == quiet.Stamp(12.5, 3, 4, 9)
    assert quiet.Stamp.parse("garbage") is None and quiet.Stamp.parse(None) is None
