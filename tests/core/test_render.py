"""HTML and Markdown bodies into the blocks the reader shows."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reader.core.convert.markdown import build_document
from reader.core.convert.render import render_article
from reader.core.files.archive import load_archive
from reader.core.files.source import looks_like_html
from reader.core.layout.lines import layout, plain_text
from reader.core.layout.markdown_out import to_markdown
from reader.core.model import BlockKind


class _Text(HTMLParser):
    """The text a browser would show, for comparison."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg", "noscript", "template"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "noscript", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return re.sub(r"\s+", "", "".join(parser.parts))


def document_text(document) -> str:
    text = "".join(
        span.text for block in document.blocks for span in block.spans if span.style != "image"
    )
    return re.sub(r"\s+", "", text)


def test_crawler_post_matches_its_html(shared: Path) -> None:
    source = (shared / "formats" / "crawler-post.md").read_text(encoding="utf-8")
    body = source.split("---", 2)[2]
    document = build_document(body, is_html=True)
    assert document_text(document) == visible_text(body)
    headings = [h.title for h in document.toc]
    assert len(headings) == 3
    assert all(len(h) > 5 for h in headings)
    assert [image.number for image in document.images] == [1]
    assert document.images[0].url.startswith("http://zkres1.myzaker.com/")
    markdown = to_markdown(document)
    assert "![" not in markdown and "[image 1]" in markdown


def test_bold_next_to_chinese_punctuation_never_shows_stars() -> None:
    document = build_document("<p>以<strong>“滚石上山”</strong>的勇气</p>", is_html=True)
    (block,) = document.blocks
    assert block.text == "以“滚石上山”的勇气"
    assert [(s.text, s.style) for s in block.spans] == [
        ("以", ""), ("“滚石上山”", "bold"), ("的勇气", ""),
    ]


@pytest.mark.parametrize(("html", "spans"), [
    # html2text added a space before italic after a letter: Chinese gained a character.
    ("<p>中<em>文</em>字</p>", [("中", ""), ("文", "italic"), ("字", "")]),
    # ... and stripped the text inside emphasis: two words became one.
    ("<p><em>this is true <strong>only</strong> if</em></p>",
     [("this is true ", "italic"), ("only", "bold italic"), (" if", "italic")]),
    ("<p><em>x <em>y</em> z</em></p>", [("x y z", "italic")]),
    # Characters that are Markdown to markdown-it come out as the text they were.
    ("<p>perl s/a\\@b/ &lt;soap:Body&gt; AT&amp;amp;T a\\*b</p>",
     [("perl s/a\\@b/ <soap:Body> AT&amp;T a\\*b", "")]),
    ("<pre>a\\@b &lt;x&gt;</pre>", [("a\\@b <x>", "code")]),
])
def test_html_text_comes_through_conversion_unchanged(html: str, spans: list) -> None:
    document = build_document(html, is_html=True)
    assert [(s.text, s.style) for b in document.blocks for s in b.spans] == spans
    assert not document.links  # `<soap:Body>` is text, not an address


@pytest.mark.parametrize(("source", "bold"), [
    ("以**“滚石上山”**的勇气", "“滚石上山”"),
    ("他说**“好”**。然后", "“好”"),
    ("**《三体》**出版了", "《三体》"),
    ("这是**加粗**的字", "加粗"),
    ("「**強調**」の後", "強調"),
])
def test_markdown_bold_next_to_chinese_punctuation_never_shows_stars(source: str,
                                                                      bold: str) -> None:
    """CommonMark refuses these (a closing `**` after punctuation and before a letter);
    Chinese and Japanese writers mean them as bold, and the reader shows them so."""
    (block,) = build_document(source, is_html=False).blocks
    assert "*" not in block.text
    assert [s.text for s in block.spans if s.style == "bold"] == [bold]


def test_latin_emphasis_keeps_commonmark_rules() -> None:
    (block,) = build_document("a**“b”**c and x * y * z", is_html=False).blocks
    assert block.text == "a**“b”**c and x * y * z"


def test_bold_paragraph_is_a_subheading() -> None:
    document = build_document(
        "<p>前文。</p><p><strong></strong></p><p><strong>依靠创新把实体经济做实</strong></p>"
        "<p>后文。</p>",
        is_html=True,
    )
    kinds = [b.kind for b in document.blocks]
    assert kinds == [BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.PARAGRAPH]
    assert document.toc[0].title == "依靠创新把实体经济做实"


def test_lazy_images_numbered_in_reading_order() -> None:
    document = build_document(
        '<p><img data-original="http://real/1.jpg" src="https://proxy/?http://real/1.jpg"></p>'
        '<p>文字</p><p><img data-src="http://real/2.jpg" src="data:x" alt="第二张"></p>'
        '<p><img src="https://cors.example.org/?http://real/3.jpg"></p>'
        '<p><img data-original="http://real/1.jpg"></p>',
        is_html=True,
    )
    assert [(i.number, i.url) for i in document.images] == [
        (1, "http://real/1.jpg"), (2, "http://real/2.jpg"), (3, "http://real/3.jpg"),
    ]
    assert document.images[2].fallback == "https://cors.example.org/?http://real/3.jpg"
    assert document.images[1].alt == "第二张"
    text = "\n".join(b.text for b in document.blocks)
    assert "[image 1]" in text and "[image 2: 第二张]" in text and "[image 3]" in text
    assert text.count("[image 1]") == 2


def test_links_keep_their_targets() -> None:
    document = build_document('<p>看<a href="https://news.example.cn/a">这篇报道</a>。</p>',
                              is_html=True)
    assert document.links[0].url == "https://news.example.cn/a"
    assert document.links[0].text == "这篇报道"
    span = next(s for s in document.blocks[0].spans if "link" in s.style)
    assert span.text == "这篇报道" and span.target == 0


def test_hidden_elements_never_show() -> None:
    document = build_document(
        "<style>.x{color:red}</style><script>alert('SECRET')</script><noscript>NOSCRIPT</noscript>"
        "<template>TEMPLATE</template><svg><text>SVGTEXT</text></svg><p>shown</p>",
        is_html=True,
    )
    text = " ".join(b.text for b in document.blocks)
    assert text == "shown"


def test_characters_that_look_like_markdown_survive() -> None:
    html = "<p>*星号* _下划线_ 1. [方括号] &lt;b&gt; #井号 \\反斜杠 `反引号` ~~删除~~</p>"
    document = build_document(html, is_html=True)
    assert document_text(document) == visible_text(html)


def test_markdown_body() -> None:
    document = build_document(
        "## 小节\n\n一段**粗体**和*斜体*，还有`代码`。\n\n- 一\n- 二\n\n"
        "```python\nprint(1)\n```\n\n"
        "> 引用\n\n![图](https://example.org/a.png)\n\n<div><p>内嵌 HTML</p></div>\n",
        is_html=False,
    )
    kinds = [b.kind for b in document.blocks]
    assert kinds[0] is BlockKind.HEADING and BlockKind.CODE in kinds
    items = [b for b in document.blocks if b.prefix]
    assert [b.prefix for b in items] == ["• ", "• "]
    quote = next(b for b in document.blocks if b.quote)
    assert quote.text == "引用"
    assert document.images[0].alt == "图"
    assert any(b.text == "内嵌 HTML" for b in document.blocks)


def test_soft_break_between_chinese_adds_no_space() -> None:
    document = build_document("第一行中文\n第二行中文\nand English\nwords", is_html=False)
    assert document.blocks[0].text == "第一行中文第二行中文 and English words"


def test_every_sample_article_renders(sample: Path) -> None:
    archive = load_archive(sample)
    for article in archive.articles.values():
        document = render_article(sample, article)
        assert document.blocks[0].text == article.title
        lines = layout(document, 60)
        assert lines
        assert "SCRIPT TEXT MUST NEVER BE SHOWN" not in plain_text(lines)


@pytest.mark.parametrize("bad", [
    "<![", "<a " * 40_000, "<ul>" * 5000 + "x", "<div" * 10000,
    "<table><tr><td>a<td>b" * 20_000, "<table><tr><td>a</td><td>b</td></tr></table>" * 20_000,
    "<table><tr>" + "<td>x" * 100_000,
])
def test_hostile_html_is_bounded(bad: str) -> None:
    import time

    start = time.monotonic()
    document = build_document(bad, is_html=True)
    assert time.monotonic() - start < 10
    assert document is not None


def test_list_item_without_paragraph_does_not_lend_its_bullet() -> None:
    document = build_document("- ```\n  code\n  ```\n\nAfter the list.\n\n1. # Head\n\nEnd.", False)
    after = next(b for b in document.blocks if b.text == "After the list.")
    assert after.prefix == "" and after.indent == 0
    end = next(b for b in document.blocks if b.text == "End.")
    assert end.prefix == "" and end.indent == 0


def test_sample_hexo_post_shows_bold_beside_chinese_punctuation(sample: Path) -> None:
    archive = load_archive(sample)
    document = render_article(sample, archive.articles["hexo/gcd-queue-notes.md"])
    text = " ".join(block.text for block in document.blocks)
    assert "**" not in text and "这里说的“主队列”的任务" in text
    bold = [s.text for block in document.blocks for s in block.spans if s.style == "bold"]
    assert "“主队列”" in bold and "《并发编程指南》" in bold


@pytest.mark.parametrize(("body", "html"), [
    # Crawler posts: raw HTML, in a .md file.
    ('<div><img src="https://example.com/a.jpg"></div>正文。<p></p><p>第二段。</p>', True),
    ("<p>第一段。</p>\n\n<p>第二段，**不是**加粗。</p>\n", True),
    ("<!-- more -->\n<p>x</p>\n\n<div>\n\n- not a list in a div\n</div>", False),
    # A Markdown post that opens with an HTML notice (as a Zola blog's post does).
    ('<div style="text-align: center">\n\n通知：**五月**见。\n\n</div>\n\n---\n\n正文。\n', False),
    ("<center>\n![](https://example.com/a.png)\n</center>\n\n## 小标题\n\n正文。\n", False),
    ("<p>导语。</p>\n\n[链接](https://example.com) 在段首。\n", False),
    # Code in raw HTML: a blank line then `# comment` or `- x` there is no Markdown.
    ('<div class="highlight"><pre><code>set -e\n\n# fetch the sources\n\n- x\n</code></pre>'
     "</div>\n<p>正文。</p>\n", True),
])
def test_a_markdown_post_that_opens_with_html_is_markdown(body: str, html: bool) -> None:
    """Read as HTML, a Zola post that opens with a `<div>` ran into one paragraph of raw
    `---`, `![…](…)` and `[x]: url` lines."""
    assert looks_like_html(body) is html


@pytest.mark.parametrize("is_html", [True, False])
def test_a_no_break_space_is_a_space_never_html2texts_holder(is_html: bool) -> None:
    """`&nbsp;` between inline tags came out as `&nbsp_place_holder;` (html2text's own
    holder, escaped by our converter before html2text could put the space back)."""
    body = ('<div>\n<span>[<a href="p.png">PNG</a>]</span>&nbsp;<span>[<a href="q.svg">SVG'
            '</a>]</span>\n</div>\n\n<p>a-c-q&nbsp;&nbsp;t &lt;tag&gt;</p>\n')
    text = plain_text(layout(build_document(body, is_html=is_html), 60))
    assert "place_holder" not in text and "&nbsp" not in text
    assert "[PNG]\u00a0[SVG]" in text and "a-c-q\u00a0\u00a0t <tag>" in text


def test_a_long_alt_text_is_kept_or_ends_in_an_ellipsis() -> None:
    """Alt text was cut at 200 characters, silently, mid-quote."""
    described = "A comic in three panels: " + "the small circle says \"What\" " * 12 + "(end)"
    long = "x" * 1500
    body = f"![{described}](a.png)\n\n![{long}](b.png)\n"
    images = build_document(body, is_html=False).images
    assert images[0].alt == described
    assert len(images[1].alt) == 1000 and images[1].alt.endswith("…")


@pytest.mark.parametrize("is_html", [True, False])
def test_a_noscript_picture_shows_once(is_html: bool) -> None:
    """A chart a script draws has its picture in `<noscript>` (the Rust survey posts): a
    terminal runs no script, so that is the picture. A lazy `<img data-src>` followed by its
    `<noscript>` fallback is one picture, not two."""
    body = ('<div>\n<div class="chart"><noscript>\n<img alt="where-do-you-live" '
            'src="https://example.com/where.png"/>\n</noscript></div>\n</div>\n\n'
            '<p><img data-src="https://example.com/lazy.jpg" src="data:image/gif;base64,R0lGOD">'
            '<noscript><img src="https://example.com/lazy.jpg"></noscript></p>\n\n'
            '<noscript><p>Please turn on JavaScript.</p></noscript>\n')
    document = build_document(body, is_html=is_html)
    assert [image.url for image in document.images] == ["https://example.com/where.png",
                                                        "https://example.com/lazy.jpg"]
    text = plain_text(layout(document, 60))
    assert text.count("[image 2") == 1
    if is_html:  # (in Markdown, a one-line `<noscript>…` is a paragraph's inline HTML)
        assert "JavaScript" not in text


@pytest.mark.parametrize("body", [
    "<!-- old: <noscript> removed -->\n<p>Body text stays.</p>",
    '<script>var t = "<noscript>";</script><p>Body text stays.</p>',
])
def test_a_noscript_inside_a_comment_or_script_hides_nothing_after_it(body: str) -> None:
    """A `<noscript>` in a comment or a script's string ran to the end of the body."""
    assert plain_text(layout(build_document(body, is_html=True), 60)) == "Body text stays."


def test_a_tracking_pixel_in_noscript_is_no_picture() -> None:
    body = ('<p>Text.</p><noscript><img height="1" width="1" style="display:none" '
            'src="https://www.facebook.com/tr?id=1&ev=PageView"/></noscript>')
    assert build_document(body, is_html=True).images == []


@pytest.mark.parametrize("is_html", [True, False])
def test_digits_in_sup_are_raised(is_html: bool) -> None:
    """`mc<sup>2</sup>` read `mc2`, and `script<sup>[1](#fn1)</sup>` `script1`."""
    body = ("<p>E=mc<sup>2</sup>, script<sup><a href=\"#fn1\">1</a></sup>, 1<sup>st</sup>, "
            "x<sup>[3]</sup></p>\n")
    text = plain_text(layout(build_document(body, is_html=is_html), 80))
    assert text == "E=mc², script¹, 1st, x[3]"
