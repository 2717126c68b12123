"""Only data flows through templates: the guard that turns what is not data into an empty string.

A function, class, module, macro, loop, template reference or namespace would print as ``<function … at 0x…>``;
:func:`data` replaces it wherever a value turns into text (``{{ }}``, filters, operators, calls), so nothing
internal leaks into a message.
"""
import datetime
import decimal
from collections.abc import Iterable, Iterator

from jinja2 import Undefined

from builder import template_limits as limits

_PLAIN = (str, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta, Undefined, type(None))


def data(value):
    """`value` as data: every part that is not data (a function, class, module, macro, loop, template reference,
    namespace) replaced by an empty string, a lazy iterator read into a list. Unchanged parts are not copied.

    >>> data([1, range, {"a": print}])
    [1, '', {'a': ''}]
    """
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        pairs = [(data(key), data(item)) for key, item in value.items()]
        same = all(new[0] is old[0] and new[1] is old[1] for new, old in zip(pairs, value.items()))
        return value if same else dict(pairs)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [data(item) for item in value]
        return value if all(new is old for new, old in zip(items, value)) else type(value)(items)
    if callable(value) or not isinstance(value, Iterable):  # a loop is callable: never read it here
        return ""
    if isinstance(value, Iterator):  # a generator or map(): it would print as <generator object … at 0x…>
        return data(limits.bounded(limits.materialized(value)))
    return value  # range(), dict views: lazy but printable as what they hold


def printable(value):
    """What ``{{ }}`` prints: data only (see :func:`data`). A cleared field (None) prints as nothing, as a
    missing one does, never as the word "None"."""
    if value is None:
        return ""
    return data(limits.bounded(value))
