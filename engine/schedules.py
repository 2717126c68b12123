"""When time-based triggers fire: pure functions of a trigger's config, a record and a time span."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from croniter import croniter

from builder.durations import parse_duration
from engine.waits import WaitConfigError, local_at, parse_clock, record_moment

MAX_FIRES_PER_SWEEP = 1000  # a cron every minute after a long outage catches up in bounded batches


def date_occurrence(value, offset: str, at: str, tz_name: str) -> datetime | None:
    """The moment a `date_reached` trigger fires for this field value: the date plus the offset, at the
    wall-clock time `at` (a datetime value keeps its own time when `at` is empty). None when empty."""
    zone = ZoneInfo(tz_name or "UTC")
    moment = record_moment(value, zone)
    if moment is None:
        return None
    shifted = parse_duration(offset or "P0D").add_to(moment.astimezone(zone))
    if not at:
        return shifted.astimezone(timezone.utc)
    return local_at(shifted.date(), parse_clock(at), zone)


def idle_since(updated_at: datetime, duration: str) -> datetime:
    """When a record last changed at `updated_at` counts as inactive for `duration`."""
    return parse_duration(duration).add_to(updated_at)


def cron_fires(expression: str, tz_name: str, after: datetime, until: datetime) -> list[datetime]:
    """Fire times in (after, until], in UTC, computed on the workflow's wall clock."""
    zone = ZoneInfo(tz_name or "UTC")
    try:
        times = croniter(expression, after.astimezone(zone))
    except (ValueError, KeyError) as exc:
        raise WaitConfigError(f"schedule '{expression}': {exc}") from None
    fires = []
    while len(fires) < MAX_FIRES_PER_SWEEP:
        moment = times.get_next(datetime).astimezone(timezone.utc)
        if moment > until:
            break
        fires.append(moment)
    return fires


def next_cron_fire(expression: str, tz_name: str, after: datetime) -> datetime:
    return cron_fires(expression, tz_name, after, after + timedelta(days=366))[0]
