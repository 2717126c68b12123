"""Marshmallow field builders for node configs, with the editor hints the catalog publishes.

Every field has a default (a freshly dropped node is schema-valid) and a ``title``. Editor hints live
in the field metadata and reach the JSON Schema unchanged:

- ``format`` / ``x-widget``: ``template``, ``template-multiline``, ``duration``, ``time``, ``cron``,
  ``object``, ``field``, ``fields``, ``pipeline``, ``stage``, ``stages``, ``user``, ``role``,
  ``assignee``, ``weekdays``, ``outcomes``, ``tags``, ``key-value``, ``condition-group``,
  ``condition-rules``;
- ``x-template``: every string inside the value is a Jinja template;
- ``x-required``: the value may be saved empty, but publishing needs it;
- ``x-allow-negative``: a duration that is an offset and may point into the past;
- ``x-optional``: a duration that may be left empty; a tick box absent from configs that do not set it;
- ``x-field-types``: the field types a ``field`` widget offers;
- ``x-empty-label``: what a picker calls its empty choice ("Unchanged"; else "—");
- ``x-record-owner``: a ``user`` picker also offers the record's owner (``record_owner``);
- ``x-keys``: ``fields`` when a ``key-value`` mapping's keys are the record's field names;
- ``x-when``: ``{setting: [values]}``: the field only matters (and is only shown) while that setting of the same
  node holds one of the values.

Widgets beyond the basic ones: ``users`` (tick users), ``branches`` (a random split's weighted branches).
"""
from marshmallow import ValidationError, fields, validate

# Condition operators and how a rule reads in words ("amount is at least 10"); the editor shows these words.
OPERATOR_WORDS = {"eq": "is", "ne": "is not", "in": "is any of", "not_in": "is none of", "contains": "contains",
                  "not_contains": "does not contain", "gt": "is greater than", "gte": "is at least",
                  "lt": "is less than", "lte": "is at most", "is_empty": "is empty", "is_not_empty": "is not empty",
                  "changed": "changed", "has_tag": "has the tag"}
CONDITION_OPERATORS = tuple(OPERATOR_WORDS)
_LIST_OPERATORS = ("in", "not_in")
_ORDER_OPERATORS = ("gt", "gte", "lt", "lte")
VALUELESS_OPERATORS = ("is_empty", "is_not_empty", "changed")
MAX_CONDITION_DEPTH = 10
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRIORITIES = ("low", "normal", "high", "urgent")
WAITED_EVENTS = ("field_changed", "stage_entered", "task_done", "webhook")
MIN_BRANCHES, MAX_BRANCHES, MAX_BRANCH_NAME = 2, 5, 40


def _meta(title, description=None, **hints) -> dict:
    meta = {"title": title}
    if description:
        meta["description"] = description
    meta.update({key.replace("_", "-"): value for key, value in hints.items() if value is not None})
    return meta


def text(title, default="", *, multiline=False, required=False, description=None):
    """A Jinja template text."""
    widget = "template-multiline" if multiline else "template"
    return fields.String(load_default=default, metadata=_meta(
        title, description, format=widget, x_widget=widget, x_template=True, x_required=required or None))


def plain(title, widget, default="", *, required=False, field_types=None, empty_label=None, record_owner=False,
          description=None, when=None):
    """A plain string picked with a widget (object, field, stage, user, time, cron, ...).

    `field_types` narrows a ``field`` widget to fields of those types (``x-field-types``); `empty_label` names
    the picker's empty choice; `record_owner` lets a ``user`` picker offer the record's owner.
    """
    return fields.String(load_default=default, metadata=_meta(
        title, description, format=widget, x_widget=widget, x_required=required or None,
        x_field_types=list(field_types) if field_types else None, x_empty_label=empty_label,
        x_record_owner=record_owner or None, x_when=when))


def choice(title, options, default, *, description=None):
    return fields.String(load_default=default, validate=validate.OneOf(options),
                         metadata=_meta(title, description))


def duration(title, default, *, negative=False, optional=False, description=None):
    """An ISO 8601 duration; checked by validation, which can name the exact problem."""
    return fields.String(load_default=default, metadata=_meta(
        title, description, format="duration", x_widget="duration", x_allow_negative=negative or None,
        x_optional=optional or None))


def names(title, widget, default=(), *, description=None, options=None, when=None):
    """A list of short strings (field names, stages, weekdays, outcomes, tags, users)."""
    item = fields.String(validate=validate.OneOf(options)) if options else fields.String()
    return fields.List(item, load_default=lambda: list(default), metadata=_meta(
        title, description, x_widget=widget, x_when=when))


def key_values(title, *, values=None, template=True, keys=None, description=None):
    """A name -> value mapping (record field updates, HTTP headers); `keys` = ``"fields"``: record field names."""
    return fields.Dict(keys=fields.String(), values=values or fields.Raw(allow_none=True), load_default=dict,
                       metadata=_meta(title, description, format="key-value", x_widget="key-value",
                                      x_template=template or None, x_keys=keys))


def flag(title, default=False, *, description=None):
    return fields.Boolean(load_default=default, metadata=_meta(title, description))


def option(title, *, description=None):
    """A tick box that is off unless set, and absent from a config that does not set it (``x-optional``), so
    configs made before it existed keep their exact shape."""
    return fields.Boolean(metadata=_meta(title, description, x_optional=True))


def condition_group(title, *, description=None):
    """An optional condition group ``{"match": "all|any", "rules": [...]}``."""
    return ConditionGroup(load_default=None, allow_none=True, metadata=_meta(
        title, description, x_widget="condition-group"))


def condition_rules(title, *, description=None):
    """The rules list of a condition node."""
    return ConditionRules(load_default=list, metadata=_meta(title, description, x_widget="condition-rules"))


def branches(title, *, description=None):
    """The weighted branches of a random split: ``[{"name": "A", "weight": 50}, ...]``."""
    return Branches(load_default=lambda: [{"name": "A", "weight": 50}, {"name": "B", "weight": 50}],
                    metadata=_meta(title, description, x_widget="branches"))


def assignee(title, *, description=None):
    return Assignee(load_default=lambda: {"owner": True}, allow_none=True, metadata=_meta(
        title, description, x_widget="assignee"))


class ConditionGroup(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        errors = group_errors(value)
        if errors:
            raise ValidationError(errors)
        return value


class ConditionRules(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        errors = group_errors({"match": "all", "rules": value})
        if errors:
            raise ValidationError({key.removeprefix("rules"): message for key, message in errors.items()})
        return value


class Branches(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        errors = branch_errors(value)
        if errors:
            raise ValidationError(errors)
        return value


class Assignee(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict) or len(value) != 1:
            raise ValidationError('choose one of {"user": name}, {"role": name} or {"owner": true}')
        (key, who), = value.items()
        if key in ("user", "role") and isinstance(who, str) and who.strip():
            return value
        if key == "owner" and who is True:
            return value
        raise ValidationError('choose one of {"user": name}, {"role": name} or {"owner": true}')


def branch_errors(branches) -> dict:
    """Problems of a random split's branches, keyed by path (``[1].weight``, ``""`` for the whole list).

    >>> branch_errors([{"name": "A", "weight": 70}, {"name": "B", "weight": 20}])
    {'': 'the weights add up to 90, not 100'}
    """
    if not isinstance(branches, list) or not MIN_BRANCHES <= len(branches) <= MAX_BRANCHES:
        return {"": f"a split has {MIN_BRANCHES} to {MAX_BRANCHES} branches"}
    errors, seen = {}, set()
    for index, branch in enumerate(branches):
        if not isinstance(branch, dict) or set(branch) != {"name", "weight"}:
            errors[f"[{index}]"] = "must be an object with 'name' and 'weight'"
            continue
        name, weight = branch["name"], branch["weight"]
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_BRANCH_NAME:
            errors[f"[{index}].name"] = f"a branch needs a name of at most {MAX_BRANCH_NAME} characters"
        elif name in seen or name in ("next", "error"):
            errors[f"[{index}].name"] = f"the name '{name}' is taken"
        seen.add(name)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 99:
            errors[f"[{index}].weight"] = "a weight is a whole percentage from 1 to 99"
    if not errors and sum(branch["weight"] for branch in branches) != 100:
        errors[""] = f"the weights add up to {sum(b['weight'] for b in branches)}, not 100"
    return errors


def group_errors(group, depth=0) -> dict:
    """Structural problems of a condition group, keyed by path (``rules[1].op``); empty when fine."""
    if not isinstance(group, dict):
        return {"": "must be an object with 'match' and 'rules'"}
    if depth > MAX_CONDITION_DEPTH:
        return {"": f"groups are nested more than {MAX_CONDITION_DEPTH} deep"}
    errors = {}
    unknown = set(group) - {"match", "rules"}
    if unknown:
        errors[sorted(map(str, unknown))[0]] = "unknown key"
    if group.get("match", "all") not in ("all", "any"):
        errors["match"] = "must be 'all' or 'any'"
    rules = group.get("rules", [])
    if not isinstance(rules, list):
        errors["rules"] = "must be a list"
        return errors
    for index, rule in enumerate(rules):
        path = f"rules[{index}]"
        found = group_errors(rule, depth + 1) if isinstance(rule, dict) and "rules" in rule else _rule_errors(rule)
        errors.update({f"{path}.{key}" if key else path: message for key, message in found.items()})
    return errors


def _rule_errors(rule) -> dict:
    if not isinstance(rule, dict):
        return {"": "must be an object with 'field', 'op' and 'value'"}
    errors = {}
    if set(rule) - {"field", "op", "value"}:
        errors[sorted(map(str, set(rule) - {"field", "op", "value"}))[0]] = "unknown key"
    if not isinstance(rule.get("field"), str) or not rule["field"].strip():
        errors["field"] = "choose a field"
    op, value = rule.get("op"), rule.get("value")
    if op not in CONDITION_OPERATORS:
        errors["op"] = f"unknown operator {op!r}; use one of {', '.join(CONDITION_OPERATORS)}"
    elif op in _LIST_OPERATORS and not isinstance(value, list):
        errors["value"] = f"'{op}' needs a list of values"
    elif op in _ORDER_OPERATORS and (isinstance(value, bool) or not isinstance(value, (int, float, str))):
        errors["value"] = f"'{op}' needs a number or a date"
    elif op == "has_tag" and not (isinstance(value, str) and value):
        errors["value"] = "'has_tag' needs a tag"
    elif op not in VALUELESS_OPERATORS and isinstance(value, dict):
        errors["value"] = "must be a value or a list, not an object"
    return errors
