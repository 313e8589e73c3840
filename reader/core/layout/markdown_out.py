"""A `Document` written out as Markdown, for `reader show --format markdown`."""

from __future__ import annotations

from reader.core.model import BlockKind, Document, Span


def _inline(spans: list[Span], document: Document) -> str:
    out: list[str] = []
    index = 0
    while index < len(spans):
        span = spans[index]
        if "link" in span.style.split() and span.target is not None and span.style != "image":
            # A link's text may carry several styles; gather it up to the link's end.
            target = span.target
            text = []
            while index < len(spans) and spans[index].target == target and (
                "link" in spans[index].style.split()
            ):
                text.append(_styled(spans[index]))
                index += 1
            url = document.links[target].url if target < len(document.links) else ""
            out.append(f"[{''.join(text)}]({url})")
            continue
        out.append(_styled(span))
        index += 1
    return "".join(out)


def _styled(span: Span) -> str:
    words = span.style.split()
    text = span.text
    if "code" in words:
        return f"`{text}`"
    if "math" in words:
        return f"${text}$"
    if not text.strip():
        return text
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()) :]
    if "italic" in words:
        core = f"*{core}*"
    if "bold" in words and "title" not in words:
        core = f"**{core}**"
    if "strike" in words:
        core = f"~~{core}~~"
    return lead + core + tail


def to_markdown(document: Document) -> str:
    """The document as Markdown: headings, emphasis, links; images as their placeholders."""
    parts: list[str] = []
    for block in document.blocks:
        if block.kind is BlockKind.TITLE:
            parts.append(f"# {block.text}")
        elif block.kind is BlockKind.META:
            parts.append(block.text)
        elif block.kind is BlockKind.HEADING:
            parts.append("#" * max(block.level, 1) + " " + block.text.strip())
        elif block.kind is BlockKind.RULE:
            parts.append("---")
        elif block.kind is BlockKind.CODE and block.spans and block.spans[0].style == "math":
            parts.append("$$\n" + block.text + "\n$$")
        elif block.kind in (BlockKind.CODE, BlockKind.TABLE):
            parts.append(f"```{block.language}\n" + block.text + "\n```")
        else:
            quote = "> " * block.quote
            lead = " " * block.indent + block.prefix
            text = _inline(block.spans, document).replace("\n", "  \n" + quote + " " * len(lead))
            parts.append(quote + lead + text)
    return "\n\n".join(parts) + "\n"
