"""`reader list` and `reader show`, run as a user runs them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, env=env, timeout=120)


def test_list_json(sample: Path) -> None:
    result = run("list", str(sample), "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) >= 30
    assert set(rows[0]) >= {"id", "title", "date", "categories", "tags", "author"}
    from datetime import datetime

    instants = [datetime.fromisoformat(r["date"]) for r in rows if r["date"]]
    assert instants == sorted(instants, reverse=True)
    crawler = next(r for r in rows if r["title"] == "2024")
    assert crawler["categories"] == [["新媒体", "ZAKER", "source"]]
    assert crawler["date"].endswith("+00:00")
    assert "/" in crawler["id"] and "\\" not in crawler["id"]
    assert "misc/broken-yaml.md: bad YAML front matter" in result.stderr


def test_list_plain(sample: Path) -> None:
    result = run("list", str(sample))
    assert result.returncode == 0
    assert "暴雨过后，柳塘社区的一天" in result.stdout


def test_show_markdown_and_text(sample: Path) -> None:
    article = "source/_posts/财经/澎湃新闻/财经上下游/县域冷链物流调查一箱草莓的48小时.md"
    markdown = run("show", str(sample), article)
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("# 县域冷链物流调查")
    assert "[image 1]" in markdown.stdout and "![" not in markdown.stdout
    text = run("show", str(sample), article, "--format", "text", "--width", "40")
    assert text.returncode == 0
    assert "**" not in text.stdout and "#" not in text.stdout.splitlines()[0]
    from reader.core.layout.linebreak import cell_width

    assert max(cell_width(line) for line in text.stdout.splitlines()) <= 41


@pytest.mark.parametrize("make", ["missing", "file", "unreadable"])
def test_bad_archive_paths(tmp_path: Path, make: str) -> None:
    target = tmp_path / "x"
    if make == "file":
        target.write_text("x")
    elif make == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root can read every folder")
        target.mkdir()
        target.chmod(0)
    for command in ([str(target)], ["open", str(target)], ["list", str(target)]):
        result = run(*command)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_show_unknown_id(sample: Path) -> None:
    result = run("show", str(sample), "nope.md")
    assert result.returncode == 2 and "no article" in result.stderr


def test_show_broken_file_says_why(sample: Path) -> None:
    result = run("show", str(sample), "misc/broken-yaml.md")
    assert result.returncode == 2 and "bad YAML" in result.stderr


def test_images_and_links(sample: Path) -> None:
    post = "source/_posts/财经/界面新闻/财经/动图看懂一张电费单里的峰谷账.md"
    images = run("images", str(sample), post, "--json")
    assert images.returncode == 0, images.stderr
    rows = [json.loads(line) for line in images.stdout.splitlines()]
    assert [r["number"] for r in rows] == [1, 2, 3]
    assert all(r["url"].startswith("http://img.example.cn/") and r["openable"] for r in rows)
    assert all(r["fallback"].startswith("https://cors.example.org/?") for r in rows)
    links = run("links", str(sample), "blog/_posts/2021-10-03-shell-pipelines-for-archives.md")
    assert links.returncode == 0
    assert "not openable: on the site, not in this archive" in links.stdout
    assert "https://docs.example.com/ripgrep/guide" in links.stdout


def test_search_command(sample: Path) -> None:
    found = run("search", str(sample), "社区 书房", "--json")
    assert found.returncode == 0, found.stderr
    rows = [json.loads(line) for line in found.stdout.splitlines()]
    assert rows[0]["title"].startswith("青禾镇老码头")
    assert "社区书房" in rows[0]["snippet"]
    assert {"id", "title", "date", "snippet", "categories", "tags", "author"} <= set(rows[0])
    assert run("search", str(sample), "没有这个词语").returncode == 1
    bad = run("search", str(sample), "nope:x")
    assert bad.returncode == 2 and "unknown filter" in bad.stderr
    limited = run("search", str(sample), "的", "--json", "--limit", "3")
    assert len(limited.stdout.splitlines()) == 3


def test_search_command_takes_words_to_exclude_and_several_words(sample: Path) -> None:
    """`-word` is a query word, not an unknown option; words may come as separate arguments."""
    def ids(*args: str) -> set[str]:
        found = run("search", str(sample), *args, "--json", "--limit", "100")
        assert found.returncode in (0, 1), found.stderr
        return {json.loads(line)["id"] for line in found.stdout.splitlines()}

    everything, without = ids("的"), ids("的", "-电费")
    assert without and without < everything
    assert ids("-电费", "的") == without  # the exclusion first, too
    assert ids("社区", "书房") == ids("社区 书房")
    for limit in ("0", "-1", "x"):
        bad = run("search", str(sample), "的", "--limit", limit)
        assert bad.returncode == 2 and "above 0" in bad.stderr
    # Options keep argparse's ways: abbreviations, a typo said as one, a missing value.
    assert len(run("search", str(sample), "--lim", "2", "的").stdout.splitlines()) == 2 * 3
    typo = run("search", str(sample), "--jsn", "的")
    assert typo.returncode == 2 and "--jsn" in typo.stderr
    missing = run("search", str(sample), "的", "--limit")
    assert missing.returncode == 2 and "expected one argument" in missing.stderr
    own = run("search", str(sample), "--json", "--limit", "100", "-电费", "--", "的")
    assert {json.loads(line)["id"] for line in own.stdout.splitlines()} == without  # own --



def test_show_takes_a_path_as_its_id_and_wants_a_real_width(sample: Path) -> None:
    post = "source/_posts/财经/界面新闻/财经/动图看懂一张电费单里的峰谷账.md"
    by_id = run("show", str(sample), post)
    relative = run("show", ".", f"./{post}", cwd=sample)
    absolute = run("show", str(sample), str(sample / post))
    assert by_id.returncode == relative.returncode == absolute.returncode == 0
    assert by_id.stdout == relative.stdout == absolute.stdout
    narrow = run("show", str(sample), post, "--format", "text", "--width", "10")
    assert narrow.returncode == 2 and "20 cells or more" in narrow.stderr


def test_marks_from_the_command_line(sample: Path) -> None:
    listed = [json.loads(line) for line in run("list", str(sample), "--json").stdout.splitlines()]
    assert all(row["read"] is False and row["starred"] is False for row in listed)
    first, second = listed[0]["id"], listed[1]["id"]
    assert run("mark", str(sample), first, str(sample / second)).returncode == 0
    unknown = run("mark", str(sample), first, "nope.md", "--unread")
    assert unknown.returncode == 2 and "no article 'nope.md'" in unknown.stderr
    unread = run("list", str(sample), "--unread").stdout
    assert first not in unread and second not in unread  # the bad call changed nothing
    assert run("mark", str(sample), second, "--star").returncode == 0
    starred = run("list", str(sample), "--starred", "--json").stdout.splitlines()
    assert [json.loads(line)["id"] for line in starred] == [second]
    assert json.loads(starred[0])["read"] is True
    assert run("mark", str(sample), second, "--unread").returncode == 0
    assert second in run("list", str(sample), "--unread").stdout


def test_state_export_and_import(sample: Path, tmp_path: Path, reader_home: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first = json.loads(run("list", str(sample), "--json").stdout.splitlines()[0])["id"]
    run("mark", str(sample), first)
    exported = run("state", "export", str(sample))
    assert exported.returncode == 0
    data = json.loads(exported.stdout)
    assert data["format"] == "reader-state" and data["articles"][0]["id"] == first
    (tmp_path / "state.json").write_text(exported.stdout, encoding="utf-8")
    # Another machine: an empty state, the file imported twice.
    monkeypatch.setenv("READER_HOME", str(tmp_path / "other"))
    assert first in run("list", str(sample), "--unread").stdout
    once = run("state", "import", str(sample), str(tmp_path / "state.json"))
    assert once.returncode == 0 and once.stdout.startswith("1 article changed")
    again = run("state", "import", str(sample), str(tmp_path / "state.json"))
    assert again.stdout.startswith("0 articles changed")
    assert first not in run("list", str(sample), "--unread").stdout
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    bad = run("state", "import", str(sample), str(tmp_path / "bad.json"))
    assert bad.returncode == 2 and "not a reader state file" in bad.stderr


def test_config_commands(tmp_path: Path, reader_home: Path, sample: Path) -> None:
    path = Path(run("config", "path").stdout.strip())
    assert path == reader_home / "config" / "config.toml"
    assert run("config", "check").returncode == 0
    assert run("config", "init").returncode == 0 and "measure = 80" in path.read_text()
    assert run("config", "init").returncode == 2  # not over a file already there
    path.write_text('[reader]\nmeasure = "wide"\nsidebar = 3\n[keys]\n"main.search" = "j"\n')
    check = run("config", "check")
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    assert any("measure" in line and "whole number" in line for line in lines)
    assert any("sidebar is not a setting" in line for line in lines)
    assert any("main.search" in line and "sidebar.down" in line for line in lines)
    listed = run("list", str(sample))
    assert listed.returncode == 0 and "measure" in listed.stderr  # the rest still runs
    keys = run("config", "keys").stdout
    assert "main.search" in keys and "main.toggle_read" in keys


def test_config_edit_opens_the_users_editor(tmp_path: Path, reader_home: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "edited.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {record}\n')
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    assert run("config", "edit").returncode == 0
    assert Path(record.read_text()) == reader_home / "config" / "config.toml"


def test_list_json_writes_what_article_json_writes(sample: Path) -> None:
    """`reader list --json` formats index rows itself (for speed); it must stay the same as
    `article_json` of each article, field for field."""
    from reader.cache import open_index
    from reader.cli.common import article_json

    listed = [json.loads(line) for line in run("list", "--json", str(sample)).stdout.splitlines()]
    index = open_index(sample)
    expected = [article_json(article) for article in index.articles()]
    index.close()
    assert [{k: v for k, v in row.items() if k not in ("read", "starred")} for row in listed] \
        == expected


def test_search_asks_the_reading_state_and_a_broken_state_is_said(
        sample: Path, reader_home: Path) -> None:
    listed = [json.loads(line) for line in run("list", str(sample), "--json").stdout.splitlines()]
    starred = listed[3]["id"]
    assert run("mark", str(sample), starred, "--star").returncode == 0
    found = run("search", str(sample), "is:starred", "--json")
    assert found.returncode == 0
    assert [json.loads(line)["id"] for line in found.stdout.splitlines()] == [starred]
    unread = run("search", str(sample), "is:unread", "--json", "--limit", "100")
    assert len(unread.stdout.splitlines()) == len(listed)  # a star is not a read mark
    # A state file that can't be read: one line and status 3, not everything "unread".
    state = next((reader_home / "state").glob("*.sqlite3"))
    for suffix in ("-wal", "-shm"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    state.write_bytes(b"not a database at all" * 200)
    for command in (["list", str(sample), "--unread"], ["search", str(sample), "is:unread"]):
        result = run(*command)
        assert result.returncode == 3 and "reading state can't be read" in result.stderr
        assert "Traceback" not in result.stderr


def test_import_into_a_state_that_cant_be_written_says_so(
        sample: Path, tmp_path: Path, reader_home: Path) -> None:
    import sqlite3

    first = json.loads(run("list", str(sample), "--json").stdout.splitlines()[0])["id"]
    run("mark", str(sample), first)
    exported = run("state", "export", str(sample)).stdout
    (tmp_path / "s.json").write_text(exported.replace('"read": true', '"read": true'))
    state = next((reader_home / "state").glob("*.sqlite3"))
    with sqlite3.connect(state) as db:  # a newer reader's file: read, never written
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    second = json.loads(run("list", str(sample), "--json").stdout.splitlines()[1])["id"]
    data = json.loads(exported)
    data["articles"][0]["id"] = second
    (tmp_path / "s.json").write_text(json.dumps(data))
    result = run("state", "import", str(sample), str(tmp_path / "s.json"))
    assert result.returncode == 1 and "nothing was saved" in result.stderr
