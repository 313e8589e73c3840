"""A fast path for the front matter nearly every post has: flat keys, scalars, simple lists.

PyYAML's C loader still builds every value in Python, 0.17 ms for a crawler post's ten
lines; over 100,000 files that is a quarter of the index's reading time. Front matter of
the plain shape (`key: value`, `key: 'quoted'`, `key:` then `- item` lines, `[a, b]`) is
read here in a tenth of that. Anything else, and anything doubtful, returns None and goes
to PyYAML, so the result is always what PyYAML gives (tests compare the two on every real
corpus and on generated front matter).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_KEY = re.compile(r"([A-Za-z_][\w-]*):(?: +(.*))?\Z")
_ITEM = re.compile(r"( *)-(?: +(.*))?\Z")
_SINGLE = re.compile(r"'((?:[^']|'')*)'\Z")
_DOUBLE = re.compile(r'"([^"\\]*)"\Z')
#: Characters a plain scalar may not start with, in this fast path (YAML allows a few of
#: them in some places; those cases go to PyYAML).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`~ ")
_STR = "tag:yaml.org,2002:str"
_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers

_MISSING = object()
#: What PyYAML's reader refuses anywhere in a stream (its own NON_PRINTABLE)...
#: And tabs, CR, the line breaks YAML knows beyond LF (NEL, LS, PS) and a BOM: PyYAML
#: reads all of them in ways this fast path does not follow.
_DOUBTFUL = re.compile(
    "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    "\U00010000-\U0010ffff]"
)


def _tag(value: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar, exactly as `Resolver.resolve` does."""
    candidates = _RESOLVERS.get(value[0] if value else "", []) + _RESOLVERS.get(None, [])
    for tag, pattern in candidates:
        if pattern.match(value):
            return tag
    return _STR


def _plain(value: str) -> Any:
    if (not value or value[0] in _INDICATORS or ": " in value or " #" in value
            or value.endswith(":")):
        return _MISSING
    if _tag(value) == _STR:
        return value
    try:  # a number, a date, a boolean or null: PyYAML builds it, on this value alone
        return yaml.load(value, Loader=yaml.CSafeLoader)
    except Exception:
        return _MISSING


def _scalar(value: str) -> Any:
    """A one-line scalar, or _MISSING when it is not of the plain shape."""
    if value.startswith("'"):
        match = _SINGLE.match(value)
        return match.group(1).replace("''", "'") if match else _MISSING
    if value.startswith('"'):
        match = _DOUBLE.match(value)
        return match.group(1) if match else _MISSING
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip(" ")  # only spaces: YAML keeps a full-width one
        if not inner:
            return []
        if any(char in inner for char in "[]{}'\""):
            return _MISSING
        items = [_plain(item.strip(" ")) for item in inner.split(",")]
        return _MISSING if any(item is _MISSING for item in items) else items
    return _plain(value)


def load_simple(source: str) -> tuple[bool, Any]:
    """(True, the mapping) when `source` is front matter of the plain shape; (False, None)
    when PyYAML must read it."""
    if _DOUBTFUL.search(source):
        return False, None
    result: dict[str, Any] = {}
    lines = source.split("\n")
    number = 0
    while number < len(lines):
        line = lines[number].rstrip(" ")
        number += 1
        if not line or line.lstrip(" ").startswith("#"):
            continue
        match = _KEY.match(line)
        if match is None or _tag(match.group(1)) != _STR:
            return False, None
        key, value = match.group(1), match.group(2)
        if value:
            parsed = _scalar(value)
            if parsed is _MISSING:
                return False, None
            result[key] = parsed
            continue
        items: list[Any] = []
        indent: str | None = None
        while number < len(lines):
            line = lines[number].rstrip(" ")
            if not line:
                number += 1
                continue
            item = _ITEM.match(line)
            if item is None:
                if line.startswith(" "):
                    return False, None  # an indented line that is not an item
                break
            if indent is None:
                indent = item.group(1)
            elif item.group(1) != indent:
                return False, None
            parsed = _scalar(item.group(2)) if item.group(2) else None
            if parsed is _MISSING or isinstance(parsed, list):
                return False, None
            items.append(parsed)
            number += 1
        result[key] = items if indent is not None else None
    return True, result or None
