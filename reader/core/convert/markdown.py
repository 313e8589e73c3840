"""Markdown (written by an author, or converted from HTML) into the reader's `Document`.

The article pane and `reader show` draw from the same blocks. Bold subheadings become
headings, images become numbered placeholders, links keep their targets.
"""

from __future__ import annotations

import re
import textwrap
import types
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar
from mdit_py_plugins.footnote import footnote_plugin
from rich.cells import cell_len

from reader.core.convert.cjk_emphasis import CjkFriendlyState, is_cjk
from reader.core.convert.extract import attributes as tag_attributes
from reader.core.convert.html import SUPERSCRIPT, html_to_markdown, mark_html_footnotes
from reader.core.model import Block, BlockKind, Document, Image, Link, Span, cell_padding
from reader.core.sanitize import (
    EMPHASIS_MARK,
    MAX_ALT,
    NOTE_MARK,
    STRONG_MARK,
    clean_line,
    clean_text,
    keep_marks_clean,
)
from reader.core.urls import refusal, resolve, unwrap_proxy

_INLINE_TAG = re.compile(r"^<(/?)([a-zA-Z][\w-]*)([^>]*)>$")
_MARKS = re.compile(f"([{STRONG_MARK}{EMPHASIS_MARK}]|{NOTE_MARK}\\d+{NOTE_MARK})")
SUBHEADING_LEVEL = 3
MAX_SUBHEADING = 120


def _is_wide(char: str) -> bool:
    return cell_len(char) == 2


def _parse_inline(inline: ParserInline, src: str, md: MarkdownIt, env: Any,
                  tokens: list[Token]) -> list[Token]:
    """`ParserInline.parse`, with the CJK-friendly emphasis rules."""
    state = CjkFriendlyState(src, md, env, tokens)
    inline.tokenize(state)
    for rule in inline.ruler2.getRules(""):
        rule(state)
    return state.tokens


def _plausible_math(rule: Callable[[StateInline, bool], bool]
                    ) -> Callable[[StateInline, bool], bool]:
    """The inline `$…$` rule, refusing a span with Chinese, Japanese or Korean in it: that
    is prose between two dollar signs (`**$** 分别用 **$$** 表示`), not math."""
    def plausible(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if start and (state.src[start - 1].isalnum() or state.src[start - 1] == "\\"):
            return False  # `US$5`, `\$`
        if not rule(state, True):
            return False
        found, end, state.pos = state.src[start : state.pos], state.pos, start
        after = state.src[end] if end < len(state.src) else " "
        if any(is_cjk(char) for char in found) or after.isalnum() or after in "\\{":
            return False  # `$(libdir)/ruby/$\{version}` is a shell path
        return rule(state, silent)

    return plausible


_PAREN_MATH = re.compile(r"\\\((.{1,2000}?)\\\)", re.DOTALL)
_LOOKS_LIKE_MATH = re.compile(r"\\[a-zA-Z]+|[\^_][\w{]|=|\\[{}]")


def _paren_math(state: StateInline, silent: bool) -> bool:
    r"""`\(x^2\)`: inline math as MathJax writes it. CommonMark reads `\(` as an escaped
    bracket, and authors write `Trait_\(programming\)` or `\(see above\)`, so only a
    span that looks like math (a command, a power, an equation) is taken."""
    start = state.pos
    if not state.src.startswith("\\(", start):
        return False
    if start and (state.src[start - 1].isalnum() or state.src[start - 1] in "_\\"):
        return False
    match = _PAREN_MATH.match(state.src, start)
    if not match or "\n\n" in match.group(1) or not _LOOKS_LIKE_MATH.search(match.group(1)):
        return False
    if any(is_cjk(char) for char in match.group(1)):
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = match.group(1)
        token.markup = "\\("
    state.pos = match.end()
    return True


def _keep_unreferenced(state: StateCore) -> None:
    """Notes nothing in the text refers to stay, after the others: the footnote plugin drops
    them, and with them text the author wrote (`[^2]: …` at the end of a post)."""
    data = state.env.get("footnotes")
    if not data:
        return
    notes = data.setdefault("list", {})
    listed = {note.get("label") for note in notes.values()}
    for token in state.tokens:
        if token.type == "footnote_reference_open" and token.meta["label"] not in listed:
            listed.add(token.meta["label"])
            notes[max(notes, default=-1) + 1] = {"label": token.meta["label"], "count": 0}


def _parser(html: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": html})
    parser.inline.parse = types.MethodType(_parse_inline, parser.inline)  # type: ignore[method-assign]
    # Converted HTML may hold a literal `~~` that html2text does not escape.
    parser.enable(["table", "strikethrough"] if html else ["table"])
    if html:  # an author's Markdown: footnotes and math, as the blog engines render them
        parser.use(footnote_plugin)
        parser.core.ruler.before("footnote_tail", "unreferenced_notes", _keep_unreferenced)
        # `$5 and $10` is money: a dollar followed by a space or a digit is no math.
        parser.use(dollarmath_plugin, allow_space=False, allow_digits=False,
                   double_inline=True, allow_labels=False)
        parser.inline.ruler.at("math_inline", _plausible_math(
            math_inline_dollar(False, False, True)))  # no space, no digits, `$$` too
        parser.inline.ruler.before("escape", "math_paren", _paren_math)
    # markdown-it drops links it deems unsafe, leaving them as plain text; the reader lists
    # every link instead, and its own check (`reader.core.urls.refusal`) says which open.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


_MARKDOWN = _parser(html=True)
_CONVERTED = _parser(html=False)


class _Builder:
    """Walks markdown-it tokens, keeping image and link numbering across nested HTML."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.document = Document()
        self._image_numbers: dict[str, int] = {}
        self._fallbacks: dict[str, str] = {}
        self._link_numbers: dict[str, int] = {}

    # -- numbering -------------------------------------------------------------------------
    def image(self, src: str, alt: str) -> int:
        src = clean_text(src).strip()
        real, proxied = unwrap_proxy(src)
        proxied = proxied or self._fallbacks.get(src, "")
        if proxied and refusal(proxied) is not None:
            proxied = ""  # a data: placeholder is no fallback
        real = _readable(resolve(real, self.base_url))
        key = real
        if key not in self._image_numbers:
            number = len(self.document.images) + 1
            self._image_numbers[key] = number
            alt_text = clean_line(alt, MAX_ALT)  # a long one ends in "…", never cut silently
            self.document.images.append(Image(number, real, alt_text, proxied))
        return self._image_numbers[key]

    def link(self, href: str, text: str) -> int:
        real = _readable(resolve(clean_text(href).strip(), self.base_url))
        if real not in self._link_numbers:
            number = len(self.document.links) + 1
            self._link_numbers[real] = number
            self.document.links.append(Link(number, real, " ".join(clean_text(text).split())[:300]))
        return self._link_numbers[real]

    # -- blocks ----------------------------------------------------------------------------
    def add_markdown(self, text: str, html_origin: bool, quote: int = 0, indent: int = 0) -> None:
        parser = _CONVERTED if html_origin else _MARKDOWN
        tokens = parser.parse(text if html_origin else mark_html_footnotes(clean_text(text)))
        self._walk(tokens, quote, indent)

    def add_html(self, markup: str, quote: int = 0, indent: int = 0,
                 cleaned: bool = False) -> None:
        converted = html_to_markdown(markup, cleaned=cleaned)
        self.document.notes.extend(converted.notes)
        self._fallbacks.update(converted.fallbacks)
        if converted.plain:
            for paragraph in converted.markdown.split("\n\n"):
                if paragraph.strip():
                    self.document.blocks.append(
                        Block(BlockKind.PARAGRAPH, [Span(paragraph.strip())], quote=quote,
                              indent=indent)
                    )
            return
        self.add_markdown(converted.markdown, html_origin=True, quote=quote, indent=indent)

    def _walk(self, tokens: list[Token], quote: int, indent: int) -> None:
        lists: list[dict[str, Any]] = []
        item_prefix: str | None = None
        blocks = self.document.blocks
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "blockquote_open":
                quote += 1
            elif kind == "blockquote_close":
                quote -= 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                ordered = kind == "ordered_list_open"
                start = int(token.attrGet("start") or 1) if ordered else 0
                # Every number of the list right-aligned in one width (` 9.`, `10.`), so
                # that wrapped lines of every item start in the same column.
                last = start + _count_items(tokens, i) - 1
                lists.append({"ordered": ordered, "next": start,
                              "width": len(str(last)) + 2 if ordered else 2,
                              "tight": token.hidden or _is_tight(tokens, i)})
            elif kind == "footnote_block_open":
                blocks.append(Block(BlockKind.RULE, quote=quote, indent=indent))
                last = _count_items(tokens, i, "footnote")
                lists.append({"ordered": True, "next": 1, "width": len(str(last)) + 2,
                              "tight": True})
            elif kind in ("bullet_list_close", "ordered_list_close", "footnote_block_close"):
                lists.pop()
            elif kind in ("list_item_close", "footnote_close"):
                item_prefix = None  # an item with no paragraph (only code, a heading…)
            elif kind == "footnote_open":
                number = int(token.meta.get("id", 0)) + 1
                item_prefix = f"{number}.".rjust(lists[-1]["width"] - 1) + " "
            elif kind == "list_item_open":
                current = lists[-1]
                if current["ordered"]:
                    item_prefix = f"{current['next']}.".rjust(current["width"] - 1) + " "
                    current["next"] += 1
                else:
                    item_prefix = ("•", "◦", "▪")[(len(lists) - 1) % 3] + " "
            elif kind == "heading_open":
                level = int(token.tag[1])
                spans = self._inline(tokens[i + 1], base_style="bold")
                blocks.append(Block(BlockKind.HEADING, spans, level=level, quote=quote,
                                    indent=self._indent(lists, indent)))
                i += 2
            elif kind == "paragraph_open":
                spans = self._inline(tokens[i + 1])
                list_indent = self._indent(lists, indent)
                if item_prefix is not None:
                    prefix, list_indent = item_prefix, list_indent - cell_len(item_prefix)
                    item_prefix = None
                else:
                    prefix = ""
                block = Block(BlockKind.PARAGRAPH, spans, prefix=prefix, indent=list_indent,
                              quote=quote)
                if not prefix and not lists and not quote and _is_subheading(spans):
                    block = Block(BlockKind.HEADING, [Span(s.text, "bold") for s in spans],
                                  level=SUBHEADING_LEVEL, indent=indent)
                if spans:
                    blocks.append(block)
                i += 2
            elif kind in ("fence", "code_block"):
                code = clean_text(token.content).expandtabs(4).rstrip("\n")
                language = token.info.split()[0] if kind == "fence" and token.info.strip() else ""
                blocks.append(Block(BlockKind.CODE, [Span(code, "code")], quote=quote,
                                    indent=self._indent(lists, indent),
                                    language=clean_line(language, 40)))
            elif kind in ("math_block", "math_block_label"):
                math = clean_text(token.content).strip("\n")
                blocks.append(Block(BlockKind.CODE, [Span(math, "math")], quote=quote,
                                    indent=self._indent(lists, indent)))
            elif kind == "hr":
                blocks.append(Block(BlockKind.RULE, quote=quote,
                                    indent=self._indent(lists, indent)))
            elif kind == "html_block":
                inside = markdown_inside(token.content)
                if inside is not None:
                    self.add_markdown(inside, False, quote, self._indent(lists, indent))
                else:
                    self.add_html(token.content, quote, self._indent(lists, indent),
                                  cleaned=True)
            elif kind == "table_open":
                i = self._table(tokens, i, quote, self._indent(lists, indent))
            i += 1

    @staticmethod
    def _indent(lists: list[dict[str, Any]], base: int) -> int:
        return base + sum(current["width"] for current in lists)

    def _table(self, tokens: list[Token], i: int, quote: int, indent: int) -> int:
        rows: list[list[str]] = []
        row: list[str] = []
        asked: dict[int, str] = {}  # the alignment row's choices (`---:`), column by column
        while tokens[i].type != "table_close":
            token = tokens[i]
            if token.type in ("th_open", "td_open"):
                asked_style = str(token.attrGet("style"))
                if "right" in asked_style or "center" in asked_style:  # `---:`, `:---:`
                    asked[len(row)] = "right" if "right" in asked_style else "center"
            if token.type == "tr_open":
                row = []
            elif token.type == "tr_close":
                rows.append(row)
            elif token.type == "inline":
                row.append("".join(span.text for span in self._inline(token)).replace("\n", " "))
            i += 1
        if rows:
            columns = max(len(r) for r in rows)
            rows = [[cell.strip() for cell in r] + [""] * (columns - len(r)) for r in rows]
            widths = [max(cell_len(r[c]) for r in rows) for c in range(columns)]
            align = tuple(asked.get(c) or ("right" if _numeric(r[c] for r in rows[1:]) else "")
                          for c in range(columns))
            # The text at its natural width, as `reader show` and find read it; `cells` says
            # where each cell lies in it, so a narrower screen can wrap cells in their columns.
            text = ""
            cells: list[tuple[tuple[int, int], ...]] = []
            for number, row in enumerate(rows):
                bounds = []
                for c, cell in enumerate(row):
                    if c:
                        text += " │ "
                    before, after = cell_padding(widths[c] - cell_len(cell), align[c])
                    text += " " * before
                    bounds.append((len(text), len(text) + len(cell)))
                    text += cell + " " * after
                text = text.rstrip(" ") + "\n"
                cells.append(tuple(bounds))
                if number == 0:
                    text += "─┼─".join("─" * w for w in widths) + "\n"
            self.document.blocks.append(
                Block(BlockKind.TABLE, [Span(text.rstrip("\n"))], quote=quote, indent=indent,
                      cells=tuple(cells), align=align)
            )
        return i

    # -- inline ----------------------------------------------------------------------------
    def _inline(self, token: Token, base_style: str = "") -> list[Span]:
        spans: list[Span] = []
        strong = emphasis = strike = raised = 0  # raised: inside `<sup>`
        mark_strong = mark_emphasis = False
        link_stack: list[tuple[int, int]] = []  # (link number, index of first span)
        children = token.children or []
        previous_text = ""

        def style() -> str:
            words = [base_style] if base_style else []
            if strong or mark_strong:
                words.append("bold")
            if emphasis or mark_emphasis:
                words.append("italic")
            if strike:
                words.append("strike")
            if link_stack:
                words.append("link")
            return " ".join(dict.fromkeys(w for w in " ".join(words).split()))

        def add(text: str, span_style: str | None = None, target: int | None = None) -> None:
            nonlocal previous_text
            if previous_text.endswith("\n"):  # a line starts after `<br>`: not with a space
                text = text.lstrip(" ")
            if not text:
                return
            if target is None and link_stack:
                target = link_stack[-1][0] - 1
            current = span_style if span_style is not None else style()
            if spans and spans[-1].style == current and spans[-1].target == target:
                spans[-1] = Span(spans[-1].text + text, current, target)
            else:
                spans.append(Span(text, current, target))
            previous_text = text

        def add_note(number: int) -> None:
            """A note's marker; beside another one, a thin space between (`¹ ²`, not `¹²`,
            which reads as note twelve)."""
            if spans and spans[-1].style == "note-ref":
                add(NOTE_GAP, "note-ref")
            add(superscript(number), "note-ref")

        def add_with_addresses(text: str) -> None:
            """Text with bare addresses in it (`see https://…`): each a link, in the links
            list, as a site's Markdown engine (GFM's autolinks) shows it."""
            at = 0
            for match in _BARE_URL.finditer(text):
                url = _without_trailing_marks(match.group(0))
                add(text[at : match.start()])
                add(url, f"{style()} link".strip(), self.link(url, url) - 1)
                at = match.start() + len(url)
            add(text[at:])

        for index, child in enumerate(children):
            kind = child.type
            if kind == "text":
                for piece in _MARKS.split(keep_marks_clean(child.content)):
                    if piece == STRONG_MARK:
                        mark_strong = not mark_strong
                    elif piece == EMPHASIS_MARK:
                        mark_emphasis = not mark_emphasis
                    elif piece.startswith(NOTE_MARK):
                        add_note(int(piece.strip(NOTE_MARK)))
                    elif raised and piece.strip().isdigit():  # `x<sup>2</sup>`: x²
                        add(piece.strip().translate(SUPERSCRIPT))
                    elif link_stack or "://" not in piece:
                        add(piece.replace("\t", " "))
                    else:
                        add_with_addresses(piece.replace("\t", " "))
            elif kind == "softbreak":
                if previous_text.endswith("\n"):
                    continue  # the line ended at a `<br>` already
                after = _next_text(children, index)
                if previous_text and after and _is_wide(previous_text[-1]) and _is_wide(after[0]):
                    continue  # a line break inside Chinese text is not a space
                add(" ")
            elif kind == "hardbreak":
                add("\n")
            elif kind == "code_inline":
                add(clean_text(child.content), f"code {style()}".strip())
            elif kind in ("math_inline", "math_inline_double"):
                add(clean_text(child.content), "math")
            elif kind == "footnote_ref":
                add_note(int(child.meta.get("id", 0)) + 1)
            elif kind == "strong_open":
                strong += 1
            elif kind == "strong_close":
                strong -= 1
            elif kind == "em_open":
                emphasis += 1
            elif kind == "em_close":
                emphasis -= 1
            elif kind == "s_open":
                strike += 1
            elif kind == "s_close":
                strike -= 1
            elif kind == "link_open":
                href = str(child.attrGet("href") or "")
                text = _link_text(children, index)
                link_stack.append((self.link(href, text), len(spans)))
            elif kind == "link_close":
                if link_stack:
                    link_stack.pop()
            elif kind == "image":
                alt = "".join(c.content for c in child.children or []) or child.content
                self._add_image(add, str(child.attrGet("src") or ""), alt)
            elif kind == "html_inline":
                match = _INLINE_TAG.match(child.content.strip())
                if match:
                    step = -1 if match.group(1) else 1
                    name = match.group(2).lower()
                    if name == "sup":
                        raised = max(raised + step, 0)
                    elif name in ("b", "strong"):
                        strong = max(strong + step, 0)
                    elif name in ("i", "em"):
                        emphasis = max(emphasis + step, 0)
                    elif step == 1:
                        self._inline_html(name, match.group(3), add)
        return [span for span in spans if span.text]

    def _add_image(self, add: Callable[..., None], src: str, alt: str) -> None:
        number = self.image(src, alt)
        label = f"[image {number}: {self.document.images[number - 1].alt}]" if (
            self.document.images[number - 1].alt
        ) else f"[image {number}]"
        add(label, "image", number - 1)

    def _inline_html(self, name: str, attributes: str, add: Callable[..., None]) -> None:
        """Inline HTML in a Markdown body: line breaks and images matter, other tags go."""
        if name == "br":
            add("\n")
        elif name == "img":
            attrs = tag_attributes(attributes)
            src = attrs.get("data-original") or attrs.get("data-src") or attrs.get("src") or ""
            if src:
                self._add_image(add, src, attrs.get("alt", ""))


_NUMBER = re.compile(r"^[-+−]?[$€£¥￥]?\d[\d,.\u202f ]*(?:%|‰|[kKMGT]i?B?|x)?$")


def _numeric(cells: Iterable[str]) -> bool:
    """A column of numbers (a blank cell allowed), to be aligned right."""
    filled = [cell for cell in cells if cell.strip() and cell.strip() not in ("-", "—", "–")]
    return bool(filled) and all(_NUMBER.match(cell.strip()) for cell in filled)


def _readable(address: str) -> str:
    """A path in the archive as its files are named: markdown-it percent-encodes `图.png`."""
    if "%" not in address or _SCHEME.match(address):
        return address
    decoded = unquote(address)
    # `%6Aavascript:` must keep its disguise visible, and refused.
    return address if _SCHEME.match(decoded) else clean_text(decoded)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def superscript(number: int) -> str:
    """A footnote's marker in the text: its number in superscript digits."""
    return str(number).translate(SUPERSCRIPT)


def _count_items(tokens: list[Token], index: int, kind: str = "list_item") -> int:
    """How many items the list opened at `tokens[index]` has (nested lists not counted)."""
    depth, count = 0, 0
    for token in tokens[index:]:
        depth += token.nesting if token.type.endswith(("_list_open", "_list_close",
                                                       "_block_open", "_block_close")) else 0
        if token.type == f"{kind}_open" and depth == 1:
            count += 1
        if depth == 0:
            break
    return max(count, 1)


def _next_text(children: list[Token], index: int) -> str:
    for child in children[index + 1 :]:
        if child.type == "text" and child.content:
            return child.content
        if child.type in ("softbreak", "hardbreak", "image"):
            return ""
    return ""


def _link_text(children: list[Token], index: int) -> str:
    parts = []
    for child in children[index + 1 :]:
        if child.type == "link_close":
            break
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
    return "".join(parts).replace(STRONG_MARK, "").replace(EMPHASIS_MARK, "")


def _is_tight(tokens: list[Token], index: int) -> bool:
    for token in tokens[index + 1 :]:
        if token.type == "paragraph_open":
            return token.hidden
    return True


def _is_subheading(spans: list[Span]) -> bool:
    """A paragraph that is only bold text, short, with no image: a crawler's subheading."""
    text = "".join(span.text for span in spans).strip()
    if not text or len(text) > MAX_SUBHEADING or "\n" in text:
        return False
    return all("bold" in span.style.split() or not span.text.strip() for span in spans) and not any(
        span.style == "image" for span in spans
    )


def build_document(body: str, is_html: bool, base_url: str = "") -> Document:
    """Convert an article body into a `Document` of blocks, images and links."""
    builder = _Builder(base_url)
    if is_html:
        builder.add_html(body)
    else:
        builder.add_markdown(body, html_origin=False)
    return builder.document


def shown_text(document: Document) -> str:
    """The text a reader sees of a document, as search matches it: every block's text,
    blocks apart by a space, image placeholders (`[image 1]`) left out, a table's cells
    apart by a space (its bars and rule are drawing, not text)."""
    return " ".join(
        " ".join(block.text[a:b] for row in block.cells for a, b in row if b > a)
        if block.cells else
        "".join(span.text for span in block.spans if span.style != "image")
        for block in document.blocks
    )


def markdown_text(body: str, base_url: str = "") -> str:
    """What the reader shows of a Markdown body, through the same parser the article pane
    uses: link definitions, list markers and fences' language names are not text."""
    return shown_text(build_document(body, is_html=False, base_url=base_url))


#: A wrapper tag on a line of its own around lines of Markdown (`<center>` / `![](…)` /
#: `</center>`): CommonMark makes the whole of it raw HTML, and the picture showed as
#: `![](…)`; the writer meant the Markdown, centred.
_WRAPPED = re.compile(
    r"[ \t]*<(center|div|p|figure|span|section|aside|small|big|font)(?:\s[^<>]*)?>[ \t]*\n"
    r"([^<]*?)\n[ \t]*</\1>[ \t]*(?:\n|\Z)", re.IGNORECASE)


def markdown_inside(html: str) -> str | None:
    """The Markdown inside an HTML block that only wraps it in such tags, one after another
    (two `<center>` pictures with no blank line between), else None: the block is HTML, and
    anything with a tag inside goes to the HTML converter."""
    insides = []
    at = 0
    while at < len(html):
        match = _WRAPPED.match(html, at)
        if match is None:
            return None
        insides.append(textwrap.dedent(match.group(2)))  # HTML's indent is no code block
        at = match.end()
    return "\n\n".join(insides) if insides else None


#: Between two note markers side by side: a thin space, no break.
NOTE_GAP = "\u2009"

#: An address written out in the text: up to a space, a quote or wide punctuation.
_BARE_URL = re.compile(r"(?<![A-Za-z0-9.+-])https?://[^\s<>\"'`，。、；：！？（）【】「」『』《》“”‘’]+")


def _without_trailing_marks(url: str) -> str:
    """`url` less the sentence's punctuation after it (`…/19104.` `(see https://x/a)`), but
    with a closing bracket the address opened itself (`…/Invariant_(computer_science)`).
    One pass from the end, the brackets counted once."""
    pairs = {")": "(", "]": "[", "}": "{"}
    open_count = {opening: url.count(opening) for opening in "([{"}
    close_count = {closing: url.count(closing) for closing in ")]}"}
    end = len(url)
    while end and url[end - 1] in ".,;:!?*_~)]}":
        closing = url[end - 1]
        opening = pairs.get(closing)
        if opening is not None:
            if open_count[opening] >= close_count[closing]:
                break
            close_count[closing] -= 1
        end -= 1
    return url[:end]
