"""Business hours arithmetic: every answer is inside open hours, never before the start, and later starts
never give earlier answers (hypothesis), plus the cases people check by hand."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from builder.business_hours import BusinessHours, NeverOpen, hours_problems
from builder.durations import Duration, parse_duration
from builder.schemas import WEEKDAYS

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Jakarta", "Australia/Lord_Howe"]
OFFICE = {"days": {d: [["09:00", "17:00"]] for d in WEEKDAYS[:5]}, "holidays": ["2026-12-25"]}


@st.composite
def spans(draw):
    """0 to 2 ordered [from, to] pairs on a 15-minute grid."""
    marks = sorted(draw(st.sets(st.integers(0, 95), max_size=4)))
    marks = marks[:len(marks) // 2 * 2]
    text = [f"{m // 4:02d}:{m % 4 * 15:02d}" for m in marks]
    return [[text[i], text[i + 1]] for i in range(0, len(text), 2)]


@st.composite
def schedules(draw):
    days = {day: draw(spans()) for day in WEEKDAYS}
    if not any(days.values()):
        days["wed"] = [["10:00", "11:00"]]
    holidays = draw(st.lists(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=20))
    value = {"days": days, "holidays": [d.isoformat() for d in holidays]}
    assert hours_problems(value) == {}
    return BusinessHours.of(value, draw(st.sampled_from(ZONES)))


moments = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(lambda m: m.replace(tzinfo=timezone.utc))
durations = st.builds(lambda d, s: Duration(days=d, seconds=s), st.integers(0, 12),
                      st.integers(0, 60 * 3600).map(lambda s: s - s % 60))


@settings(max_examples=150, deadline=None)
@given(schedules(), moments, durations)
def test_the_answer_is_inside_open_hours_and_not_before_the_start(hours, moment, duration):
    result = hours.add(moment, duration)
    assert hours.is_open(result) and result >= moment
    assert hours.is_open(hours.next_open(moment)) and hours.next_open(moment) >= moment


@settings(max_examples=150, deadline=None)
@given(schedules(), moments, moments, durations)
def test_a_later_start_never_gives_an_earlier_answer(hours, first, second, duration):
    early, late = sorted((first, second))
    assert hours.add(early, duration) <= hours.add(late, duration)
    assert hours.next_open(early) <= hours.next_open(late)


@settings(max_examples=100, deadline=None)
@given(schedules(), moments, st.integers(0, 40 * 3600), st.integers(0, 40 * 3600))
def test_open_time_adds_up(hours, moment, a, b):
    """Waiting a, then b, of open time is waiting a + b (minutes, hours: elapsed open time)."""
    step = hours.add(hours.add(moment, Duration(seconds=a)), Duration(seconds=b))
    assert step == hours.add(moment, Duration(seconds=a + b))


def local(text, zone="America/New_York"):
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def test_office_hours_by_hand():
    hours = BusinessHours.of(OFFICE, "America/New_York")
    friday_4pm = local("2026-12-18T16:00")
    assert hours.add(friday_4pm, parse_duration("PT4H")) == local("2026-12-21T12:00")
    assert hours.add(local("2026-12-18T13:00"), parse_duration("PT4H")) == local("2026-12-21T09:00")  # not 17:00
    # Christmas Friday is a holiday: 2 business days from Wednesday noon is Monday noon.
    assert hours.add(local("2026-12-23T12:00"), parse_duration("P2D")) == local("2026-12-28T12:00")
    assert hours.next_open(local("2026-12-24T18:30")) == local("2026-12-28T09:00")
    assert not hours.is_open(local("2026-12-25T10:00")) and hours.is_open(local("2026-12-24T16:59"))


def test_business_days_keep_the_wall_clock_across_dst():
    hours = BusinessHours.of(OFFICE, "America/New_York")
    before = local("2026-03-06T10:00")  # Friday, EST; Monday is EDT
    assert hours.add(before, parse_duration("P1D")).astimezone(ZoneInfo("America/New_York")).isoformat() == \
        "2026-03-09T10:00:00-04:00"


def test_a_schedule_that_is_never_open_in_reach_says_so():
    holidays = [(date(2026, 1, 5) + timedelta(weeks=w)).isoformat() for w in range(450)]  # every Monday for years
    hours = BusinessHours.of({"days": {"mon": [["09:00", "10:00"]]}, "holidays": holidays}, "UTC")
    with pytest.raises(NeverOpen):
        hours.next_open(datetime(2026, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(ValueError):
        BusinessHours.of(OFFICE, "UTC").add(datetime(2026, 1, 1, tzinfo=timezone.utc), parse_duration("P1M"))


@pytest.mark.parametrize("value,path", [
    ({"days": {"mon": [["9:00", "17:00"]]}}, "days.mon[0]"),
    ({"days": {"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}}, "days.mon[1]"),
    ({"days": {"funday": [["09:00", "17:00"]]}}, "days.funday"),
    ({"days": {}}, "days"),
    ({"days": {"mon": [["09:00", "17:00"]]}, "holidays": ["25/12/2026"]}, "holidays[0]"),
    ({"days": {"mon": [["09:00", "17:00"]]}, "weekends": True}, ""),
    ("9 to 5", ""),
])
def test_bad_settings_name_the_place(value, path):
    assert path in hours_problems(value)
