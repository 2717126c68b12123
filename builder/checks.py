"""Checks of one node's config, driven by the field metadata its catalog schema declares."""
import difflib
import re
from dataclasses import dataclass

from builder.credentials import credential_problems, strings_in
from builder.cron import cron_problem
from builder.durations import parse_duration
from builder.node_type import get_type
from builder.objects import field_names, field_type, stages
from builder.schemas import group_errors
from builder.template_fields import record_field_names
from builder.templating import template_problem

_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_MAX_DEPTH = 20


@dataclass(frozen=True)
class Scope:
    """What a node can refer to: the object type of the record its runs carry.

    `has_record` is True for a known object, False when the trigger starts runs without a record,
    and None when that is unknown (no trigger, or an unknown object: reported on the trigger).
    `publishing` makes a template naming an unknown field an error instead of a warning.
    """

    objects: dict
    object: str | None = None
    has_record: bool | None = None
    trigger_type: str | None = None
    publishing: bool = False

    def sees_changes(self) -> bool:
        """Whether runs carry the change that started them (a trigger on record updates), or it is unknown."""
        return self.trigger_type is None or get_type(self.trigger_type, "trigger").event == "updated"

    def label(self) -> str:
        return (self.objects.get(self.object) or {}).get("label") or str(self.object)


def problem(severity, message, node_id=None, edge_id=None, field=None) -> dict:
    return {"severity": severity, "node_id": node_id, "edge_id": edge_id, "field": field, "message": message}


def node_problems(node: dict, node_type, scope: Scope) -> list:
    """Every problem of `node`'s config: schema, then each field's meaning, then type-specific rules."""
    found = []

    def add(severity, field, message):
        found.append(problem(severity, message, node_id=node["id"], field=field))

    config = node["config"]
    broken = _schema_problems(node_type, config, add)
    for name, declared in node_type.fields.items():
        if name not in broken:
            _field_problems(name, declared.metadata, config.get(name), config, scope, add)
        elif declared.metadata.get("x-widget") in ("condition-group", "condition-rules"):
            _rule_refs(config.get(name), f"config.{name}", scope, add)
    if node_type.needs_record and scope.has_record is False:
        add("error", None, f"{node_type.label} needs a record, and this workflow's trigger starts runs without one")
    if node_type.dynamic_ports and node_type.ports.field not in broken:
        _port_name_problems(node_type.ports, config.get(node_type.ports.field), add)
    # Fields that failed their schema are already reported; the type's own rules see their defaults.
    usable = config if not broken else \
        {**node_type.defaults(), **{key: value for key, value in config.items() if key not in broken}}
    for rule in node_type.rules:
        rule(usable, scope, add)
    for severity, field, message in credential_problems(node):
        add(severity, field, message)
    return found


def condition_problems(group, path: str, scope: Scope, add) -> None:
    """Structure and field references of a condition group (a node's filter or settings.exit_when)."""
    errors = group_errors(group)
    for key, message in errors.items():
        add("error", f"{path}.{key}" if key else path, message)
    _rule_refs(group, path, scope, add)


def _schema_problems(node_type, config, add) -> set:
    broken = set()
    for path, message in _flatten(node_type.schema().validate(config)):
        name = path.split(".")[0].split("[")[0]
        if message == "Unknown field.":
            add("warning", f"config.{path}", f"'{name}' is not a setting of this node and is ignored")
            continue
        broken.add(name)
        title = node_type.fields[name].metadata["title"] if name in node_type.fields else name
        add("error", f"config.{path}", f"{title}: {message}")
    return broken


def _flatten(errors, prefix=""):
    """Marshmallow's nested error messages as (path, message) pairs, paths like ``rules[0].op``."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, _join(prefix, str(key)))
    elif isinstance(errors, list):
        for message in errors:
            yield from _flatten(message, prefix)
    else:
        yield prefix, str(errors)


def _join(prefix, key) -> str:
    if not key:
        return prefix
    if key.isdigit():
        return f"{prefix}[{key}]"
    return prefix + key if key.startswith("[") or not prefix else f"{prefix}.{key}"


def _field_problems(name, meta, value, config, scope, add) -> None:
    path, title, widget = f"config.{name}", meta["title"], meta.get("x-widget")
    if meta.get("x-required") and _is_empty(value):
        add("error", path, f"{title} is required")
        return
    if meta.get("x-template"):
        for where, text in strings_in(value, path):
            found = template_problem(text)
            if found is not None:
                add("error", where, f"{title}: the template {found}")
            elif scope.object or scope.has_record is False:
                _variable_problems(text, where, title, scope, add)
    if widget == "duration":
        _duration_problems(value, meta, path, title, add)
    elif widget == "time" and not _TIME.fullmatch(value or ""):
        add("error", path, f"{title}: use a 24-hour time such as 09:00")
    elif widget == "cron" and cron_problem(value):
        add("error", path, f"{title}: {cron_problem(value)}")
    elif widget == "object" and value and value not in scope.objects:
        add("error", path, f"{title}: there is no object type named '{value}'")
    elif widget in ("field", "fields"):
        for where, field_name in ([(path, value)] if widget == "field" else _indexed(value, path)):
            found = _name_problem(field_name, scope, meta.get("x-field-types"))
            if found:
                add("error", where, f"{title}: {found}")
    elif widget in ("pipeline", "stage", "stages") and scope.object:
        _pipeline_problems(widget, value, config, path, title, scope, add)
    elif widget in ("condition-group", "condition-rules"):
        _rule_refs(value, path, scope, add)


def _variable_problems(text, where, title, scope, add) -> None:
    """``record.fields.<name>`` must name a field of the trigger's object, or the text renders empty there."""
    names = record_field_names(text)
    if names and scope.has_record is False:
        add("error" if scope.publishing else "warning", where,
            f"{title}: this workflow's trigger starts runs without a record, so record.fields.{names[0]} is always "
            "empty (use payload.<key>)")
        return
    known = (scope.objects[scope.object].get("fields") or {}) if scope.object else {}
    for name in names:
        if name in known:
            continue
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        add("error" if scope.publishing else "warning", where,
            f"{title}: {scope.label()} has no field '{name}'{hint}")


def _duration_problems(value, meta, path, title, add) -> None:
    if not value:
        if not meta.get("x-optional"):
            add("error", path, f"{title} is required")
        return
    try:
        duration = parse_duration(value)
    except ValueError as exc:
        add("error", path, f"{title}: {exc}")
        return
    if not meta.get("x-allow-negative") and not duration.is_positive:
        add("error", path, f"{title} must be longer than zero")


def _pipeline_problems(widget, value, config, path, title, scope, add) -> None:
    pipelines = (scope.objects[scope.object].get("pipelines") or {})
    if widget == "pipeline":
        if value and value not in pipelines:
            add("error", path, f"{title}: {scope.label()} has no pipeline '{value}'")
        return
    pipeline = config.get("pipeline") if config.get("pipeline") in pipelines else None
    allowed = stages(scope.objects, scope.object, pipeline)
    for where, stage in ([(path, value)] if widget == "stage" else _indexed(value, path)):
        if stage and stage not in allowed:
            where_from = f"pipeline '{pipeline}'" if pipeline else f"the pipelines of {scope.label()}"
            add("error", where, f"{title}: '{stage}' is not a stage of {where_from}")


def _rule_refs(value, path, scope, add, depth=0) -> None:
    """Field references of a condition group or rules list; skips what is structurally broken."""
    if isinstance(value, dict):
        value, path = value.get("rules"), f"{path}.rules"
    if not isinstance(value, list) or depth > _MAX_DEPTH:
        return
    for index, rule in enumerate(value):
        where = f"{path}[{index}]"
        if isinstance(rule, dict) and "rules" in rule:
            _rule_refs(rule, where, scope, add, depth + 1)
            continue
        if not isinstance(rule, dict) or not isinstance(rule.get("field"), str) or not rule["field"]:
            continue
        found = _ref_problem(rule["field"], scope)
        if found:
            add("error", f"{where}.field", found)
        elif rule.get("op") == "changed" and not scope.sees_changes():
            add("warning", f"{where}.op", "'changed' only means something for a 'Record updated' trigger")
        elif scope.object and rule.get("op") in ("eq", "ne", "in", "not_in"):
            options = (scope.objects[scope.object].get("fields", {}).get(rule["field"]) or {}).get("options")
            values = rule.get("value") if isinstance(rule.get("value"), list) else [rule.get("value")]
            strange = [v for v in values if options and v not in options and v is not None]
            if strange:
                add("warning", f"{where}.value", f"'{strange[0]}' is not one of the options of '{rule['field']}'")


def _ref_problem(ref: str, scope) -> str | None:
    """Why a rule's field reference cannot be resolved, or None."""
    if ref == "payload" or ref.startswith("payload.") or ref == "trigger.event":
        return None
    if ref.startswith("trigger."):
        parts = ref.split(".")
        if len(parts) != 4 or parts[1] != "changes" or parts[3] not in ("old", "new"):
            return "use trigger.changes.<field>.old or trigger.changes.<field>.new"
        ref = parts[2]
    return _name_problem(ref, scope)


def _name_problem(name, scope, types=None) -> str | None:
    if not name:
        return None
    if scope.has_record is False:
        return "this workflow's trigger starts runs without a record (use payload.<key> in conditions)"
    if not scope.object or not name:
        return None
    if name not in field_names(scope.objects, scope.object):
        return f"{scope.label()} has no field '{name}'"
    if types and field_type(scope.objects, scope.object, name) not in types:
        return f"'{name}' is not a {' or '.join(types)} field"
    return None


def _port_name_problems(rule, entries, add) -> None:
    """Each entry of the list that names a node's ports (human task outcomes, branches) makes one port."""
    path, seen = f"config.{rule.field}", set()
    if not entries:
        add("error", path, f"add at least one {rule.noun}")
    for index, entry in enumerate(entries or []):
        where = f"{path}[{index}]" + (f".{rule.item}" if rule.item else "")
        name = entry.get(rule.item) if rule.item and isinstance(entry, dict) else entry
        if not isinstance(name, str) or not name.strip():
            add("error", where, f"each {rule.noun} needs a name")
        elif name in rule.then:
            add("error", where, f"'{name}' is reserved: the step has a '{name}' port of its own")
        elif name in seen:
            add("error", where, f"the {rule.noun} '{name}' is listed twice")
        seen.add(name)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _indexed(values, path):
    return [(f"{path}[{index}]", value) for index, value in enumerate(values or [])]
