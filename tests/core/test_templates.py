"""Site templates (Liquid, Hexo tags, Hugo and Zola shortcodes) are rendered, never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cache import open_index
from reader.core.convert.markdown import build_document, markdown_text
from reader.core.convert.render import render_article
from reader.core.convert.templates import render_templates
from reader.core.files.archive import load_archive
from reader.core.layout.lines import layout, plain_text
from reader.core.model import BlockKind
from reader.core.search.query import parse_query
from tests.conftest import write_files

RAW = ("{%", "%}", "{{", "}}")


def shown(markdown: str, meta: dict | None = None) -> str:
    document = build_document(render_templates(markdown, meta), is_html=False)
    return plain_text(layout(document, 80))


def test_liquid_highlight_becomes_a_code_block_with_its_language() -> None:
    document = build_document(render_templates(
        "看代码：\n\n{% highlight ruby %}\nputs \"{{ x }}\"\n{% endhighlight %}\n\n完。"),
        is_html=False)
    code = [block for block in document.blocks if block.kind is BlockKind.CODE]
    assert [(block.language, block.text) for block in code] == [("ruby", 'puts "{{ x }}"')]


def test_hexo_codeblock_with_a_title_and_a_language() -> None:
    document = build_document(render_templates(
        "{% codeblock 示例 lang:swift %}\nlet a = 1\n{% endcodeblock %}"), is_html=False)
    (block,) = document.blocks
    assert block.kind is BlockKind.CODE and block.language == "swift"
    assert block.text == "let a = 1"


@pytest.mark.parametrize("source", [
    "{% include youtube-embed.html id=page.youtubeid %}",
    '{% include youtube-embed.html id="dQw4w9WgXcQ" %}',
    "{% youtube dQw4w9WgXcQ %}",
    "{{< youtube dQw4w9WgXcQ >}}",
    '{{< youtube id="dQw4w9WgXcQ" >}}',
    '{{ youtube(id="dQw4w9WgXcQ") }}',
])
def test_a_video_embed_becomes_a_link(source: str) -> None:
    document = build_document(render_templates(source, {"youtubeid": "dQw4w9WgXcQ"}),
                              is_html=False)
    assert [link.url for link in document.links] == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ"]
    text = plain_text(layout(document, 80))
    assert "YouTube video" in text and not any(mark in text for mark in RAW)


@pytest.mark.parametrize(("source", "url", "alt"), [
    ("{% asset_img 流程图.png 整体流程 %}", "流程图.png", "整体流程"),
    ("{% img /images/photo.jpg 300 200 A photo %}", "/images/photo.jpg", "A photo"),
    ('{{< figure src="/images/figure.png" title="图一" >}}', "/images/figure.png", "图一"),
])
def test_an_image_tag_becomes_an_image(source: str, url: str, alt: str) -> None:
    document = build_document(render_templates(source), is_html=False)
    assert [(image.url, image.alt) for image in document.images] == [(url, alt)]


def test_page_variables_take_front_matter_values_and_site_data_is_named() -> None:
    source = ("{% assign release = site.data.releases | first %}\n"
              "Ruby {{ release.version }} 发布了。\n\n"
              "![题图][hero]\n\n[hero]: {{ page.hero_image_url }}\n\n"
              "[关于]({{ site.url }}/about/)")
    document = build_document(render_templates(source, {"hero_image_url": "/img/h.jpg"}),
                              is_html=False)
    text = plain_text(layout(document, 80))
    assert "Ruby ‹release.version› 发布了。" in text
    assert not any(mark in text for mark in RAW)
    assert [image.url for image in document.images] == ["/img/h.jpg"]
    assert [link.url for link in document.links] == ["/about/"]


def test_raw_keeps_its_content_and_other_shortcodes_keep_their_text() -> None:
    text = shown("写法是 {% raw %}{{ name }}{% endraw %}。\n\n"
                 "{{% notice info %}}\n提示的内容。\n{{% /notice %}}\n\n"
                 "{% blockquote 作者 %}\n引用的话。\n{% endblockquote %}\n\n"
                 "{% if page.comments %}评论区{% endif %}")
    assert "写法是 {{ name }}。" in text
    assert "提示的内容。" in text and "引用的话。" in text
    assert "{%" not in text and "{{%" not in text and "{{<" not in text


def test_code_keeps_template_syntax_that_is_its_content() -> None:
    text = shown("行内 `{{ value }}` 与代码块：\n\n```html\n<p>{{ page.title }}</p>\n```\n\n"
                 "以及 Rust 的 regex::compile::{{impl}}::new。")
    assert "`{{ value }}`" not in text and "{{ value }}" in text
    assert "<p>{{ page.title }}</p>" in text
    assert "regex::compile::{{impl}}::new" in text


def test_a_liquid_link_is_a_link_to_the_post() -> None:
    document = build_document(render_templates(
        "见[上一篇]({% link _posts/2020-01-01-first.md %})和[另一篇]({% post_url 2019-05-01-x %})"),
        is_html=False)
    assert [link.url for link in document.links] == ["_posts/2020-01-01-first.md",
                                                     "2019-05-01-x"]


def test_search_does_not_match_template_syntax(tmp_path: Path) -> None:
    root = write_files(tmp_path / "archive", {
        "_posts/2020-01-01-a.md": "---\ntitle: 甲\nyoutubeid: abcdefgh\n---\n"
                                  "{% include youtube-embed.html id=page.youtubeid %}\n\n"
                                  "{% highlight ruby %}\nputs 1\n{% endhighlight %}\n正文内容\n",
    })
    assert "include" not in markdown_text(render_templates(
        (root / "_posts/2020-01-01-a.md").read_text().split("---\n", 2)[2]))
    index = open_index(root)
    try:
        index.refresh()
        assert index.search(parse_query("正文内容"))
        for word in ("include", "endhighlight", "youtubeid", "highlight"):
            assert not index.search(parse_query(word)), word
    finally:
        index.close()
    archive = load_archive(root)
    document = render_article(root, archive.articles["_posts/2020-01-01-a.md"])
    text = plain_text(layout(document, 80))
    assert "YouTube video: abcdefgh" in text and "{%" not in text


def test_hostile_templates_cost_a_pass_and_holders_cannot_be_forged() -> None:
    """A body of a thousand openers never closed is scanned once, not once per opener (it
    took seconds), and the private characters of a holder in the text stay text."""
    import time

    from reader.core.convert.templates import render_templates

    for body in ("{% code %}x\n" * 10_000, "{{< highlight go >}}x\n" * 10_000,
                 "{% raw %}x\n" * 10_000, "{% note(a=1) %}x\n" * 10_000):
        start = time.process_time()
        render_templates(body)
        # A bound, not a benchmark: a pass takes a tenth of a second; quadratic, 20–70 s.
        assert time.process_time() - start < 5.0
    forged = render_templates("{{ x }} \ue01099\ue011 `a` \ue0100\ue011")
    assert "\ue01099\ue011" in forged and "\ue0100\ue011" in forged


def test_kramdown_attribute_lists_are_no_text() -> None:
    """Jekyll posts write `{: #id }` after headings and `{: style=… }` after pictures; they
    showed as paragraphs of their own. A Ruby hash in the text stays."""
    body = ("## Typical cases\n{: #typical-cases }\n\nA hash {:k=>1} and {:b=>2, :c=>3}, "
            "`{: #in-code}`, and a picture ![logo](a.png){: style=\"border:0; float:right;\" "
            "width=\"180\"} here.\n{:toc}\n\n```\n{: #kept-in-code}\n```\n")
    text = render_templates(body)
    assert "typical-cases" not in text and "float:right" not in text and "{:toc}" not in text
    assert "{:k=>1}" in text and "{:b=>2, :c=>3}" in text
    assert "`{: #in-code}`" in text and "{: #kept-in-code}" in text
    assert "![logo](a.png) here." in text


def test_an_expression_written_as_an_autolink() -> None:
    """`<{{ release.url.gz }}>` in Ruby's release posts showed `<‹release.url.gz›>`."""
    body = "* <{{ release.url.gz }}>\n* <{{ page.link }}>\n* a <{{x}}> b\n"
    assert render_templates(body, {"link": "https://x.example/a"}) == (
        "* ‹release.url.gz›\n* <https://x.example/a>\n* a <{{x}}> b\n")


def test_attribute_lists_leave_format_specs_alone() -> None:
    """A format spec is text (`{:.2f}`, `"{:#x}".format(n)`), in prose and in indented code.
    (Floods of item-like text are in the hostile archive: `bodies/attribute-list-flood.md`.)"""
    body = ('Python\'s format spec {:.2f} rounds; "{:#x}".format(255).\n\n'
            '    print("{:.2f}".format(x))\n    {: #in-indented-code}\n')
    assert render_templates(body) == body
