"""Text that can be read in any theme: WCAG contrast, kept at 4.5:1 or more.

A theme's colours are chosen for its own widgets on its own backgrounds; the reader puts
them on others (a muted date on the sidebar, a warning-coloured heading on a light page, a
row under the cursor), and some of Textual's built-in themes then draw text at 1.3:1.
`LegibleText` is a line filter, as terminals such as VS Code's and iTerm2's have a "minimum
contrast" setting: every cell of text whose colour is too close to its background gets that
colour moved towards black or white, just far enough for WCAG AA (4.5:1); everything else
is left as the theme draws it. Frames' half blocks, scrollbars and image cells (block
elements, private-use placeholders) are not text and are never changed.

Colours a terminal chooses itself (ANSI themes, the default colours) are not known here and
are left to it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

#: WCAG 2 level AA for text.
MINIMUM_CONTRAST = 4.5

RGB = tuple[int, int, int]
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


@lru_cache(maxsize=4096)
def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    red, green, blue = (_linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: RGB, other: RGB) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _mix(one: RGB, other: RGB, share: float) -> RGB:
    r, g, b = (round(a + (b - a) * share) for a, b in zip(one, other, strict=True))
    return r, g, b


@lru_cache(maxsize=4096)
def legible(color: RGB, background: RGB, minimum: float = MINIMUM_CONTRAST) -> RGB:
    """`color`, or the colour nearest to it on the way to black or white (whichever stands
    out more on `background`) that has `minimum` contrast with `background`.

    Every background has 4.58:1 or more with black or with white, so 4.5 is always met.
    """
    if contrast(color, background) >= minimum:
        return color
    target = BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE
    low, high = 0.0, 1.0  # shares of `target`: too little, enough
    for _ in range(12):
        middle = (low + high) / 2
        if contrast(_mix(color, target, middle), background) >= minimum:
            high = middle
        else:
            low = middle
    return _mix(color, target, high)


def _is_text(char: str) -> bool:
    if "\u2580" <= char <= "\u259f":  # block elements: scrollbars, half-cell frames, pictures
        return False
    return unicodedata.category(char)[0] in "LNPS"  # not spaces, marks, private-use cells


def shows_text(text: str) -> bool:
    """Does a segment of this text draw any character a reader reads?"""
    return not text.isspace() and any(_is_text(char) for char in text)


@lru_cache(maxsize=4096)
def legible_style(style: Style, ground: RichColor, minimum: float = MINIMUM_CONTRAST) -> Style:
    """`style` with its text colour made `legible` on its background (`ground` where it has
    none); unchanged where the terminal chooses a colour (ANSI, default)."""
    color, bgcolor = style.color, style.bgcolor or ground
    if color is None or color.triplet is None or bgcolor.triplet is None:
        return style
    fg, bg = tuple(color.triplet), tuple(bgcolor.triplet)
    if style.reverse:  # the text shows in the background colour
        fg, bg = bg, fg
    better = legible(fg, bg, minimum)
    if better == fg:
        return style
    new = RichColor.from_rgb(*better)
    return style + (Style(bgcolor=new) if style.reverse else Style(color=new))


class LegibleText(LineFilter):
    """Raise text whose colour is too close to its background to `minimum` contrast."""

    def __init__(self, minimum: float = MINIMUM_CONTRAST, enabled: bool = True) -> None:
        self.minimum = minimum
        super().__init__(enabled=enabled)

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        ground = background.rich_color
        shown = []
        for segment in segments:
            text, style, control = segment
            if style is not None and not control and shows_text(text):
                better = legible_style(style, ground, self.minimum)
                if better is not style:
                    segment = Segment(text, better, control)
            shown.append(segment)
        return shown
