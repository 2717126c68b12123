"""Workflow names that stay unique where Flowdesk picks them (a template used twice, a duplicate, an import)."""
import re

from store.db import db
from store.models import Workflow

MAX_NAME = 200


def free_name(wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `wanted (3)`... whichever no workflow has yet."""
    base = re.sub(r" \(\d+\)$", "", wanted.strip())[:MAX_NAME - 8] or "Workflow"
    taken = set(db.session.scalars(db.select(Workflow.name).where(Workflow.name.startswith(base, autoescape=True))))
    if wanted not in taken:
        return wanted
    number = 2
    while f"{base} ({number})" in taken:
        number += 1
    return f"{base} ({number})"
