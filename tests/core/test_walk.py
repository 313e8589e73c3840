"""The walk over an archive: symbolic links, paths too long to open, folders unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.cache import open_index
from reader.core.files.scan import OUTSIDE, TOO_LONG, scan_files
from reader.core.model import Problem
from tests.conftest import write_files

POST = "---\ntitle: {title}\ndate: 2022-05-01\n---\n<p>{title}的正文</p>"


def reader(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def deep_folder(root: Path, levels: int = 18) -> str:
    """Folders nested past the 4,096 bytes a path may have, a post at the bottom; made
    step by step from open folders, as no path that long can be named at once."""
    name = "d" * 250
    fd = os.open(root, os.O_RDONLY)
    for _ in range(levels):
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    post = os.open("post.md", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
    os.write(post, POST.format(title="深处").encode())
    os.close(post)
    os.close(fd)
    return name


def test_a_path_too_long_to_open_is_a_problem(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", {"ok.md": POST.format(title="好")})
    name = deep_folder(root)
    problems: list[Problem] = []
    assert [f.id for f in scan_files(root, problems)] == ["ok.md"]
    assert len(problems) == 1 and problems[0].reason == TOO_LONG
    assert problems[0].path.startswith(f"{name}/{name}/")
    index = open_index(root)
    index.refresh()
    assert [p.reason for p in index.problems()] == [TOO_LONG]
    index.refresh()  # said once, however often the archive is looked at
    assert [p.reason for p in index.problems()] == [TOO_LONG]


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """An archive with links: out to a file and a folder, inside to a file and a folder."""
    outside = write_files(tmp_path / "outside", {"secret.md": POST.format(title="外面"),
                                                 "many/x.md": POST.format(title="外面的文件夹")})
    root = write_files(tmp_path / "a", {"posts/real.md": POST.format(title="真的")})
    os.symlink(outside / "secret.md", root / "passwd.md")
    os.symlink(outside / "many", root / "everything")
    os.symlink(root / "posts" / "real.md", root / "alias.md")
    os.symlink("posts", root / "also")
    return root


def test_links_out_of_the_archive_are_left_out_and_listed(linked: Path) -> None:
    problems: list[Problem] = []
    ids = [f.id for f in scan_files(linked, problems)]
    # `also` leads to `posts`, a folder already listed: its file shows once.
    assert ids == ["alias.md", "also/real.md"] or ids == ["alias.md", "posts/real.md"]
    assert sorted((p.path, p.reason) for p in problems) == [
        ("everything", OUTSIDE), ("passwd.md", OUTSIDE)]


def test_follow_follows_every_link(linked: Path) -> None:
    problems: list[Problem] = []
    ids = {f.id for f in scan_files(linked, problems, follow=True)}
    assert {"passwd.md", "everything/x.md", "alias.md"} <= ids
    assert problems == []


def test_the_index_and_the_watcher_keep_to_the_same_rule(linked: Path) -> None:
    index = open_index(linked, follow=False)
    index.refresh()
    titles = {a.title for a in index.articles()}
    assert "外面" not in titles and "外面的文件夹" not in titles and "真的" in titles
    assert {p.path for p in index.problems()} == {"everything", "passwd.md"}
    os.symlink(linked.parent / "outside" / "secret.md", linked / "posts" / "late.md")
    changes = index.refresh_paths(["posts/late.md", "passwd.md"], ["everything"])
    assert not changes.any
    following = open_index(linked, follow=True)
    following.refresh()
    assert {"外面", "外面的文件夹"} <= {a.title for a in following.articles()}


def test_follow_on_the_command_line_and_in_the_settings(linked: Path, reader_home: Path) -> None:
    env = dict(os.environ, READER_HOME=str(reader_home))
    plain = reader("list", str(linked), env=env)
    assert "外面" not in plain.stdout and "passwd.md: symbolic link" in plain.stderr
    followed = reader("list", "--follow", str(linked), env=env)
    assert "外面的文件夹" in followed.stdout and "passwd.md" in followed.stdout
    assert reader("search", str(linked), "外面", "--follow", env=env).returncode == 0
    assert reader("search", str(linked), "外面", env=env).returncode == 1
    config = reader_home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("follow_symlinks = true\n", encoding="utf-8")
    assert "外面的文件夹" in reader("list", str(linked), env=env).stdout


def test_an_unchanged_archive_reads_no_file_row(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", {f"{folder}/{n}.md": POST.format(title=f"{folder}{n}")
                                        for folder in ("x", "y/z") for n in range(5)})
    index = open_index(root)
    index.refresh()
    statements: list[str] = []
    index.db.set_trace_callback(statements.append)
    assert not index.refresh().any
    assert not [s for s in statements if "FROM files" in s and "count(" not in s]
    index.db.set_trace_callback(None)


def test_changes_are_found_in_the_folders_that_changed(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", {f"{folder}/{n}.md": POST.format(title=f"{folder}{n}")
                                        for folder in ("x", "y", "y/z") for n in range(3)})
    index = open_index(root)
    index.refresh()
    folder_time = os.stat(root / "y").st_mtime_ns
    edited = root / "y" / "1.md"
    edited.write_text(POST.format(title="改了"), encoding="utf-8")  # in place: same folder time
    os.utime(edited, ns=(edited.stat().st_atime_ns, edited.stat().st_mtime_ns + 10**9))
    os.utime(root / "y", ns=(folder_time, folder_time))
    (root / "y" / "z" / "new.md").write_text(POST.format(title="新的"), encoding="utf-8")
    (root / "x" / "0.md").unlink()
    os.rename(root / "x", root / "w")
    changes = index.refresh()
    assert changes.changed == ["y/1.md"]
    assert sorted(changes.added) == ["w/1.md", "w/2.md", "y/z/new.md"]
    assert sorted(changes.removed) == ["x/0.md", "x/1.md", "x/2.md"]
    assert sorted(a.id for a in index.articles()) == sorted(
        str(p.relative_to(root)) for p in root.rglob("*.md"))
    assert not index.refresh().any


def test_rows_no_folder_accounts_for_are_found(tmp_path: Path) -> None:
    """A folder the watcher indexed and that went while no reader ran."""
    root = write_files(tmp_path / "a", {"x/1.md": POST.format(title="一")})
    index = open_index(root)
    index.refresh()
    write_files(root, {"later/2.md": POST.format(title="二")})
    index.refresh_paths([], ["later"])
    assert {a.id for a in index.articles()} == {"x/1.md", "later/2.md"}
    (root / "later" / "2.md").unlink()
    (root / "later").rmdir()
    index.refresh()
    assert [a.id for a in index.articles()] == ["x/1.md"]


def test_a_command_answers_from_the_index_a_running_reader_follows(
        tmp_path: Path, reader_home: Path) -> None:
    from reader.core.index.followers import followed, following

    root = write_files(tmp_path / "a", {"x/1.md": POST.format(title="旧文章")})
    env = dict(os.environ, READER_HOME=str(reader_home))
    assert reader("search", str(root), "旧文章", env=env).returncode == 0
    index = open_index(root)
    write_files(root, {"x/2.md": POST.format(title="新文章")})  # its watcher is a moment away
    with following(index.path) as beat:
        beat()
        assert followed(index.path) and not followed(index.path, follow=True)
        # No walk: the follower's index is the answer.
        assert reader("search", str(root), "新文章", env=env).returncode == 1
        assert "新文章" not in reader("list", str(root), env=env).stdout
        stale = time.time() - 60
        os.utime(f"{index.path}.following", (stale, stale))  # a follower stopped (Ctrl-Z)
        assert not followed(index.path)
        assert reader("search", str(root), "新文章", env=env).returncode == 0
    assert not followed(index.path)
    index.close()
