"""The style of a widget's part (a component class) as it shows over the widget's ground."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def part_style(widget: Widget, name: str) -> Style:
    """The component class `name`'s own text style and colours, to lay over text drawn on
    `widget`'s background.

    Textual's partial style drops what a theme's colours need to read: the alpha of
    `$text-muted` and the `auto` of `$text` (both came out pure white, even on a light
    theme). Its full style has them composited over the widget's background, but also the
    widget's own colours; this takes the full colours of only what the part sets itself.
    """
    partial = widget.get_component_rich_style(name, partial=True)
    if partial.color is None and partial.bgcolor is None:
        return partial
    full = widget.get_component_rich_style(name)
    return partial.without_color + Style(
        color=full.color if partial.color is not None else None,
        bgcolor=full.bgcolor if partial.bgcolor is not None else None,
    )
