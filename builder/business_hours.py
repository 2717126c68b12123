"""Business hours: a weekly schedule and holiday dates in a workflow's time zone, and time counted in them.

Pure calendar arithmetic on aware datetimes. Open intervals are half-open, ``[from, to)``, on each local day's
wall clock, so 17:00 is closed for a 09:00–17:00 day. Every answer is a moment inside open hours.

Settings shape (``settings.business_hours``)::

    {"days": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "12:00"], ["13:00", "17:00"]], ...},
     "holidays": ["2026-12-25", ...]}

>>> hours = BusinessHours.of({"days": {"mon": [["09:00", "17:00"]]}}, "UTC")
>>> hours.next_open(datetime(2026, 11, 24, 10, tzinfo=timezone.utc)).isoformat()  # a Tuesday
'2026-11-30T09:00:00+00:00'
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from builder.durations import Duration
from builder.schemas import WEEKDAYS

MAX_INTERVALS_PER_DAY = 4
MAX_HOLIDAYS = 400
# How far ahead an opening is looked for (a year of holidays on the only open weekday stays within it).
SEARCH_DAYS = 3000
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class NeverOpen(ValueError):
    """The schedule has no open time in reach."""


def hours_problems(value) -> dict:
    """Problems of a ``business_hours`` setting, keyed by path under it (``days.mon[0]``); empty when fine.

    >>> hours_problems({"days": {"mon": [["17:00", "09:00"]]}})
    {'days.mon[0]': 'closes at 09:00, before it opens at 17:00'}
    """
    if not isinstance(value, dict) or set(value) - {"days", "holidays"}:
        return {"": "must be {\"days\": {...}, \"holidays\": [...]}"}
    days, holidays, errors = value.get("days") or {}, value.get("holidays") or [], {}
    if not isinstance(days, dict):
        return {"days": "must map weekdays (mon … sun) to opening hours"}
    for day, spans in days.items():
        if day not in WEEKDAYS:
            errors[f"days.{day}"] = f"'{day}' is not a weekday; use {', '.join(WEEKDAYS)}"
            continue
        if not isinstance(spans, list) or len(spans) > MAX_INTERVALS_PER_DAY:
            errors[f"days.{day}"] = f"a list of at most {MAX_INTERVALS_PER_DAY} [from, to] pairs"
            continue
        errors.update(_span_problems(day, spans))
    if not any(days.get(day) for day in WEEKDAYS) and not errors:
        errors["days"] = "open on at least one day"
    if not isinstance(holidays, list) or len(holidays) > MAX_HOLIDAYS:
        errors["holidays"] = f"a list of at most {MAX_HOLIDAYS} dates"
    else:
        for index, text in enumerate(holidays):
            try:
                date.fromisoformat(text)
            except (TypeError, ValueError):
                errors[f"holidays[{index}]"] = f"{text!r} is not a date like 2026-12-25"
    return errors


def _span_problems(day, spans) -> dict:
    errors, last_end = {}, None
    for index, span in enumerate(spans):
        where = f"days.{day}[{index}]"
        if not (isinstance(span, list) and len(span) == 2 and all(isinstance(t, str) and _TIME.fullmatch(t)
                                                                  for t in span)):
            errors[where] = "a [from, to] pair of 24-hour times such as [\"09:00\", \"17:00\"]"
        elif span[1] <= span[0]:
            errors[where] = f"closes at {span[1]}, before it opens at {span[0]}"
        elif last_end is not None and span[0] < last_end:
            errors[where] = f"opens at {span[0]}, before the previous hours close at {last_end}"
        else:
            last_end = span[1]
    return errors


@dataclass(frozen=True)
class BusinessHours:
    days: dict  # weekday index -> ((from, to), ...) as datetime.time
    holidays: frozenset
    zone: ZoneInfo

    @classmethod
    def of(cls, value: dict, tz_name: str) -> "BusinessHours":
        """The schedule of a valid ``business_hours`` setting (see :func:`hours_problems`)."""
        days = {WEEKDAYS.index(day): tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in spans)
                for day, spans in (value.get("days") or {}).items() if spans}
        holidays = frozenset(date.fromisoformat(d) for d in value.get("holidays") or [])
        return cls(days, holidays, ZoneInfo(tz_name or "UTC"))

    def intervals(self, day: date) -> list:
        """The open intervals of a local day, as aware UTC (start, end) pairs in order."""
        if day in self.holidays:
            return []
        return [(_at(day, start, self.zone), _at(day, end, self.zone)) for start, end in self.days.get(day.weekday(), ())]

    def next_open(self, moment: datetime) -> datetime:
        """`moment` when it is inside open hours, else the next opening after it."""
        first = moment.astimezone(self.zone).date() - timedelta(days=1)  # a DST shift may carry yesterday's hours
        for ahead in range(SEARCH_DAYS):
            for start, end in self.intervals(first + timedelta(days=ahead)):
                if end > moment:
                    return max(start, moment).astimezone(moment.tzinfo)
        raise NeverOpen(f"the business hours are not open in the {SEARCH_DAYS} days after {moment.isoformat()}")

    def is_open(self, moment: datetime) -> bool:
        return self.next_open(moment) == moment

    def add(self, moment: datetime, duration: Duration) -> datetime:
        """`moment` plus `duration` counted in open time: whole days are business days (the same wall time that
        many open days later), hours, minutes and seconds are open time; the result is inside open hours.

        >>> hours = BusinessHours.of({"days": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}},
        ...                          "UTC")
        >>> friday_3pm = datetime(2026, 11, 27, 15, tzinfo=timezone.utc)
        >>> hours.add(friday_3pm, Duration(seconds=4 * 3600)).isoformat()
        '2026-11-30T11:00:00+00:00'
        >>> hours.add(friday_3pm, Duration(days=2)).isoformat()
        '2026-12-01T15:00:00+00:00'
        """
        if duration.years or duration.months or duration.sign < 0:
            raise ValueError("business time counts weeks, days, hours and minutes forward, not months or years")
        at = self.next_open(moment)
        if duration.days:
            local = at.astimezone(self.zone)
            day, left = local.date(), duration.days
            while left:
                day += timedelta(days=1)
                left -= bool(self.intervals(day))
                if (day - local.date()).days > SEARCH_DAYS:
                    raise NeverOpen("the business hours are not open often enough for that many days")
            at = self.next_open(_at(day, local.time(), self.zone))
        remaining = timedelta(seconds=duration.seconds)
        while remaining > timedelta(0):
            end = next(end for start, end in self._around(at) if start <= at < end)
            step = min(remaining, end - at)
            at, remaining = at + step, remaining - step
            at = self.next_open(at)  # landing on a closing time means the next opening
        return at.astimezone(moment.tzinfo)

    def _around(self, moment: datetime) -> list:
        day = moment.astimezone(self.zone).date()
        return [span for offset in (-1, 0, 1) for span in self.intervals(day + timedelta(days=offset))]


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(timezone.utc)
