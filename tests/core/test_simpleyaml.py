"""The front-matter fast path gives exactly what PyYAML gives, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.files import frontmatter
from reader.core.files.scan import scan_files
from reader.core.files.simpleyaml import load_simple
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]


def pyyaml(source: str) -> tuple[bool, str]:
    try:
        return True, repr(yaml.load(source, Loader=yaml.CSafeLoader))
    except Exception as error:
        return False, type(error).__name__


def agrees(source: str) -> bool:
    """Checked with repr, so that `True` and `1`, or a date and a string, differ."""
    simple, value = load_simple(source)
    if not simple:
        return True
    loaded, expected = pyyaml(source)
    return loaded and repr(value) == expected


def test_a_crawler_post_takes_the_fast_path() -> None:
    source = ("title: '奋力开创''新局面'\ncategories: \n - 新媒体\n - ZAKER\n - source\n"
              "headimg: 'https://cors.example/?http://img.example.cn/a_1024.jpg'\n"
              "author: ZAKER\ncomments: false\ndate: Sun, 29 May 2022 21:20:46 GMT\n")
    assert load_simple(source) == (True, {
        "title": "奋力开创'新局面", "categories": ["新媒体", "ZAKER", "source"],
        "headimg": "https://cors.example/?http://img.example.cn/a_1024.jpg",
        "author": "ZAKER", "comments": False, "date": "Sun, 29 May 2022 21:20:46 GMT"})
    assert agrees(source)


@pytest.mark.parametrize("source", [
    "title: a: b", "title: x # note", "title: &a x\nb: *a", "key:\n  sub: 1", "a:\n- [1]",
    "title: \"esc\\\"aped\"", "title: 'open\n  more'", "? complex\n: key", "a: 1\n  b",
    "a:\n  - x\n - y", "%YAML 1.1\n---\na: 1", "a:\tb", "yes: no", "a: [b, [c]]", "a: {b: c}",
    "a: |\n  block", "a: >\n  folded", "a: !!str 1", "a: \x07", "- a\n- b", "a: =",
    "title: 5G 基站: no", "title: a\x85b", "title: a\u2028b", "title: 'a\x85b'", "k: 1\u2029",
    "k: \ufeffx", "k: a\rb", "k: a\x7fb",
])
def test_anything_else_goes_to_pyyaml(source: str) -> None:
    assert load_simple(source) == (False, None)


@pytest.mark.parametrize("source", [
    "date: 2022-05-29 21:20:46", "date: 2022-05-29", "n: 42", "f: 3.5", "b: yes", "o: off",
    "z: null", "e:", "tags: [rust, 2022, 中文]", "tags: []", "a: it's", "a: 'it''s'", 'a: "q"',
    "a: x\na: y", "a:\n- 1\n-\n- c", "# comment\na: 1\n\nb: 2", "a: 0x1f", "a: 1_000",
    "a: .inf", "a: 12:30:00", "a: https://x.example/?a=1&b=2", "k: [a\u3000]", "k: [\u3000]",
    "k: [x, 1\xa0]", "k: a\u3000",
])
def test_what_it_reads_is_what_pyyaml_reads(source: str) -> None:
    assert load_simple(source)[0]
    assert agrees(source), source


_WORDS = st.sampled_from([
    "yes", "No", "true", "null", "~", "2022-05-01", "2022-05-01 10:00:00", "1_000", "0x1f",
    ".inf", "3.14", "-5", "=", "<<", "12:30", "Sun, 29 May 2022", "http://a.example/?x=1&y=2",
    "a: b", "x #y", "'", "''", '"', "[", "]", "{", "}", "&a", "*a", "!t", "|", ">", "%", "@",
    "`", "?", ",", "-", "- ", "\\", "\t", "振兴", "ＡＢＣ", " ", "", "\u3000", "\xa0", "\x85",
    "\u2028", "\ufeff", "\r",
])
_TEXT = st.lists(st.one_of(_WORDS, st.text(max_size=4)), max_size=4).map("".join)
_VALUE = st.one_of(
    _TEXT,
    _TEXT.map(lambda t: "'" + t + "'"),
    _TEXT.map(lambda t: '"' + t + '"'),
    st.lists(_TEXT, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
)
_LINE = st.one_of(
    st.tuples(st.sampled_from(["title", "tags", "yes", "a-b", "_x"]), _VALUE).map(
        lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(st.sampled_from(["", " ", "  "]), _VALUE).map(lambda iv: f"{iv[0]}- {iv[1]}"),
    st.sampled_from(["categories:", "tags: ", "", "# c", "  # c", "   more"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_LINE, max_size=8).map("\n".join))
def test_generated_front_matter(source: str) -> None:
    assert agrees(source)


def _front_matter_of(root: Path, limit: int | None = None) -> list[tuple[Path, str]]:
    found = []
    for number, file in enumerate(scan_files(root, [])):
        if limit is not None and number >= limit:
            break
        try:
            text = frontmatter.normalise_newlines(Path(file.path).read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        opening = frontmatter._YAML_OPEN.match(text)
        if opening:
            rest = text[opening.end():]
            closing = frontmatter._YAML_CLOSE.search(rest)
            if closing:
                found.append((file.path, rest[: closing.start()]))
    return found


def test_sample_archive_agrees() -> None:
    sources = _front_matter_of(ROOT / "sample_archive")
    assert sources and all(agrees(source) for _, source in sources)
    assert sum(load_simple(source)[0] for _, source in sources) >= len(sources) // 2


def test_real_corpora_agree() -> None:
    corpora = SHARED / "corpora"
    if not corpora.is_dir():
        pytest.skip("../shared/corpora is not beside the checkout")
    sources = _front_matter_of(corpora) + _front_matter_of(SHARED / "formats")
    differing = [path for path, source in sources if not agrees(source)]
    assert not differing
    # Most real front matter is of the plain shape: the fast path is worth having.
    assert sum(load_simple(source)[0] for _, source in sources) > 0.9 * len(sources)
