"""What a group of work in one transaction (engine.group_commit) holds until its commit.

- Rows nothing reads back before the commit (history rows, finished steps, record events) are handed to
  :func:`write_later`: in a group they are written together just before its commit, one statement a kind instead
  of one a piece; outside a group, at once.
- The records a group changes are noted (:func:`note_changed`), so that a group that read records as it began
  knows which of them it must read again.
"""
from dataclasses import dataclass, field

from store.db import db, run_sql

_HELD = "flowdesk.held_writes"  # the session's Held while a group is open


@dataclass
class Held:
    rows: dict = field(default_factory=dict)  # statement -> [rows], in the order given
    changed: set = field(default_factory=set)  # (table name, id) of rows changed since the group began


def open_group() -> Held:
    held = db.session.info[_HELD] = Held()
    return held


def write_held() -> None:
    """Write the open group's held rows (just before its commit)."""
    for statement, rows in db.session.info[_HELD].rows.items():
        run_sql(statement, rows)


def close_group() -> None:
    """After the group's commit, or after its rollback (its held rows are dropped)."""
    db.session.info.pop(_HELD, None)


def write_later(statement, rows: list[dict]) -> None:
    """Run `statement` for `rows` (each with the same keys): at the commit of the group in hand, in the order
    given, or now outside a group. Only for rows nothing reads, references or changes again before the commit."""
    held = db.session.info.get(_HELD)
    if held is None:
        run_sql(statement, rows)
    else:
        held.rows.setdefault(statement, []).extend(rows)


def write_now(statement) -> None:
    """Write the open group's rows held for `statement` now (before a read that must see them)."""
    held = db.session.info.get(_HELD)
    rows = held.rows.pop(statement, None) if held is not None else None
    if rows:
        run_sql(statement, rows)


def note_changed(table: str, row_id: int) -> None:
    held = db.session.info.get(_HELD)
    if held is not None:
        held.changed.add((table, row_id))


def changed_in_group(table: str, row_id: int) -> bool:
    """Whether the open group changed this row (False outside a group)."""
    held = db.session.info.get(_HELD)
    return held is not None and (table, row_id) in held.changed
