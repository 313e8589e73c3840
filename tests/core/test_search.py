"""Search checked against a brute-force oracle: every article's shown text, searched plainly."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from reader.cache import open_index
from reader.core.convert.markdown import shown_text
from reader.core.convert.render import render_article
from reader.core.files.archive import load_archive
from reader.core.index.store import ArchiveIndex
from reader.core.model import Article, BlockKind, Document
from reader.core.sanitize import clean_text
from reader.core.search.fold import fold, highlights, normalise
from reader.core.search.query import QueryError, parse_query
from reader.core.search.snippets import snippet
from tests.conftest import write_files

EXTRA = {
    "latin/a.md": "---\ntitle: Rust 与 SQLite\ntags: [rust, 数据库]\nauthor: Ada\n"
                  "date: 2022-05-03\ncategories: [科技, ZAKER, 快讯]\n---\n"
                  "A note on ＡＢＣ１２３ and 5G 基站 rollout, Trust the process.",
    "latin/b.md": "---\ntitle: 无关的文章\ntags: rust\nauthor: Lin\ndate: 2022-06-02\n---\n"
                  "<p>Impala 4.0 发布，大规模并行处理 SQL 查询引擎。抚顺振兴。</p>",
    "latin/c.md": "---\ntitle: 第三篇\ndate: 2021-01-01\n---\nabc123 in half width; 基站 alone.",
    # Format characters (zero-width space, soft hyphen) are characters like any other.
    "latin/d.md": "---\ntitle: 第四篇\ndate: 2020-01-01\n---\n零宽\u200b空格 and co\u00adoperate",
    # Markdown syntax is not text: a reference link, list markers, a fence's language name
    # and a link definition are not what the reader shows.
    "latin/e.md": "---\ntitle: 第五篇\ndate: 2019-06-01\n---\nSee [the guide][g] and `code`.\n\n"
                  "* item one\n* item two\n\n```kotlinx\nlet x = 1\n```\n\n"
                  "[g]: https://example.org/guidesecretzz\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ArchiveIndex, dict]:
    root = tmp_path_factory.mktemp("search") / "archive"
    generate(root, 250, seed=11)
    write_files(root, EXTRA)
    index = ArchiveIndex(root, root.parent / "index.sqlite3")
    index.refresh(parallel=False)
    archive = load_archive(root)
    shown = {}
    for article in archive.articles.values():
        document = render_article(root, article)
        text = " ".join(
            "".join(span.text for span in block.spans if span.style != "image")
            for block in document.blocks
            if block.kind not in (BlockKind.TITLE, BlockKind.META)
        )
        shown[article.id] = (article, normalise(text))
    return root, index, shown


def oracle(shown: dict, query_text: str) -> set[str]:
    query = parse_query(query_text)
    found = set()
    for article_id, (article, text) in shown.items():
        fields = normalise(" ".join([article.title, *(" ".join(p) for p in article.categories),
                                     *article.tags, article.author]))
        if not all(w in text or w in fields for w in query.words):
            continue
        if any(w in text or w in fields for w in query.excluded):
            continue
        if not _filters_match(article, query):
            continue
        found.add(article_id)
    return found


def _filters_match(article: Article, query) -> bool:
    names = [normalise(n) for path in article.categories for n in path]
    tags = [normalise(t) for t in article.tags]
    stamp = article.date.timestamp() if article.date else None
    return (
        all(any(c in n for n in names) for c in query.categories)
        and all(any(t in n for n in tags) for t in query.tags)
        and all(a in normalise(article.author) for a in query.authors)
        and (query.after is None or (stamp is not None and stamp >= query.after))
        and (query.before is None or (stamp is not None and stamp < query.before))
    )


def _sample_words(shown: dict, length: int, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [text for _, text in shown.values()]
    words: list[str] = []
    while len(words) < count:
        text = rng.choice(texts)
        runs = re.findall(rf"[\u4e00-\u9fff]{{{length},}}", text)
        if runs:
            run = rng.choice(runs)
            start = rng.randrange(len(run) - length + 1)
            words.append(run[start : start + length])
    return words


@pytest.fixture(params=[3000, 7], ids=["newest-window", "full-pass"])
def window(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Search looks among the newest WINDOW articles, then reads all: test both paths."""
    monkeypatch.setattr("reader.core.index.engine.WINDOW", request.param)
    return request.param


@pytest.fixture(params=[True, False], ids=["kept-in-memory", "single-query"])
def keep(request: pytest.FixtureRequest) -> bool:
    """A search screen keeps titles and the newest texts in memory; the command line asks
    SQLite for them (one query): both must give the same answer."""
    return request.param


@pytest.mark.parametrize("length", [1, 2, 3, 6])
def test_chinese_queries_match_the_oracle(corpus, length: int, window: int, keep: bool) -> None:
    _, index, shown = corpus
    for word in _sample_words(shown, length, 12, seed=length):
        expected = oracle(shown, word)
        got = {hit.article.id for hit in index.search(parse_query(word), 10_000, keep)}
        assert got == expected, word


@pytest.mark.parametrize("query", [
    "抚", "振兴", "5G 基站", "ＡＢＣ１２３", "abc123", "rust", "RUST", "trust", "sqlite",
    '"Impala 4.0"', "基站 -5g", "cat:zaker", "cat:快讯 rust", "tag:rust", "tag:数据库",
    "author:ada", "after:2022-05", "before:2022-06-01", "after:2022-05 before:2022-06",
    "蓝鲸计划", "quokkadb", "不存在的词语", "-的", "宽\u200b空", "co\u00adop", "宽空",
    '"the guide and"', '"one item"', "kotlinx", "guidesecretzz", '"let x = 1"',
])
def test_queries_match_the_oracle(corpus, query: str, window: int, keep: bool) -> None:
    _, index, shown = corpus
    expected = oracle(shown, query)
    got = [hit.article.id for hit in index.search(parse_query(query), 10_000, keep)]
    assert len(got) == len(set(got))
    assert set(got) == expected


def test_ranking_title_first_then_newest(corpus, window: int, keep: bool) -> None:
    _, index, _ = corpus
    hits = index.search(parse_query("rust"), 50, keep)
    assert hits[0].in_title and hits[0].article.id == "latin/a.md"
    rest = [h.article.date for h in hits if not h.in_title]
    assert rest == sorted(rest, reverse=True)


def test_first_page_only(corpus, window: int, keep: bool) -> None:
    _, index, shown = corpus
    hits = index.search(parse_query("的"), 20, keep)
    assert len(hits) == 20 and len(oracle(shown, "的")) > 20


@pytest.mark.parametrize("bad", ["foo:bar", "after:someday", "before:2022-13", "tag:"])
def test_query_errors(bad: str) -> None:
    with pytest.raises(QueryError):
        parse_query(bad)


def test_words_with_colons_and_addresses() -> None:
    query = parse_query("12:30 https://example.org/a")
    assert query.words == ["12:30", "https://example.org/a"]


def test_cjk_ideographs_fold_to_themselves() -> None:
    """`fold` takes them as they are without asking `normalise` (a fresh process met a
    thousand of them in its first snippet, 5 ms); that must be what `normalise` says."""
    for code in range(0x3400, 0xA000):
        assert normalise(chr(code)) == chr(code)


def test_fold_keeps_positions() -> None:
    text = "ＡＢＣ１２３，Straße İ ﬁ 中文"
    assert len(fold(text)) == len(text)
    assert highlights(text, ["abc123"]) == [(0, 6)]
    assert highlights("滚石上山，滚石", ["滚石"]) == [(0, 2), (5, 7)]


@pytest.mark.parametrize(("text", "query", "shown"), [
    ("Die Straße ist lang", "strasse", ["Straße"]),
    ("Die Straße, die STRASSE", "straße", ["Straße", "STRASSE"]),
    ("ﬁle, then file", "file", ["ﬁle", "file"]),
    ("中文 ß 和 ＡＢＣ１２３", "abc123", ["ＡＢＣ１２３"]),
])
def test_highlights_where_one_character_folds_to_two(text: str, query: str,
                                                        shown: list[str]) -> None:
    """Search matches `Straße` for `strasse` (its text is normalised); the highlight must
    show it too, on the article's own characters."""
    ranges = highlights(text, parse_query(query).words)
    assert [text[start:end] for start, end in ranges] == shown


def test_snippet_window() -> None:
    text = "开头" + "很长的文字" * 30 + "振兴" + "结尾"
    piece = snippet(text, ["振兴"], width=40)
    assert "振兴" in piece and piece.startswith("…")


def test_empty_query_finds_nothing(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", EXTRA)
    index = open_index(root)
    index.refresh()
    assert index.search(parse_query("   ")) == []


def test_negated_filters_are_refused() -> None:
    with pytest.raises(QueryError, match="cannot be negated"):
        parse_query("-tag:rust")


def test_title_matches_page_through_filters(corpus, window: int, keep: bool) -> None:
    """Title candidates go to SQLite a chunk at a time, newest first; a filter that drops
    the newest of them must still give the newest that pass, as the oracle does."""
    _, index, shown = corpus
    counts = Counter(char for article, _ in shown.values() for char in set(article.title))
    common = max((c for c in counts if "\u4e00" <= c <= "\u9fff"), key=counts.get)
    titled = sorted((a for a, _ in shown.values() if common in a.title),
                    key=lambda a: a.date, reverse=True)
    middle = titled[len(titled) // 2].date.strftime("%Y-%m-%d")
    newest = titled[0].title.replace(" ", "")[:3]  # a word of the newest such title, left out
    for text in (f"{common} before:{middle}", f"{common} -{newest}"):
        query = parse_query(text)
        expected = sorted(
            (article for article_id, (article, _) in shown.items()
             if article_id in oracle(shown, text) and common in normalise(article.title)),
            key=lambda a: (-a.date.timestamp(), a.id))
        assert len(expected) >= 3, text
        hits = index.search(query, 3, keep)
        assert [h.article.id for h in hits] == [a.id for a in expected[:3]], text
        assert all(hit.in_title for hit in hits)


def test_title_search_follows_changes_from_any_connection(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_files(root, {"a.md": "---\ntitle: 旧标题\ndate: 2022-01-01\n---\n正文",
                       "b.md": "---\ntitle: 别的\ndate: 2022-01-02\n---\n正文"})
    index = ArchiveIndex(root, tmp_path / "index.sqlite3")
    index.refresh(parallel=False)
    assert [h.article.id for h in index.search(parse_query("旧标题"))] == ["a.md"]
    # Changed through this connection.
    write_files(root, {"a.md": "---\ntitle: 新标题\ndate: 2022-01-01\n---\n正文"})
    index.refresh_paths(["a.md"])
    assert index.search(parse_query("旧标题")) == []
    assert [h.article.id for h in index.search(parse_query("新标题"))] == ["a.md"]
    # Changed through another connection (the main screen's watcher, while searching).
    other = ArchiveIndex(root, tmp_path / "index.sqlite3")
    write_files(root, {"b.md": "---\ntitle: 又一个新标题\ndate: 2022-01-02\n---\n正文"})
    other.refresh_paths(["b.md"])
    assert [h.article.id for h in index.search(parse_query("新标题"))] == ["b.md", "a.md"]
    other.close()
    index.close()


def test_long_words_use_their_rarest_run_of_characters() -> None:
    from reader.core.index.engine import character_query

    common = {"中": 90, "国": 80, "经": 30, "济": 30, "的": 99, "发": 5, "展": 4}
    assert character_query(["中国经济的发展"], common.get) == '"济 的 发 展"'
    assert character_query(["中国经济"], common.get) == '"中 国 经 济"'
    assert character_query(["5g 基站", 'say "hi"']) == '"5 g 基 站" AND "s a y """'
    assert character_query(["   "]) is None


@pytest.mark.parametrize("text", ["after:2021-06", "before:2022-01 after:2021-01", "cat:zaker"])
def test_filters_alone_give_the_newest_first_page(corpus, text: str) -> None:
    """Filters alone are answered from the metadata, newest first, without reading texts."""
    _, index, shown = corpus
    expected = sorted((shown[i][0] for i in oracle(shown, text)),
                      key=lambda a: (-a.date.timestamp(), a.id))
    hits = index.search(parse_query(text), limit=3)
    assert [h.article.id for h in hits] == [a.id for a in expected[:3]]
    assert all(hit.snippet for hit in hits)


def test_snippet_of_normalised_text_finds_words_directly() -> None:
    text = "前文" * 40 + "发展经济" + "后文" * 40
    plain = snippet(text, ["发展"])
    assert snippet(text, ["发展"], normalised=True) == plain and "发展" in plain
    assert snippet(text, [], normalised=True) == text[:80] + "…"
    assert snippet(text, ["不在"], normalised=True) == text[:80] + "…"


_TRICKY = st.sampled_from([
    "ﾞ", "ﾟ", "か", "ｶ", "가", "ㄳ", "\u1100", "\u1161", "\u11a8", "e", "\u0301", "\u0340",
    "\u0b47", "\u0b3e", "Ａ", "，", "\u3000", "ß", "İ", "ﬁ", "①", "㎏", "\x07", "\u202e",
    "\ue000", "\ufeff", "\r\n", "\u2028", " ", "中", "𝐀", "\U0001F600", "\u200b",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_TRICKY, st.text(max_size=3)), max_size=12).map("".join))
def test_normalise_is_nfkc_of_the_cleaned_text(text: str) -> None:
    """The fast path (common marks replaced, changing runs NFKC'd) gives exactly NFKC of the
    whole cleaned text, also where characters compose across runs."""
    expected = " ".join(unicodedata.normalize("NFKC", clean_text(text)).casefold().split())
    assert normalise(text) == expected


def test_a_closed_index_is_not_opened_again(tmp_path: Path) -> None:
    """A search screen's worker thread may still hold the index when the screen closes it:
    it must fail there, not open a connection nobody closes."""
    import sqlite3

    root = tmp_path / "archive"
    write_files(root, {"a.md": "---\ntitle: 标题\n---\n正文"})
    index = ArchiveIndex(root, tmp_path / "index.sqlite3")
    index.refresh(parallel=False)
    index.prepare_search()
    index.close()
    with pytest.raises(sqlite3.ProgrammingError):
        index.search(parse_query("标题"))
    assert index._db is None and not index.engine.holds_memory


@pytest.mark.parametrize("corpus_name", ["ruby-lang-news", "rust-blog-zola", "swiftgg-hexo"])
def test_real_markdown_is_searched_as_the_reader_shows_it(corpus_name: str) -> None:
    """Real Markdown blogs: the index's text of each article is the text the article pane
    shows (a regex once left `[a][1]`, list markers and fences' language names in it)."""
    from tests.conftest import SHARED

    root = SHARED / "corpora" / corpus_name
    if not root.is_dir():
        pytest.skip("../shared/corpora is not beside the checkout")
    from reader.core.files.scan import ArticleFile
    from reader.core.index.entries import index_file

    articles = sorted(load_archive(root).articles.values(), key=lambda a: a.id)[::5][:80]
    assert articles
    for article in articles:
        document = render_article(root, article)
        # A table's text is its cells (`shown_text` leaves its bars and rule out).
        shown = normalise(shown_text(Document([
            block for block in document.blocks
            if block.kind not in (BlockKind.TITLE, BlockKind.META)])))
        indexed = index_file(ArticleFile(article.id, root / article.id, 0, 0.0)).body
        # The pane leaves out a first heading that repeats the title; the index keeps it.
        assert indexed == shown or indexed.endswith(" " + shown), article.id


def test_markdown_snippets_show_the_text_around_a_match(tmp_path: Path) -> None:
    """A Markdown hit's snippet is cut from what the pane shows, found from the paragraph
    around the match (not a fence's language name, not a link's address)."""
    from reader.core.search.snippets import shown_snippet

    root = tmp_path / "archive"
    body = ("开头。\n\n```kotlinq\nlet a = 1\n```\n\n" + "前文。" * 300
            + "\n\n见[说明][g]里的 KotlinQ 用法。\n\n" + "后文。" * 300 + "\n\n[g]: https://e.example/kotlinq\n")
    write_files(root, {"a.md": "---\ntitle: 标题\ndate: 2022-01-01\n---\n" + body})
    article = load_archive(root).articles["a.md"]
    text = shown_snippet(root, article, ["kotlinq"])
    assert "见说明里的 KotlinQ 用法" in text and "[" not in text and "https" not in text


@pytest.mark.parametrize("query", ["抚", "振兴", "rust", "基站", "蓝鲸计划", "的", "cat:快讯 rust"])
@pytest.mark.parametrize("limit", [1, 3, 20])
def test_a_single_query_pages_as_the_kept_search(corpus, query: str, limit: int,
                                                 window: int) -> None:
    """The command line answers a rare word from the character index alone (fewer holders
    than the window) and a common one from the newest texts first: the same page, in the
    same order, as the search screen's memory gives."""
    _, index, _ = corpus
    kept = [h.article.id for h in index.search(parse_query(query), limit, keep=True)]
    single = [h.article.id for h in index.search(parse_query(query), limit, keep=False)]
    assert single == kept
