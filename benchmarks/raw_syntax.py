"""Count the articles that show raw source syntax, corpus by corpus.

    python benchmarks/raw_syntax.py [--width 100] [--show 3] [ROOT ...]

Renders every article of every corpus under ../shared/corpora and of the sample archive
(or of the ROOTs given) exactly as the article pane lays it out, and counts, outside code
blocks and inline code, the articles whose shown text holds `**`, `[^`, `{%`, `{{`, `![`, `](` or a
table's `|---`: syntax that a reader of the rendered site never sees. `--show N` prints
the first N lines found of each kind, so each one left can be explained.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reader.core.convert.render import render_article  # noqa: E402
from reader.core.files.archive import load_archive  # noqa: E402
from reader.core.layout.lines import layout  # noqa: E402
from reader.core.model import BlockKind  # noqa: E402

PATTERNS = ("**", "[^", "{%", "{{", "|---", "![", "](")


def raw_lines(root: Path, width: int) -> dict[str, dict[str, list[str]]]:
    """For each pattern, the articles that show it and the lines where they do."""
    archive = load_archive(root)
    found: dict[str, dict[str, list[str]]] = {pattern: {} for pattern in PATTERNS}
    for article in archive.newest_first():
        document = render_article(root, article)
        for line in layout(document, width):
            if line.block >= 0 and document.blocks[line.block].kind is BlockKind.CODE:
                continue
            # Inline code shows syntax on purpose (`**kwargs`): only the rest counts.
            text = "\x00".join(span.text for span in line.spans
                                if "code" not in span.style.split())
            for pattern in PATTERNS:
                if pattern in text:
                    found[pattern].setdefault(article.id, []).append(text.strip())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--width", type=int, default=100)
    parser.add_argument("--show", type=int, default=0)
    options = parser.parse_args()
    roots = options.roots or [
        *sorted(p for p in (HERE.parent.parent / "shared" / "corpora").glob("*") if p.is_dir()),
        HERE.parent / "sample_archive",
    ]
    print(f"{'archive':28} {'articles':>8}  " + "  ".join(f"{p:>6}" for p in PATTERNS)
          + "  any")
    for root in roots:
        found = raw_lines(root, options.width)
        total = len(load_archive(root).articles)
        any_count = len({article for hits in found.values() for article in hits})
        counts = Counter({pattern: len(hits) for pattern, hits in found.items()})
        print(f"{root.name:28} {total:>8}  "
              + "  ".join(f"{counts[p]:>6}" for p in PATTERNS) + f"  {any_count:>3}")
        if options.show:
            for pattern, hits in found.items():
                for article, lines in list(hits.items())[: options.show]:
                    print(f"    {pattern!r} {article}: {lines[0][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
