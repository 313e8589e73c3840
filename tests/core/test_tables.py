"""HTML tables: data tables as tables, layouts as text, never stray `|` and `---`."""

from pathlib import Path

from reader.core.convert.markdown import build_document, markdown_text
from reader.core.files.source import read_source
from reader.core.layout.linebreak import cell_width
from reader.core.layout.lines import layout, line_shows, mark_spans
from reader.core.model import BlockKind
from reader.core.search.find import find_in_document

from .test_render import document_text, visible_text


def _blocks(markup: str, is_html: bool = True):
    return build_document(markup, is_html=is_html).blocks


def _table_rows(block) -> list[list[str]]:
    """A table block's rows, as its cells' text (the rule under the header left out)."""
    lines = block.text.split("\n")
    return [[cell.strip() for cell in line.split("│")] for line in [lines[0], *lines[2:]]]


def _no_stray_table_marks(blocks) -> None:
    for block in blocks:
        if block.kind is not BlockKind.TABLE:
            assert "---|" not in block.text and not block.text.rstrip().endswith("|"), block.text


def test_cells_holding_paragraphs_make_a_table() -> None:
    markup = (
        "<p>前言</p><table>"
        "<tr><td>进度</td><td><progress value=0 max=4></progress></td></tr>"
        "<tr><td>联系人</td><td><p><a href='https://example.cn/u'>王小明</a></p>\n</td></tr>"
        "<tr><td>负责人</td><td><p>李四</p><p>张三</p></td></tr>"
        "</table><p>后记</p>"
    )
    document = build_document(markup, is_html=True)
    kinds = [block.kind for block in document.blocks]
    assert kinds == [BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH]
    assert _table_rows(document.blocks[1]) == [
        ["进度", ""], ["联系人", "王小明"], ["负责人", "李四 张三"],
    ]
    assert [link.url for link in document.links] == ["https://example.cn/u"]
    _no_stray_table_marks(document.blocks)


def test_a_pipe_in_a_cell_stays_in_its_cell() -> None:
    blocks = _blocks("<table><tr><th>表达式</th><th>含义</th></tr>"
                     "<tr><td>a|b</td><td>a 或 b</td></tr>"
                     "<tr><td>x\\|y</td><td>转义</td></tr></table>")
    assert [block.kind for block in blocks] == [BlockKind.TABLE]
    assert _table_rows(blocks[0]) == [["表达式", "含义"], ["a|b", "a 或 b"], ["x\\|y", "转义"]]


def test_lists_and_breaks_in_a_cell_become_one_line() -> None:
    blocks = _blocks("<table><tr><td>要点</td><td><ul><li>一</li><li>二</li></ul></td></tr>"
                     "<tr><td>地址</td><td>北京<br>上海</td></tr></table>")
    rows = _table_rows(blocks[0])
    assert rows[0][0] == "要点" and "一" in rows[0][1] and "二" in rows[0][1]
    assert rows[1] == ["地址", "北京 上海"]


def test_images_in_cells_are_numbered_in_order() -> None:
    document = build_document(
        "<p><img src='http://img.example.cn/0.jpg'></p><table><tr>"
        "<td><img data-original='http://img.example.cn/1.jpg' src='data:x'></td>"
        "<td><img src='http://img.example.cn/2.jpg' alt='第二张'></td></tr></table>",
        is_html=True,
    )
    assert [image.url for image in document.images] == [
        "http://img.example.cn/0.jpg", "http://img.example.cn/1.jpg",
        "http://img.example.cn/2.jpg",
    ]
    table = next(block for block in document.blocks if block.kind is BlockKind.TABLE)
    assert "[image 2]" in table.text and "[image 3: 第二张]" in table.text


def test_a_page_laid_out_in_a_table_reads_as_text() -> None:
    story = "".join(f"<p>第{n}段：一篇很长的文章，放在表格的一格里，旁边是一张图片。</p>"
                    for n in range(20))
    blocks = _blocks(f"<table><tr><td>{story}</td><td><img src='http://e.cn/a.jpg'></td></tr>"
                     "</table>")
    assert BlockKind.TABLE not in [block.kind for block in blocks]
    assert sum(block.kind is BlockKind.PARAGRAPH for block in blocks) >= 20
    _no_stray_table_marks(blocks)


def test_a_table_of_one_column_reads_as_text() -> None:
    blocks = _blocks("<table><tr><td>第一格</td></tr><tr><td>第二格</td></tr></table>")
    assert [(block.kind, block.text) for block in blocks] == [
        (BlockKind.PARAGRAPH, "第一格"), (BlockKind.PARAGRAPH, "第二格"),
    ]


def test_a_table_inside_a_table_is_still_a_table() -> None:
    blocks = _blocks("<table><tr><td><table><tr><th>名</th><th>值</th></tr>"
                     "<tr><td>甲</td><td>1</td></tr></table></td></tr></table>")
    tables = [block for block in blocks if block.kind is BlockKind.TABLE]
    assert len(tables) == 1 and _table_rows(tables[0]) == [["名", "值"], ["甲", "1"]]
    _no_stray_table_marks(blocks)


def test_a_table_in_a_quote_stays_in_the_quote() -> None:
    blocks = _blocks("<blockquote><table><tr><td>左</td><td>右</td></tr></table></blockquote>")
    assert [(block.kind, block.quote) for block in blocks] == [(BlockKind.TABLE, 1)]


def test_unclosed_and_stray_table_tags_lose_no_text() -> None:
    for markup in ("<table><tr><td>甲</td><td>乙", "<td>丙</td></tr></table><p>丁</p>",
                   "<table><table><tr><td>戊</td></tr>"):
        document = build_document(markup, is_html=True)
        shown = document_text(document).translate({ord(c): None for c in "│─┼"})
        assert shown == visible_text(markup), markup


def test_holder_characters_in_an_article_cannot_pull_in_a_table() -> None:
    """What holds a table's place carries a random mark: the same characters in the article,
    written out or as references, in text, a heading, a link or code, stay text."""
    forged = ["\ue0100\ue011", "&#xe010;0&#xe011;", "&#57360;1&#57361;"]
    markup = (f"<h1>T {forged[1]}</h1><p>{forged[0]} {forged[2]}</p>"
              f"<p><a href='http://x.cn/{forged[1]}'>链接</a></p><pre>{forged[1]}</pre>"
              "<table><tr><td>真</td><td>表</td></tr><tr><td>甲</td><td>乙</td></tr></table>")
    document = build_document(markup, is_html=True)
    tables = [block for block in document.blocks if block.kind is BlockKind.TABLE]
    assert [_table_rows(block) for block in tables] == [[["真", "表"], ["甲", "乙"]]]
    others = [block.text for block in document.blocks if block.kind is not BlockKind.TABLE]
    assert not any("|" in text or "真" in text for text in others), others
    assert document.links[0].url.startswith("http://x.cn/") and "|" not in document.links[0].url


def test_markdown_with_an_html_table(shared: Path) -> None:
    """Real posts that lay out a key-value table in HTML inside Markdown (a Zola blog)."""
    posts = [post for post in sorted((shared / "corpora").glob("*/content/*oals-2025-*pdate.md"))
             if "<table" in post.read_text(encoding="utf-8")]
    assert len(posts) >= 3
    for post in posts:
        source = read_source(post)
        blocks = build_document(source.body, is_html=source.is_html).blocks
        tables = [block for block in blocks if block.kind is BlockKind.TABLE]
        assert tables, post.name
        assert all(_table_rows(t)[1][0] == "Point of contact" for t in tables if
                   len(_table_rows(t)) > 1 and _table_rows(t)[0][0] == "Progress")
        _no_stray_table_marks(blocks)


# -- laid out on a narrow screen ---------------------------------------------------------

_WIDE = build_document(
    "<table><tr><th>月份</th><th>摘要</th><th>作者</th></tr>"
    "<tr><td>一月</td><td>我们花了三个月重新设计了索引，让十万篇文章的档案在一秒内打开，"
    "并且搜索一两个汉字的词也不会漏掉任何一篇。</td><td>王小明</td></tr>"
    "<tr><td>二月</td><td>Latin words wrap at spaces: incremental refresh reads only "
    "changed files.</td><td>李四</td></tr></table>",
    is_html=True,
)


def _table_lines(width: int):
    return [line for line in layout(_WIDE, width) if line.block >= 0]


def test_a_wide_table_wraps_its_cells_inside_their_columns() -> None:
    lines = _table_lines(40)
    assert all(cell_width(line.lead + line.text) <= 40 for line in lines)
    assert len(lines) > 4  # the long cells took several lines each
    # The columns stay straight: every line has its bars at the same places.
    bars = {tuple(i for i, char in enumerate(_cells(line.text)) if char in "│┼")
            for line in lines}
    assert len(bars) == 1
    # Read column by column, no character is lost or added.
    summary = "".join(line.text.split("│")[1] for line in lines if "│" in line.text)
    assert "".join(summary.split()) == "".join(
        "".join(row[1] for row in _table_rows(_WIDE.blocks[0])).split())


def _cells(text: str) -> str:
    """`text` with each wide character as two cells, so that bar positions compare."""
    return "".join(char * cell_width(char) for char in text)


def test_find_marks_the_match_inside_a_wrapped_cell() -> None:
    matches = find_in_document(_WIDE, ["十万篇文章"])
    assert len(matches) == 1
    marks = [(start, end, number) for number, (_, start, end) in enumerate(matches)]
    marked = "".join(span.text for line in _table_lines(30)
                     for span, number in mark_spans(line, marks) if number is not None)
    assert marked == "十万篇文章"


def test_a_screen_too_narrow_for_the_columns_shows_records() -> None:
    lines = _table_lines(14)
    assert all(cell_width(line.lead + line.text) <= 14 for line in lines)
    text = "\n".join(line.text for line in lines)
    assert text.startswith("月份: 一月\n摘要: ") and "作者: 王小明" in text and "月份: 二月" in text
    values = "".join(line.text.split(": ", 1)[-1] for line in lines if "─" not in line.text)
    assert "".join(values.split()).count("我们花了三个月重新设计了索引") == 1
    matches = find_in_document(_WIDE, ["十万篇文章", "作者"])
    marks = [(start, end, number) for number, (_, start, end) in enumerate(matches)]
    marked = [span.text for line in lines for span, number in mark_spans(line, marks)
              if number is not None]
    assert "".join(marked) == "十万篇文章作者"  # the heading as the first record shows it


def test_a_table_that_fits_is_laid_out_as_written() -> None:
    block = _WIDE.blocks[0]
    lines = _table_lines(400)
    assert [line.text for line in lines] == block.text.split("\n")
    assert all(line.offsets is None for line in lines)


def test_search_text_of_a_table_is_its_cells() -> None:
    """The index and snippets get the cells' text, not the bars and rule drawn around them."""
    text = markdown_text("| 名称 | 说明 |\n|---|---|\n| 甲 | 第一 |\n| 乙 | 第二 |\n\n后记")
    assert text == "名称 说明 甲 第一 乙 第二 后记"


def test_a_table_first_in_a_list_item_stays_in_the_list() -> None:
    blocks = _blocks("<ul><li><table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td>"
                     "</tr></table></li><li>下一项</li></ul>")
    assert [(block.kind, block.text if block.kind is not BlockKind.TABLE else "")
            for block in blocks][-1] == (BlockKind.PARAGRAPH, "下一项")
    table = next(block for block in blocks if block.kind is BlockKind.TABLE)
    assert _table_rows(table) == [["a", "b"], ["c", "d"]] and table.indent > 0
    _no_stray_table_marks(blocks)


def test_a_table_holding_a_table_reads_as_its_cells() -> None:
    blocks = _blocks("<table><tr><td><table><tr><td>a</td><td>b</td></tr>"
                     "<tr><td>c</td><td>d</td></tr></table></td><td>旁注</td></tr></table>")
    assert [_table_rows(b) for b in blocks if b.kind is BlockKind.TABLE] == [
        [["a", "b"], ["c", "d"]]]
    assert (BlockKind.PARAGRAPH, "旁注") in [(b.kind, b.text) for b in blocks]
    _no_stray_table_marks(blocks)


def test_a_caption_and_a_quoted_angle_bracket_keep_their_text() -> None:
    blocks = _blocks("<table><caption>表 1：结果</caption><tr><td title='a>b'>一</td>"
                     "<td>二</td></tr><tr><td>三</td><td>四</td></tr></table>")
    assert [block.kind for block in blocks] == [BlockKind.PARAGRAPH, BlockKind.TABLE]
    assert blocks[0].text == "表 1：结果"
    assert _table_rows(blocks[1]) == [["一", "二"], ["三", "四"]]


def test_a_data_table_with_one_long_cell_stays_a_table() -> None:
    long = "连接池的最大连接数。" * 40
    rows = "".join(f"<tr><td>opt{n}</td><td>{n}</td><td>{long if n == 2 else '短'}</td></tr>"
                   for n in range(5))
    blocks = _blocks(f"<table><tr><th>选项</th><th>默认</th><th>说明</th></tr>{rows}</table>")
    assert [block.kind for block in blocks] == [BlockKind.TABLE]
    assert len(_table_rows(blocks[0])) == 6


def test_block_marks_inside_a_cell_are_not_shown() -> None:
    blocks = _blocks("<table><tr><td><h3>标题</h3></td><td><blockquote>引文</blockquote></td>"
                     "</tr><tr><td>1. 不是列表</td><td># 不是标题</td></tr></table>")
    assert _table_rows(blocks[0]) == [["标题", "引文"], ["1. 不是列表", "# 不是标题"]]


def test_wrapped_cells_keep_their_bars_in_line() -> None:
    """A wrapped piece of a cell leaves out the space it broke at, so that it fits."""
    document = build_document("<table><tr><th>A</th><th>B</th></tr><tr><td>aaaa bbbb cccc "
                              "dddd</td><td>x</td></tr></table>", is_html=True)
    for width in range(12, 24):
        lines = [line for line in layout(document, width) if line.block >= 0]
        assert all(cell_width(line.text.rstrip()) <= width for line in lines), width
        assert len({line.text.find("│") for line in lines if "│" in line.text}) == 1, width


def test_a_long_heading_on_a_narrow_screen_wraps_too() -> None:
    document = build_document("<table><tr><th>Annual revenue in millions</th><th>B</th>"
                              "<th>C</th></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>",
                              is_html=True)
    lines = [line for line in layout(document, 12) if line.block >= 0]
    assert all(cell_width(line.text.rstrip()) <= 12 for line in lines)
    assert " ".join(line.text.strip() for line in lines[:3]) == "Annual revenue in millions"


def test_each_match_in_a_table_is_found_on_the_line_that_shows_it() -> None:
    """Find scrolls to the line holding the match (`line_shows`): in a wrapped row a line
    holds pieces of several cells, so its start and end alone do not say."""
    long = "lorem ipsum dolor sit amet " * 10 + "needle"
    document = build_document(f"<table><tr><th>Description</th><th>Value</th><th>Notes</th>"
                              f"</tr><tr><td>{long}</td><td>42</td><td>see needle</td></tr>"
                              "</table>", is_html=True)
    for width in (12, 40, 60):
        lines = layout(document, width)
        for number, (block, start, end) in enumerate(
                find_in_document(document, ["needle", "notes", "42"])):
            holding = [line for line in lines if line.block == block and line_shows(line, start)]
            assert holding, (width, start)
            marked = "".join(span.text for span, mark in
                             mark_spans(holding[0], [(start, end, number)]) if mark == number)
            assert marked.casefold() == document.blocks[block].text[start:end].casefold()


_OPTIONS = build_document(
    "| Option | Type | Default | Description |\n|---|---|---|---|\n"
    "| verbose | Boolean | false | Print every step of the build, including the ones that "
    "were skipped because nothing changed |\n"
    "| jobs | Integer | 4 | How many compile jobs run at the same time on this machine |\n",
    is_html=False)


def test_narrow_columns_of_short_words_are_never_cut() -> None:
    for width in range(24, 70):
        lines = layout(_OPTIONS, width)
        assert all(cell_width(line.lead + line.text) <= width for line in lines)
        words = {word.strip(":") for line in lines
                 for word in line.text.replace("│", " ").split()}
        assert {"Default", "Boolean", "Integer", "Option", "verbose", "compile"} <= words, width
        if width >= 44:
            # The widest column (the description) shrank; the others kept their width.
            assert lines[0].text.startswith("Option  │ Type    │ Default │ Description")


def test_when_even_the_words_do_not_fit_the_rows_become_records() -> None:
    lines = layout(_OPTIONS, 30)
    text = "\n".join(line.text for line in lines)
    assert "Default: false" in text and "Type: Boolean" in text


def test_numbers_align_right() -> None:
    document = build_document(
        "| 城市 | 人口 | 增长 |\n|---|---|---|\n| 北京 | 21,893,095 | 1.2% |\n"
        "| 上海 | 24,870,895 | 12.5% |\n| 某县 | 350 | — |\n", is_html=False)
    rows = layout(document, 80)
    assert rows[2].text == "北京 │ 21,893,095 │  1.2%"
    assert rows[4].text == "某县 │        350 │     —"
    # The alignment row's own choice is kept too; text columns stay on the left.
    right = build_document("| a | b |\n|---|--:|\n| x | yy |\n| xxx | z |\n", is_html=False)
    assert [line.text for line in layout(right, 80)][2:] == ["x   │ yy", "xxx │  z"]


def test_centred_columns_are_centred() -> None:
    """`:---:` was read as left; `---:` and numbers align right."""
    markdown = ("| 名称 | 说明 | 数量 |\n|:---:|:---|---:|\n| a | 长一些的说明 | 1 |\n"
                "| 中间对齐 | x | 100 |\n")
    block = build_document(markdown, is_html=False).blocks[0]
    assert block.align == ("center", "", "right")
    for width in (60, 24):  # at its own width, and wrapped into narrower columns
        shown = [line.lead + line.text for line in layout(build_document(markdown, False),
                                                          width)]
        row = next(line for line in shown if line.strip().startswith("a"))
        assert row.index("a") > 0 and row.index("a") < row.index("│") - 1, row
    text = block.spans[0].text.split("\n")
    assert text[0] == "  名称   │ 说明         │ 数量"
    assert text[2] == "   a     │ 长一些的说明 │    1"
