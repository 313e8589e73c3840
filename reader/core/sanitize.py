"""The one sanitising step every untrusted string passes before it can reach a screen.

Archives are text from the internet. A terminal obeys escape sequences, so a title holding
ESC ] 52 could write to the user's clipboard, and a bidi override can make text read
backwards. Textual passes ESC, C1 controls and NUL through to the terminal, so they are
removed here, once, in the core.
"""

from __future__ import annotations

import os
import re

# C0 controls except tab and newline, DEL, C1 controls, the bidi embeddings, overrides and
# isolates, and the private-use characters the converter uses as its own emphasis marks.
FORBIDDEN_CLASS = "\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ue000-\ue003\ufeff"
_FORBIDDEN = re.compile(f"[{FORBIDDEN_CLASS}]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_WHITESPACE_RUN = re.compile(r"\s+")

#: Characters the converter uses as emphasis marks inside its own output.
STRONG_MARK = "\ue000"
EMPHASIS_MARK = "\ue001"
#: Around a footnote's number, where an HTML footnote reference was (`<sup><a href="#fn1">`).
NOTE_MARK = "\ue002"


def clean_text(text: str) -> str:
    """Return `text` with line ends unified to `\\n` and every forbidden character removed.

    Tabs and newlines stay; everything else that could steer a terminal goes.
    """
    if not text:
        return ""
    if "\r" in text or _LINE_BREAKS.search(text):
        text = _LINE_BREAKS.sub("\n", text)
    return _FORBIDDEN.sub("", text) if _FORBIDDEN.search(text) else text


_FORBIDDEN_BUT_MARKS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def keep_marks_clean(text: str) -> str:
    """Like `clean_text`, but keeps the converter's own emphasis marks for the parser."""
    return _FORBIDDEN_BUT_MARKS.sub("", _LINE_BREAKS.sub("\n", text))


#: The longest alt text an image keeps (a whole described chart fits; more ends in "…").
MAX_ALT = 1000


def clean_line(text: str, limit: int = 500) -> str:
    """Return `text` as one clean line: controls removed, whitespace runs folded, cut at `limit`.

    For short fields such as titles, categories, tags, authors, file names and reasons.
    """
    line = _WHITESPACE_RUN.sub(" ", clean_text(text)).strip()
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def is_clean(text: str) -> bool:
    """True when `text` holds no character that `clean_text` would remove (CR included)."""
    return not _FORBIDDEN.search(text) and "\r" not in text


def display_path(text: str) -> str:
    """A path as it can be shown: undecodable bytes replaced, controls removed."""
    if (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
            and len(text) <= 1000):
        # Nothing to change (no control, no undecodable byte, no run of spaces), found in
        # C: `reader list` shows 100,000 of them.
        return text
    raw = os.fsencode(text)
    return clean_line(raw.decode("utf-8", "replace"), 1000)
