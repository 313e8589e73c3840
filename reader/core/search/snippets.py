"""Snippets: the piece of an article around a match, for a list of search results."""

from __future__ import annotations

import re
from pathlib import Path

from reader.core.model import Article
from reader.core.search.fold import highlights


def snippet(text: str, words: list[str], width: int = 80, normalised: bool = False) -> str:
    """A window of `text` around the first match of any of `words` (folded), or its start.

    `normalised`: the text is the index's own (already folded), so plain `find` locates the
    words, with no fold of the whole text.
    """
    if normalised:
        places = [place for place in (text.find(word) for word in words) if place >= 0]
        at = min(places) if places else -1
    else:
        found = highlights(text, words) if words else []
        at = found[0][0] if found else -1
    start = max(at - width // 3, 0) if at >= 0 else 0
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def shown_snippet(root: Path, article: Article, words: list[str], width: int = 80) -> str:
    """A snippet from the article's own text (its real punctuation and case), for a hit.

    The index keeps text normalised; for the page of results the file is read again so the
    snippet shows what the article shows. Falls back to the start of the text.
    """
    from reader.core.convert.extract import extract
    from reader.core.files.source import LoadError, read_source

    path = Path(root) / article.id
    try:
        source = read_source(path, meta=False)  # (the front matter is in the index)
        if not source.is_html and ("{{" in source.body or "{%" in source.body):
            source = read_source(path)  # templates may name front-matter values
    except LoadError:
        return ""
    if source.is_html:
        return snippet(extract(source.body, True).text, words, width)
    from reader.core.convert.markdown import markdown_text  # the parser, only for Markdown
    from reader.core.convert.templates import render_templates

    # Markdown is parsed to show it as text (7 ms for a long post, fifty times a page of
    # results); the paragraph around the first match is enough for a snippet.
    body = render_templates(source.body, source.meta)
    # A paragraph alone would show `[text][1]` for a link defined elsewhere in the post.
    definitions = "\n\n" + "\n".join(_LINK_DEFINITION.findall(body))
    lowered = body.casefold()  # a cheap first look (the full fold costs 2 ms a long post);
    after = 0                  # a place off by a few characters is near enough
    for _ in range(5):  # a first place may be no text (a fence's language name, an address)
        places = [lowered.find(word, after) for word in words]
        at = min((place for place in places if place >= 0), default=-1)
        if at < 0:
            break
        start, end = _paragraph_around(body, min(at, len(body)))
        text = " ".join(markdown_text(body[start:end] + definitions).split())
        if highlights(text, words):
            return snippet(text, words, width)
        after = max(end, at + 1)
    return snippet(" ".join(markdown_text(body).split()), words, width)


_LINK_DEFINITION = re.compile(r"(?m)^ {0,3}\[[^\]\n]{1,999}\]:[ \t]*\S.*$")


def _paragraph_around(text: str, at: int, reach: int = 1500) -> tuple[int, int]:
    """Where the blank-line-bounded stretch of `text` around `at` starts and ends, at most
    `reach` either side."""
    start = text.rfind("\n\n", max(at - reach, 0), at)
    start = start + 2 if start >= 0 else max(text.rfind("\n", 0, max(at - reach, 0)) + 1, 0)
    end = text.find("\n\n", at, at + reach)
    if end < 0:
        end = text.find("\n", at + reach)
    return start, end if end >= 0 else len(text)


