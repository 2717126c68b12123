"""Enrollment: durable record events become runs (CONTRACT.md §5, docs/ENGINE.md).

Events are taken in id order. Each event is whole in one transaction (committed with others in groups,
engine.group_commit): mark it processed (a second worker finds it already taken), end live runs on its record
that the change exits, then for every active workflow listening to (object, event) in the trigger index, check its
trigger and the enrollment rules and either start a run (advanced at once, in the same transaction) or record why
not.
"""
import logging

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError

from store import held_writes
from store.db import begin_writing, db, run_sql
from store.models import TriggerIndex
from crm import kinds, records
from engine import event_waits, group_commit, lifecycle, overruns, runstore, tasks
from engine.clock import SYSTEM_CLOCK
from engine.conditions import explain
from engine.executors import triggers
from crm.locks import lock_record, on_postgresql
from crm.models import Event
from engine.models import Run
from engine.models.runs import LIVE
from engine.outcomes import internal_error
from engine.specs import spec_of

log = logging.getLogger(__name__)
EVENTS = Event.__table__
_CLAIM = EVENTS.update().where(EVENTS.c.id == bindparam("event_id"), EVENTS.c.processed_at.is_(None)) \
    .values(processed_at=bindparam("now"))
# PostgreSQL: an event another worker is enrolling right now is passed over, not waited for.
_CLAIM_UNLESS_TAKEN = EVENTS.update().where(EVENTS.c.id == select(EVENTS.c.id).where(
    EVENTS.c.id == bindparam("event_id"), EVENTS.c.processed_at.is_(None)
).with_for_update(skip_locked=True).scalar_subquery()).values(processed_at=bindparam("now"))
# A group's events, claimed in one statement; PostgreSQL passes over those another worker is enrolling.
_CLAIM_MANY = EVENTS.update().where(EVENTS.c.id.in_(bindparam("event_ids", expanding=True)),
                                    EVENTS.c.processed_at.is_(None)) \
    .values(processed_at=bindparam("now")).returning(EVENTS.c.id)
_CLAIM_MANY_UNLESS_TAKEN = EVENTS.update().where(EVENTS.c.id.in_(select(EVENTS.c.id).where(
    EVENTS.c.id.in_(bindparam("event_ids", expanding=True)), EVENTS.c.processed_at.is_(None)
).with_for_update(skip_locked=True))).values(processed_at=bindparam("now")).returning(EVENTS.c.id)
_UNCLAIM = EVENTS.update().where(EVENTS.c.id.in_(bindparam("event_ids", expanding=True))).values(processed_at=None)
_EVENT_COLUMNS = (Event.id, Event.object, Event.event, Event.record_id, Event.changes, Event.snapshot,
                  Event.origin_workflow_id, Event.origin_run_id, Event.depth, Event.actor)


def enroll_pending(limit: int = 200, clock=SYSTEM_CLOCK) -> int:
    """Enroll up to `limit` unprocessed events; returns how many this call processed."""
    events = db.session.execute(select(*_EVENT_COLUMNS).where(Event.processed_at.is_(None))
                                .order_by(Event.id).limit(limit)).all()
    if not events:
        db.session.commit()
        return 0
    listeners = _listeners({(e.object, e.event) for e in events})
    unheard = [e for e in events if not listeners.get((e.object, e.event))]
    # An event no workflow listens to, on a record without live runs, has nothing to do: mark those at once.
    busy = _records_with_live_runs({e.record_id for e in unheard if e.record_id is not None})
    busy |= {e.record_id for e in events if listeners.get((e.object, e.event))}
    quiet = [e.id for e in unheard if e.record_id not in busy and not _may_complete_a_task(e)]
    done = 0
    if quiet:
        done += db.session.execute(update(Event).where(Event.id.in_(quiet), Event.processed_at.is_(None))
                                   .values(processed_at=clock.now())
                                   .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    held = set()  # records another worker holds: their later events wait too, so each record's stay in order
    marked = set(quiet)
    pending = [e for e in events if e.id not in marked]

    group = None

    def begin(events):
        nonlocal group
        group = _Group(events, held, clock)
        return group.end

    def together(event) -> int:
        if event.record_id in held:
            return 0
        taken = _enroll(event, listeners.get((event.object, event.event), ()), clock, group)
        if taken is None:
            held.add(event.record_id)
        return taken or 0

    def alone(each) -> int:
        done = 0
        for event in each:
            if event.record_id in held:
                continue
            taken = enroll_event(event, listeners.get((event.object, event.event), ()), clock)
            overruns.give_way()
            if taken is None:
                held.add(event.record_id)
            else:
                done += taken
        return done

    with kinds.batch(), overruns.enrollment_pass():
        return done + group_commit.in_groups(pending, together, alone, begin)


def enroll_event(event, listeners, clock=SYSTEM_CLOCK) -> int | None:
    """Handle one event in one transaction; 0 when another worker has already taken it, None when
    another worker holds its record (the event is taken up on a later pass)."""
    try:
        taken = _enroll(event, listeners, clock)
        db.session.commit()
        return taken
    except OperationalError:
        db.session.rollback()  # a lock or a lost connection: the event stays pending and is taken again
        raise
    except Exception as exc:
        db.session.rollback()
        log.exception("enrolling event %s", event.id)
        return _give_up(event, listeners, exc, clock)


class _Group:
    """The work a group's events share, done as its transaction begins: one statement each for the group instead
    of one each an event. Their records are locked (PostgreSQL) and loaded, their live runs read, and the events
    claimed. The runs stay in hand for the group (a start adds its run, an end changes its status in place); a
    record the group changes is read again. A task's event may change the runs of another record (the task's run,
    the record it is about), so from one on each event reads its runs itself. Events of records another worker
    holds are left to be claimed one by one (and passed over)."""

    def __init__(self, events, held: set, clock):
        begin_writing()  # SQLite: the write lock first, so no other writer changes the runs read here
        ids = list({event.record_id for event in events if event.record_id is not None} - held)
        self.records = records.lock_and_load(ids)
        self.locked = set(self.records) if on_postgresql() else set(ids)
        self.runs = runstore.live_on_records(self.locked)
        mine = [event.id for event in events if event.record_id is None or event.record_id in self.locked]
        claim = _CLAIM_MANY_UNLESS_TAKEN if on_postgresql() else _CLAIM_MANY
        self.claimable = set(mine)
        self.claimed = set(run_sql(claim, {"event_ids": mine, "now": clock.now()}).scalars()) if mine else set()
        self.events = events

    def record(self, record_id):
        loaded = self.records.get(record_id)
        if loaded is None or held_writes.changed_in_group("records", record_id):
            return records.load(record_id)
        return loaded

    def live_runs(self, record_id) -> list:
        runs = self.runs.get(record_id)
        if runs is None:
            return lifecycle.live_runs(record_id)
        runs[:] = [run for run in runs if run.status in LIVE]
        return runs

    def forget(self) -> None:
        self.runs.clear()

    def end(self, taken: int) -> None:
        """The events claimed that the group had no time left for are given back, to be taken again."""
        untaken = [event.id for event in self.events[taken:] if event.id in self.claimed]
        if untaken:
            run_sql(_UNCLAIM, {"event_ids": untaken})


def _enroll(event, listeners, clock, group: _Group | None = None) -> int | None:
    now = clock.now()
    locked = group is not None and event.record_id in group.locked
    if event.event != "deleted" and not locked and not lock_record(event.record_id, wait=False):
        return None
    if group is not None and event.object == "task":
        group.forget()
    if group is not None and event.id in group.claimable:
        if event.id not in group.claimed:
            return 0
    elif run_sql(_CLAIM_UNLESS_TAKEN if on_postgresql() else _CLAIM, {"event_id": event.id, "now": now}).rowcount != 1:
        return 0
    if event.event == "deleted":
        record = None
    else:
        record = group.record(event.record_id) if group is not None else records.load(event.record_id)
    if event.event == "updated":
        tasks.complete_from_record(event, clock)
    live = group.live_runs(event.record_id) if group is not None else lifecycle.live_runs(event.record_id)
    trigger = {"event": event.event, "changes": event.changes or {}}
    fields = kinds.fields_of(event.object)
    for run in live:
        why = _exit_reason(run, event, trigger, fields, now)
        if why:
            lifecycle.cancel(run, why, clock)
    event_waits.hear(event, live)
    event_waits.hear_task_done(event, record)
    if event.event == "deleted":
        trigger["record"] = event.snapshot
    approval_task = (bool(listeners) and event.object == "task" and event.event != "deleted"
                     and tasks.belongs_to_human_task(event.record_id))
    for workflow_id, version_id in listeners:
        spec = spec_of(version_id)
        starts, why_not = triggers.check(spec.trigger, event, fields, now, approval_task=approval_task)
        if why_not:
            lifecycle.refuse(spec, why_not, record_id=event.record_id, event_id=event.id, kind="filtered",
                             clock=clock)
        if not starts:
            continue
        if overruns.paused_now(workflow_id):  # paused during this pass, after its trigger index was read
            lifecycle.refuse(spec, "the workflow was paused: its runs kept exceeding their CPU budget",
                             record_id=event.record_id, event_id=event.id, clock=clock)
            continue
        refused = lifecycle.refusal(spec, origin_workflow_id=event.origin_workflow_id, depth=event.depth,
                                    live_runs=live)
        if refused:
            lifecycle.refuse(spec, refused, record_id=event.record_id, event_id=event.id, clock=clock)
            continue
        live.append(lifecycle.start(spec, record=record, record_id=event.record_id, trigger=trigger,
                                    depth=event.depth, event_id=event.id, clock=clock))
    return 1


def _exit_reason(run: Run, event, trigger: dict, fields: dict, now) -> str | None:
    """Why this change ends a live run of the record, or None."""
    if event.event == "deleted":
        return "the record was deleted"
    if event.event != "updated":
        return None
    spec = spec_of(run.version_id)
    changed = _cancelling_change(run, spec, event.changes or {})
    if changed:
        return changed
    if not spec.exit_when:
        return None
    verdict = explain(spec.exit_when, event.snapshot, trigger, fields, now=now)
    return f"exit condition met: {verdict.reason}" if verdict.passed else None


def _cancelling_change(run: Run, spec, changes: dict) -> str | None:
    """A change to a field named in `cancel_if_changed` of a node the run waits at ("do not execute if the
    field has changed"), described with its old and new value."""
    for token in run.tokens:
        if token.state != "waiting":
            continue
        node = spec.graph.node(token.node)
        for name in (node.get("config") or {}).get("cancel_if_changed") or ():
            if name in changes:
                old, new = changes[name].get("old"), changes[name].get("new")
                return f"{name} changed from {old!r} to {new!r} while waiting at '{node['label']}'"
    return None


def _give_up(event, listeners, error: Exception, clock) -> int:
    """An event that cannot be enrolled (a bug) is marked processed and its refusals say why, so it is
    neither retried forever nor dropped in silence."""
    claimed = db.session.execute(update(Event).where(Event.id == event.id, Event.processed_at.is_(None))
                                 .values(processed_at=clock.now()).execution_options(synchronize_session=False))
    for _workflow_id, version_id in listeners if claimed.rowcount == 1 else ():
        lifecycle.refuse(spec_of(version_id), f"internal error while enrolling: {internal_error(error)}",
                         record_id=event.record_id, event_id=event.id, clock=clock)
    db.session.commit()
    return claimed.rowcount


def _may_complete_a_task(event) -> bool:
    """A task record moved to Done may end a human task (engine.tasks), so it is never skipped as quiet."""
    return event.object == "task" and event.event == "updated" and "status" in (event.changes or {})


def _listeners(keys: set) -> dict:
    """(object, event) -> [(workflow_id, version_id)] of the active workflows listening to it."""
    found = {}
    objects = {obj for obj, _ in keys}
    rows = db.session.execute(select(TriggerIndex.object, TriggerIndex.event, TriggerIndex.workflow_id,
                                     TriggerIndex.version_id).where(TriggerIndex.object.in_(objects))
                              .order_by(TriggerIndex.workflow_id))
    for row in rows:
        if (row.object, row.event) in keys:
            found.setdefault((row.object, row.event), []).append((row.workflow_id, row.version_id))
    return found


def _records_with_live_runs(record_ids: set) -> set:
    if not record_ids:
        return set()
    return set(db.session.scalars(select(Run.record_id).where(Run.record_id.in_(record_ids),
                                                              Run.status.in_(LIVE)).distinct()))

