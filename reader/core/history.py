"""Back and forward between the articles opened, as in a browser."""

from __future__ import annotations


class History:
    """The articles opened, in order, and where in that list the reader stands."""

    def __init__(self, limit: int = 500) -> None:
        self.visited: list[str] = []
        self.place = -1
        self.limit = limit

    def visit(self, article_id: str) -> None:
        """An article was opened (not by going back or forward): what was ahead is gone."""
        if 0 <= self.place < len(self.visited) and self.visited[self.place] == article_id:
            return
        del self.visited[self.place + 1 :]
        self.visited.append(article_id)
        if len(self.visited) > self.limit:
            del self.visited[0]
        self.place = len(self.visited) - 1

    def back(self) -> str | None:
        """The article before this one, stepping there; None at the start."""
        if self.place <= 0:
            return None
        self.place -= 1
        return self.visited[self.place]

    def forward(self) -> str | None:
        """The article after this one (after going back), stepping there; None at the end."""
        if self.place + 1 >= len(self.visited):
            return None
        self.place += 1
        return self.visited[self.place]

    @property
    def current(self) -> str | None:
        """The article the reader stands on in the history, or None."""
        return self.visited[self.place] if 0 <= self.place < len(self.visited) else None

    def step(self, step: int, exists) -> str | None:
        """Back (`step` < 0) or forward to the nearest article `exists` says is still
        there, forgetting those that are gone; None when there is none that way."""
        here = self.current
        target = self.back() if step < 0 else self.forward()
        while target is not None and not exists(target):
            self.forget(target)  # the place is now on the entry before the gone one
            target = self.current if step < 0 else self.forward()
            if target == here:
                return None
        return target

    def forget(self, article_id: str) -> None:
        """An article is gone from the archive: going back skips it."""
        kept = [(i, a) for i, a in enumerate(self.visited) if a != article_id]
        self.place = max(sum(1 for i, _ in kept if i <= self.place) - 1, -1 if not kept else 0)
        self.visited = [a for _, a in kept]
