"""Adding fields to object types (admins): shared by the API and the settings page."""
import re

from builder.objects import FIELD_TYPES
from store import audit
from crm.records import RecordInvalid, UnknownObject, object_type

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def add_field(object_name: str, name: str, type_: str, label: str | None = None, options: list | None = None):
    try:
        kind = object_type(object_name)
    except UnknownObject:
        raise RecordInvalid({"object": f"no object type '{object_name}'"}, "The field is not valid.") from None
    errors = {}
    if not FIELD_NAME.match(name or ""):
        errors["name"] = "lower-case letters, digits and '_', starting with a letter"
    elif name in kind.fields:
        errors["name"] = f"{object_name} already has a field '{name}'"
    if type_ not in FIELD_TYPES:
        errors["type"] = f"must be one of {', '.join(FIELD_TYPES)}"
    elif type_ == "choice" and not options:
        errors["options"] = "a choice field needs options"
    if errors:
        raise RecordInvalid(errors, "The field is not valid.")
    spec = {"type": type_, "label": label or name.replace("_", " ").title()}
    if options:
        spec["options"] = list(options)
    kind.fields = {**kind.fields, name: spec}
    audit.record("object_type.field_added", "object_type", kind.name,
                 f"field '{name}' ({type_}) added to {kind.name}", kind.name, after={name: spec})
    return kind
