"""Find in the open article: every place one of the words occurs, block by block."""

from __future__ import annotations

from reader.core.model import Document
from reader.core.search.fold import highlights


def find_in_document(document: Document, words: list[str]) -> list[tuple[int, int, int]]:
    """Every place in `document` where one of `words` occurs: (block, start, end), in order."""
    found = []
    for number, block in enumerate(document.blocks):
        text = block.text
        if not text:
            continue
        for start, end in highlights(text, words):
            found.append((number, start, end))
    return found
