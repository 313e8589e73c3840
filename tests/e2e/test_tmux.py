"""The installed `reader`, in a real terminal (tmux), read as a user reads it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.core.convert.render import render_article
from reader.core.files.archive import load_archive
from reader.core.layout.linebreak import cell_width
from reader.core.model import BlockKind
from tests.e2e.tmux import Tmux, reader_command, reader_env, tmux_available
from tests.ui.helpers import stable_copy

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(reader_command() is None, reason="the reader command is not installed"),
]

CLOSING = set("，。、；：？！）」』】》〉”’…")
OPENING = set("（「『【《〈“‘")
LONG = "source/_posts/科技/36氪/最新/深度一座小城的芯片梦石桥县半导体产业园五年观察.md"


@pytest.fixture
def archive(sample: Path, tmp_path: Path) -> Path:
    return stable_copy(sample, tmp_path / "copy")


@pytest.fixture
def run_reader(tmp_path: Path, reader_home: Path):
    sessions: list[Tmux] = []

    def start(archive: Path, width: int, height: int, *args: str) -> Tmux:
        session = Tmux([reader_command() or "reader", *args, str(archive)], width, height,
                       reader_env(reader_home))
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_opens_lists_and_reads(archive: Path, run_reader, size: tuple[int, int]) -> None:
    term = run_reader(archive, *size)
    screen = term.wait_for("articles")
    status = next(line for line in screen if "articles" in line)
    assert "36 articles" in status and "3 problems" in status
    assert any("2024-03" in line for line in screen)
    assert all(cell_width(line) <= size[0] for line in screen)
    # The newest article is open beside the list.
    assert any("动图看懂" in line for line in screen)
    term.send("c")
    screen = term.wait_for("by category")
    assert any("科技" in line for line in screen)
    term.send("home", "Enter")  # categories by name, case ignored: `databases` first, open
    screen = term.screen()
    assert any("▾ databases" in line for line in screen)
    term.send("!")
    screen = term.wait_for("could not be loaded")
    assert any("misc/broken-yaml.md" in line for line in screen)
    term.send("Escape", "q")
    term.wait_for("", timeout=2)


def test_markup_title_shows_literally(archive: Path, run_reader) -> None:
    term = run_reader(archive, 120, 40)
    term.wait_for("articles")
    term.send("t")
    term.wait_for("by tag")
    # Find the title through the command palette, as a user would.
    term.send("C-p")
    term.send("Markup", pause=0.8)
    term.send("Enter", pause=1.0)
    screen = term.wait_for("[@click=app.quit]is text[/]")
    assert any("[bold]Markup[/italic] in titles" in line for line in screen)
    term.send("Tab", "Enter")
    screen = term.screen()
    assert any("articles" in line for line in screen)  # still running


def _article_lines(screen: list[str], width: int) -> list[str]:
    """The article pane's text lines (the sidebar hidden), without the margin."""
    body = [line[: width - 1] for line in screen[:-2]]  # no status, footer or scrollbar
    margin = min(len(line) - len(line.lstrip(" ")) for line in body if line.strip())
    return [line[margin:] for line in body]


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_chinese_lines_fill_the_width(archive: Path, run_reader, size: tuple[int, int]) -> None:
    loaded = load_archive(archive)
    document = render_article(archive, loaded.articles[LONG])
    texts = {
        "".join(b.text.split()) for b in document.blocks if b.kind is BlockKind.PARAGRAPH
    }
    term = run_reader(archive, *size)
    term.wait_for("articles")
    term.send("C-p")
    term.send("一座小城的芯片梦", pause=0.8)
    term.send("Enter", pause=1.0)
    term.send("s")  # hide the sidebar: the article takes the whole width
    text_width = min(80, size[0] - 1 - 2)  # less the scrollbar and a margin
    checked = 0
    for _page in range(4):
        lines = _article_lines(term.screen(), size[0])
        paragraphs = _paragraphs(lines)
        # The first and last paragraphs on screen may be cut by the pane's edges.
        for paragraph in paragraphs[1:-1]:
            joined = "".join("".join(line.split()) for line in paragraph)
            if joined not in texts:
                continue  # a heading, the header, an image placeholder
            checked += 1
            for number, line in enumerate(paragraph):
                shown = line.rstrip()
                assert cell_width(shown) <= text_width
                if number > 0:
                    assert shown.lstrip()[0] not in CLOSING, line
                if number + 1 < len(paragraph):
                    assert shown[-1] not in OPENING, line
                    following = paragraph[number + 1].lstrip()
                    gap = text_width - cell_width(shown)
                    next_piece = following.split(" ")[0] if cell_width(following[0]) == 1 else (
                        following[:2] if following[1:2] in CLOSING else following[:1]
                    )
                    assert gap <= 2 or cell_width(next_piece) > gap - 1, (line, following)
        term.send("space", pause=0.4)
    assert checked >= 8


def test_over_ssh_the_address_is_copied(archive: Path, tmp_path: Path, reader_home: Path
                                         ) -> None:
    env = reader_env(reader_home)
    env["SSH_CONNECTION"] = "192.0.2.1 50000 192.0.2.2 22"
    env.pop("DISPLAY", None)
    term = Tmux([reader_command() or "reader", str(archive)], 110, 30, env)
    try:
        term.wait_for("articles")
        term.send("i")
        term.wait_for("enter opens")
        term.send("Enter", pause=0.8)
        screen = term.wait_for("Copied to clipboard")
        assert any("http://img.example.cn/" in line for line in screen)
        term.send("Escape")
        screen = term.wait_for("articles")
        assert any("动图看懂" in line for line in screen)  # still the reader's screen
    finally:
        term.close()


def test_search_finds_a_two_character_word_and_opens_it_at_the_match(
        archive: Path, run_reader) -> None:
    term = run_reader(archive, 100, 30)
    term.wait_for("articles")
    term.send("/")
    term.type("芯片")
    screen = term.wait_for("result")
    status = next(line for line in screen if "result" in line)
    assert "enter opens" in status
    assert any("芯片梦" in line for line in screen)  # the title match comes first
    term.send("Enter")
    screen = term.wait_for("match 1/")
    assert any("芯片" in line for line in screen if "match" not in line)
    term.send("n")
    term.wait_for("match 2/")
    # Back in the search box, the same query; escape leaves it without opening anything.
    term.send("/")
    screen = term.wait_for("result")
    assert any("芯片" in line for line in screen)
    term.send("Escape", "q")
    term.wait_for("", timeout=2)


def test_an_article_read_stays_read(archive: Path, run_reader) -> None:
    """Read an article (its status says 36 unread, then 35), quit, open again: it is no
    longer unread, and the sidebar's mark is gone from its row."""
    term = run_reader(archive, 100, 30)
    term.wait_for("36 unread")
    term.send("m")  # the newest article, open at start, read by hand
    term.wait_for("35 unread")
    term.send("q", pause=1.0)
    term.close()
    term = run_reader(archive, 100, 30)
    screen = term.wait_for("35 unread")
    row = next(line for line in screen if "动图看懂" in line and "▕" in line.split("动图看懂")[1])
    assert "●" not in row.split("▕")[0]


def test_v_opens_the_article_in_the_users_editor(archive: Path, tmp_path: Path,
                                                 reader_home: Path) -> None:
    """`v` suspends the reader, runs $VISUAL on the article's file, and comes back; the
    reader wrote nothing."""
    record = tmp_path / "edited.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {record}\necho EDITING; sleep 1\n')
    editor.chmod(0o755)
    env = dict(reader_env(reader_home), VISUAL=str(editor))
    term = Tmux([reader_command() or "reader", str(archive)], 100, 30, env)
    try:
        term.wait_for("36 unread")
        term.send("v")
        term.wait_for("EDITING", timeout=10)
        term.wait_for("36 articles", timeout=10)  # back in the reader
        assert Path(record.read_text()) == archive / "source/_posts/财经/界面新闻/财经/" \
            "动图看懂一张电费单里的峰谷账.md"
    finally:
        term.close()


def test_a_pipe_s_output_stays_until_enter(archive: Path, run_reader) -> None:
    """`|` gives the article to a command; its output (`wc -l`'s count) stays on the
    screen until enter, as mutt's pipe waits for a key: the reader used to cover it at once."""
    term = run_reader(archive, 100, 30)
    term.wait_for("36 unread")
    term.send("|")
    term.type("wc -l")
    term.send("Enter")
    screen = term.wait_for("press enter to go back", timeout=10)
    assert any(line.strip().isdigit() and int(line.strip()) > 5 for line in screen)
    time.sleep(0.5)
    assert "press enter to go back" in "\n".join(term.screen())  # still waiting
    term.send("Enter")
    term.wait_for("36 articles", timeout=10)
