"""Where the reader keeps its own files, and the user's settings.

Nothing is created on lookup: a path is made only when something is written to it.
`READER_HOME` puts cache, state and config under one folder (the tests use it).

`config.toml` is checked against `OPTIONS`: an unknown key, a wrong type or a value out of
range is reported in one line naming the file, the key and what is allowed, and the rest of
the file still applies.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import tzinfo
from pathlib import Path
from typing import Any

# Imported where used, not here: every command reads this module, and `reader search` of a
# small archive takes 100 ms all told. platformdirs, tomllib (only with a settings file),
# zoneinfo (only with a `timezone`) and OpenSSL's hashlib cost 11 ms together.

APP_NAME = "reader"
DEFAULT_MEASURE = 80


def _home_override() -> Path | None:
    home = os.environ.get("READER_HOME")
    return Path(home) if home else None


def cache_dir() -> Path:
    home = _home_override()
    return home / "cache" if home else Path(_platformdirs().user_cache_dir(APP_NAME))


def state_dir() -> Path:
    home = _home_override()
    return home / "state" if home else Path(_platformdirs().user_state_dir(APP_NAME))


def config_file() -> Path:
    home = _home_override()
    folder = home / "config" if home else Path(_platformdirs().user_config_dir(APP_NAME))
    return folder / "config.toml"


def _platformdirs():
    import platformdirs

    return platformdirs


def archive_key(root: Path) -> str:
    """A short stable name for an archive, from its resolved path."""
    try:  # Python's own SHA-256 (3 ms less to import than hashlib's OpenSSL); the same digest
        from _sha2 import sha256  # Python 3.12 and later
    except ImportError:
        try:
            from _sha256 import sha256  # Python 3.11
        except ImportError:
            from hashlib import sha256
    return sha256(str(Path(root).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


# -- the options ------------------------------------------------------------------------------
Check = Callable[[Any], "tuple[Any, str | None]"]  # value → (value to use, or what is allowed)


def _integer(low: int, high: int) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"a whole number from {low} to {high}"
        if not low <= value <= high:
            return None, f"from {low} to {high}"
        return value, None
    return check


def _seconds(low: float, high: float) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, f"a number of seconds from {low:g} to {high:g}"
        if not low <= value <= high:
            return None, f"from {low:g} to {high:g} seconds"
        return float(value), None
    return check


def _boolean(value: Any) -> tuple[Any, str | None]:
    return (value, None) if isinstance(value, bool) else (None, "true or false")


def _text(value: Any) -> tuple[Any, str | None]:
    return (value, None) if isinstance(value, str) else (None, "text in quotes")


def _command(value: Any) -> tuple[Any, str | None]:
    """A command as a list of words, or as one line split as a shell would (never run by
    a shell)."""
    if isinstance(value, str):
        try:
            return tuple(shlex.split(value)), None
        except ValueError:
            return None, "a command line with balanced quotes, or a list of words"
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return tuple(value), None
    return None, "a list of words, such as [\"firefox\", \"--new-tab\"]"


def _timezone(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, "a time zone name such as \"Asia/Shanghai\", or \"\" for the machine's"
    if value:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return None, "a time zone name such as \"Asia/Shanghai\", or \"\" for the machine's"
    return value, None


@dataclass(frozen=True)
class Option:
    """One setting of `[reader]`: its name, default, check, and what it does."""

    name: str
    default: Any
    check: Check
    help: str
    example: str = ""  # how `reader config init` writes it when the default says little


OPTIONS = [
    Option("measure", DEFAULT_MEASURE, _integer(20, 400),
           "the widest a line of text gets, in cells"),
    Option("sidebar_width", 40, _integer(16, 200), "the sidebar's width, in cells"),
    Option("theme", "textual-dark", _text,
           "a Textual theme; ctrl+p → \"Theme\" lists them, and the one picked there is used "
           "until this setting changes"),
    Option("opener", (), _command,
           "how to open addresses; the address is added last (READER_OPENER wins)",
           'opener = ["firefox", "--new-tab"]'),
    Option("read_after_seconds", 5.0, _seconds(0, 3600),
           "an article shown this long is marked read (0: never by time)"),
    Option("read_at_end", True, _boolean, "an article scrolled to its end is marked read"),
    Option("timezone", "", _timezone,
           "dates without their own offset are shown in this zone (\"\" is the machine's)",
           'timezone = "Asia/Shanghai"'),
    Option("follow_symlinks", False, _boolean,
           "follow symbolic links that lead out of the archive (as ripgrep's -L)"),
]
_BY_NAME = {option.name: option for option in OPTIONS}


@dataclass(frozen=True)
class Settings:
    """The user's settings; every one has a default. `problems` says, a line each, what
    in the file was not used and why; `keys` maps binding ids to keys (`[keys]`)."""

    measure: int = DEFAULT_MEASURE
    sidebar_width: int = 40
    theme: str = "textual-dark"
    opener: tuple[str, ...] = ()
    read_after_seconds: float = 5.0
    read_at_end: bool = True
    timezone: str = ""
    follow_symlinks: bool = False
    keys: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    path: Path | None = None

    def zone(self) -> tzinfo | None:
        """The `timezone` setting as a zone, or None (the machine's) when unset or unknown."""
        if not self.timezone:
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    def apply(self) -> None:
        """Make the settings that steer the core take effect: the zone dates without an
        offset of their own are shown in (`reader.core.files.dates.set_display_zone`)."""
        from reader.core.files.dates import set_display_zone

        set_display_zone(self.zone())

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The settings in `path` (the config file by default); a file that is missing is
        all defaults, a file with mistakes is the rest of the file and its `problems`."""
        path = path or config_file()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path=path)
        except (OSError, UnicodeDecodeError) as error:
            return cls(path=path, problems=(f"{path}: can't be read ({error})",))
        return cls.parse(text, path)

    @classmethod
    def parse(cls, text: str, path: Path) -> Settings:
        """The settings in the text of a config file."""
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            return cls(path=path, problems=(f"{path}: not valid TOML ({error}); "
                                            "every setting is at its default",))
        problems: list[str] = []
        values: dict[str, Any] = {}
        reader = data.get("reader", {})
        reader = dict(reader) if isinstance(reader, dict) else {}
        for section, table in data.items():
            if section in _BY_NAME and not isinstance(table, dict):
                reader.setdefault(section, table)  # written above any [section]: still read
            elif section not in ("reader", "keys"):
                problems.append(f"{path}: [{section}] is not a section of the reader's "
                                "settings (use [reader] and [keys])")
            elif not isinstance(table, dict):
                problems.append(f"{path}: {section} must be a table ([{section}])")
        for name, value in reader.items():
            option = _BY_NAME.get(name)
            if option is None:
                known = ", ".join(o.name for o in OPTIONS)
                problems.append(f"{path}: [reader] {name} is not a setting (known: {known})")
                continue
            used, allowed = option.check(value)
            if allowed is not None:
                problems.append(f"{path}: [reader] {name} = {_show(value)}: wants {allowed}")
            else:
                values[name] = used
        keys = data.get("keys", {})
        bindings: dict[str, str] = {}
        for name, value in (keys.items() if isinstance(keys, dict) else ()):
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{path}: [keys] {name} = {_show(value)}: wants keys in "
                                "quotes, such as \"ctrl+f\" or \"f,/\"")
            else:
                bindings[name] = value.replace(" ", "")
        return cls(**values, keys=bindings, problems=tuple(problems), path=path)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:39] + "…"


def template() -> str:
    """A config file with every setting at its default, commented, for `reader config init`."""
    lines = ["# The reader's settings. Uncomment a line to change it.",
             "# `reader config check` says what is wrong with this file, if anything.", "",
             "[reader]"]
    defaults = Settings()
    for option in OPTIONS:
        lines.append(f"# {option.help}")
        value = getattr(defaults, option.name)
        shown = option.example or f"{option.name} = {_toml(value)}"
        lines += [f"# {shown}", ""]
    lines += [
        "[keys]",
        "# Any key of the reader by its binding id (`reader config keys` lists them all);",
        "# several keys are written with commas. For example:",
        '# "main.search" = "ctrl+f,/"',
        "",
    ]
    return "\n".join(lines)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{part}"' for part in value) + "]"
    return str(value)


SETTING_NAMES = frozenset(f.name for f in fields(Settings)) - {"keys", "problems", "path"}


#: Set (to 1) by `--follow` for the whole process, the UI's workers included.
FOLLOW_VARIABLE = "READER_FOLLOW_SYMLINKS"


def follows_every_link() -> bool:
    """Should archives be read following every symbolic link (`--follow`, or
    `follow_symlinks = true` in config.toml)?"""
    return os.environ.get(FOLLOW_VARIABLE) == "1" or Settings.load().follow_symlinks
