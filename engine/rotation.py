"""Rotate owner (round robin): who gets the next record, fairly under concurrent runs.

Each step keeps one counter row per (workflow, node id). A run takes its turn with a single
``INSERT ... ON CONFLICT DO UPDATE SET taken = taken + 1 RETURNING taken``: the database serialises
concurrent takers on that row (PostgreSQL's row lock, SQLite's one writer), so no two runs ever get the
same turn, and a rolled-back advance gives its turn back. Turn n goes to the ((n - 1) mod size)-th user of
the pool as it is at that moment: the listed users (in their order) or the users with the role (by
username), leaving out inactive users, unknown names and, when asked, users who are not available.
"""
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from crm.locks import on_postgresql
from crm.models import User
from engine.models import RotationCounter
from store.db import db, run_sql

COUNTERS = RotationCounter.__table__


def pool(config: dict) -> list:
    """The users the step rotates among right now, in rotation order."""
    query = select(User).where(User.active.is_(True))
    if config.get("only_available"):
        query = query.where(User.available.is_(True))
    if (config.get("role") or "").strip():
        return db.session.scalars(query.where(User.role == config["role"].strip()).order_by(User.username)).all()
    names = [name for name in config.get("users") or [] if isinstance(name, str)]
    found = {user.username: user for user in db.session.scalars(query.where(User.username.in_(names)))}
    return [found[name] for name in dict.fromkeys(names) if name in found]


def take_turn(workflow_id: int, node_id: str) -> int:
    """The next turn (1, 2, ...) of this step, taken in the caller's transaction."""
    dialect = postgresql if on_postgresql() else sqlite
    statement = dialect.insert(COUNTERS).values(workflow_id=workflow_id, node_id=node_id, taken=1)
    statement = statement.on_conflict_do_update(index_elements=["workflow_id", "node_id"],
                                                set_={"taken": COUNTERS.c.taken + 1}).returning(COUNTERS.c.taken)
    return run_sql(statement).scalar_one()


def turns_taken(workflow_id: int, node_id: str) -> int:
    """How many turns were handed out so far (for a dry run, which takes none)."""
    found = run_sql(select(COUNTERS.c.taken).where(COUNTERS.c.workflow_id == workflow_id,
                                                   COUNTERS.c.node_id == node_id)).scalar()
    return found or 0
