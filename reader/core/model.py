"""The reader's vocabulary: articles, problems, and rendered documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class DateSource(str, Enum):
    """Where an article's date came from, so the UI can say when it is only a guess."""

    FRONT_MATTER = "front matter"
    FILE_NAME = "file name"
    PATH = "path"
    MODIFIED = "file modified"


@dataclass(frozen=True, slots=True)
class Article:
    """One article's metadata; the body is read again when the article is shown."""

    id: str  # path relative to the archive, with "/" separators
    title: str
    date: datetime | None
    date_source: DateSource
    categories: tuple[tuple[str, ...], ...] = ()
    tags: tuple[str, ...] = ()
    author: str = ""
    cover: str = ""
    link: str = ""
    is_html: bool = False
    size: int = 0
    mtime: float = 0.0
    encoding: str = "utf-8"
    #: The author's own summary (front-matter `description`, `summary`, `subtitle`…).
    summary: str = ""
    draft: bool = False
    #: A page that is not a post (an about page, a README, `layout: page`): listed apart.
    page: bool = False

    @property
    def category_paths(self) -> list[str]:
        """Each category as `outer › inner` text."""
        return [" › ".join(path) for path in self.categories]


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be loaded, and why, in one line."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style.

    `style` is a space-separated set of words the UI maps to colours: `bold`, `italic`,
    `code`, `math`, `strike`, `link`, `image`, `note-ref` (a footnote's marker). `target`
    is the index of the link or image.
    """

    text: str
    style: str = ""
    target: int | None = None


class BlockKind(str, Enum):
    TITLE = "title"
    META = "meta"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CODE = "code"
    RULE = "rule"
    TABLE = "table"


@dataclass(slots=True)
class Block:
    """One block of an article: a heading, a paragraph (maybe in a list or quote), code…

    `indent` and `prefix` lay out lists and quotes: the first line starts with `prefix`,
    the following lines with as many spaces; `quote` is the blockquote depth.
    """

    kind: BlockKind
    spans: list[Span] = field(default_factory=list)
    level: int = 0
    prefix: str = ""
    indent: int = 0
    quote: int = 0
    #: A table's cells, row by row, as (start, end) ranges of `text`.
    cells: tuple[tuple[tuple[int, int], ...], ...] = ()
    #: A table's alignment, column by column: "right" (numbers), "center" or "" (left).
    align: tuple[str, ...] = ()
    #: A code block's language, from its fence (`python`), for highlighting; or "".
    language: str = ""

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True, slots=True)
class Image:
    """An image of an article, numbered as its placeholder in the text."""

    number: int
    url: str
    alt: str = ""
    fallback: str = ""  # the proxied address the article used, when `url` was unwrapped


@dataclass(frozen=True, slots=True)
class Link:
    number: int
    url: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Heading:
    """An entry of the table of contents: a heading or a bold subheading."""

    title: str
    level: int
    block: int


@dataclass(slots=True)
class Document:
    """An article converted for reading: its blocks and what they refer to."""

    blocks: list[Block] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def toc(self) -> list[Heading]:
        return [
            Heading(block.text.strip(), block.level, index)
            for index, block in enumerate(self.blocks)
            if block.kind is BlockKind.HEADING and block.text.strip()
        ]


def cell_padding(pad: int, align: str) -> tuple[int, int]:
    """The spaces before and after a table cell `pad` cells short of its column, by its
    column's alignment ("right", "center" or "")."""
    if align == "right":
        return pad, 0
    if align == "center":
        return pad // 2, pad - pad // 2
    return 0, pad
