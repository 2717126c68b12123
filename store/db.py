"""The one SQLAlchemy handle every part shares.

It lives in the ground floor (store) so that crm, engine and web all use the same session and the same clock
(web -> engine -> crm -> store -> builder).
"""
import sqlite3
from datetime import datetime, timezone

from flask import current_app, has_app_context
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import DateTime, TypeDecorator

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
# Ids are INTEGER columns (32-bit on PostgreSQL); a larger number names nothing and must not reach the driver.
MAX_ID = 2**31 - 1


def run_sql(statement, params=None):
    """Run a Core statement on the session's connection, in its transaction.

    The engine's hot path uses this instead of ``db.session.execute``: it skips the ORM's statement
    handling (and its autoflush: flush ORM objects first if a statement depends on them).
    """
    return db.session.connection().execute(statement, params)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


# Where an app keeps its clock (an object with `now()`, engine/clock.py); the hook lets store and crm stamp rows
# by the same clock the engine compares those stamps with, without importing the engine.
CLOCK_KEY = "flowdesk.clock"


def use_clock(app, clock) -> None:
    """Make `clock` the app's "now" for every part (tests install a manual clock)."""
    app.extensions[CLOCK_KEY] = clock


def app_clock():
    """The clock installed with :func:`use_clock`, or None (real time)."""
    return current_app.extensions.get(CLOCK_KEY) if has_app_context() else None


def utcnow() -> datetime:
    """Now, as a timezone-aware UTC datetime, by the app's clock: every stamp the engine compares comes from here."""
    clock = app_clock()
    return clock.now() if clock is not None else datetime.now(timezone.utc)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL for concurrent readers, enforced foreign keys, and waiting instead of failing on a lock."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def begin_writing() -> None:
    """Open the session's transaction for writing now, so savepoints nest inside it.

    The sqlite3 driver starts a transaction only at the first write: a SAVEPOINT before it becomes the
    transaction itself, and its RELEASE commits. IMMEDIATE takes the write lock at once (waiting the busy
    timeout), so reads before the first write cannot leave a snapshot too old to write from.
    """
    raw = db.session.connection().connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")
