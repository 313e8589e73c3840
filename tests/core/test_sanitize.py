"""Nothing that could steer a terminal survives the core."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.convert.markdown import build_document
from reader.core.convert.render import render_article
from reader.core.files.scan import ArticleFile
from reader.core.files.source import load_file
from reader.core.layout.lines import layout
from reader.core.model import Article
from reader.core.sanitize import clean_line, clean_text, is_clean

FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) not in "\t\n"] + ["\x7f"] + [
    chr(c) for c in range(0x80, 0xA0)
] + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]


def test_clean_text_removes_every_forbidden_character() -> None:
    dirty = "a" + "".join(c for c in FORBIDDEN if c not in "\r\x85") + "b\tc\nd"
    assert clean_text(dirty) == "ab\tc\nd"
    # Line ends of every kind become a newline rather than vanish.
    assert clean_text("a\r\nb\rc\x85d") == "a\nb\nc\nd"
    assert clean_line(" x\n\ty  ") == "x y"


def assert_clean(text: str) -> None:
    assert is_clean(text), repr([c for c in text if not is_clean(c)])


def test_escape_sequences_from_entities_and_yaml_are_removed() -> None:
    document = build_document("<p>a&#27;]52;c;ZXZpbA==&#7;b&#x9b;c&#8238;d&#0;</p>", is_html=True)
    # As in a browser, &#x9b; means "›" (windows-1252) and &#0; the replacement character.
    assert document.blocks[0].text == "a]52;c;ZXZpbA==b›cd\ufffd"
    document = build_document("a&#27;[31mred\x1b]0;title\x07 \u202eevil", is_html=False)
    assert_clean(document.blocks[0].text)


def _render_everything(path: Path, root: Path) -> list[str]:
    item = load_file(ArticleFile(path.name, path, path.stat().st_size, 0.0))
    if not isinstance(item, Article):
        return [item.path, item.reason]
    document = render_article(root, item)
    texts = [item.title, item.author, item.cover, item.link, *item.tags]
    texts += [part for path_ in item.categories for part in path_]
    texts += [line.lead + line.text for line in layout(document, 40)]
    texts += [image.url + image.alt + image.fallback for image in document.images]
    texts += [link.url + link.text for link in document.links]
    return texts


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_any_bytes_give_an_article_or_a_problem(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.md"
    path.write_bytes(data)
    for text in _render_everything(path, tmp_path):
        assert_clean(text)


_HOSTILE_TEXT = st.lists(
    st.sampled_from(FORBIDDEN + list("ab中文<>&#;[]/*_`\"':-\n ") + ["&#27;", "&#x9b;", "<p>",
                                                                   "</p>", "**", "\ue000"]),
    max_size=120,
).map("".join)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_HOSTILE_TEXT, _HOSTILE_TEXT, st.booleans())
def test_any_text_in_any_field_comes_out_clean(tmp_path: Path, title: str, body: str,
                                               html: bool) -> None:
    import json

    meta = json.dumps({"title": title, "author": title, "tags": [title],
                       "categories": [title, title]}, ensure_ascii=False)
    path = tmp_path / ("any.html" if html else "any.md")
    path.write_text(meta + "\n\n" + body, encoding="utf-8")
    for text in _render_everything(path, tmp_path):
        assert_clean(text)


@given(st.text())
def test_display_path_takes_its_shortcut_only_when_nothing_would_change(text: str) -> None:
    import os

    from reader.core.sanitize import clean_line, display_path

    assert display_path(text) == clean_line(os.fsencode(text).decode("utf-8", "replace"), 1000)
