"""The line breaker: fills the width, breaks where Chinese allows, loses nothing."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.convert.markdown import build_document
from reader.core.files.archive import load_archive
from reader.core.layout.linebreak import (
    NO_END,
    NO_START,
    break_lines,
    cell_width,
    truncate,
    wrap_text,
)
from reader.core.layout.lines import layout
from reader.core.model import BlockKind

CLOSING = set("，。、；：？！）」』】》〉”’…")
OPENING = set("（「『【《〈“‘")
WIDTHS = (40, 60, 80, 100)


def legal_starts(text: str) -> set[int]:
    """Where a line may start, by the rules written out independently of the breaker:
    not on a space or a closing mark, not after an opening mark, and only after a space or
    next to a wide character. Straight double quotes open and close in turn."""
    closing_quotes = {i for n, i in enumerate(i for i, c in enumerate(text) if c == '"') if n % 2}
    starts = set()
    for i in range(1, len(text)):
        char = text[i]
        if char == " " or char in NO_START or i in closing_quotes:
            continue
        before = text[:i].rstrip(" ")
        if before and (before[-1] in NO_END or (before[-1] == '"' and
                                               len(before) - 1 not in closing_quotes)):
            continue
        if text[i - 1] == " " or cell_width(text[i - 1]) == 2 or cell_width(char) == 2:
            starts.add(i)
    return starts


def check_paragraph(text: str, width: int) -> None:
    ranges = break_lines(text, width)
    lines = [text[a:b] for a, b in ranges]
    assert "".join(lines) == text
    starts = legal_starts(text)
    for number, (a, b) in enumerate(ranges):
        line = text[a:b]
        shown = line.rstrip(" ")
        assert cell_width(shown) <= width, (line, width)
        assert not line.startswith(" ")
        if number + 1 < len(ranges):
            gap = width - cell_width(shown)
            following = [s for s in starts if s > b]
            next_start = min(following) if following else len(text)
            # Either the line is full to within one wide character, or the next unbreakable
            # piece would not have fitted on it.
            assert gap <= 2 or cell_width(text[a:next_start].rstrip(" ")) > width, (
                f"line {number} leaves {gap} cells but next starts with {text[b:b + 8]!r}"
            )
        stripped = line.strip()
        if stripped and number > 0:
            assert stripped[0] not in CLOSING, (number, line)
        if stripped and number + 1 < len(ranges):
            assert stripped[-1] not in OPENING, (number, line)


def chinese_paragraphs(document) -> list[str]:
    return [
        b.text for b in document.blocks
        if b.kind is BlockKind.PARAGRAPH and "\n" not in b.text and b.text.strip()
    ]


def test_mixed_text_keeps_latin_words_whole() -> None:
    text = "Apache Impala 4.0 发布，大规模并行处理 SQL 查询引擎"
    for width in range(8, 50):
        lines = wrap_text(text, width)
        words = [w for line in lines for w in line.split()]
        for word in ("Apache", "Impala", "4.0", "SQL"):
            assert any(word in w for w in words), (width, lines)
        check_paragraph(text, width)


def test_crawled_spacing_does_not_end_lines_early() -> None:
    text = "2013 年 8 月 29 日，习近平总书记来到位于大连高新技术产业园区的东软集团有限公司。"
    lines = wrap_text(text, 30)
    assert cell_width(lines[0].rstrip()) >= 28
    check_paragraph(text, 30)


def test_kinsoku() -> None:
    text = "一二三四五六七八九，十一二三四五（六七八九）、结束。"
    # From 6 cells on, the widest unit that must stay together ("九）、") fits.
    for width in range(6, 30):
        check_paragraph(text, width)


def test_long_word_is_split_only_when_longer_than_the_line() -> None:
    lines = wrap_text("短 " + "x" * 50, 20)
    assert lines[0] == "短 " and all(cell_width(line) <= 20 for line in lines)


def test_hard_breaks() -> None:
    assert break_lines("一\n二", 10) == [(0, 2), (2, 3)]


def test_truncate_in_cells() -> None:
    assert truncate("中文标题Title", 7) == "中文标…"
    assert cell_width(truncate("中文标题Title很长", 10)) <= 10
    assert truncate("short", 10) == "short"


@pytest.mark.parametrize("width", WIDTHS)
def test_sample_chinese_articles(sample: Path, width: int) -> None:
    from reader.core.convert.render import render_article

    archive = load_archive(sample)
    checked = 0
    for article in archive.articles.values():
        if not article.id.startswith(("source/", "hexo/", "misc/")):
            continue
        for paragraph in chinese_paragraphs(render_article(sample, article)):
            check_paragraph(paragraph, width)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("width", WIDTHS)
def test_crawler_post(shared: Path, width: int) -> None:
    body = (shared / "formats" / "crawler-post.md").read_text(encoding="utf-8").split("---", 2)[2]
    document = build_document(body, is_html=True)
    for paragraph in chinese_paragraphs(document):
        check_paragraph(paragraph, width)
    # The layout keeps styled spans whole across breaks: the line texts are the block's.
    for line in layout(document, width):
        if line.block >= 0:
            block = document.blocks[line.block]
            assert block.text[line.start : line.end].rstrip("\n") == line.text


_CHARS = st.sampled_from([*"中文字符测试，。、（）“”「」 abc XYZ 123 .,!?-", "한", "か", "ｶ", "Ａ"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CHARS, min_size=0, max_size=120).map("".join), st.integers(4, 60))
def test_any_text_any_width(text: str, width: int) -> None:
    lines = wrap_text(text, width)
    assert "".join(lines) == text
    for line in lines:
        assert cell_width(line.rstrip(" ")) <= max(width, 2)


def test_marks_sets_do_not_overlap() -> None:
    assert not (NO_START & NO_END)


def test_a_word_longer_than_the_line_splits_after_a_hyphen_or_slash() -> None:
    """A title that is a file name (no spaces) used to be cut `…-linux-kerne` / `l`."""
    title = "2005-11-25-ocfs-is-making-it-into-linux-kernel"
    assert wrap_text(title, 44) == ["2005-11-25-ocfs-is-making-it-into-linux-", "kernel"]
    address = "https://example.com/a/very/long/path/page_name.html"
    lines = wrap_text(address, 24)
    assert "".join(lines) == address and all(cell_width(line) <= 24 for line in lines)
    assert all(line.endswith(("/", "_")) for line in lines[:-1])
    # No place to split, or only one so early the line would stand empty: where it overflows.
    assert wrap_text("x" * 30, 20) == ["x" * 20, "x" * 10]
    assert wrap_text("ab-" + "x" * 30, 20) == ["ab-" + "x" * 17, "x" * 13]
