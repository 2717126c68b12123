"""Five-field cron expressions (minute hour day-of-month month day-of-week), checked strictly.

>>> cron_problem("*/15 9-17 * * mon-fri") is None
True
>>> cron_problem("61 * * * *")
'minute: 61 is out of range 0-59'
"""
import calendar
import re

from croniter import croniter

_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_WEEKDAYS = {name: number for number, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
_FIELDS = (("minute", 0, 59, {}), ("hour", 0, 23, {}), ("day of month", 1, 31, {}),
           ("month", 1, 12, _MONTHS), ("day of week", 0, 7, _WEEKDAYS))
_ITEM = re.compile(r"(?P<range>\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(?P<step>\d+))?")


def cron_problem(expression) -> str | None:
    """Why `expression` is not a usable five-field cron expression, or None when it is."""
    if not isinstance(expression, str) or not expression.strip():
        return "enter five fields: minute hour day-of-month month day-of-week"
    parts = expression.lower().split()
    if len(parts) != 5:
        return f"expected 5 fields (minute hour day-of-month month day-of-week), found {len(parts)}"
    values = []
    for text, (name, low, high, names) in zip(parts, _FIELDS):
        allowed = set()
        for item in text.split(","):
            found = _expand(item, low, high, names)
            if isinstance(found, str):
                return f"{name}: {found}"
            allowed |= found
        values.append(allowed)
    days, months = values[2], values[3]
    if parts[4] == "*" and not any(day <= calendar.monthrange(2024, month)[1] for day in days for month in months):
        return "this day of month never occurs in the chosen months"
    if not croniter.is_valid(expression):
        return "not a valid cron expression"
    return None


def _expand(item, low, high, names) -> set | str:
    match = _ITEM.fullmatch(item)
    if match is None:
        return f"'{item}' is not a number, range (a-b), list (a,b) or step (*/n)"
    step = int(match["step"]) if match["step"] else 1
    if match["range"] == "*":
        start, end = low, high
    else:
        bounds = [_value(part, low, high, names) for part in match["range"].split("-")]
        for bound in bounds:
            if isinstance(bound, str):
                return bound
        start, end = bounds[0], bounds[-1]
        if len(bounds) == 1 and match["step"]:
            end = high  # "5/15": from 5 to the end of the range, every 15
        if start > end:
            return f"the range '{match['range']}' runs backwards"
    if not 1 <= step <= high - low + 1:
        return f"the step {step} must be between 1 and {high - low + 1}"
    return set(range(start, end + 1, step))


def _value(token, low, high, names) -> int | str:
    if token in names:
        return names[token]
    if not token.isdigit():
        return f"'{token}' is not a number" + (" or a name such as " + "/".join(list(names)[:3]) if names else "")
    number = int(token)
    if not low <= number <= high:
        return f"{number} is out of range {low}-{high}"
    return number
