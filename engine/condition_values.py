"""Typed values in condition rules: how a record's value and a rule's value compare (see :mod:`engine.conditions`
for the rules a user sees). Text ignores case and spaces, numbers compare as numbers, dates and datetimes in
time (``now``, ``today-P1W`` counted from the clock's now), tags as sets.
"""
import math
import re
from datetime import date, datetime, timezone

from builder.durations import parse_duration

# Comparisons of values that do not fit together end up here, and mean "not met".
INCOMPARABLE = (TypeError, ValueError, OverflowError, ArithmeticError)
_TEMPORAL = ("date", "datetime")
_RELATIVE = re.compile(r"(now|today)(?:\s*([+-])\s*(P\S+))?", re.IGNORECASE)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def equal(a, b, kind, now) -> bool:
    if is_empty(a) or is_empty(b):
        return is_empty(a) and is_empty(b)
    kind = kind or _inferred(a)
    if kind == "tags":
        return tags(a) == tags(b)
    if kind == "boolean":
        return _boolean(a) is not None and _boolean(a) == _boolean(b)
    if kind in ("number", "date", "datetime", "auto"):
        pair = ordered(a, b, kind, now)
        # Text of an undeclared field may still be a number or a date ("5000" == 5000.0), or just text.
        if pair is not None or kind != "auto":
            return pair is not None and pair[0] == pair[1]
    return comparable_text(a) is not None and comparable_text(a) == comparable_text(b)


def ordered(a, b, kind, now):
    """Both values as numbers or as moments, as the field type allows; None when they are not comparable."""
    if is_empty(a) or is_empty(b) or kind in ("tags", "boolean"):
        return None
    if kind not in _TEMPORAL:
        x, y = _number(a), _number(b)
        if x is not None and y is not None:
            return x, y
        if kind == "number":
            return None
    x, y = _moment(a, now), _moment(b, now)
    if x is None or y is None:
        return None
    if isinstance(x, datetime) != isinstance(y, datetime):
        x, y = _day(x), _day(y)
    return x, y


def _inferred(value) -> str:
    if isinstance(value, (bool, list, tuple)):
        return "boolean" if isinstance(value, bool) else "tags"
    if isinstance(value, (int, float, date)):
        return "date" if isinstance(value, date) else "number"
    return "auto"


def _number(value):
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if isinstance(value, int) or math.isfinite(value) else None


def _moment(value, now):
    """A date or an aware datetime from a value; None when it is not one."""
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        relative = _RELATIVE.fullmatch(text)
        if relative:
            today = relative[1].lower() == "today"
            moment = now.astimezone(timezone.utc)
            if relative[3]:
                moment = parse_duration(relative[2] + relative[3]).add_to(moment)
            return moment.date() if today else moment
        if _DATE_ONLY.fullmatch(text):
            return date.fromisoformat(text)
        return _moment(datetime.fromisoformat(text), now) if len(text) > 10 else None
    except INCOMPARABLE:
        return None


def _day(moment):
    return moment.astimezone(timezone.utc).date() if isinstance(moment, datetime) else moment


def _boolean(value):
    if isinstance(value, bool):
        return value
    text = comparable_text(value)
    return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(text)


def comparable_text(value):
    """Text for case-insensitive comparison; None for lists and objects."""
    if isinstance(value, str):
        return value.strip().casefold()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, (int, float, date)) else None


def items(value) -> list:
    """A list operand: a list as is, a comma-separated string split, a single value wrapped."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return [part for part in (p.strip() for p in value.split(",")) if part]
    return [] if value is None else [value]


def tags(value) -> set:
    return {t for t in (comparable_text(item) for item in items(value)) if t}


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {}, ())
