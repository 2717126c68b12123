"""Group commit: many pieces of the engine's work (enrollments, advances) in one transaction.

A commit costs the same for one piece as for fifty (on PostgreSQL it is most of a piece's time), so the engine
commits pieces in groups. Each piece stays whole (its own claim, steps and effects), and a crash before the
commit leaves them all to be taken again. A group is committed once it holds GROUP_SIZE pieces or has taken
GROUP_SECONDS, so it never holds its transaction (SQLite's write lock) for long, and gives way after a piece that
overran its budget (engine.overruns). Any error undoes the group in hand; its pieces up to the failing one are
then done one transaction each, so one broken piece never holds up the others.

Rows nothing reads back before the commit (history rows, finished steps, record events) are held
(store.held_writes) and written together just before the commit, one statement a kind instead of one a piece.
"""
import time
from typing import Callable, Sequence

from store import held_writes
from store.db import db
from engine import overruns

GROUP_SIZE = 50
GROUP_SECONDS = 0.5


def in_groups(items: Sequence, together: Callable[[object], int], alone: Callable[[Sequence], int],
              begin: Callable[[Sequence], Callable[[int], None] | None] | None = None) -> int:
    """Do `together(item)` for each item, in the caller's session without committing, and commit in groups;
    `alone(items)` does items one transaction each (and handles their errors). `begin(items)`, when given, opens
    each group's transaction with the items it may take, and may return `end(taken)`, called before the commit
    with how many of them the group took. Returns the sum of their counts."""
    done = 0
    while len(items) > 1:
        started, taken, moved = time.monotonic(), 0, 0
        held_writes.open_group()
        try:
            end = begin(items[:GROUP_SIZE]) if begin is not None else None
            while taken < min(GROUP_SIZE, len(items)) and (not taken or time.monotonic() - started < GROUP_SECONDS):
                moved += together(items[taken])
                taken += 1
            if end is not None:
                end(taken)
            held_writes.write_held()
            db.session.commit()
            held_writes.close_group()
            done += moved
        except Exception:  # noqa: BLE001 - redone one by one below, where each error is handled
            db.session.rollback()
            held_writes.close_group()  # the redo writes its rows at once, one transaction a piece
            done += alone(items[:taken + 1])
            taken += 1
        overruns.give_way()
        items = items[taken:]
    return done + alone(items)
