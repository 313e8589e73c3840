"""The key bar at the bottom: the keys in force for what has focus, as many as fit, whole.

Textual's footer cuts the last key mid-word on a narrow screen (`c By catego▏`); this one
leaves out what does not fit, and keeps `? Keys` (the way to every other key) and the
palette's key at the end whenever there is room for them.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.widget import Widget

GAP = "  "


def _written_order(node: object) -> dict[str, int]:
    """The actions of `node`'s class in the order its BINDINGS list them (a key the user
    rebinds moves to the end of Textual's active bindings; its place in the bar stays)."""
    merged = getattr(type(node), "_merged_bindings", None)
    order: dict[str, int] = {}
    for bindings in (merged.key_to_bindings.values() if merged is not None else ()):
        for binding in bindings:
            order.setdefault(binding.action, len(order))
    return order


def _in_written_order(entries: list[tuple[str, str, str, object]]
                      ) -> list[tuple[str, str, str, object]]:
    """`entries` by node (as Textual gives them), and within a node as its class wrote them."""
    nodes: dict[int, int] = {}
    orders: dict[int, dict[str, int]] = {}
    for _key, _description, _action, node in entries:
        nodes.setdefault(id(node), len(nodes))
        if id(node) not in orders:
            orders[id(node)] = _written_order(node)

    def place(entry: tuple[str, str, str, object]) -> tuple[int, int]:
        node = entry[3]
        return nodes[id(node)], orders[id(node)].get(entry[2], len(orders[id(node)]))

    return sorted(entries, key=place)


class KeyBar(Widget):
    """One line: `key description` pairs of the bindings shown in the footer."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        dock: bottom;
    }
    """

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}

    def __init__(self, *, lead: tuple[tuple[str, str], ...] = (), id: str | None = None
                 ) -> None:
        """`lead`: (key, description) pairs shown first that no binding of the screen holds
        (a list's own `enter`)."""
        super().__init__(id=id)
        self.lead = lead
        self._places: list[tuple[int, int, str, object]] = []  # start, end, action, node

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        self.refresh()

    def entries(self) -> list[tuple[str, str, str, object]]:
        """(key shown, description, action, node) of every binding the footer shows, once per
        action, then the palette's."""
        entries: list[tuple[str, str, str, object]] = [
            (key, description, "", None) for key, description in self.lead]
        actions: set[str] = set()
        active = self.screen.active_bindings
        for node, binding, enabled, _tooltip in active.values():
            if not binding.show or not enabled or binding.action in actions:
                continue
            actions.add(binding.action)
            entries.append((self.app.get_key_display(binding), binding.description,
                            binding.action, node))
        entries = entries[: len(self.lead)] + _in_written_order(entries[len(self.lead):])
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            entries.append((self.app.get_key_display(palette[1]), "Palette",
                            palette[1].action, palette[0]))
        return entries

    def fit(self, width: int) -> list[tuple[str, str, str, object]]:
        """The entries that fit in `width` cells, whole: the first ones, and the last two
        (keys help and palette) kept where they fit."""
        entries = self.entries()
        keep = [e for e in entries if e[2] in ("app.help", "help", "command_palette")]
        rest = [e for e in entries if e not in keep]

        def size(items: list) -> int:
            return sum(Text(f" {key} {description}").cell_len for key, description, *_ in
                       items) + len(GAP) * max(len(items) - 1, 0)

        while True:
            chosen: list = []
            for entry in rest:
                if size([*chosen, entry, *keep]) <= width:
                    chosen.append(entry)
                else:
                    break
            if not keep or size([*chosen, *keep]) <= width:
                break
            keep.pop()  # the palette's key goes first, and the rest is fitted again
        order = {id(e): n for n, e in enumerate(entries)}
        return sorted([*chosen, *keep], key=lambda e: order[id(e)])

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        line = Text(no_wrap=True, overflow="crop")
        self._places = []
        for number, (key, description, action, node) in enumerate(self.fit(self.size.width)):
            if number:
                line.append(GAP)
            start = line.cell_len
            line.append(f" {key} ", style=key_style)
            line.append(description, style=description_style)
            self._places.append((start, line.cell_len, action, node))
        return line

    async def on_click(self, event: Click) -> None:
        for start, end, action, node in self._places:
            if start <= event.x < end and action:
                await self.app.run_action(action, node)  # type: ignore[arg-type]
                return
