"""update_record: fields, stage, owner and tags, through crm.records so the change emits its events."""
from crm import records
from engine.node_executors import executes
from engine.outcomes import Advance, Fail
from engine.task_rights import TaskRefused

# Rendered templates are text; these field types need their value back in its own type.
_EMPTY_IS_NONE = ("number", "boolean", "date", "datetime", "email", "phone", "choice", "user")


def typed(spec: dict | None, text: str):
    """A rendered template as a value of the field's type (left as text when it is not one)."""
    kind = (spec or {}).get("type")
    if kind in _EMPTY_IS_NONE and not text.strip():
        return None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number
    if kind == "boolean" and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    return text


def planned_change(config: dict, record, ctx) -> dict:
    specs = ctx.object_fields(record.object)
    data = {}
    fields = {name: typed(specs.get(name), ctx.render(value)) if isinstance(value, str) else value
              for name, value in (config.get("fields") or {}).items()}
    if fields:
        data["fields"] = fields
    for key in ("stage", "owner"):
        value = ctx.render(config.get(key)).strip()
        if key == "owner" and value == "record_owner":  # as create_task reads it: the run's record's owner
            value = ((ctx.view or {}).get("owner") or {}).get("username", "")
        if value:
            data[key] = value
    added = {ctx.render(tag).strip() for tag in config.get("add_tags") or []} - {""}
    removed = {ctx.render(tag).strip() for tag in config.get("remove_tags") or []}
    if added or removed:
        data["tags"] = sorted((set(record.tags or []) | added) - removed)
    return data


@executes("action", "update_record")
def execute(node, ctx):
    record = ctx.record
    if record is None:
        return Fail("the record no longer exists" if ctx.record_id else "this run has no record to update")
    data = planned_change(node["config"], record, ctx)
    if ctx.dry:
        return Advance(reason=f"would change {', '.join(data) or 'nothing'}", input=data)
    try:
        changes = records.update(record, data, ctx.cause)
    except records.RecordInvalid as exc:
        return Fail("the record cannot be changed: " + "; ".join(f"{k}: {v}" for k, v in exc.details.items()),
                    input=data)
    except TaskRefused as refused:
        return Fail(refused.message, input=data)
    ctx.record_changed()
    return Advance(input=data, output={"changes": changes},
                   reason=None if changes else "nothing changed: the record already had these values")
