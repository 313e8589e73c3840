"""Splitting a file into front matter and body, in every form archives use.

python-frontmatter's own splitting leaves the front matter in the body when the file has a
BOM or bare CR line ends and does not know Hexo's form without an opening `---`, so the
splitting is done here and its handlers only load the YAML and JSON.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

#: Front matter larger than this is refused: no real post needs it, and it bounds the work.
MAX_FRONT_MATTER = 256 * 1024

_YAML_OPEN = re.compile(r"\A---[ \t]*\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML_OPEN = re.compile(r"\A\+\+\+[ \t]*\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
_HEXO_CLOSE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_HEXO_FIRST_LINE = re.compile(r"\A[ \t]*[A-Za-z_][\w-]*:(?:[ \t]|$)")
_KNOWN_KEYS = {"title", "date", "categories", "tags", "layout", "permalink", "author"}


def _yaml() -> tuple[Any, Any, type]:
    """PyYAML, python-frontmatter's YAML handler and the loader to use: imported when a
    front matter is not plain enough for `load_simple` (15 ms, that a command reading one
    crawler post for a snippet does not pay)."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    # The C loader is seven times faster; the pure one where PyYAML was built without it.
    return yaml, YAMLHandler, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterError(ValueError):
    """The front matter is there but cannot be read; the message is one line."""


@dataclass(frozen=True, slots=True)
class Split:
    meta: dict[str, Any]
    body: str
    form: str  # "yaml", "toml", "json", "hexo" or "none"


def normalise_newlines(text: str) -> str:
    """Drop a BOM and turn CRLF and bare CR line ends into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


MAX_NESTING = 64
_DEEP_BLOCK = re.compile(
    rf"^(?:[ \t]{{{4 * MAX_NESTING},}}|(?:[ \t]*[-?:][ \t]+){{{MAX_NESTING},}})", re.MULTILINE
)


def _too_deep(source: str) -> bool:
    """Would this YAML nest deeper than any real front matter?

    PyYAML's C extension builds nested nodes by recursion in C, with no depth check: a few
    thousand `[` crash the process. So depth is measured before the loader sees the text.
    """
    if source.count("[") + source.count("{") > MAX_NESTING:
        depth = 0
        for char in source:
            if char in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return True
            elif char in "]}":
                depth = max(depth - 1, 0)
    return _DEEP_BLOCK.search(source) is not None


def _load_yaml(source: str) -> Any:
    # Imported here: it needs PyYAML's resolvers (15 ms), and a snippet reads no YAML.
    from reader.core.files.simpleyaml import load_simple

    simple, value = load_simple(source)
    if simple:
        return value
    if _too_deep(source):
        raise FrontMatterError("bad YAML front matter: nested too deeply")
    yaml, handler, loader = _yaml()
    try:
        return handler().load(source, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise FrontMatterError(f"bad YAML front matter: {where}{error.problem}") from None
    except RecursionError:
        raise FrontMatterError("bad YAML front matter: nested too deeply") from None
    except Exception as error:  # the loader raises more than YAMLError on odd input
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise FrontMatterError(f"bad YAML front matter: {reason[:200]}") from None


def _as_mapping(value: Any, form: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FrontMatterError(f"{form} front matter is a {type(value).__name__}, not a mapping")
    return {str(key): item for key, item in value.items()}


def _check_size(source: str) -> None:
    if len(source) > MAX_FRONT_MATTER:
        raise FrontMatterError(f"front matter larger than {MAX_FRONT_MATTER // 1024} KB")


def split_front_matter(text: str, parse: bool = True) -> Split:
    """Split a whole file's text into its front matter (a dict) and its body.

    Handles YAML `---`, TOML `+++`, JSON `{…}`, a BOM, CRLF and CR line ends, blank lines
    before the opening `---`, Hexo's form with no opening `---`, and no front matter at all.
    Raises `FrontMatterError` when front matter is present but unreadable.

    `parse=False`: only the body is wanted (a snippet), and YAML and TOML front matter is
    left unread (`meta` is empty); Hexo's form is still read, to tell it from a body.
    """
    text = normalise_newlines(text)
    start = text.lstrip("\n \t")
    if _YAML_OPEN.match(start):
        rest = start[_YAML_OPEN.match(start).end() :]  # type: ignore[union-attr]
        close = _YAML_CLOSE.search(rest)
        if close is None:
            raise FrontMatterError("front matter opened with --- is never closed")
        source = rest[: close.start()]
        _check_size(source)
        meta = _as_mapping(_load_yaml(source), "YAML") if parse else {}
        return Split(meta, rest[close.end() :].lstrip("\n"), "yaml")
    if _TOML_OPEN.match(start):
        rest = start[_TOML_OPEN.match(start).end() :]  # type: ignore[union-attr]
        close = _TOML_CLOSE.search(rest)
        if close is None:
            raise FrontMatterError("front matter opened with +++ is never closed")
        source = rest[: close.start()]
        _check_size(source)
        if not parse:
            return Split({}, rest[close.end() :].lstrip("\n"), "toml")
        import tomllib

        try:
            meta = tomllib.loads(source)
        except (tomllib.TOMLDecodeError, RecursionError, ValueError) as error:
            raise FrontMatterError(f"bad TOML front matter: {str(error)[:200]}") from None
        return Split(meta, rest[close.end() :].lstrip("\n"), "toml")
    if start.startswith("{"):
        split = _split_json(start)
        if split is not None:
            return split
    hexo = _split_hexo(text)
    if hexo is not None:
        return hexo
    return Split({}, text, "none")


def _split_json(text: str) -> Split | None:
    import json

    try:
        value, end = json.JSONDecoder().raw_decode(text[:MAX_FRONT_MATTER])
    except (ValueError, RecursionError):
        return None  # a body that happens to start with "{" (a Liquid tag, say)
    if not isinstance(value, dict):
        return None
    # Loaded again through python-frontmatter's handler so its rules apply to the values.
    from frontmatter.default_handlers import JSONHandler

    meta = JSONHandler().load(text[:end])
    return Split(_as_mapping(meta, "JSON"), text[end:].lstrip("\n"), "json")


def _split_hexo(text: str) -> Split | None:
    """Hexo's own form: `title: x` lines, then a `---` line, then the body."""
    if not _HEXO_FIRST_LINE.match(text):
        return None
    close = _HEXO_CLOSE.search(text)
    if close is None:
        return None
    source = text[: close.start()]
    if len(source) > MAX_FRONT_MATTER:
        return None
    source = textwrap.dedent(source)
    try:
        value = _load_yaml(source)
    except FrontMatterError:
        if _looks_like_front_matter(source):
            raise
        return None
    if not isinstance(value, dict) or not _KNOWN_KEYS & {str(k).lower() for k in value}:
        return None
    return Split(_as_mapping(value, "YAML"), text[close.end() :].lstrip("\n"), "hexo")


def _looks_like_front_matter(source: str) -> bool:
    """Most non-blank lines are `key: value` with a known key among them."""
    lines = [line for line in source.splitlines() if line.strip()]
    keys = [re.match(r"\s*([A-Za-z_][\w-]*):", line) for line in lines]
    named = {m.group(1).lower() for m in keys if m}
    return bool(lines) and len([m for m in keys if m]) * 2 >= len(lines) and bool(
        named & _KNOWN_KEYS
    )
