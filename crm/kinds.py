"""Object types as the engine reads them: plain, immutable and read once per batch of work.

The object-types table is tiny and changes rarely (an admin adding a field), but the engine needs a
type's fields for every event and every step. Inside :func:`batch` each type is read once; outside
one, every call reads it afresh. A batch is short (one pass of the engine loop), so an added field is
seen by the next pass of every worker.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from sqlalchemy import bindparam, select

from store.db import run_sql
from crm.models import ObjectType

_ONE = select(ObjectType.name, ObjectType.fields, ObjectType.pipelines).where(ObjectType.name == bindparam("name"))
_batch: ContextVar[dict | None] = ContextVar("flowdesk_kinds", default=None)


class Kind(NamedTuple):
    name: str
    fields: dict
    pipelines: dict


@contextmanager
def batch():
    """Read each object type at most once until the block ends."""
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


def kind(name: str | None) -> Kind | None:
    """The object type called `name`, or None when there is none."""
    cache = _batch.get()
    if cache is not None and name in cache:
        return cache[name]
    row = run_sql(_ONE, {"name": name}).first() if name else None
    found = Kind(row.name, row.fields or {}, row.pipelines or {}) if row else None
    if cache is not None:
        cache[name] = found
    return found


def fields_of(name: str | None) -> dict:
    found = kind(name)
    return found.fields if found else {}
