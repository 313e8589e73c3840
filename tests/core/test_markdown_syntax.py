"""Authors' Markdown as blogs render it: CJK-friendly bold, footnotes, math, long lists."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from reader.core.convert.cjk_emphasis import is_cjk
from reader.core.convert.markdown import build_document
from reader.core.layout.lines import layout, plain_text
from reader.core.layout.markdown_out import to_markdown
from reader.core.model import BlockKind


def styled(markdown: str) -> list[tuple[str, str]]:
    (block,) = build_document(markdown, is_html=False).blocks
    return [(span.text, span.style) for span in block.spans]


def bold_parts(markdown: str) -> list[str]:
    document = build_document(markdown, is_html=False)
    return [span.text for block in document.blocks for span in block.spans
            if "bold" in span.style.split()]


def shown(markdown: str, width: int = 60) -> str:
    return plain_text(layout(build_document(markdown, is_html=False), width))


# -- bold next to Chinese punctuation ------------------------------------------------------

@pytest.mark.parametrize(("markdown", "bold"), [
    # The examples, from real Chinese blogs.
    ("**第二是事务。**ACID 是数据库的基础", "第二是事务。"),
    ("**（2）同步数据：**DBA 来做", "（2）同步数据："),
    ("调查**“纸锅”**的真相", "“纸锅”"),
    # Bold around a link, code, or quotes, with letters outside.
    ("请试试**[产品甲](./a)**和**[产品乙](./b)**吧", "产品甲"),
    ("发布请运行**`npm publish`**命令", "npm publish"),
    ("他说**“Hello”**然后走了", "“Hello”"),
    ("他说**\"Hello\"**然后走了", "\"Hello\""),
    ("Go**（入门）**教程", "（入门）"),
    (".NET**（不含 Framework）**以上", "（不含 Framework）"),
    ("**推荐几个框架：**React、Vue 等", "推荐几个框架："),
    ("税后**¥10,000**到手", "¥10,000"),
    ("答案是**④**对", "④"),
    # Korean: Hangul is CJK too.
    ("**스크립트(script)**라고", "스크립트(script)"),
    ("패키지를 발행하려면 **`npm publish`**를 실행하십시오.", "npm publish"),
    ("ᅡ**(a)**", "(a)"),
    # CJK symbols that are also emoji, but not drawn as emoji by default, count as CJK.
    ("a**〽**a", "〽"),
    ("a**🈂**a", "🈂"),
    ("a**㊙**a", "㊙"),
    # A character beyond the first plane, and one with an ideographic variation selector.
    ("𠮟**(正式写法)**字", "(正式写法)"),
    ("葛\U000e0100**(正式写法)**城", "(正式写法)"),
    # A full-width form of a curly quote, asked for with a variation selector.
    ("**“\ufe01Git”\ufe01**Hub", "“\ufe01Git”\ufe01"),
])
def test_bold_next_to_cjk_punctuation(markdown: str, bold: str) -> None:
    assert bold in bold_parts(markdown)
    assert "**" not in shown(markdown)


# Every CJK punctuation mark inside the closing `**`, then a Chinese letter, as the
# specification's own sweep does; and the opening side for the opening brackets.
@pytest.mark.parametrize("mark", list("，。、；：？！“”‘’（）【】《》—～…·〃々"))
def test_bold_closes_after_any_cjk_punctuation(mark: str) -> None:
    assert bold_parts(f"**好{mark}**的") == [f"好{mark}"]


@pytest.mark.parametrize("mark", list("（【《“"))
def test_bold_opens_before_cjk_punctuation(mark: str) -> None:
    assert bold_parts(f"好**{mark}的**呀") == [f"{mark}的"]


@pytest.mark.parametrize("markdown", [
    # Non-CJK punctuation between Latin letters stays literal, as CommonMark says.
    "a**a«**a", "a**»a**a", "a**a∇**a", "a**∇a**a", "a**a𝜵**a", "a**𝜵a**a",
    # Emoji are not CJK.
    "a**😀。**a",
    # Truly unbalanced source stays literal.
    "NSError **", "**NSError **是",
])
def test_bold_that_commonmark_refuses_stays_literal(markdown: str) -> None:
    assert bold_parts(markdown) == []


@pytest.mark.parametrize(("markdown", "bold"), [
    ("__注意__：注意事项", "注意"),
    ("注意：__注意事项__", "注意事项"),
    # Underscores keep CommonMark's rules, but read a variation selector with its mark.
    ("正體字。\ufe01__Hong Kong and Taiwan.__", "Hong Kong and Taiwan."),
])
def test_underscores(markdown: str, bold: str) -> None:
    assert bold_parts(markdown) == [bold]


def test_what_is_cjk() -> None:
    assert all(is_cjk(c) for c in "中。（「ア한ｱ〽㊙🈂")
    assert not any(is_cjk(c) for c in "a«∇😀🎉“ ")


_LATIN = st.text(alphabet=st.sampled_from(list("ab *_.,!?()[]`\"'-:;«»∇é\n")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_LATIN)
def test_text_without_cjk_parses_as_commonmark(source: str) -> None:
    """The amendment changes nothing where no CJK character is: the same tokens as
    markdown-it's own rules give."""
    from reader.core.convert.markdown import _MARKDOWN  # the parser the pane uses

    plain = MarkdownIt("commonmark").enable("table")

    def shape(parser: MarkdownIt) -> list[tuple[str, str]]:
        return [(child.type, child.content) for token in parser.parse(source)
                for child in token.children or []]

    assert shape(_MARKDOWN) == shape(plain)


# -- footnotes -----------------------------------------------------------------------------

FOOTNOTES = """正文提到一个事实[^1]，又提到另一个[^note]。

[^1]: 出处见[官方文档](https://example.com/doc)。
[^note]: A second note, in English.
"""


def test_footnotes_become_markers_and_notes_at_the_end() -> None:
    document = build_document(FOOTNOTES, is_html=False)
    text = shown(FOOTNOTES)
    assert "[^" not in text and "^1" not in text
    first = document.blocks[0]
    assert [s.text for s in first.spans if s.style == "note-ref"] == ["¹", "²"]
    # The notes follow a rule, under their numbers.
    kinds = [block.kind for block in document.blocks]
    assert kinds == [BlockKind.PARAGRAPH, BlockKind.RULE, BlockKind.PARAGRAPH,
                     BlockKind.PARAGRAPH]
    assert [block.prefix for block in document.blocks[2:]] == ["1. ", "2. "]
    assert document.blocks[2].text == "出处见官方文档。"
    assert document.blocks[3].text == "A second note, in English."
    # The note's link is in the links list; the note itself is no "address".
    assert [link.url for link in document.links] == ["https://example.com/doc"]


HTML_FOOTNOTES = """<p>A claim<sup id="fnref:1"><a href="#fn:1" class="footnote">1</a></sup>
and another<sup><a href="#fn2" id="fnref2">2</a></sup>.</p>
<section class="footnotes"><ol>
<li id="fn:1"><p>First note, see <a href="https://example.org/">the source</a>.
<a href="#fnref:1" class="reversefootnote">&#8617;</a></p></li>
<li id="fn2"><p>Second note. <a href="#fnref2" class="footnote-back">↩︎</a></p></li>
</ol></section>"""


@pytest.mark.parametrize("is_html", [True, False])
def test_html_footnotes_come_out_the_same_way(is_html: bool) -> None:
    document = build_document(HTML_FOOTNOTES, is_html=is_html)
    text = plain_text(layout(document, 70))
    assert "A claim¹ and another²." in text
    assert "1. First note, see the source." in text
    assert "2. Second note." in text
    assert "↩" not in text and "#fn" not in text
    assert [link.url for link in document.links] == ["https://example.org/"]


def test_a_footnote_marker_never_starts_a_line() -> None:
    source = "中文" * 14 + "空格[^1]。后面还有字。\n\n[^1]: 注释。"
    for width in range(20, 40):
        lines = shown(source, width).split("\n")
        assert not any(line.startswith(("¹", "¹。")) for line in lines), width


# -- math ----------------------------------------------------------------------------------

def test_math_is_verbatim_in_a_math_style() -> None:
    spans = styled(r"乘积 $a*b*c$ 与 \(x_1*y*\) 都保留星号，但 $5 和 $10 是钱")
    assert ("a*b*c", "math") in spans and ("x_1*y*", "math") in spans
    assert "$5 和 $10 是钱" in "".join(text for text, _ in spans)
    # Escaped brackets and shell paths are no math.
    for text in (r"见 Trait_\(computer_programming\) 词条", r"First in 1.30 \(noticing 1.15?\)",
                 "path $(libdir)/ruby/$\\{ruby_version} here", r"\[ruby-talk:83169\] 再告知"):
        assert all(style != "math" for _, style in styled(text)), text
    document = build_document("$$\nE = mc^2 * k\n$$\n", is_html=False)
    (block,) = document.blocks
    assert block.kind is BlockKind.CODE and block.spans[0].style == "math"
    assert block.text == "E = mc^2 * k"
    assert "$a*b*c$" in to_markdown(build_document("x $a*b*c$", is_html=False))
    # Prose between two dollar signs is no math: its bold stays bold.
    assert bold_parts("字符 **%** 和 **$** 分别用 **%%** 和 **$$** 表示。") == [
        "%", "$", "%%", "$$"]


# -- lists ---------------------------------------------------------------------------------

def test_numbered_lists_of_ten_or_more_align_their_wrapped_lines() -> None:
    source = "\n".join(f"{n}. 第{n}项的文字足够长，一行放不下，要折到下一行去继续显示完整内容"
                       for n in range(1, 13))
    lines = shown(source, width=40).split("\n")
    assert lines[0].startswith(" 1. 第1项")
    assert any(line.startswith("10. 第10项") for line in lines)
    # Every wrapped line starts under the first letter of its item, nine or twelve.
    wrapped = [line for line in lines if line and not line.lstrip()[0].isdigit()]
    assert wrapped and all(line.startswith("    ") and line[4] != " " for line in wrapped)
    from reader.core.layout.linebreak import cell_width
    assert max(cell_width(line) for line in lines) <= 40


def test_markdown_wrapped_in_a_centring_tag_is_markdown() -> None:
    """`<center>` / `![](…)` / `</center>`, as Hexo blogs centre their pictures: CommonMark
    makes it raw HTML and the picture showed as `![](…)`, missing from the images list."""
    body = ("看图：\n\n<center>\n![示意图](https://example.com/a.png)\n</center>\n"
            "<center>\n![](https://example.com/c.png)\n</center>\n\n"
            '<div align="center">\n**加粗**的说明与[链接](https://example.com/b)\n</div>\n\n'
            "<div>\n<p>真正的 HTML 留给 HTML 转换</p>\n</div>\n")
    document = build_document(body, is_html=False)
    assert [image.url for image in document.images] == ["https://example.com/a.png",
                                                        "https://example.com/c.png"]
    assert [link.url for link in document.links] == ["https://example.com/b"]
    text = shown(body)
    assert "![" not in text and "**" not in text and "<" not in text
    assert "真正的 HTML 留给 HTML 转换" in text
    bold = [span.text for block in document.blocks for span in block.spans if "bold" in span.style]
    assert bold == ["加粗"]
    # HTML's own indent inside the wrapper is no code block.
    indented = build_document('Intro.\n\n<div class="note">\n    An indented note, as HTML is.\n'
                              "</div>\n\nAfter.\n", is_html=False)
    assert [block.kind for block in indented.blocks] == [BlockKind.PARAGRAPH] * 3


def test_a_note_written_inside_its_link_back_keeps_its_text() -> None:
    """`<a id="fn2" href="#fnref2">2.the note</a>`: the link back was dropped with the
    note's own text when it was short; only a bare `↩` goes."""
    body = ('正文<sup id="fnref1"><a href="#fn1" rel="footnote">1</a></sup>，'
            '再一处<sup id="fnref2"><a href="#fn2" rel="footnote">2</a></sup>。\n\n'
            '<a id="fn1" href="#fnref1" rev="footnote">1.第一条注释写得比较长，超过四十个字符，'
            '所以一直都在。</a>\n<a id="fn2" href="#fnref2" rev="footnote">2.第二条很短。</a>\n\n'
            '<p>A note. <a href="#fnref:3" class="reversefootnote">&#8617;</a> '
            '<a href="#fnref4">↩︎</a> <a href="#fnref5">[return]</a> <a href="#fnref6">[6]</a>'
            '</p>\n')
    text = shown(body, width=200)
    assert "第一条注释" in text and "2.第二条很短。" in text
    assert "↩" not in text and "return" not in text and "[6]" not in text
    assert "A note." in text


def test_notes_nothing_refers_to_are_kept_after_the_others() -> None:
    """`[^2]: …` with no `[^2]` in the text: the footnote plugin drops it, and the author's
    text with it (also from `reader show --format markdown`, `Y` and `|`)."""
    body = ("正文[^a]。\n\n[^a]: 用到的注释。\n[^1]: 没人引用的第一条。\n\n"
            "[^2]: 第二条，**加粗**。\n")
    document = build_document(body, is_html=False)
    notes = [block.text for block in document.blocks[2:]]
    assert notes == ["用到的注释。", "没人引用的第一条。", "第二条，加粗。"]
    assert "没人引用的第一条" in to_markdown(document)


def test_bare_addresses_are_links() -> None:
    """`The original proposal is https://…/19104.`: shown, but missing from the links list
    (and not clickable); GFM's autolinks make it a link."""
    body = ("The proposal is https://bugs.example.org/issues/19104. See "
            "(https://en.wikipedia.org/wiki/Invariant_(computer_science)), [x](https://a.example/)"
            ", `https://in.code/` and 见https://例子.cn/路径，好。\n")
    document = build_document(body, is_html=False)
    assert [link.url for link in document.links] == [
        "https://bugs.example.org/issues/19104",
        "https://en.wikipedia.org/wiki/Invariant_(computer_science)",
        "https://a.example/", "https://例子.cn/路径"]
    spans = [span for span in document.blocks[0].spans if span.target is not None]
    assert spans[0].text == "https://bugs.example.org/issues/19104"
    assert all("link" in span.style for span in spans)
    assert shown(body, width=200).startswith(
        "The proposal is https://bugs.example.org/issues/19104.")


def test_a_line_after_a_br_starts_without_a_space() -> None:
    """`(Einlass ab 10 Uhr)<br>` then ` Zweiter Tag`: the new line began with a space."""
    assert shown("Erster Tag<br>\n Zweiter Tag\n\nA<br/> B\n") == "Erster Tag\nZweiter Tag\n\nA\nB"


def test_two_note_markers_side_by_side_are_two() -> None:
    """`problems.[^1][^2]` read `problems.¹²`: note twelve."""
    text = shown("Minor problems.[^1][^2] And one[^3].\n\n[^1]: a\n[^2]: b\n[^3]: c\n")
    assert text.startswith("Minor problems.¹\u2009² And one³.")
