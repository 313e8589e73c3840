from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.files.dates import date_from_file_name, date_from_path, parse_date

CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sun, 29 May 2022 21:20:46 GMT", datetime(2022, 5, 29, 21, 20, 46, tzinfo=UTC)),
        ("2008-05-25T21:21:00.009+08:00", datetime(2008, 5, 25, 21, 21, 0, 9000, tzinfo=CST)),
        ("2019-03-02T10:11:12Z", datetime(2019, 3, 2, 10, 11, 12, tzinfo=UTC)),
        ("2016-04-18 09:00:00 +0800", datetime(2016, 4, 18, 9, 0, tzinfo=CST)),
        ("2016-04-18 09:00:00+0800", datetime(2016, 4, 18, 9, 0, tzinfo=CST)),
        ("2023-06-01 12:30:45", datetime(2023, 6, 1, 12, 30, 45, tzinfo=UTC)),
        ("2015-8-6", datetime(2015, 8, 6, tzinfo=UTC)),
        ("2016-04-18 9:00:00", datetime(2016, 4, 18, 9, 0, tzinfo=UTC)),
        ("2016-6-24 10:00:00", datetime(2016, 6, 24, 10, 0, tzinfo=UTC)),
        (date(2017, 1, 5), datetime(2017, 1, 5, tzinfo=UTC)),
        (datetime(2020, 2, 2, 10, 0), datetime(2020, 2, 2, 10, 0, tzinfo=UTC)),
    ],
)
def test_parse_date(value: object, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is not None


@pytest.mark.parametrize("value", ["", "soon", "2015-13-45", "9999-01-01", 12, None, ["x"],
                                   "2021-05-01 热点资讯"])
def test_not_dates(value: object) -> None:
    assert parse_date(value) is None


def test_file_name_dates() -> None:
    assert date_from_file_name("2015-08-06-title.md") == datetime(2015, 8, 6, tzinfo=UTC)
    assert date_from_file_name("20160304_a-short-swift.md") == datetime(2016, 3, 4, tzinfo=UTC)
    assert date_from_file_name("title.md") is None


def test_path_dates() -> None:
    assert date_from_path("2014/12/12/1.0-Timeline") == datetime(2014, 12, 12, tzinfo=UTC)
    assert date_from_path("inside-rust/2026/08/10/x") == datetime(2026, 8, 10, tzinfo=UTC)
    assert date_from_path("posts/2021/x") is None


def test_summer_time_is_the_zone_of_that_day(monkeypatch) -> None:
    import time

    from reader.core.grouping import by_date
    from reader.core.model import Article, DateSource

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        summer = parse_date("2023-07-01 00:30:00")
        assert summer is not None and summer.utcoffset() == timedelta(hours=2)
        winter = parse_date("2023-01-01 00:30:00")
        assert winter is not None and winter.utcoffset() == timedelta(hours=1)
        moment = parse_date("2023-07-01T00:30:00+02:00")
        groups = by_date([Article("a", "a", moment, DateSource.FRONT_MATTER)])
        assert groups[0].key == "date:2023-07"
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


@given(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))])))
def test_format_moment_writes_what_strftime_would(moment: datetime) -> None:
    from reader.core.files.dates import format_moment, shown_moment

    local = shown_moment(moment)
    expected = local.strftime("%Y-%m-%d %H:%M" if (local.hour, local.minute) != (0, 0)
                              else "%Y-%m-%d")
    assert format_moment(moment) == expected
    assert format_moment(moment, modified=True) == expected + " (file modified)"



@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Sydney", "Asia/Shanghai"])
def test_format_moment_in_time_zones_with_summer_time(zone: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`format_moment` (what `reader list` writes) agrees with `strftime` across summer time."""
    import time

    from reader.core.files.dates import as_local, format_moment

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        for text in ["2022-03-13T06:59:00+00:00", "2022-03-13T07:00:00+00:00",
                     "2022-10-01T15:59:00+00:00", "2022-04-02T16:00:00+00:00",
                     "2021-12-31T16:00:00+00:00", "1969-07-20T20:17:40+00:00"]:
            moment = datetime.fromisoformat(text)
            local = as_local(moment)
            expected = local.strftime("%Y-%m-%d %H:%M" if (local.hour, local.minute) != (0, 0)
                                      else "%Y-%m-%d")
            assert format_moment(moment) == expected, text
    finally:
        monkeypatch.undo()
        time.tzset()


# -- `reader list`'s dates, formatted from the index's text and stamp -------------------------

_OFFSETS = st.one_of(
    st.just(timedelta(0)),
    st.integers(-14 * 60, 14 * 60).map(lambda minutes: timedelta(minutes=minutes)),
    st.integers(-50_000, 50_000).map(lambda seconds: timedelta(seconds=seconds)),
)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York",
                                  "Australia/Lord_Howe"])
@given(moment=st.datetimes(min_value=datetime(1901, 1, 2), max_value=datetime(2199, 12, 30)),
       offset=_OFFSETS, modified=st.booleans(), micro=st.booleans())
def test_stored_dates_format_as_dates_do(zone: str, moment: datetime, offset: timedelta,
                                         modified: bool, micro: bool) -> None:
    """`format_stored` (the ISO text and stamp the index keeps) says what `format_moment`
    says of the date itself, in the machine's zone, summer time and all."""
    import os
    import time

    from reader.core.files.dates import format_moment, format_stored

    saved = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        if not micro:
            moment = moment.replace(microsecond=0)
        aware = moment.replace(tzinfo=timezone(offset))
        assert format_stored(aware.isoformat(), aware.timestamp(), modified) == (
            format_moment(aware, modified))
        assert format_stored(aware.isoformat(), None, modified) == format_moment(aware, modified)
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_stored_dates_in_a_set_zone() -> None:
    """With a `timezone` setting, a UTC date is shown in that zone."""
    from zoneinfo import ZoneInfo

    from reader.core.files.dates import format_stored, set_display_zone

    set_display_zone(ZoneInfo("Asia/Shanghai"))
    try:
        moment = datetime(2024, 3, 1, 20, 30, tzinfo=UTC)
        assert format_stored(moment.isoformat(), moment.timestamp()) == "2024-03-02 04:30"
        assert format_stored(None, None) == "no date"
    finally:
        set_display_zone(None)
