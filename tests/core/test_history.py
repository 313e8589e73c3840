"""Back and forward (reader.core.history), with articles deleted on the way."""

from __future__ import annotations

from reader.core.history import History


def history(items: str, at: int) -> History:
    found = History()
    for item in items:
        found.visit(item)
    found.place = at
    return found


def test_back_and_forward_skip_what_is_gone_and_nothing_more() -> None:
    assert history("xabc", 3).step(-1, lambda a: a != "b") == "a"  # not x
    assert history("abc", 2).step(-1, lambda a: a != "b") == "a"
    assert history("abc", 2).step(-1, lambda a: a == "c") is None  # never the one shown
    assert history("abcd", 0).step(1, lambda a: a != "b") == "c"
    assert history("abc", 0).step(1, lambda a: a == "a") is None


def test_visiting_after_going_back_drops_what_was_ahead() -> None:
    found = history("abc", 2)
    assert found.step(-1, lambda a: True) == "b"
    found.visit("d")
    assert found.visited == ["a", "b", "d"] and found.step(1, lambda a: True) is None
