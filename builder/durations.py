"""ISO 8601 durations (``PT10M``, ``P3D``, ``P1Y2M3DT4H5M6S``, ``P2W``, ``-P1D``).

Years and months are calendar units, days are wall-clock days in the datetime's own time zone
(so ``P1D`` keeps 09:00 at 09:00 across a DST change) and hours, minutes and seconds are elapsed time.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> start = datetime(2026, 3, 7, 9, 0, tzinfo=ZoneInfo("America/New_York"))
>>> parse_duration("P1D").add_to(start).isoformat()
'2026-03-08T09:00:00-04:00'
"""
import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

_PATTERN = re.compile(
    r"(?P<sign>[+-])?P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?")
# Anything longer is a typo, and would overflow datetime arithmetic near the year 9999.
MAX_YEARS = 100
_DAY = 86400
_YEAR_ESTIMATE = 365.2425 * _DAY
_MONTH_ESTIMATE = _YEAR_ESTIMATE / 12


@dataclass(frozen=True)
class Duration:
    """A parsed duration; every component is non-negative and `sign` is 1 or -1."""

    sign: int = 1
    years: int = 0
    months: int = 0
    days: int = 0
    seconds: float = 0

    @property
    def is_positive(self) -> bool:
        """True when adding it moves time forward."""
        return self.sign > 0 and bool(self.years or self.months or self.days or self.seconds)

    def total_seconds_estimate(self) -> float:
        """Signed length in seconds, counting a month as 1/12 of an average Gregorian year."""
        total = self.years * _YEAR_ESTIMATE + self.months * _MONTH_ESTIMATE + self.days * _DAY + self.seconds
        return self.sign * total

    def add_to(self, moment: datetime) -> datetime:
        """Return `moment` moved by this duration (subtracted when negative).

        Parameters
        ----------
        moment : datetime
            A timezone-aware datetime; days are added on its own wall clock.

        Raises
        ------
        ValueError
            If `moment` is naive or the result falls outside the supported date range.
        """
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("a timezone-aware datetime is required")
        try:
            result = _add_months(moment, self.sign * (self.years * 12 + self.months))
            # Aware + timedelta is wall-clock arithmetic; the round trip through UTC resolves
            # wall times that a DST jump skipped or repeated.
            result = (result + timedelta(days=self.sign * self.days)).astimezone(timezone.utc)
            result = result + timedelta(seconds=self.sign * self.seconds)
        except OverflowError as exc:
            raise ValueError("the resulting date is out of range") from exc
        return result.astimezone(moment.tzinfo)

    def __str__(self) -> str:
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        date_part = "".join(f"{int(n)}{unit}" for n, unit in
                            ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n)
        time_part = "".join(f"{_number(n)}{unit}" for n, unit in
                            ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
        if not date_part and not time_part:
            return "PT0S"
        text = "P" + date_part + ("T" + time_part if time_part else "")
        return "-" + text if self.sign < 0 else text

    def humanize(self) -> str:
        """A short English rendering such as ``"10 min"``, ``"2 h"`` or ``"1 day 6 h"``."""
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        parts = [_plural(self.years, "year"), _plural(self.months, "month"), _plural(self.days, "day")]
        parts += [f"{_number(n)} {unit}" if n else "" for n, unit in ((hours, "h"), (minutes, "min"), (seconds, "s"))]
        text = " ".join(part for part in parts if part) or "0 s"
        return "-" + text if self.sign < 0 else text


def parse_duration(text: str) -> Duration:
    """Parse an ISO 8601 duration.

    Raises
    ------
    ValueError
        With a readable message when `text` is not a duration this module understands.

    Examples
    --------
    >>> parse_duration("PT10M").seconds
    600
    >>> str(parse_duration("P2W"))
    'P14D'
    """
    if not isinstance(text, str):
        raise ValueError("a duration must be text such as 'PT10M' or 'P3D'")
    match = _PATTERN.fullmatch(text.strip().upper())
    if match is None or not any(value for name, value in match.groupdict().items() if name != "sign"):
        raise ValueError(f"'{text}' is not an ISO 8601 duration (examples: PT10M, PT2H, P3D, P1M)")
    if text.strip().upper().endswith("T"):
        raise ValueError(f"'{text}' has a 'T' with no hours, minutes or seconds after it")
    parts = {name: int(value or 0) for name, value in match.groupdict().items() if name not in ("sign", "seconds")}
    seconds = float((match["seconds"] or "0").replace(",", "."))
    seconds += parts["hours"] * 3600 + parts["minutes"] * 60
    duration = Duration(sign=-1 if match["sign"] == "-" else 1, years=parts["years"], months=parts["months"],
                        days=parts["weeks"] * 7 + parts["days"], seconds=_number(seconds))
    if abs(duration.total_seconds_estimate()) > MAX_YEARS * _YEAR_ESTIMATE:
        raise ValueError(f"'{text}' is longer than {MAX_YEARS} years")
    return duration


def _add_months(moment: datetime, months: int) -> datetime:
    if not months:
        return moment
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    # 31 January + P1M is the last day of February, as calendars (and most people) expect.
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _plural(count: int, unit: str) -> str:
    if not count:
        return ""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
