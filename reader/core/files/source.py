"""Reading one article file: its bytes decoded, its front matter split from its body.

The archive is only ever read. A file that cannot be loaded says why in a `LoadError`
(or, from `load_file`, a `Problem`), and the rest load as usual.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from reader.core.files.decode import MAX_FILE_BYTES, NotText, decode_bytes
from reader.core.files.fields import build_article
from reader.core.files.frontmatter import FrontMatterError, split_front_matter
from reader.core.files.scan import ArticleFile, os_reason
from reader.core.model import Article, Problem
from reader.core.sanitize import clean_line, display_path

_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|div|p|section|article|span|h[1-6]|"
    r"table|ul|ol|figure|img|br|blockquote|center|font|a|strong|b|em|i|pre|iframe|style|script)\b",
    re.IGNORECASE | re.DOTALL,
)


#: A block of Markdown after a blank line: a heading, a list item, a quote, a fence, a rule,
#: or a paragraph that opens with bold, a link or a picture. Raw HTML bodies (crawler posts)
#: have none; a Markdown post that opens with an HTML block (a Zola post's `<div>` notice)
#: has them below it.
_MARKDOWN_BLOCK = re.compile(
    r"\n[ \t]*\n(?:#{1,6} |[-*+] \S|\d{1,3}\. \S|> |```|~~~|(?:-{3,}|\*{3,})[ \t]*\n|"
    r"\*\*\S|\[[^\]\n]+\]\(|!\[)")


#: Where a `# comment` or `- item` after a blank line is code, not Markdown: left out of
#: that search (an unclosed one runs to the end, scanned once).
_LITERAL = re.compile(r"<(pre|code|script|style|textarea)\b[^<>]{0,4000}>.*?(?:</\1\s*>|\Z)",
                      re.IGNORECASE | re.DOTALL)


def looks_like_html(body: str) -> bool:
    """True when a body (of a `.md` file, say) is raw HTML rather than Markdown: it opens
    with a tag, and no Markdown block follows outside code (else it is Markdown that opens
    with HTML, and read as HTML the whole post ran together into one paragraph of raw
    syntax)."""
    if not _HTML_START.match(body[:4096]):
        return False
    return not _MARKDOWN_BLOCK.search(_LITERAL.sub("", body))


@dataclass(frozen=True, slots=True)
class Source:
    """An article's front matter and body, read again for showing it."""

    meta: dict
    body: str
    is_html: bool
    encoding: str


def read_source(path: str | os.PathLike[str], size_limit: int = MAX_FILE_BYTES,
                meta: bool = True) -> Source:
    """Read and split one file. Raises `LoadError` with a one-line reason.

    `meta=False`: the body alone is wanted, and YAML and TOML front matter is not read
    (`Source.meta` is empty): a command showing snippets then needs no YAML parser.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(size_limit + 1)
    except OSError as error:
        raise LoadError(os_reason(error)) from None
    if len(data) > size_limit:
        raise LoadError(f"larger than {size_limit // (1024 * 1024)} MB: skipped")
    if not data.strip():
        raise LoadError("empty file")
    try:
        decoded = decode_bytes(data)
    except NotText as error:
        raise LoadError(str(error)) from None
    try:
        split = split_front_matter(decoded.text, parse=meta)
    except FrontMatterError as error:
        raise LoadError(clean_line(str(error), 300)) from None
    suffix = os.path.splitext(path)[1].lower()
    is_html = suffix in {".html", ".htm"} or looks_like_html(split.body)
    return Source(split.meta, split.body, is_html, decoded.encoding)


class LoadError(Exception):
    """A file that cannot be loaded; the message is the one-line reason."""


def read_article(file: ArticleFile) -> tuple[Source, Article]:
    """Read one file and build its `Article`. Raises `LoadError` with a one-line reason;
    the one place that says why a file is not an article, for the index and the CLI alike."""
    try:
        source = read_source(file.path)
        article = build_article(file.id, source.meta, source.body, is_html=source.is_html,
                                size=file.size, mtime=file.mtime, encoding=source.encoding)
    except RecursionError:
        raise LoadError("front matter nested too deeply") from None
    return source, article


def problem_of(file_id: str, error: Exception) -> Problem:
    """The `Problem` a file becomes: a `LoadError`'s reason, or a bug's name, in one line
    (a bug on one odd file must cost that file, not the other 100,000)."""
    reason = (clean_line(str(error), 300) if isinstance(error, LoadError)
              else f"could not be read ({type(error).__name__})")
    return Problem(display_path(file_id), reason)


def load_file(file: ArticleFile) -> Article | Problem:
    """Load one file as an `Article`, or say in a `Problem` why it can't be."""
    try:
        return read_article(file)[1]
    except Exception as error:
        return problem_of(file.id, error)
