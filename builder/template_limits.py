"""How large a template's values may grow, judged before the operations that could build huge ones.

The render deadline is checked between operations, but a single call such as ``s.replace('a', s)``
or ``(['x' * 10**6] * 1000)|join`` allocates gigabytes before control comes back. So every value a
template builds is weighed (about how many characters it prints as, containers included), and the
operations whose result can be much larger than their inputs are estimated before they run.

>>> weight(["ab", {"c": 1}]) <= 20
True
>>> check_str_method("a" * 20, "replace", ("a", "x" * 100_000), {})
Traceback (most recent call last):
jinja2.exceptions.SecurityError: the result would be longer than 1000000 characters
"""
import inspect
import re
from itertools import islice

from jinja2.sandbox import SecurityError
from jinja2.utils import Namespace

MAX_VALUE = 1_000_000  # about how many characters (or items) any value a template builds may hold
MAX_INT_BITS = 100_000
# Filters that loop or allocate by a numeric argument.
WIDE_FILTERS = ("batch", "center", "indent", "slice", "truncate", "wordwrap")
_BIG_NUMBER = re.compile(r"\d{7,}")
_NUMBER = re.compile(r"\d+")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_SPEC = re.compile(r"%[^a-zA-Z%]*")
_TOO_LONG = f"the result would be longer than {MAX_VALUE} characters"


def weight(value, limit: int = MAX_VALUE) -> int:
    """About how many characters `value` prints as; counting stops once it passes `limit`."""
    total, pending = 0, [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            if total <= limit:
                pending.extend(item.keys())
                pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            if total <= limit:
                pending.extend(item)
        elif isinstance(item, Namespace):
            # `{% set ns.x = ... %}` fills a namespace without any guarded operation seeing it.
            pending.append(item._Namespace__attrs)
        else:
            total += 8
    return total


def bounded(value):
    """`value`, or SecurityError when it is too large to keep."""
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise SecurityError("the number would be too large")
    if weight(value) > MAX_VALUE:
        raise SecurityError(f"a value longer than {MAX_VALUE} characters or items")
    return value


def check_repeat(left, right) -> None:
    """Refuse ``seq * n`` (either way round) that would build a value over the limit."""
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(count, int) and count > 0 \
                and weight(seq, MAX_VALUE // count + 1) * count > MAX_VALUE:
            raise SecurityError(f"the value would be longer than {MAX_VALUE} characters")


def check_power(left, right) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
            and abs(left).bit_length() * right > MAX_INT_BITS:
        raise SecurityError("the number would be too large")


def check_percent_format(text: str, values) -> None:
    """``text % values``: refuse huge widths, and results over the limit."""
    specs = _PERCENT_SPEC.findall(text)
    for spec in specs:
        if "*" in spec or _BIG_NUMBER.search(spec):
            raise SecurityError("a width or precision in this format is too large")
    _check_fields(text, len(specs), specs, weight(values))


def check_str_method(text, name: str, args: tuple, kwargs: dict) -> tuple:
    """The arguments to call the str (or bytes) method `name` of `text` with, or SecurityError when its
    result would be too large (an iterable to join is read into a list first, to be measured)."""
    if any(isinstance(a, int) and a > MAX_VALUE for a in (*args, *kwargs.values())):
        raise SecurityError("a width or count in this call is too large")
    if name in ("format", "format_map"):
        fields = _FORMAT_FIELD.findall(text)
        for spec in fields:
            if _BIG_NUMBER.search(spec):
                raise SecurityError("a width or precision in this format is too large")
        _check_fields(text, len(fields), fields, weight((args, kwargs)))
    elif name == "replace" and len(args) >= 2:
        _check_size(_replaced_size(text, *args[:3]))
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        _check_size(len(text) + text.count("\t" if isinstance(text, str) else b"\t") * _int(tab))
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((weight(v) for v in args[0].values()), default=1)
        _check_size(len(text) * max(longest, 1))
    elif name == "join" and args:
        args = (materialized(args[0]), *args[1:])
        _check_size(_joined_size(text, args[0]))
    return args


def materialized(items):
    """`items` as a list (at most one item over the limit), so it can be measured and still used."""
    if isinstance(items, (list, tuple, str, bytes, dict)):
        return items
    return list(islice(items, MAX_VALUE + 1))


def filter_estimator(name: str, func):
    """A check to run on a filter's arguments before it runs, or None for filters that cannot grow much."""
    rule = _FILTER_RULES.get(name)
    if rule is None:
        return None
    signature = inspect.signature(func)

    def check(args, kwargs) -> tuple:
        """The arguments to call the filter with (an iterable to join is read into a list first)."""
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return args, kwargs  # the filter itself will report the wrong arguments
        bound.apply_defaults()
        rule(bound.arguments)
        return bound.args, bound.kwargs

    return check


def _check_size(size: int) -> None:
    if size > MAX_VALUE:
        raise SecurityError(_TOO_LONG)


def _check_fields(text: str, count: int, specs, values_weight: int) -> None:
    widest = max((int(n) for spec in specs for n in _NUMBER.findall(spec)), default=0)
    _check_size(len(text) + count * (values_weight + widest))


def _int(value) -> int:
    return value if isinstance(value, int) else 0


def _replaced_size(text, old, new, count=-1) -> int:
    if not isinstance(old, type(text)) or not isinstance(new, type(text)):
        return 0
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(0, len(new) - len(old))


def _joined_size(separator, items) -> int:
    if len(items) > MAX_VALUE:
        raise SecurityError(f"more than {MAX_VALUE} items to join")
    return weight(separator) * max(len(items) - 1, 0) + weight(items)


def _replace_rule(a) -> None:
    text = str(a["s"])
    _check_size(_replaced_size(text, str(a["old"]), str(a["new"]), a["count"] if a["count"] is not None else -1))


def _join_rule(a) -> None:
    a["value"] = materialized(a["value"])
    _check_size(_joined_size(str(a["d"]), a["value"]))


def _indent_rule(a) -> None:
    text, width = str(a["s"]), a["width"]
    _check_size(len(text) + (text.count("\n") + 1) * (width if isinstance(width, int) else len(str(width))))


def _wordwrap_rule(a) -> None:
    text, width = str(a["s"]), max(_int(a["width"]), 1)
    _check_size(len(text) + (len(text) // width + text.count("\n") + 1) * len(a["wrapstring"] or "\n"))


def _format_rule(a) -> None:
    check_percent_format(str(a["value"]), (a["args"], a["kwargs"]))


def _sum_rule(a) -> None:
    # Adding lists or strings one by one takes quadratic time inside a single call.
    if not isinstance(a["start"], (int, float)):
        raise SecurityError("sum adds numbers only")


_FILTER_RULES = {"replace": _replace_rule, "join": _join_rule, "indent": _indent_rule, "wordwrap": _wordwrap_rule,
                 "format": _format_rule, "sum": _sum_rule}
