"""Code coloured by its fence's language, with the lexers Rich already ships (Pygments).

Only the runs and their token types are worked out here; the UI picks the colours (a
theme that reads on dark and light backgrounds alike).
"""

from __future__ import annotations

from typing import Any

#: Longer code is shown plain: lexing it would hold up the screen for no reader's gain.
MAX_HIGHLIGHTED = 200_000


def code_tokens(code: str, language: str) -> list[tuple[int, int, Any]]:
    """`code` as (start, end, Pygments token type) runs, for the lexer named `language`
    (`python`, `rb`, `shell`…); [] when the language is unknown or none is given."""
    if not language or not code or len(code) > MAX_HIGHLIGHTED:
        return []
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language.lower(), stripnl=False, ensurenl=False,
                                  tabsize=0)
    except (ClassNotFound, ValueError):
        return []
    runs: list[tuple[int, int, Any]] = []
    position = 0
    try:
        for token_type, value in lexer.get_tokens(code):
            if value:
                runs.append((position, position + len(value), token_type))
                position += len(value)
    except Exception:  # a lexer bug on odd code costs its colours, not the article
        return []
    return runs if position == len(code) else []


def code_block_tokens(document) -> dict[int, list[tuple[int, int, Any]]]:
    """Every code block of `document` as its token runs, by block ([] without a language)."""
    from reader.core.model import BlockKind

    return {number: code_tokens(block.text, block.language) if block.language else []
            for number, block in enumerate(document.blocks) if block.kind is BlockKind.CODE}
