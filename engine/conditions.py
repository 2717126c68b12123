"""Condition groups: does a record, and the change that started the run, match?

A group is ``{"match": "all" | "any", "rules": [rule or group, ...]}`` and a rule ``{"field", "op", "value"}``.
A rule's field is ``stage``, ``pipeline``, ``owner`` (its username), ``tags``, ``created_at``, ``updated_at``,
a record field name, ``trigger.changes.<field>.old|new``, ``trigger.event`` or ``payload.<key>[.<key>...]``.

How values compare (what a user sees):

- text ignores case and surrounding spaces (eq, ne, in, not_in, contains, not_contains, has_tag);
- numbers compare as numbers, and ``"5000"`` counts as 5000;
- dates and datetimes compare in time; when one side is a date only, both compare by their UTC day.
  Besides ISO text a value may be ``now``, ``today``, ``now+P3D`` or ``today-P1W`` (ISO 8601 durations, UTC),
  counted from the ``now`` argument (pass the engine's clock; the system clock when omitted);
- ``in`` / ``not_in`` take a list or a comma-separated string; tags compare as a set;
- a missing field is empty; a comparison that makes no sense (``gt "abc"``) is False, and ne, not_in and
  not_contains are the exact opposites of eq, in and contains;
- a ``None`` group means "no conditions" (True); an empty ``all`` is True, an empty ``any`` False.

Nothing here raises on odd input: a malformed rule is simply not met, and :func:`explain` says why.

>>> evaluate({"match": "all", "rules": [{"field": "amount", "op": "gt", "value": "5000"}]},
...          {"fields": {"amount": 7500}})
True
"""
from collections import namedtuple
from datetime import date

from builder.objects import PSEUDO_FIELDS
from engine.clock import SYSTEM_CLOCK
from engine.condition_values import INCOMPARABLE, comparable_text, equal, is_empty, items, ordered, tags

# Deeper than the builder allows (10); the cap only guards against self-referencing input.
MAX_DEPTH = 32

Verdict = namedtuple("Verdict", "rule passed reason")
Explanation = namedtuple("Explanation", "passed reason verdicts")
# What a rule talks about: the field's value, its declared type (None = unknown) and whether it changed.
Subject = namedtuple("Subject", "field value kind changed now")


def evaluate(group, record, trigger=None, objects_fields=None, *, payload=None, now=None) -> bool:
    """True when `record` (and `trigger`, `payload`) satisfy `group`; `objects_fields` are the object's field specs."""
    return explain(group, record, trigger, objects_fields, payload=payload, now=now).passed


def explain(group, record, trigger=None, objects_fields=None, *, payload=None, now=None) -> Explanation:
    """The outcome with the reason for it, and every rule (nested ones flattened, in order) as a Verdict.

    >>> explain({"match": "all", "rules": [{"field": "status", "op": "eq", "value": "To Do"}]},
    ...         {"fields": {"status": "Done"}}).reason
    "status is 'Done', not 'To Do'"
    """
    return Explanation(*_judge(group, _Context(record, trigger, objects_fields, payload, now), 0))


class _Context:
    def __init__(self, record, trigger, objects_fields, payload, now):
        self.record = record if isinstance(record, dict) else {}
        changes = trigger.get("changes") if isinstance(trigger, dict) else None
        self.changes = changes if isinstance(changes, dict) else {}
        self.event = trigger.get("event") if isinstance(trigger, dict) else None
        self.specs = objects_fields if isinstance(objects_fields, dict) else {}
        self.payload = payload
        self.now = now or SYSTEM_CLOCK.now()

    def subject(self, field: str) -> Subject:
        parts = field.split(".")
        if len(parts) == 4 and parts[:2] == ["trigger", "changes"] and parts[3] in ("old", "new"):
            entry = self.changes.get(parts[2])
            value = entry.get(parts[3]) if isinstance(entry, dict) else None
            return self._make(field, parts[2], value)
        if field == "trigger.event":
            return Subject(field, self.event, "text", False, self.now)
        if parts[0] == "payload":
            return Subject(field, _dig(self.payload, parts[1:]), None, False, self.now)
        fields = self.record.get("fields")
        source = self.record if field in PSEUDO_FIELDS else fields if isinstance(fields, dict) else {}
        return self._make(field, field, source.get(field))

    def _make(self, label, name, value) -> Subject:
        if name == "owner" and isinstance(value, dict):
            value = value.get("username")
        spec = self.specs.get(name)
        kind = PSEUDO_FIELDS.get(name) or (spec.get("type") if isinstance(spec, dict) else None)
        return Subject(label, value, kind if isinstance(kind, str) else None, name in self.changes, self.now)


def _judge(group, ctx: _Context, depth: int) -> tuple:
    """(passed, sentence, verdicts) for a group; every rule is evaluated so the explanation is complete."""
    if group is None:
        return True, "no conditions", []
    rules = group.get("rules", []) if isinstance(group, dict) else None
    match = group.get("match", "all") if isinstance(group, dict) else None
    if not isinstance(rules, list) or match not in ("all", "any") or depth > MAX_DEPTH:
        return False, "the condition group is not valid", []
    outcomes, verdicts = [], []
    for rule in rules:
        if isinstance(rule, dict) and "rules" in rule:
            passed, sentence, inner = _judge(rule, ctx, depth + 1)
            outcomes.append((passed, f"({sentence})" if "; " in sentence else sentence))
            verdicts += inner
        else:
            verdict = _check(rule, ctx)
            outcomes.append((verdict.passed, verdict.reason))
            verdicts.append(verdict)
    passed = all(p for p, _ in outcomes) if match == "all" else any(p for p, _ in outcomes)
    if not outcomes:
        return passed, "no rules", verdicts
    # Show what decided the outcome: the failures of a failed "all", the successes of a met "any", ...
    sentence = "; ".join(s for p, s in outcomes if p == passed)
    return passed, sentence if passed or match == "all" else f"none of: {sentence}", verdicts


def _check(rule, ctx: _Context) -> Verdict:
    if not isinstance(rule, dict) or not isinstance(rule.get("field"), str) or not rule["field"]:
        return Verdict(rule, False, "a rule is not valid (it needs a field, an operator and a value)")
    operator = OPERATORS.get(rule.get("op")) if isinstance(rule.get("op"), str) else None
    if operator is None:
        return Verdict(rule, False, f"unknown operator {_show(rule.get('op'))}")
    subject, expected = ctx.subject(rule["field"]), rule.get("value")
    try:
        passed = bool(operator(subject, expected))
    except INCOMPARABLE:
        passed = False
    try:
        sentence = _sentence(rule["op"], subject, expected, passed)
    except INCOMPARABLE:
        sentence = f"{_label(rule['field'])} {'matches' if passed else 'does not match'} the rule"
    return Verdict(rule, passed, sentence)


# --- operators: (subject, expected value) -> bool ------------------------------------------------

def _eq(s: Subject, expected) -> bool:
    return equal(s.value, expected, s.kind, s.now)


def _in(s: Subject, expected) -> bool:
    options = items(expected)
    if s.kind == "tags" or isinstance(s.value, list):
        return bool(tags(s.value) & tags(options))
    return any(equal(s.value, option, s.kind, s.now) for option in options)


def _contains(s: Subject, expected) -> bool:
    if s.kind == "tags" or isinstance(s.value, list):
        wanted = tags(expected)
        return bool(wanted) and wanted <= tags(s.value)
    text, part = comparable_text(s.value), comparable_text(expected)
    return bool(part) and text is not None and part in text


def _ordering(test):
    def operator(s: Subject, expected) -> bool:
        pair = ordered(s.value, expected, s.kind, s.now)
        return pair is not None and test(*pair)
    return operator


OPERATORS = {
    "eq": _eq,
    "ne": lambda s, v: not _eq(s, v),
    "in": _in,
    "not_in": lambda s, v: not _in(s, v),
    "contains": _contains,
    "not_contains": lambda s, v: not _contains(s, v),
    "gt": _ordering(lambda a, b: a > b),
    "gte": _ordering(lambda a, b: a >= b),
    "lt": _ordering(lambda a, b: a < b),
    "lte": _ordering(lambda a, b: a <= b),
    "is_empty": lambda s, v: is_empty(s.value),
    "is_not_empty": lambda s, v: not is_empty(s.value),
    "changed": lambda s, v: s.changed,
    "has_tag": lambda s, v: bool(tags(v)) and tags(v) <= tags(s.value),
}


def _dig(value, keys):
    for key in keys:
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


# --- explanations ------------------------------------------------------------------------------

_SAYS = {
    "eq": ("{f} is {a}", "{f} is {a}, not {v}"),
    "ne": ("{f} is {a}, not {v}", "{f} is {a}"),
    "in": ("{f} is {a}, one of {v}", "{f} is {a}, not one of {v}"),
    "not_in": ("{f} is {a}, not one of {v}", "{f} is {a}, one of {v}"),
    "contains": ("{f} is {a}, which contains {v}", "{f} is {a}, which does not contain {v}"),
    "not_contains": ("{f} is {a}, which does not contain {v}", "{f} is {a}, which contains {v}"),
    "is_empty": ("{f} is empty", "{f} is {a}, not empty"),
    "is_not_empty": ("{f} is {a}", "{f} is empty"),
    "changed": ("{f} changed", "{f} did not change"),
    "has_tag": ("{f} include {v}", "{f} are {a}, without {v}"),
}
_ORDER_WORDS = {"gt": ("more than", "after"), "gte": ("at least", "on or after"),
                "lt": ("less than", "before"), "lte": ("at most", "on or before")}


def _sentence(op: str, s: Subject, expected, passed: bool) -> str:
    name, actual, wanted = _label(s.field), _show(s.value), _show(expected)
    if op in _ORDER_WORDS:
        pair = ordered(s.value, expected, s.kind, s.now)
        if pair is None:
            return f"{name} is {actual}, which cannot be compared with {wanted}"
        word = _ORDER_WORDS[op][isinstance(pair[0], date)]
        return f"{name} is {actual}, {'' if passed else 'not '}{word} {wanted}"
    return _SAYS[op][0 if passed else 1].format(f=name, a=actual, v=wanted)


def _label(field: str) -> str:
    parts = field.split(".")
    if len(parts) == 4 and parts[:2] == ["trigger", "changes"] and parts[3] in ("old", "new"):
        return f"{parts[2]} {'before' if parts[3] == 'old' else 'after'} the change"
    return field


def _show(value) -> str:
    if is_empty(value):
        return "empty"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(item) for item in value[:10]) + (", ..." if len(value) > 10 else "")
    if isinstance(value, (date, bool, int, float)):
        return value.isoformat() if isinstance(value, date) else comparable_text(value)
    if isinstance(value, str):
        return f"'{value[:60]}...'" if len(value) > 60 else f"'{value}'"
    return "an object"
