"""Dates as archives write them, turned into timezone-aware datetimes."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any

from reader.core.model import Article, DateSource

_NUMERIC = re.compile(
    r"""^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})
    (?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?
    \s*(?P<tz>Z|z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2})?$""",
    re.VERBOSE,
)
_FILE_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[-_ .]|$)")
_FILE_NAME_COMPACT = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})(?:[-_ .]|$)")
_PATH = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})(?=/|$)")


#: The zone for dates that carry no offset of their own (a bare UTC timestamp): None for
#: the machine's; the `timezone` setting sets it (`set_display_zone`).
_display_zone: tzinfo | None = None


def set_display_zone(zone: tzinfo | None) -> None:
    """Show dates without an offset of their own in `zone` (None: the machine's zone)."""
    global _display_zone
    _display_zone = zone


def as_local(moment: datetime) -> datetime:
    """`moment` in the display zone (the machine's, unless set), with the offset that zone
    had on that day (summer time included). A naive `moment` is taken as local wall-clock
    time."""
    if _display_zone is not None:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=_display_zone)
        return moment.astimezone(_display_zone)
    return moment.astimezone()


def has_own_offset(moment: datetime) -> bool:
    """Does `moment` carry its author's own offset (`+0800`)? A UTC or GMT one is a bare
    timestamp (feeds write them), with no wall clock of its author."""
    offset = moment.utcoffset()
    return offset is not None and offset != timedelta(0)


def shown_moment(moment: datetime) -> datetime:
    """`moment` as the reader shows and groups it: a date written with an offset in that
    offset (a post of 11 March at 00:41 +0800 is of 11 March on every machine), a bare UTC
    timestamp in the display zone. The instant is the same either way."""
    return moment if has_own_offset(moment) else as_local(moment)


def month_start(year: int, month: int) -> float:
    """The instant a month starts in the display zone."""
    if _display_zone is None:
        return datetime(year, month, 1).timestamp()  # naive: the machine's zone, DST and all
    return datetime(year, month, 1, tzinfo=_display_zone).timestamp()


def wall_stamp(moment: datetime) -> float | None:
    """The author's wall-clock time of `moment` as a number (its reading as if it were UTC),
    for grouping by the shown day in SQL; None for a bare UTC timestamp, whose wall clock
    is the display zone's."""
    if not has_own_offset(moment):
        return None
    return moment.replace(tzinfo=UTC).timestamp()


def format_date(article: Article) -> str:
    """The article's date as the reader shows it: in the author's offset where the date has
    one, else in the local time zone."""
    return format_moment(article.date, article.date_source is DateSource.MODIFIED)


def format_moment(date: datetime | None, modified: bool = False) -> str:
    """A date as the reader shows it (`format_date`), from the date alone; `modified`: it is
    only the file's modification time. Formatted by hand: a third of `strftime`'s cost, which
    `reader list` of 100,000 articles notices."""
    if date is None:
        return "no date"
    moment = shown_moment(date)
    text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    if moment.hour or moment.minute:
        text += f" {moment.hour:02d}:{moment.minute:02d}"
    return text + " (file modified)" if modified else text


def format_stored(date: str | None, stamp: float | None, modified: bool = False) -> str:
    """`format_moment` of a date as the index keeps it (ISO text, and its instant as a
    stamp), without building a `datetime` where that is not needed: a date with its
    author's own offset is shown as written, and a UTC one in the machine's zone is
    `time.localtime` of its stamp. `reader list` of 100,000 articles spent a third of its
    time building them. (A test compares the two on generated dates.)"""
    if date and len(date) >= 25 and date[10] == "T":
        offset = date[26:] if date[19] == "." else date[19:]  # (microseconds: six digits)
        if offset[:1] in ("+", "-"):
            if offset.strip("+-0:."):  # not zero: the author's own offset
                text = date[:10] if date[11:16] == "00:00" else f"{date[:10]} {date[11:16]}"
                return text + " (file modified)" if modified else text
            if stamp is not None and _display_zone is None:  # UTC: in the machine's zone
                local = time.localtime(stamp)
                text = f"{local.tm_year:04d}-{local.tm_mon:02d}-{local.tm_mday:02d}"
                if local.tm_hour or local.tm_min:
                    text += f" {local.tm_hour:02d}:{local.tm_min:02d}"
                return text + " (file modified)" if modified else text
    return format_moment(datetime.fromisoformat(date) if date else None, modified)


def _valid(moment: datetime) -> datetime | None:
    return moment if 1900 <= moment.year <= 2200 else None


def _make(y: int, m: int, d: int, hour: int = 0, minute: int = 0, second: int = 0,
          micro: int = 0, zone: tzinfo | None = None) -> datetime | None:
    try:
        moment = datetime(y, m, d, hour, minute, second, micro, tzinfo=zone)
        return _valid(moment if zone is not None else as_local(moment))
    except ValueError:
        return None


def _zone(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text in {"Z", "z", "UTC", "GMT"}:
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date(value: Any) -> datetime | None:
    """A front matter date value as an aware datetime, or None when it is not a date.

    Accepts YAML dates and datetimes, ISO 8601 (with or without offset and fractions),
    `YYYY-MM-DD HH:MM:SS [+0800]`, unpadded forms such as `2015-8-6` and `2016-04-18 9:00:00`,
    and RFC 822 (`Sun, 29 May 2022 21:20:46 GMT`). Dates without a zone take the local one.
    """
    if isinstance(value, datetime):
        moment = value if value.tzinfo else as_local(value)
        return _valid(moment)
    if isinstance(value, date):
        return _make(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    match = _NUMERIC.match(text)
    if match:
        fraction = (match["f"] or "0")[:6].ljust(6, "0")
        tz_text = match["tz"]
        zone = _zone(tz_text)
        if tz_text and zone is None:
            return None
        return _make(
            int(match["y"]), int(match["m"]), int(match["d"]),
            int(match["H"] or 0), int(match["M"] or 0), int(match["S"] or 0),
            int(fraction), zone,
        )
    try:
        from email.utils import parsedate_to_datetime  # 10 ms to import: when needed

        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = as_local(moment)
    return _valid(moment)


def date_from_file_name(name: str) -> datetime | None:
    """Jekyll's `2015-08-06-title.md`, or the compact `20150806_title.md` some blogs use."""
    for pattern in (_FILE_NAME, _FILE_NAME_COMPACT):
        match = pattern.match(name)
        if match:
            return _make(int(match[1]), int(match[2]), int(match[3]))
    return None


def date_from_path(path: str) -> datetime | None:
    """A `YYYY/MM/DD` run of folders in a path, such as Zola's `path = "2014/12/12/x"`."""
    match = _PATH.search(path)
    if match:
        return _make(int(match[1]), int(match[2]), int(match[3]))
    return None
