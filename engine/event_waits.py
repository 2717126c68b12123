"""Waits for an event: which record events a parked "Wait for event" token hears, and how it is woken.

The event side goes through the durable events path: enrollment (engine.enrollment) claims each event
once, and in that same transaction :func:`hear` marks every listening token of the record's live runs that
the event matches as ``heard`` and makes the run ready. The interpreter then takes the ``next`` port; if the
token's timeout comes first, the advance that wakes it takes ``timeout`` and the token is gone, so a later
event finds nothing to wake. Either way the wait ends exactly once.

A change the run made itself (an earlier step updating its own record) wakes none of its own waits.

An outside system's report of a record (POST /api/events) changes the record only when its data differ, so
:func:`note_received` leaves a ``received`` event for the record, in the report's transaction, whenever a run
of it waits for one.
"""
from dataclasses import replace

from crm import records
from crm.locks import lock_record
from engine import runstore
from engine.models.runs import LIVE
from engine.specs import spec_of


def describe(config: dict) -> str:
    """What the wait waits for, in words."""
    kind = config.get("event")
    if kind == "field_changed":
        fields = config.get("fields") or []
        return f"{' or '.join(fields)} to change" if fields else "any change"
    if kind == "stage_entered":
        return f"stage {config.get('stage')}"
    if kind == "task_done":
        return "a task to be done"
    return "an outside report"


def already(config: dict, view: dict | None) -> str | None:
    """Why the wait is over before it starts (the record already stands in the awaited stage), or None."""
    if config.get("event") == "stage_entered" and view and view.get("stage") == config.get("stage"):
        return f"the record is already in the stage {config.get('stage')}"
    return None


def matches(config: dict, event) -> str | None:
    """What was heard, when `event` is what a wait with `config` waits for (the caller picked the runs whose
    record the event is about, or, for a task, the record the task is about)."""
    kind, changes = config.get("event"), event.changes or {}
    if kind == "field_changed" and event.event == "updated":
        changed = [name for name in (config.get("fields") or list(changes)) if name in changes]
        if changed:
            change = changes[changed[0]] or {}
            return f"{changed[0]} changed from {change.get('old')!r} to {change.get('new')!r}"
    elif kind == "stage_entered" and event.event == "stage_changed":
        if (changes.get("stage") or {}).get("new") == config.get("stage"):
            return f"the record entered the stage {config.get('stage')}"
    elif kind == "task_done" and event.object == "task" and event.event == "updated":
        if (changes.get("status") or {}).get("new") == "Done":
            title = ((event.snapshot or {}).get("fields") or {}).get("title") or f"#{event.record_id}"
            return f"the task {title} was set to Done"
    elif kind == "webhook" and event.event == "received":
        return "an outside system reported the record"
    return None


def hear(event, runs: list, only: tuple = ()) -> None:
    """Wake the tokens of `runs` (live runs, in hand) that listen for `event`, in the caller's transaction.
    `only` narrows the waits to those kinds (a task's event reaching the runs of the record it is about)."""
    for run in runs:
        if run.status not in LIVE or event.origin_run_id == run.id:  # a run does not wake itself
            continue
        spec, woken, tokens = spec_of(run.version_id), False, []
        for token in run.tokens:
            if token.listens and token.state == "waiting" and token.heard is None:
                config = spec.graph.node(token.node).get("config") or {}
                what = None if only and config.get("event") not in only else matches(config, event)
                if what:
                    token = replace(token, heard={"what": what, "event_id": event.id, "event": event.event})
                    woken = True
            tokens.append(token)
        if woken:
            runstore.write(run, tokens=tokens, ready=True, seq=run.seq + 1)


def hear_task_done(event, task) -> None:
    """A task record set to Done also reaches the runs of the record it is about."""
    if task is None or task.related_id is None or event.object != "task" or event.event != "updated":
        return
    if (((event.changes or {}).get("status") or {}).get("new")) != "Done":
        return
    lock_record(task.related_id)
    hear(event, runstore.live_on_record(task.related_id), only=("task_done",))


def note_received(record, cause, payload: dict) -> bool:
    """Leave a durable ``received`` event for `record` when one of its runs waits for an outside report."""
    for run in runstore.live_on_record(record.id):
        spec = spec_of(run.version_id)
        for token in run.tokens:
            if token.listens and token.heard is None \
                    and (spec.graph.node(token.node).get("config") or {}).get("event") == "webhook":
                records.emit(record, "received", cause, {"payload": payload})
                return True
    return False
