"""Starting, cancelling and retrying runs; the rules that refuse an enrollment; and the enrollment history
(engine.models.Enrollment) that every start and every refusal leaves.

Every function works in the caller's transaction; the caller commits.
"""
from sqlalchemy import insert, or_, update

from store import held_writes
from store.db import db
from store.models import Workflow
from store.versions import latest_version
from engine.context import StepContext
from crm import records
from engine import cpu_use, runstore, tasks
from engine.interpreter import move, wake_at
from engine.models import Enrollment, Message, Run, Step
from engine.models.runs import LIVE
from engine.run_token import RunToken
from engine.specs import spec_of

# A chain of workflows started by each other's changes stops here (CONTRACT.md §5).
MAX_CHAIN = 10
_RECORDLESS = ("webhook", "schedule")
_RECORD_ENROLLED = insert(Enrollment.__table__)
_MATCHED = "the event matched the trigger (and its filter, if it has one)"
_STARTED_BY = {"manual": "started by hand", "webhook": "started by a webhook call", "time": "the trigger's time came"}


class RunRefused(Exception):
    """A run that cannot be started, cancelled or retried; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message, self.status = message, status


def refusal(spec, *, origin_workflow_id=None, depth=0, live_runs=()) -> str | None:
    """Why `spec`'s workflow must not start for this change, or None when it may."""
    if origin_workflow_id is not None and origin_workflow_id == spec.workflow_id:
        return "the change was made by this workflow's own run, which never starts it again"
    if depth >= MAX_CHAIN:
        return (f"the change comes from a chain of {depth} workflows started by each other's changes "
                f"(the limit is {MAX_CHAIN})")
    if not spec.reenroll:
        live = next((run for run in live_runs if run.workflow_id == spec.workflow_id and run.status in LIVE), None)
        if live is not None:
            return f"run {live.id} of this workflow is still live on this record and re-enrollment is off"
    return None


def refuse(spec, reason: str, *, clock, record_id=None, event_id=None, kind="refused") -> None:
    """Record why `spec`'s workflow did not start: refused by a rule, or `kind="filtered"` out by its trigger.
    Queued with a start's row (engine.group_commit), so the history keeps the order of events enrolled in one
    transaction."""
    held_writes.write_later(_RECORD_ENROLLED, [{"kind": kind, "workflow_id": spec.workflow_id, "event_id": event_id,
                                                  "record_id": record_id, "run_id": None, "reason": reason,
                                                  "created_at": clock.now()}])


def live_runs(record_id: int | None) -> list:
    return runstore.live_on_record(record_id)


def start(spec, *, record=None, record_id=None, trigger=None, payload=None, depth=0, event_id=None,
          clock):
    """Create a run on the trigger node of `spec` and advance it as far as it goes, in this transaction; a run of
    a heavy workflow (engine.cpu_use) is left ready instead, for a worker to advance with its steps rendered
    ahead rather than inside this transaction."""
    values = {"workflow_id": spec.workflow_id, "version_id": spec.version_id, "version": spec.number,
              "record_id": record.id if record is not None else record_id, "event_id": event_id,
              "status": "running", "tokens": (RunToken(spec.trigger["id"], "ready"),), "nodes": {},
              "ready": True, "seq": 0, "trigger": trigger or {}, "payload": payload, "depth": depth,
              "started_at": clock.now()}
    run = runstore.insert(**values)
    held_writes.write_later(_RECORD_ENROLLED, [{
        "kind": "enrolled", "workflow_id": spec.workflow_id, "event_id": event_id, "record_id": values["record_id"],
        "run_id": run.id, "reason": _STARTED_BY.get((trigger or {}).get("event"), _MATCHED),
        "created_at": values["started_at"]}])
    if not cpu_use.heavy(spec.workflow_id):
        move(run, StepContext.of_run(run, spec, clock, record=record))
    return run


def start_by_hand(workflow: Workflow, *, record_id=None, payload=None, via="manual", clock):
    """A manual (`via="manual"`) or inbound webhook start of the latest published version.

    Raises RunRefused with the reason when it cannot start (the refusal is recorded too).
    """
    version = latest_version(workflow)
    if version is None:
        raise RunRefused("Publish the workflow first; it has no version to run.")
    if workflow.status != "active":
        raise RunRefused("The workflow is paused; activate it to start runs.")
    spec = spec_of(version.id)
    if via == "webhook" and spec.trigger["type"] != "webhook":
        raise RunRefused(f"This workflow starts on '{spec.trigger['type']}', not on a webhook.")
    wanted = spec.trigger["config"].get("object") if spec.trigger["type"] not in _RECORDLESS else None
    record = records.load(record_id)
    if record_id is not None and record is None:
        raise RunRefused(f"No record with id {record_id}.", 422)
    if wanted and record is None:
        raise RunRefused(f"Name the {wanted} record to run this workflow on (record_id).", 422)
    if wanted and record.object != wanted:
        raise RunRefused(f"This workflow runs on {wanted} records; record {record_id} is a {record.object}.", 422)
    reason = refusal(spec, live_runs=live_runs(record_id))
    if reason:
        refuse(spec, reason, record_id=record_id, clock=clock)
        raise RunRefused(f"Not started: {reason}.")
    return start(spec, record=record, trigger={"event": via, "changes": {}}, payload=payload, clock=clock)


def cancel(run, reason: str, clock) -> None:
    """End a live run: its waiting steps and nodes become `cancelled`, its undelivered messages are dropped."""
    now = clock.now()
    nodes = dict(run.nodes or {})
    for token in run.tokens:
        entry = nodes.get(token.node) or {"count": 0}
        nodes[token.node] = {**entry, "status": "cancelled", "reason": reason, "until": None}
    db.session.execute(update(Step).where(Step.run_id == run.id, Step.status == "waiting")
                       .values(status="cancelled", reason=reason, finished_at=now)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Message).where(
        Message.run_id == run.id, Message.status == "queued",
        or_(Message.lease_until.is_(None), Message.lease_until < now)
    ).values(status="failed", error=f"not sent: the run was cancelled ({reason})")
        .execution_options(synchronize_session=False))
    tasks.cancel_for_run(run.id, reason)
    runstore.write(run, status="cancelled", reason=reason, nodes=nodes, tokens=[], ready=False, wake_at=None,
          finished_at=now, seq=run.seq + 1)


def cancel_by_id(run_id: int, reason: str, clock):
    run = _claimed(run_id)
    if run.status not in LIVE:
        raise RunRefused(f"Run {run_id} is {run.status}; only running or waiting runs can be cancelled.")
    cancel(run, reason, clock)
    return run


def live_run_ids(workflow_id: int) -> list[int]:
    return list(db.session.scalars(db.select(Run.id).where(Run.workflow_id == workflow_id, Run.status.in_(LIVE))))


def cancel_workflow_runs(workflow_id: int, reason: str, clock) -> None:
    """Cancel every live run of a workflow (before it is deleted). RunRefused when one is being advanced right
    now; the caller then rolls back, so either all are cancelled or none."""
    for run_id in live_run_ids(workflow_id):
        try:
            cancel_by_id(run_id, reason, clock)
        except RunRefused:
            if db.session.get(Run, run_id).status in LIVE:
                raise


def retry(run_id: int, clock):
    """Take a failed run up again at its failed step (a new attempt); its other branches go on with it."""
    run = _claimed(run_id)
    if run.status != "failed":
        raise RunRefused(f"Run {run_id} is {run.status}; only a failed run can be retried.")
    tokens = [RunToken(t.node, "ready", t.attempt + 1) if t.state == "failed" else t for t in run.tokens]
    runstore.write(run, tokens=tokens, status="running", reason=None, finished_at=None, ready=True,
                   wake_at=wake_at(tokens))
    move(run, StepContext.of_run(run, spec_of(run.version_id), clock))
    return run


def _claimed(run_id: int):
    run = runstore.claim(run_id)
    if run is None:
        if db.session.get(Run, run_id) is None:
            raise RunRefused(f"No run with id {run_id}.", 404)
        raise RunRefused(f"Run {run_id} is being advanced right now; try again in a moment.")
    return run
