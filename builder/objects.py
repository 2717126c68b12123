"""Object types as plain data: the five standard types and typed field values."""
from datetime import date, datetime, timezone

PSEUDO_FIELDS = ("stage", "pipeline", "owner", "tags", "created_at", "updated_at")


def _f(type_, label, **extra):
    return {"type": type_, "label": label, **extra}


DEMO_OBJECTS = {
    "contact": {"label": "Contact", "pipelines": {}, "fields": {
        "name": _f("text", "Name"), "email": _f("email", "Email"), "phone": _f("phone", "Phone"),
        "company": _f("text", "Company")}},
    "company": {"label": "Company", "pipelines": {}, "fields": {
        "name": _f("text", "Name"), "domain": _f("text", "Domain"), "phone": _f("phone", "Phone")}},
    "deal": {"label": "Deal", "pipelines": {"sales": ["new", "unassigned", "qualified", "proposal", "won", "lost"]},
             "fields": {"name": _f("text", "Name"), "amount": _f("number", "Amount"), "email": _f("email", "Email"),
                        "phone": _f("phone", "Phone"), "close_date": _f("date", "Close date")}},
    "task": {"label": "Task", "pipelines": {}, "fields": {
        "title": _f("text", "Title"),
        "status": _f("choice", "Status", options=["To Do", "In Progress", "Done"]),
        "type": _f("choice", "Type", options=["Call", "Meeting", "Email", "Other"]),
        "priority": _f("choice", "Priority", options=["low", "normal", "high", "urgent"]),
        "category": _f("text", "Category"), "details": _f("text", "Details"),
        "due_at": _f("datetime", "Due at"), "assignee": _f("user", "Assignee")}},
    "order": {"label": "Order", "pipelines": {"orders": ["created", "paid", "delivered", "received"]},
              "fields": {"number": _f("text", "Number"), "email": _f("email", "Email"), "phone": _f("phone", "Phone"),
                         "amount": _f("number", "Amount"), "estimated_delivery": _f("date", "Estimated delivery"),
                         "usage_days": _f("number", "Usage days")}},
}


def field_names(objects: dict, object_name: str) -> set[str]:
    spec = objects.get(object_name) or {}
    return set(spec.get("fields", {})) | set(PSEUDO_FIELDS)


def coerce_value(spec: dict, value):
    """The stored form of `value` for a field of this spec; ValueError says what was expected."""
    if value is None:
        return None
    kind = spec.get("type", "text")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("expected a number")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if not isinstance(value, str):
        raise ValueError("expected a string")
    if kind == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError("expected a date like 2026-12-31") from None
    if kind == "datetime":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("expected a date and time like 2026-12-31T09:00:00+07:00") from None
        if parsed.tzinfo is None:
            raise ValueError("the time needs an offset, e.g. +00:00")
        return parsed.astimezone(timezone.utc).isoformat()
    if kind == "email" and value and (value.count("@") != 1 or value.startswith("@") or value.endswith("@")):
        raise ValueError("expected an email address")
    if kind == "phone" and value and not all(c.isdigit() or c in "+ -()." for c in value):
        raise ValueError("expected a phone number")
    if kind == "choice" and value not in spec.get("options", []):
        raise ValueError(f"expected one of: {', '.join(spec.get('options', []))}")
    return value
