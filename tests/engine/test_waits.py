"""Wake times of wait nodes, including DST changes and weekday rules."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from engine.executors.waits import wake_time
from engine.waits import WaitConfigError

NY = "America/New_York"


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def local(text, tz=NY):
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz))


def test_delay_seconds_minutes_and_months():
    now = utc(2026, 1, 31, 10, 0)
    assert wake_time("delay", {"duration": "PT2S"}, None, now, "UTC") == utc(2026, 1, 31, 10, 0, 2)
    assert wake_time("delay", {"duration": "PT10M"}, None, now, "UTC") == utc(2026, 1, 31, 10, 10)
    assert wake_time("delay", {"duration": "P1M"}, None, now, "UTC") == utc(2026, 2, 28, 10, 0)


def test_delay_of_a_day_keeps_local_time_across_spring_forward():
    before = local("2026-03-07T09:00")
    woke = wake_time("delay", {"duration": "P1D"}, None, before.astimezone(timezone.utc), NY)
    assert woke.astimezone(ZoneInfo(NY)).isoformat() == "2026-03-08T09:00:00-04:00"
    assert woke - before == timedelta(hours=23)


def test_until_time_is_nine_local_on_both_sides_of_fall_back():
    saturday_noon = local("2026-10-31T12:00").astimezone(timezone.utc)
    first = wake_time("until_time", {"time": "09:00"}, None, saturday_noon, NY)
    assert first.astimezone(ZoneInfo(NY)).isoformat() == "2026-11-01T09:00:00-05:00"
    second = wake_time("until_time", {"time": "09:00"}, None, first, NY)
    assert second.astimezone(ZoneInfo(NY)).isoformat() == "2026-11-02T09:00:00-05:00"


def test_until_time_respects_weekdays():
    friday_evening = local("2026-11-27T18:00").astimezone(timezone.utc)
    woke = wake_time("until_time", {"time": "09:00", "days": ["mon", "tue"]}, None, friday_evening, NY)
    assert woke.astimezone(ZoneInfo(NY)).isoformat() == "2026-11-30T09:00:00-05:00"


def test_until_time_later_today_when_not_yet_passed():
    morning = local("2026-11-25T07:30", "Asia/Jakarta").astimezone(timezone.utc)
    woke = wake_time("until_time", {"time": "09:00"}, None, morning, "Asia/Jakarta")
    assert woke.astimezone(ZoneInfo("Asia/Jakarta")).isoformat() == "2026-11-25T09:00:00+07:00"


def test_until_date_with_offset_and_past_dates():
    record = {"fields": {"close_date": "2026-12-20", "due_at": "2026-12-01T15:00:00+00:00"}}
    now = utc(2026, 11, 25)
    day_before = wake_time("until_date", {"field": "close_date", "offset": "-P1D"}, record, now, "Asia/Jakarta")
    assert day_before.astimezone(ZoneInfo("Asia/Jakarta")).isoformat() == "2026-12-19T00:00:00+07:00"
    assert wake_time("until_date", {"field": "due_at", "offset": "PT1H"}, record, now, "UTC") == utc(2026, 12, 1, 16)
    past = wake_time("until_date", {"field": "close_date", "offset": "P0D"}, record, utc(2027, 1, 1), "UTC")
    assert past < utc(2027, 1, 1)


@pytest.mark.parametrize("node_type,config,record", [
    ("delay", {"duration": "soon"}, None),
    ("until_date", {"field": "close_date", "offset": "P0D"}, {"fields": {}}),
    ("until_time", {"time": "25:99"}, None),
])
def test_bad_configs_give_readable_errors(node_type, config, record):
    with pytest.raises(WaitConfigError) as error:
        wake_time(node_type, config, record, utc(2026, 1, 1), "UTC")
    assert str(error.value)


def test_until_time_inside_the_spring_forward_gap_lands_after_the_jump():
    saturday = local("2026-03-07T12:00").astimezone(timezone.utc)
    woke = wake_time("until_time", {"time": "02:30"}, None, saturday, NY)
    assert woke.astimezone(ZoneInfo(NY)).isoformat() == "2026-03-08T03:30:00-04:00"


def test_delay_can_take_its_days_from_a_number_field():
    record = {"fields": {"usage_days": 30}}
    woke = wake_time("delay", {"duration": "P1D", "days_field": "usage_days"}, record, utc(2026, 11, 1, 9), "UTC")
    assert woke == utc(2026, 12, 1, 9)
    with pytest.raises(WaitConfigError, match="usage_days"):
        wake_time("delay", {"days_field": "usage_days"}, {"fields": {}}, utc(2026, 11, 1), "UTC")
