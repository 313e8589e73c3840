"""What the screen is given while an archive loads and changes (`reader.core.live`)."""

from __future__ import annotations

from pathlib import Path

from reader.cache import open_index
from reader.core import live
from reader.core.grouping import Grouping
from tests.conftest import write_files

POST = "---\ntitle: {title}\ndate: 2022-05-{day:02d}\ncategories: [科技, {cat}]\n---\n正文"


def test_classify_by_the_one_rule(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", {
        "p/a.md": "x", "p/_index.md": "x", "batch.2024/b.md": "x", "p/image.png": "x",
        ".git/c.md": "x", "node_modules/d.md": "x",
    })
    seen = live.classify(root, [str(root / name) for name in (
        "p/a.md", "p/_index.md", "batch.2024", "p/image.png", ".git/c.md",
        "node_modules/d.md", "gone.md", "gone-folder.2023", "p/.swap.md")])
    assert seen.ids == {"p/a.md", "gone.md"}
    assert seen.folders == {"batch.2024", "gone-folder.2023"}


def test_snapshots_first_page_whole_and_changes(tmp_path: Path) -> None:
    root = write_files(tmp_path / "a", {
        f"p/{n}.md": POST.format(title=f"文章{n}", day=n, cat="AI" if n % 2 else "芯片")
        for n in range(1, 6)
    })
    index = open_index(root)
    index.refresh()
    first = live.first_page(index, remembered="p/1.md")
    assert not first.complete and first.ordered[0].id == "p/5.md"
    whole = live.whole(index, Grouping.DATE, finished=True)
    assert whole.complete and len(whole.ordered) == 5
    # The palette's category tree and titles come with every snapshot.
    assert [g.label for g in whole.categories] == ["科技"]
    assert list(whole.titles.matching(["文章3"])) == [2]
    (root / "p" / "6.md").write_text(POST.format(title="新", day=6, cat="AI"), encoding="utf-8")
    (root / "p" / "1.md").unlink()
    changes = index.refresh()
    after = live.with_changes(index, whole, changes, Grouping.CATEGORY)
    assert [a.id for a in after.ordered] == ["p/6.md", "p/5.md", "p/4.md", "p/3.md", "p/2.md"]
    assert after.grouping is Grouping.CATEGORY and after.groups is after.categories
    index.close()


def test_status_and_since_last_time(tmp_path: Path) -> None:
    snapshot = live.Snapshot({}, [], [], Grouping.DATE)
    text = live.status_text(snapshot, "", True, Grouping.TAG, tmp_path)
    assert text.startswith("Loading… 0 articles") and "by tag" in text
    from reader.core.index.entries import Changes

    assert live.since_last_time(Changes(added=["a", "b"], removed=["c"])) == (
        "Since last time: 2 new, 1 removed")
    assert live.since_last_time(Changes()) == ""
