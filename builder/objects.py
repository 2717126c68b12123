"""Object types as plain dicts, and the typed values their fields hold.

An object type spec::

    {"label": "Deal",
     "fields": {"amount": {"type": "number"}, "status": {"type": "choice", "options": ["a", "b"]}},
     "pipelines": {"sales": ["new", "won", "lost"]}}

Besides its fields every record has the pseudo-fields in :data:`PSEUDO_FIELDS`.
"""
import math
import re
from datetime import date, datetime, timezone

FIELD_TYPES = ("text", "number", "boolean", "date", "datetime", "email", "phone", "choice", "user")
PSEUDO_FIELDS = {"stage": "text", "pipeline": "text", "owner": "user", "tags": "tags",
                 "created_at": "datetime", "updated_at": "datetime"}
_PHONE = re.compile(r"[0-9+\s\-()]*[0-9][0-9+\s\-()]*")
# Limits on stored values (docs/SECURITY.md): text a person would write, numbers a browser holds exactly.
MAX_TEXT = 10_000
MAX_EMAIL = 254
MAX_PHONE = 50
MAX_INTEGER = 2**53 - 1
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _fields(*names, **typed) -> dict:
    spec = {name: {"type": "text"} for name in names}
    spec.update({name: kind if isinstance(kind, dict) else {"type": kind} for name, kind in typed.items()})
    return spec


def _choice(*options) -> dict:
    return {"type": "choice", "options": list(options)}


DEMO_OBJECTS = {
    "contact": {"label": "Contact", "fields": {**_fields("name"), "email": {"type": "email"},
                                               "phone": {"type": "phone"}, "company": {"type": "text"}},
                "pipelines": {}},
    "company": {"label": "Company", "fields": {**_fields("name", "domain"), "phone": {"type": "phone"}},
                "pipelines": {}},
    "deal": {"label": "Deal",
             "fields": _fields("name", amount="number", email="email", phone="phone", close_date="date"),
             "pipelines": {"sales": ["new", "unassigned", "qualified", "proposal", "won", "lost"]}},
    "task": {"label": "Task",
             "fields": _fields("title", status=_choice("To Do", "In Progress", "Done"),
                               type=_choice("Call", "Meeting", "Email", "Other"),
                               priority=_choice("low", "normal", "high", "urgent"),
                               category="text", details="text", due_at="datetime", assignee="user"),
             "pipelines": {}},
    "order": {"label": "Order",
              "fields": _fields("number", email="email", phone="phone", amount="number",
                                estimated_delivery="date", usage_days="number"),
              "pipelines": {"orders": ["created", "paid", "delivered", "received"]}},
}


def field_names(objects: dict, object_name: str) -> set:
    """Every field a condition or template may name on `object_name`, pseudo-fields included.

    Raises
    ------
    KeyError
        If `objects` has no type called `object_name`.

    >>> sorted(field_names(DEMO_OBJECTS, "company"))[:4]
    ['created_at', 'domain', 'name', 'owner']
    """
    return set((objects[object_name].get("fields") or {})) | set(PSEUDO_FIELDS)


def field_type(objects: dict, object_name: str, name: str) -> str | None:
    """The type of field `name` (pseudo-fields included), or None when the object has no such field."""
    spec = (objects.get(object_name) or {}).get("fields") or {}
    if name in spec:
        return spec[name].get("type")
    return PSEUDO_FIELDS.get(name)


def stages(objects: dict, object_name: str, pipeline: str | None = None) -> list:
    """The stages of one pipeline of `object_name`, or of all its pipelines when `pipeline` is falsy."""
    pipelines = (objects.get(object_name) or {}).get("pipelines") or {}
    if pipeline:
        return list(pipelines.get(pipeline) or [])
    return [stage for names in pipelines.values() for stage in names]


def coerce_value(field_spec: dict, value):
    """Check `value` against a field spec and return it in its stored form.

    None is always accepted (it clears the field). Dates stay ``YYYY-MM-DD`` text; datetimes
    become UTC ISO 8601 text.

    Raises
    ------
    ValueError
        With a short message such as ``"expected a number"``.

    >>> coerce_value({"type": "datetime"}, "2026-03-07T09:00:00+07:00")
    '2026-03-07T02:00:00+00:00'
    """
    if value is None:
        return None
    kind = field_spec.get("type")
    coerce = _COERCERS.get(kind)
    if coerce is None:
        raise ValueError(f"unknown field type '{kind}'")
    return coerce(field_spec, value)


def _text(_spec, value):
    if not isinstance(value, str):
        raise ValueError("expected text")
    if len(value) > MAX_TEXT:
        raise ValueError(f"at most {MAX_TEXT:,} characters")
    return value


def _number(_spec, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("expected a number")
    if isinstance(value, int) and abs(value) > MAX_INTEGER:
        raise ValueError(f"expected a number between -{MAX_INTEGER} and {MAX_INTEGER}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("expected a number")
    return value


def _boolean(_spec, value):
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _date(_spec, value):
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    try:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError("expected a date as YYYY-MM-DD") from None


def _datetime(_spec, value):
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("expected an ISO 8601 date and time with an offset") from None
    if not isinstance(value, datetime):
        raise ValueError("expected an ISO 8601 date and time with an offset")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("expected a date and time with a UTC offset, e.g. 2026-03-07T09:00:00+07:00")
    return value.astimezone(timezone.utc).isoformat()


def _email(_spec, value):
    if not isinstance(value, str):
        raise ValueError("expected an email address")
    address = value.strip()
    if len(address) > MAX_EMAIL:
        raise ValueError(f"at most {MAX_EMAIL} characters")
    local, at, domain = address.partition("@")
    if not at or not local or not domain or "@" in domain or any(c.isspace() for c in address):
        raise ValueError("expected an email address such as name@example.com")
    return address


def _phone(_spec, value):
    if isinstance(value, str) and len(value.strip()) > MAX_PHONE:
        raise ValueError(f"at most {MAX_PHONE} characters")
    if not isinstance(value, str) or not _PHONE.fullmatch(value.strip()):
        raise ValueError("expected a phone number (digits, spaces, +, -, parentheses)")
    return value.strip()


def _choice_value(spec, value):
    options = spec.get("options") or []
    if value not in options:
        raise ValueError("expected one of: " + ", ".join(map(str, options)))
    return value


def _user(_spec, value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a username")
    return value.strip()


_COERCERS = {"text": _text, "number": _number, "boolean": _boolean, "date": _date, "datetime": _datetime,
             "email": _email, "phone": _phone, "choice": _choice_value, "user": _user}
