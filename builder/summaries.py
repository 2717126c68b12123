"""The one line under a node's label, from its type's summary templates (the editor's summaries.js is its twin).

A template is text with ``{name}`` for a config value, ``{name:filter}`` for one shown through a filter,
``{name|word}`` for a word shown when the value is empty, and ``[...]`` around a part shown only when all its
values are set, and ``{!name}`` for nothing, counted as set only while the value is empty. A node type lists
templates: the first whose values outside ``[...]`` are all set is used, else the last, with ``?`` for what is
missing (an automatic label has no last resort: none). A value is empty when it is missing, ``""``, ``[]``, ``{}``
or false; true shows as nothing. Lists show their items, mappings their keys. Filters: ``duration`` (``PT5M`` ->
``5 min``), ``spoken`` (``PT5M`` -> ``5 minutes``), ``offset`` (a duration, empty when zero), ``clock`` (a time of
day such as ``09:00``), ``rules`` (the node's rules and match in words), ``condition`` (a condition group in words).

>>> render(("when a {object|record} changes[ if {filter:condition}]",), {"object": "deal", "filter": None})
'when a deal changes'
>>> render(("wait {days_field} days", "wait {duration:duration}"), {"duration": "P2DT3H"})
'wait 2 days 3 h'
>>> describe({"match": "any", "rules": [{"field": "stage", "op": "in", "value": ["won", "lost"]},
...                                     {"field": "amount", "op": "gt", "value": 10}]})
'stage is any of "won", "lost" or amount is greater than 10'
"""
import re

from builder.credentials import mask_data
from builder.schemas import OPERATOR_WORDS, VALUELESS_OPERATORS

_DURATION = re.compile(r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_UNITS = ("year", "month", "week", "day", "h", "min", "s")
_CLOCK = re.compile(r"\d\d:\d\d")
_PART = re.compile(r"\[([^\]]*)\]|\{([^}]*)\}")


def summary(node: dict, node_type) -> str:
    """The summary of `node` (a dict with ``config``) as its type declares it; "" when it declares none.
    Credentials in the config are masked first, as every reader sees them (builder.credentials); a step ticked
    to run only within business hours says so after it.
    """
    config = mask_data(node.get("config") or {})
    text = render(node_type.summary, config)
    return f"{text} · in business hours" if text and config.get("business_hours_only") is True else text


def auto_label(node: dict, node_type) -> str | None:
    """The label a step takes from its settings while nobody has named it by hand; None when it has none."""
    return render(node_type.auto_label, node.get("config") or {}, last_resort=False) or None


def render(templates, config: dict, last_resort=True) -> str:
    complete = [t for t in templates if all(_value(p, config) is not None for p in _required(t))]
    if not complete and not (templates and last_resort):
        return ""
    chosen = complete[0] if complete else templates[-1]
    return _PART.sub(lambda m: _optional(m.group(1), config) if m.group(1) is not None
                     else _shown(m.group(2), config), chosen)


def _required(template: str) -> list:
    return [m.group(2) for m in _PART.finditer(template) if m.group(2) is not None]


def _optional(part: str, config) -> str:
    placeholders = [m.group(2) for m in _PART.finditer(part) if m.group(2) is not None]
    if any(_value(p, config) is None for p in placeholders):
        return ""
    return _PART.sub(lambda m: _shown(m.group(2), config), part)


def _shown(placeholder: str, config) -> str:
    value = _value(placeholder, config)
    return "?" if value is None else value


def _value(placeholder: str, config) -> str | None:
    """The placeholder's text, or None when its value is empty and it names no word for that."""
    spec, _, word = placeholder.partition("|")
    if spec.startswith("!"):
        return "" if _plain(config.get(spec[1:]), config) is None else None
    name, _, filter_name = spec.partition(":")
    text = _FILTERS.get(filter_name, _plain)(config.get(name), config)
    return text if text is not None else (word or None)


def _plain(value, _config) -> str | None:
    if value is None or value is False or value in ("", [], {}):
        return None
    if value is True:
        return ""
    if isinstance(value, (list, dict)):
        return ", ".join(map(str, value))
    return _show_scalar(value)


def human_duration(text) -> str:
    """``PT5M`` -> ``5 min``, ``-P1D`` -> ``-1 day``; the text itself (or ``?``) when it is not a duration."""
    match = _DURATION.fullmatch(text or "") if isinstance(text, str) else None
    if not match:
        return text or "?"
    minus, *numbers = match.groups()
    parts = []
    for number, unit in zip(numbers, _UNITS):
        if number:
            plural = "s" if int(number) > 1 and unit in ("year", "month", "week", "day") else ""
            parts.append(f"{number} {unit}{plural}")
    return ("-" if minus else "") + (" ".join(parts) or "0")


def _duration(value, _config) -> str | None:
    return human_duration(value) if value else None


def spoken_duration(text) -> str | None:
    """``PT5M`` -> ``5 minutes``, ``P1DT2H`` -> ``1 day 2 hours``; None when it is not a positive duration."""
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if not match or match.group(1) or not any(match.groups()[1:]):
        return None
    names = ("year", "month", "week", "day", "hour", "minute", "second")
    return " ".join(f"{n} {name}{'' if int(n) == 1 else 's'}" for n, name in zip(match.groups()[1:], names) if n)


def _clock(value, _config) -> str | None:
    return value if isinstance(value, str) and _CLOCK.fullmatch(value) else None


def _offset(value, _config) -> str | None:
    return human_duration(value) if value and value != "P0D" else None


def _rules(value, config) -> str | None:
    return describe({"match": config.get("match", "all"), "rules": value}) if value else None


def _condition(value, _config) -> str | None:
    return describe(value) if isinstance(value, dict) and value.get("rules") else None


def _weights(value, _config) -> str | None:
    """A random split's branches: ``A 50% · B 50%``."""
    if not isinstance(value, list) or not value:
        return None
    return " · ".join(f"{b.get('name') or '?'} {b.get('weight', '?')}%" if isinstance(b, dict) else "?" for b in value)


_WAITED = {"field_changed": "until {fields|the record} changes", "stage_entered": "until stage {stage|?}",
           "task_done": "until a task is done", "webhook": "until reported by webhook"}


def _waited(value, config) -> str | None:
    """What a wait for an event waits for, in words."""
    return render((_WAITED[value],), {**config, "fields": " or ".join(config.get("fields") or []) or None}) \
        if value in _WAITED else None


_FILTERS = {"duration": _duration, "weights": _weights, "waited": _waited, "spoken": lambda value, _config: spoken_duration(value), "offset": _offset,
            "clock": _clock, "rules": _rules, "condition": _condition}


def describe(group, nested=False) -> str:
    """A condition group in words: ``stage is "won" and (owner is not "maria" or amount is at least 10)``."""
    rules = (group or {}).get("rules") or []
    if not rules:
        return "always"
    parts = [describe(rule, True) if _is_group(rule) else _describe_rule(rule) for rule in rules]
    text = (" or " if group.get("match") == "any" else " and ").join(parts)
    return f"({text})" if nested and len(parts) > 1 else text


def _is_group(rule) -> bool:
    return isinstance(rule, dict) and isinstance(rule.get("rules"), list)


def _describe_rule(rule) -> str:
    rule = rule if isinstance(rule, dict) else {}
    op, field = rule.get("op"), rule.get("field")
    value = rule.get("value")
    if op == "has_tag":
        return f"has the tag {_show('' if value is None else value)}"
    words = OPERATOR_WORDS.get(op, op)
    if op in VALUELESS_OPERATORS:
        return f"{field} {words}"
    if isinstance(value, list):
        shown = ", ".join(map(_show, value)) or "(nothing)"
    else:
        shown = _show("" if value is None else value)
    return f"{field} {words} {shown}"


def _show(value) -> str:
    return f'"{value}"' if isinstance(value, str) else _show_scalar(value)


def _show_scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "null" if value is None else str(value)
