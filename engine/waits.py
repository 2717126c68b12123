"""When a wait node lets a run go on: pure functions of the node's config, the record and "now".

Calendar arithmetic happens on the workflow's wall clock, so "09:00" and "P1D" mean the same local
time on both sides of a DST change.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from builder.durations import parse_duration
from builder.schemas import WEEKDAYS


class WaitConfigError(ValueError):
    """The wait cannot be computed (bad duration, missing date field...); the step fails with this message."""


def parse_clock(text: str) -> time:
    try:
        hours, minutes = (int(part) for part in str(text).split(":"))
        return time(hours, minutes)
    except (TypeError, ValueError):
        raise WaitConfigError(f"'{text}' is not a time of day like 09:00") from None


def local_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at wall-clock `at` in `zone`, in UTC. A time skipped by DST lands just after the jump."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(timezone.utc)


def delay_until(duration: str, now: datetime, zone: ZoneInfo) -> datetime:
    try:
        return parse_duration(duration).add_to(now.astimezone(zone)).astimezone(timezone.utc)
    except ValueError as exc:
        raise WaitConfigError(f"duration '{duration}': {exc}") from None


def business_delay_until(duration: str, now: datetime, hours) -> datetime:
    """`duration` of the workflow's business time after `now` ("2 business days", "4 open hours"); `hours` is its
    builder.business_hours.BusinessHours, or None when it has none."""
    if hours is None:
        raise WaitConfigError("this wait counts business time, but the workflow has no business hours")
    try:
        return hours.add(now, parse_duration(duration)).astimezone(timezone.utc)
    except ValueError as exc:
        raise WaitConfigError(f"business time '{duration}': {exc}") from None


def record_moment(value, zone: ZoneInfo) -> datetime | None:
    """A record's date (midnight, local) or datetime value as an aware UTC datetime; None when empty."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return local_at(date.fromisoformat(value), time(0, 0), zone)
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise WaitConfigError(f"'{value}' is not a date") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(timezone.utc)


def days_from_field(record: dict | None, name: str, now: datetime, zone: ZoneInfo) -> datetime:
    """E.g. "wait the product's usage days": the number in a record field, as whole local days."""
    value = ((record or {}).get("fields") or {}).get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise WaitConfigError(f"field '{name}' holds no number of days ({value!r})")
    return delay_until(f"P{int(value)}D", now, zone)


def date_until(value, offset: str, zone: ZoneInfo) -> datetime:
    moment = record_moment(value, zone)
    if moment is None:
        raise WaitConfigError("the record has no date in that field")
    return delay_until(offset or "P0D", moment, zone)


def next_time_of_day(at: str, days: list | None, now: datetime, zone: ZoneInfo) -> datetime:
    """The first wall-clock `at` strictly after `now` on one of `days` (any day when empty)."""
    clock = parse_clock(at)
    allowed = {WEEKDAYS.index(d) for d in (days or WEEKDAYS) if d in WEEKDAYS}
    if not allowed:
        raise WaitConfigError(f"no valid weekday in {days}")
    today = now.astimezone(zone).date()
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        if day.weekday() in allowed:
            candidate = local_at(day, clock, zone)
            if candidate > now:
                return candidate
    raise WaitConfigError("no matching day in the next week")  # unreachable with a non-empty `allowed`
