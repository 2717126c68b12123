"""Fire times of date_reached, inactive_for and schedule triggers."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from engine.schedules import cron_fires, date_occurrence, idle_since, next_cron_fire

JKT = "Asia/Jakarta"


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_day_before_delivery_at_nine_local():
    fires = date_occurrence("2026-12-01", "-P1D", "09:00", JKT)
    assert fires.astimezone(ZoneInfo(JKT)).isoformat() == "2026-11-30T09:00:00+07:00"


def test_datetime_value_without_time_of_day_keeps_its_time():
    assert date_occurrence("2026-12-01T15:30:00+00:00", "PT1H", "", "UTC") == utc(2026, 12, 1, 16, 30)


def test_empty_date_never_fires():
    assert date_occurrence(None, "P0D", "09:00", JKT) is None


def test_inactive_for_three_days():
    assert idle_since(utc(2026, 11, 20, 10), "P3D") == utc(2026, 11, 23, 10)


def test_cron_weekdays_at_nine_in_the_workflow_zone_across_dst():
    zone = ZoneInfo("America/New_York")
    fires = cron_fires("0 9 * * 1-5", "America/New_York", utc(2026, 3, 6, 0), utc(2026, 3, 10, 0))
    assert [f.astimezone(zone).isoformat() for f in fires] == [
        "2026-03-06T09:00:00-05:00", "2026-03-09T09:00:00-04:00"]


def test_cron_span_is_exclusive_of_start_and_bounded():
    start = utc(2026, 1, 1, 0, 0)
    fires = cron_fires("* * * * *", "UTC", start, start + timedelta(days=30))
    assert fires[0] == start + timedelta(minutes=1) and len(fires) == 1000
    assert next_cron_fire("30 8 1 * *", "UTC", start) == utc(2026, 1, 1, 8, 30)
