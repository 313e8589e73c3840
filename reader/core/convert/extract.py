"""Fast extraction of an article's text, images and links, for the index.

Converting every body through html2text costs a millisecond or more an article; the index
needs only the text a reader sees (for search) and the addresses (for the pickers), which
regular expressions give in a tenth of that. The article pane still uses the full converter.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from reader.core.sanitize import MAX_ALT, clean_line, clean_text
from reader.core.urls import resolve, unwrap_proxy

#: Comments and the elements whose text a reader never shows. Removed before conversion
#: and extraction; an unclosed one runs to the end of the body, as a browser would treat it.
#: Attribute runs stop at the next `<`, so a flood of unclosed tags is scanned once.
HIDDEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|noscript|template|svg|head|title|iframe|object)\b"
    r"[^<>]{0,4000}>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)

_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]{1,4000})""", re.IGNORECASE)
#: A picture no reader sees: a tracking pixel (1×1, or not displayed).
_INVISIBLE = re.compile(r"""\b(?:width|height)\s*=\s*["']?[01]\b|display\s*:\s*none""",
                        re.IGNORECASE)


def without_hidden(markup: str) -> str:
    """`markup` less what a reader never shows (`HIDDEN`: comments, scripts, styles…), but
    for the pictures of a `<noscript>`: a terminal runs no script, and a chart a script
    draws is its picture there (the Rust survey posts' charts were missing). One pass, so a
    `<noscript>` inside a comment or a script's string is part of that, and goes with it.
    Not a tracking pixel, nor the same picture as just before it (a lazy `<img data-src>`
    and its fallback are one picture)."""
    def hidden(match: re.Match[str]) -> str:
        if (match.group(1) or "").lower() != "noscript":
            return ""
        before = markup[max(match.start() - 3000, 0) : match.start()]
        return "".join(img.group(0) for img in _IMG.finditer(match.group(0))
                       if not _INVISIBLE.search(img.group(1))
                       and ((src := _SRC.search(img.group(1))) is None
                            or src.group(1) not in before))

    return HIDDEN.sub(hidden, markup)


# Every repetition is bounded: an unclosed `<a ` repeated 40,000 times must cost a linear
# scan, not a quadratic one.
# Attribute runs stop at the next `<`, so each tag is scanned once.
_IMG = re.compile(r"<img\b([^<>]{0,4000})>", re.IGNORECASE)
_ANCHOR_TAG = re.compile(r"<a\b([^<>]{0,4000})>|</a\s*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]{1,100})\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_MD_IMAGE = re.compile(
    r"!\[([^\[\]\n]{0,1000})\]\(\s*<?([^)\s>]{1,4000})>?(?:\s+\"[^\"\n]{0,1000}\")?\s*\)"
)
_MD_LINK = re.compile(
    r"(?<!!)\[([^\[\]\n]{1,1000})\]\(\s*<?([^)\s>]{1,4000})>?(?:\s+\"[^\"\n]{0,1000}\")?\s*\)"
)
_MD_MARKS = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|\*\*|__|`+|~~")
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote section article header "
    "footer pre hr figure figcaption dd dt dl".split()
)
_SPACE = re.compile(r"\s+")


_ANY_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>?|<[!?/][^>]*>?")


def _gap(match: re.Match[str]) -> str:
    """Block tags separate words; inline ones (`<strong>` inside a word) do not."""
    name = match.group(2)
    return " " if name is not None and name.lower() in _BLOCK_TAGS else ""


def _strip_tags(markup: str) -> str:
    return _ANY_TAG.sub(_gap, markup)


def html_text(markup: str) -> str:
    """The text of an HTML body, in one pass: hidden parts dropped, tags removed."""
    return html.unescape(_strip_tags(without_hidden(markup)))


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    images: list[tuple[str, str, str]]  # (address, alt, proxied form)
    links: list[tuple[str, str]]  # (address, text)


def attributes(source: str) -> dict[str, str]:
    """The attributes of a tag (the text after its name), lowercased names, unescaped."""
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(source)
    }


def extract(body: str, is_html: bool, base_url: str = "", clean: bool = True) -> Extracted:
    """The text a reader sees (whitespace folded), and the images and links in order.

    `clean=False` leaves the text raw (controls in, whitespace unfolded) for a caller that
    passes it through `normalise`, which does both in its own pass.
    """
    images: list[tuple[str, str, str]] = []
    links: list[tuple[str, str]] = []
    seen_images: set[str] = set()
    seen_links: set[str] = set()

    def add_image(src: str, alt: str) -> None:
        real, proxied = unwrap_proxy(clean_text(src))
        real = resolve(real, base_url)
        if real and real not in seen_images:
            seen_images.add(real)
            images.append((real, clean_line(alt, MAX_ALT), proxied))

    def add_link(href: str, text: str) -> None:
        real = resolve(clean_text(href).strip(), base_url)
        if real and real not in seen_links:
            seen_links.add(real)
            links.append((real, " ".join(clean_text(text).split())[:300]))

    visible = without_hidden(body)
    if not is_html:
        for match in _MD_IMAGE.finditer(visible):
            add_image(match.group(2), match.group(1))
    for match in _IMG.finditer(visible):
        attrs = attributes(match.group(1))
        src = attrs.get("data-original") or attrs.get("data-src") or attrs.get("src") or ""
        if src:
            add_image(src, attrs.get("alt", ""))
    if not is_html:
        for match in _MD_LINK.finditer(visible):
            add_link(match.group(2), match.group(1))
    opened: tuple[str, int] | None = None  # the href of the anchor open, where its text starts
    for match in _ANCHOR_TAG.finditer(visible):
        if match.group(1) is not None:
            href = attributes(match.group(1)).get("href")
            opened = (href, match.end()) if href else None
        elif opened is not None:
            add_link(opened[0], html_text(visible[opened[1] : match.start()][:4000]))
            opened = None

    if is_html:
        text = _strip_tags(visible)
    else:
        text = _MD_IMAGE.sub(lambda m: m.group(1), visible)
        text = _MD_LINK.sub(lambda m: m.group(1), text)
        text = _MD_MARKS.sub("", _strip_tags(text) if "<" in text else text)
    text = html.unescape(text)
    return Extracted(" ".join(clean_text(text).split()) if clean else text, images, links)
