"""What automation did with one record, per workflow: its runs in words, the enrollments refused or filtered
out (with the rule that said no), the paused workflows that would act on it, and the manual ones to start."""
from datetime import datetime

from sqlalchemy import select

from store.db import db
from builder.graph import trigger_of
from store.models import TriggerIndex, Workflow, WorkflowVersion
from engine.models import Enrollment, Run

RECENT = 50  # runs and refusals read per record
PER_WORKFLOW = 5  # rows shown per workflow; the rest are one link away
RUN_LOOKS = {"completed": ("done", "Done"), "waiting": ("waiting", "Waiting"), "failed": ("failed", "Failed"),
             "cancelled": ("cancelled", "Cancelled"), "running": ("running", "Running")}


def _moment(value) -> str:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def describe_run(run: Run, labels: dict) -> dict:
    """A run as a status (the run diagram's icon name), a sentence, and a note per notable node."""
    status, label = RUN_LOOKS.get(run.status, (run.status, run.status.title()))
    detail, notes = run.reason or "", []
    for node_id, entry in (run.nodes or {}).items():
        name, state = labels.get(node_id, node_id), entry.get("status")
        if state == "waiting":
            detail = (f"until {_moment(entry['until'])} at '{name}'" if entry.get("until")
                      else f"at '{name}': {entry.get('reason') or 'waiting'}")
        elif state == "failed":
            detail = f"at '{name}': {entry.get('error') or entry.get('reason') or 'failed'}"
        elif state == "skipped":
            notes.append({"status": "skipped", "text": f"skipped '{name}': {entry.get('reason') or 'did nothing'}"})
    return {"kind": "run", "status": status, "label": label, "detail": detail, "notes": notes, "run_id": run.id,
            "at": run.started_at}


def _refusal_row(refusal: Enrollment) -> dict:
    filtered = refusal.kind == "filtered"
    return {"kind": refusal.kind, "status": "skipped" if filtered else "cancelled",
            "label": "Filtered out" if filtered else "Not started", "detail": refusal.reason, "notes": [],
            "run_id": None, "at": refusal.created_at}


def _repeats_folded(rows: list[dict]) -> list[dict]:
    """Refusals in a row for the same reason (a filter saying no to every update) as one row with a count."""
    folded = []
    for row in rows:
        last = folded[-1] if folded else None
        if last and row["kind"] != "run" and (last["kind"], last["detail"]) == (row["kind"], row["detail"]):
            last["times"] += 1
        else:
            folded.append({**row, "times": 1})
    return folded


def _object_of(graph: dict) -> str | None:
    trigger = trigger_of(graph) or {}
    return (trigger.get("config") or {}).get("object")


def activity(record) -> list[dict]:
    """One group per workflow that looked at `record` (newest activity first), then paused workflows on its
    object that did not: ``{"workflow": {id, name, status}, "rows": [...], "more": n}``."""
    runs = db.session.scalars(select(Run).where(Run.record_id == record.id).order_by(Run.id.desc())
                              .limit(RECENT)).all()
    # Its runs say what the enrolled ones did; the rest of the enrollment history says why nothing started.
    refusals = db.session.scalars(select(Enrollment).where(Enrollment.record_id == record.id,
                                                           Enrollment.kind != "enrolled")
                                  .order_by(Enrollment.id.desc()).limit(RECENT)).all()
    graphs = dict(db.session.execute(select(WorkflowVersion.id, WorkflowVersion.graph).where(
        WorkflowVersion.id.in_({run.version_id for run in runs}))).all()) if runs else {}
    rows_of = {}
    for run in runs:
        labels = {n["id"]: n.get("label") or n["id"] for n in graphs[run.version_id]["nodes"]}
        rows_of.setdefault(run.workflow_id, []).append(describe_run(run, labels))
    for refusal in refusals:
        rows_of.setdefault(refusal.workflow_id, []).append(_refusal_row(refusal))
    workflows = {w.id: w for w in db.session.scalars(select(Workflow).where(
        (Workflow.id.in_(rows_of)) | (Workflow.status == "paused")))}
    groups = []
    for workflow_id, rows in rows_of.items():
        rows.sort(key=lambda row: row["at"], reverse=True)
        rows = _repeats_folded(rows)
        groups.append({"workflow": workflows[workflow_id], "rows": rows[:PER_WORKFLOW],
                       "more": max(0, len(rows) - PER_WORKFLOW)})
    groups.sort(key=lambda group: group["rows"][0]["at"], reverse=True)
    for workflow in sorted(workflows.values(), key=lambda w: w.name):
        if workflow.id in rows_of or workflow.status != "paused" or workflow.version is None:
            continue
        version = db.session.scalars(select(WorkflowVersion).filter_by(workflow_id=workflow.id,
                                                                      number=workflow.version)).one()
        if _object_of(version.graph) == record.object:
            groups.append({"workflow": workflow, "more": 0, "rows": [{
                "kind": "paused", "status": "paused", "label": "Paused", "notes": [], "run_id": None, "at": None,
                "times": 1, "detail": "this workflow starts no runs until it is activated again"}]})
    return groups


def manual_workflows(record) -> list[Workflow]:
    """Active workflows with a manual trigger on this record's object: what 'Start workflow' offers."""
    return list(db.session.scalars(select(Workflow).join(TriggerIndex, TriggerIndex.workflow_id == Workflow.id)
                                   .where(TriggerIndex.trigger_type == "manual",
                                          TriggerIndex.object == record.object, Workflow.status == "active")
                                   .order_by(Workflow.name)))
