from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.durations import Duration, parse_duration

NEW_YORK = ZoneInfo("America/New_York")


def _elapsed(start, end):
    # Subtracting datetimes that share a tzinfo compares wall clocks; through UTC it is real time.
    return end.astimezone(timezone.utc) - start.astimezone(timezone.utc)


@pytest.mark.parametrize("text, seconds", [("PT10M", 600), ("PT2S", 2), ("PT2H", 7200), ("PT1H30M", 5400)])
def test_time_parts_are_elapsed_seconds(text, seconds):
    duration = parse_duration(text)
    assert duration.seconds == seconds and duration.is_positive


@pytest.mark.parametrize("text, expected", [
    ("P3D", Duration(days=3)), ("P2W", Duration(days=14)), ("P1M", Duration(months=1)),
    ("P1Y2M3DT4H5M6S", Duration(years=1, months=2, days=3, seconds=4 * 3600 + 5 * 60 + 6)),
    ("-P1D", Duration(sign=-1, days=1)), ("PT0.5S", Duration(seconds=0.5))])
def test_parse(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "10 minutes", "PT-5M", "P1.5D", "1D", "P10000Y", None, 5])
def test_rejects_with_a_readable_message(text):
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert str(info.value) and "Traceback" not in str(info.value)


def test_negative_and_zero_are_not_positive():
    assert not parse_duration("-P1D").is_positive
    assert not parse_duration("PT0S").is_positive
    assert parse_duration("-P1D").total_seconds_estimate() == -86400


def test_one_day_keeps_the_wall_clock_across_dst():
    start = datetime(2026, 3, 7, 9, 0, tzinfo=NEW_YORK)
    end = parse_duration("P1D").add_to(start)
    assert (end.year, end.month, end.day, end.hour, end.minute) == (2026, 3, 8, 9, 0)
    assert _elapsed(start, end) == timedelta(hours=23)


def test_hours_are_elapsed_time_across_dst():
    start = datetime(2026, 3, 7, 9, 0, tzinfo=NEW_YORK)
    end = parse_duration("PT24H").add_to(start)
    assert _elapsed(start, end) == timedelta(hours=24) and end.hour == 10


def test_months_clamp_to_the_end_of_the_month():
    start = datetime(2026, 1, 31, 12, tzinfo=timezone.utc)
    assert parse_duration("P1M").add_to(start).date().isoformat() == "2026-02-28"
    assert parse_duration("-P1Y").add_to(start).year == 2025


def test_negative_offsets_move_back():
    start = datetime(2026, 5, 10, 9, tzinfo=timezone.utc)
    assert parse_duration("-P1D").add_to(start) == start - timedelta(days=1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        parse_duration("P1D").add_to(datetime(2026, 1, 1))


@pytest.mark.parametrize("text, human", [("PT10M", "10 min"), ("PT2H", "2 h"), ("P3D", "3 days"), ("P1D", "1 day"),
                                         ("P1DT6H", "1 day 6 h"), ("-P1D", "-1 day")])
def test_humanize(text, human):
    assert parse_duration(text).humanize() == human


@given(st.builds(Duration, sign=st.sampled_from([1, -1]), years=st.integers(0, 5), months=st.integers(0, 11),
                 days=st.integers(0, 400), seconds=st.integers(0, 10 ** 6)))
def test_str_parses_back_to_the_same_duration(duration):
    assert parse_duration(str(duration)).total_seconds_estimate() == pytest.approx(
        duration.total_seconds_estimate() if str(duration) != "PT0S" else 0)
