"""The sidebar's rows (reader.core.outline): what stays put as groups change."""

from __future__ import annotations

from datetime import UTC, datetime

from reader.core.grouping import by_date
from reader.core.model import Article, DateSource
from reader.core.outline import Outline


def article(n: int, month: int, day: int) -> Article:
    return Article(f"{month}/{n}.md", f"文章{n}", datetime(2022, month, day, tzinfo=UTC),
                   DateSource.FRONT_MATTER)


def test_the_cursor_row_is_found_again_as_rows_arrive_above() -> None:
    """A first index fills the list newest-last; the row under the cursor must stay the
    same article even when newer months arrive above and its month splits into days."""
    early = [article(n, 3, 1 + n % 20) for n in range(10)]
    outline = Outline()
    outline.show(by_date(early), keep_open=False)
    at = outline.reveal("3/4.md")
    row = outline.rows[at]
    later = sorted([article(n, 5, 1 + n % 28) for n in range(100)] + [
        article(n, 3, 1 + n % 20) for n in range(40)], key=lambda a: a.date, reverse=True)
    outline.show(by_date(later), keep_open=True)
    outline.reveal("3/4.md")
    found = outline.index_of(row, 0)
    assert outline.rows[found].article == "3/4.md"
    assert outline.rows[found].depth == 2  # now under its day


def test_order_and_articles_under_a_group() -> None:
    outline = Outline()
    outline.show(by_date([article(n, 5, 1 + n) for n in range(3)] + [article(9, 4, 2)]),
                 keep_open=False)
    assert outline.order() == ["5/0.md", "5/1.md", "5/2.md", "4/9.md"]
    assert outline.position("4/9.md") == 3 and outline.position("nope") == -1
    assert outline.articles_under("date:2022-04") == ["4/9.md"]
