"""Dry runs: walk a workflow's draft for one record and say what each step would do, changing nothing.

The same executors run, in `dry` mode: they render and check everything, then describe their effect
instead of performing it. Waits are passed through at once (the path shows where a run would wait).
"""
import logging
from collections import deque

from engine.context import StepContext
from engine.executors import execute, triggers
from engine.outcomes import Fail, Wait
from engine.specs import Spec

log = logging.getLogger(__name__)
MAX_STEPS = 200


def walk(workflow, record=None, *, payload=None, clock) -> list:
    """The path a run of `workflow`'s draft would take for `record`: ``[{node_id, status, reason}]``."""
    spec = Spec.of_draft(workflow)
    if spec.trigger is None:
        return []
    ctx = StepContext(spec, run_id=None, record_id=record.id if record is not None else None,
                      trigger={"event": "test", "changes": {}}, payload=payload, depth=0, started_at=clock.now(),
                      clock=clock, dry=True, record=record)
    start = spec.trigger
    if record is not None:
        verdict = triggers.filter_verdict(start, ctx.view, ctx.trigger, ctx.object_fields(record.object), clock.now())
        if not verdict.passed:
            return [{"node_id": start["id"], "status": "skipped",
                     "reason": f"the record does not match the trigger's filter: {verdict.reason}"}]
    path, todo = [], deque([start["id"]])
    while todo and len(path) < MAX_STEPS:
        node = spec.graph.node(todo.popleft())
        status, reason, port = _describe(node, ctx)
        path.append({"node_id": node["id"], "status": status, "reason": reason})
        todo.extend(spec.graph.targets(node["id"], port))
    return path


def _describe(node, ctx) -> tuple:
    """(status, reason, port to follow) for one node."""
    try:
        outcome = execute(node, ctx)
    except Exception as exc:  # noqa: BLE001 - a dry run reports a broken step, it never crashes
        log.exception("dry run of step %s", node["id"])
        outcome = Fail(f"internal error in this step: {type(exc).__name__}: {exc}")
    if isinstance(outcome, Wait):
        return "waiting", f"would wait {outcome.reason or ''}".strip(), "next"
    if isinstance(outcome, Fail):
        return "failed", outcome.error, "error"
    return outcome.status, outcome.reason, outcome.port
