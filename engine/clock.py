"""The engine's source of "now" (ARCHITECTURE.md, mechanism 7: time is injected).

Engine code takes a clock object and calls ``clock.now()``; tests pass a :class:`ManualClock` and move it
across days and DST changes without sleeping. :data:`SYSTEM_CLOCK` is the one documented default instance.

>>> clock = ManualClock(datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc))
>>> clock.advance(timedelta(days=1)).isoformat()
'2026-03-08T09:00:00+00:00'
"""
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment as a timezone-aware UTC datetime."""


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that only moves when told to.

    Raises
    ------
    ValueError
        If given a naive datetime (its moment would be ambiguous).
    """

    def __init__(self, start: datetime):
        self._now = _utc(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | float) -> datetime:
        """Move forward by `delta` (a timedelta or seconds) and return the new now."""
        self._now += delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        return self._now

    def set(self, moment: datetime) -> datetime:
        """Jump to `moment` (backwards too) and return it in UTC."""
        self._now = _utc(moment)
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"


def _utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(timezone.utc)


SYSTEM_CLOCK = SystemClock()
