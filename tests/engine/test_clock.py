import doctest
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from engine import clock as clock_module
from engine.clock import SYSTEM_CLOCK, ManualClock, SystemClock

NEW_YORK = ZoneInfo("America/New_York")


def test_system_clock_tells_the_real_time_in_utc():
    before = datetime.now(timezone.utc)
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(timezone.utc)
    assert isinstance(SYSTEM_CLOCK, SystemClock)


def test_manual_clock_stands_still_until_moved():
    clock = ManualClock(datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc))
    assert clock.now() == clock.now() == datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc)
    assert clock.advance(90) == datetime(2026, 3, 7, 9, 1, 30, tzinfo=timezone.utc)
    assert clock.advance(timedelta(days=2)) == datetime(2026, 3, 9, 9, 1, 30, tzinfo=timezone.utc)
    assert clock.now() == datetime(2026, 3, 9, 9, 1, 30, tzinfo=timezone.utc)


def test_manual_clock_reports_utc_whatever_zone_it_was_set_in():
    clock = ManualClock(datetime(2026, 3, 7, 16, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    assert clock.now() == datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc)
    assert clock.now().tzinfo == timezone.utc
    clock.set(datetime(2026, 1, 1, tzinfo=NEW_YORK))
    assert clock.now() == datetime(2026, 1, 1, 5, 0, tzinfo=timezone.utc)


def test_advancing_across_a_dst_change_is_elapsed_time():
    # 2026-03-08 is the spring-forward day in New York: 24 real hours later the wall clock shows 13:00.
    clock = ManualClock(datetime(2026, 3, 7, 12, 0, tzinfo=NEW_YORK))
    assert clock.advance(timedelta(hours=24)).astimezone(NEW_YORK).hour == 13


def test_manual_clock_can_go_back_in_time():
    clock = ManualClock(datetime(2026, 3, 7, tzinfo=timezone.utc))
    assert clock.set(datetime(2025, 12, 31, tzinfo=timezone.utc)) == clock.now()
    assert clock.now().year == 2025


@pytest.mark.parametrize("moment", [datetime(2026, 3, 7, 9, 0), "2026-03-07T09:00:00Z", None])
def test_manual_clock_refuses_moments_without_a_time_zone(moment):
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(moment)
    clock = ManualClock(datetime(2026, 3, 7, tzinfo=timezone.utc))
    with pytest.raises(ValueError):
        clock.set(moment)
    assert clock.now() == datetime(2026, 3, 7, tzinfo=timezone.utc)


def test_docstring_examples():
    result = doctest.testmod(clock_module)
    assert result.failed == 0 and result.attempted > 0
