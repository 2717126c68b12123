"""Dry runs: walk a workflow's draft for one record and say what each step would do, changing nothing.

The same executors run, in `dry` mode: they render and check everything, then describe their effect
instead of performing it. Waits are fast-forwarded: the path shows where a run would wait, and every step
says when it would happen (`at`), each wait also when it would go on (`until`), so later steps carry later times;
an action set to run only within business hours happens at their next opening.
"""
import logging
from collections import deque

from engine.clock import ManualClock
from engine.context import StepContext
from engine.executors import execute, triggers
from engine.outcomes import Fail, Wait, internal_error
from engine.specs import Spec

log = logging.getLogger(__name__)
MAX_STEPS = 200


def walk(workflow, record=None, *, payload=None, clock) -> list:
    """The path a run of `workflow`'s draft would take for `record`: ``[{node_id, status, reason, at, until}]``."""
    spec = Spec.of_draft(workflow)
    if spec.trigger is None:
        return []
    clock = ManualClock(clock.now())  # moved to each step's moment; the caller's clock is left alone
    ctx = StepContext(spec, run_id=None, record_id=record.id if record is not None else None,
                      trigger={"event": "test", "changes": {}}, payload=payload, depth=0, started_at=clock.now(),
                      clock=clock, dry=True, record=record)
    start = spec.trigger
    if record is not None:
        verdict = triggers.filter_verdict(start, ctx.view, ctx.trigger, ctx.object_fields(record.object), clock.now())
        if not verdict.passed:
            return [{"node_id": start["id"], "status": "skipped", "at": clock.now(), "until": None,
                     "reason": f"the record does not match the trigger's filter: {verdict.reason}"}]
    path, todo = [], deque([(start["id"], clock.now())])
    while todo and len(path) < MAX_STEPS:
        node_id, moment = todo.popleft()
        node = spec.graph.node(node_id)
        moment = _opening(node, spec, moment)
        clock.set(moment)
        status, reason, port, until = _describe(node, ctx)
        path.append({"node_id": node_id, "status": status, "reason": reason, "at": moment, "until": until})
        todo.extend((target, until or moment) for target in spec.graph.targets(node_id, port))
    return path


def _opening(node, spec, moment):
    """When an action set to run only within business hours would run: `moment`, or the next opening."""
    hours = spec.business_hours
    if node["kind"] != "action" or node["config"].get("business_hours_only") is not True or hours is None:
        return moment
    try:
        return hours.next_open(moment)
    except ValueError:
        return moment  # the executor's run says what is wrong


def _describe(node, ctx) -> tuple:
    """(status, reason, port to follow, when a wait would go on) for one node."""
    try:
        outcome = execute(node, ctx)
    except Exception as exc:  # noqa: BLE001 - a dry run reports a broken step, it never crashes
        log.exception("dry run of step %s", node["id"])
        outcome = Fail(f"internal error in this step: {internal_error(exc)}")
    if isinstance(outcome, Wait):
        return "waiting", f"would wait {outcome.reason or ''}".strip(), "next", outcome.until
    if isinstance(outcome, Fail):
        return "failed", outcome.error, "error", None
    return outcome.status, outcome.reason, outcome.port, None
