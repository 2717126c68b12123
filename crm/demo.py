"""Demo data: the standard object types, a few users and records (CONTRACT.md §1, §3)."""
import secrets

from store.db import db
from builder.objects import DEMO_OBJECTS
from crm import records
from crm.models import ObjectType, Record
from crm.people import create_user, find_user

DEMO_USERS = [("maria", "editor", "maria@example.com", "Maria Sales"),
              ("sam", "editor", "sam@example.com", "Sam Supervisor"),
              ("vera", "viewer", "vera@example.com", "Vera Viewer")]

DEMO_RECORDS = [
    ("contact", {"fields": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+62 811 000 001",
                            "company": "Analytical"}, "owner": "maria", "tags": ["vip"]}),
    ("company", {"fields": {"name": "Analytical", "domain": "analytical.example", "phone": "+62 21 555 01"}}),
    ("deal", {"fields": {"name": "Analytical – 50 seats", "amount": 48000, "email": "ada@example.com",
                         "phone": "+62 811 000 001", "close_date": "2026-12-20"}, "owner": "maria",
              "stage": "qualified"}),
    ("deal", {"fields": {"name": "Inbound lead", "amount": 1200, "email": "lead@example.com"},
              "stage": "unassigned"}),
    ("task", {"fields": {"title": "Call Ada about seats", "status": "To Do", "type": "Call",
                         "priority": "normal", "assignee": "maria"}, "owner": "maria"}),
    ("order", {"fields": {"number": "SO-1001", "email": "ada@example.com", "phone": "+62 811 000 001",
                          "amount": 350, "estimated_delivery": "2026-12-01", "usage_days": 30},
               "stage": "created"}),
]


def ensure_object_types() -> int:
    """Create the standard object types that are missing; returns how many were added."""
    added = 0
    for name, spec in DEMO_OBJECTS.items():
        if db.session.get(ObjectType, name) is None:
            db.session.add(ObjectType(name=name, label=spec.get("label", name.title()),
                                      fields=spec["fields"], pipelines=spec.get("pipelines", {})))
            added += 1
    db.session.flush()
    return added


def load() -> str | None:
    """Load the demo data once; returns the admin's generated password when the admin is new."""
    ensure_object_types()
    password = None
    if find_user("admin") is None:
        password = secrets.token_urlsafe(12)
        create_user("admin", "admin", password, "admin@example.com", "Administrator")
    for username, role, email, name in DEMO_USERS:
        if find_user(username) is None:
            create_user(username, role, None, email, name)
    if db.session.execute(db.select(Record.id).limit(1)).first() is None:
        for object_name, data in DEMO_RECORDS:
            records.create(object_name, data, records.Cause(actor="demo"))
    db.session.commit()
    return password
