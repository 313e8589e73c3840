"""An article, read from its file, turned into the `Document` the reader shows."""

from __future__ import annotations

from pathlib import Path

from reader.core.convert.html import strip_tags
from reader.core.convert.markdown import build_document
from reader.core.files.dates import format_date  # where it was; the CLI imports it lightly
from reader.core.files.source import LoadError, read_source
from reader.core.model import Article, Block, BlockKind, Document, Span
from reader.core.sanitize import clean_line, clean_text


def summary_spans(summary: str) -> list[Span]:
    """The author's summary as shown under the title: its Markdown emphasis rendered (a
    summary is often written as a line of the post), in the summary's own style."""
    try:
        document = build_document(summary, is_html=False)
    except Exception:  # a converter bug costs the summary its emphasis, not the article
        return [Span(summary, "summary")]
    spans = [Span(span.text, " ".join(["summary", *(word for word in span.style.split()
                                                      if word in ("bold", "italic", "code"))]))
             for block in document.blocks for span in block.spans if span.style != "image"]
    return spans or [Span(summary, "summary")]


def header_blocks(article: Article) -> list[Block]:
    """The title and the author's summary, then one line each for date and author (and
    whether it is a draft or a page), categories and tags."""
    blocks = [Block(BlockKind.TITLE, [Span(article.title, "title")])]
    if article.summary:
        blocks.append(Block(BlockKind.META, summary_spans(article.summary)))
    meta = [Span(format_date(article), "date")]
    if article.draft:
        meta += [Span(" · ", "dim"), Span("draft", "note")]
    if article.page:
        meta += [Span(" · ", "dim"), Span("page", "dim")]
    if article.author:
        meta += [Span(" · ", "dim"), Span(article.author, "author")]
    blocks.append(Block(BlockKind.META, meta))
    if article.categories:
        spans: list[Span] = []
        for path in article.category_paths:
            if spans:
                spans.append(Span("  ", "dim"))
            spans.append(Span(path, "category"))
        blocks.append(Block(BlockKind.META, spans))
    if article.tags:
        blocks.append(Block(BlockKind.META, [Span(" ".join(f"#{tag}" for tag in article.tags),
                                                  "tag")]))
    return blocks


def _opens_with(blocks: list[Block], summary: str) -> bool:
    """Does the body's first paragraph say `summary` (or begin with it, a summary cut with
    `...` or `…`)?"""
    first = next((block for block in blocks[:3] if block.kind is BlockKind.PARAGRAPH), None)
    if first is None:
        return False
    said = " ".join(summary.split()).rstrip(".…").rstrip()
    return len(said) >= 20 and " ".join(first.text.split()).startswith(said)


def _has_templates(body: str) -> bool:
    from reader.core.convert.templates import OPENERS

    return any(opener in body for opener in OPENERS)


def render_article(root: Path, article: Article) -> Document:
    """Read `article` from the archive at `root` and convert it for reading.

    Never raises for a bad file: what went wrong is shown as a note in the header.
    """
    path = Path(root) / article.id
    try:
        # The front matter is in `article` (the index's); only templates in a Markdown body
        # may ask for its values. An HTML body needs no YAML parser (20 ms to import).
        source = read_source(path, meta=False)
        if not source.is_html and _has_templates(source.body):
            source = read_source(path)
    except LoadError as error:
        body = Document(notes=[f"This file can no longer be read: {clean_line(str(error))}"])
    else:
        try:
            if source.is_html:
                text = source.body
            else:
                from reader.core.convert.templates import render_templates

                text = render_templates(source.body, source.meta)
            body = build_document(text, source.is_html, base_url=article.link)
        except Exception as error:  # a converter bug must cost one article, not the reader
            text = clean_text(strip_tags(source.body) if source.is_html else source.body)
            body = Document(
                [Block(BlockKind.PARAGRAPH, [Span(part)]) for part in text.split("\n\n")
                 if part.strip()],
                notes=[f"Shown as plain text: it could not be converted ({type(error).__name__})."],
            )
    header = header_blocks(article)
    if article.summary and _opens_with(body.blocks, header[1].text):
        del header[1]  # the summary is the first paragraph (Blogger's excerpt): shown once
    document = Document(header, body.images, body.links, body.notes)
    for note in body.notes:
        document.blocks.append(Block(BlockKind.META, [Span(note, "note")]))
    document.blocks.append(Block(BlockKind.RULE))
    blocks = body.blocks
    if blocks and blocks[0].kind is BlockKind.HEADING and blocks[0].text.strip() == article.title:
        blocks = blocks[1:]  # the title was taken from this heading: don't show it twice
    document.blocks.extend(blocks)
    if not body.blocks:
        document.blocks.append(Block(BlockKind.PARAGRAPH, [Span("(This article has no text.)",
                                                                "dim")]))
    return document
