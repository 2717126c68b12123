"""The interpreter: moves a run's tokens through its pinned version's graph (docs/ENGINE.md).

:func:`advance` is one transaction: claim the run, execute ready tokens and wake due ones until every
token waits or ends, write steps, node statuses and tokens, commit. Executors only return outcomes;
this module alone moves tokens.
"""
import logging
import time
from collections import deque
from dataclasses import replace
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from builder.business_hours import NeverOpen
from store import held_writes
from store.db import db, run_sql
from engine.clock import SYSTEM_CLOCK
from engine.context import StepContext
from engine.executors import execute
from engine import cpu_use, failure_alerts, overruns, runstore, tasks as human_tasks
from engine.models import HumanTask, Message, Step
from engine.models.runs import LIVE
from engine.outcomes import Advance, Fail, Wait, internal_error
from engine.run_token import RunToken
from engine.specs import spec_of

log = logging.getLogger(__name__)
REOPENED = object()  # _woken's answer for a token whose business hours have opened

# Validation refuses loops without a wait, so only a bug gets here; it fails the run instead of spinning.
MAX_STEPS = 1000
# An advance stops at the next step boundary once it has held its transaction (SQLite's write lock) this long;
# the run stays ready and goes on in a later pass, after the runs of lighter workflows (engine.cpu_use).
LOCK_SECONDS = 0.25
STEPS = Step.__table__
_INSERT_STEPS = STEPS.insert()
_INSERT_STEPS_RETURNING = STEPS.insert().returning(STEPS.c.id, sort_by_parameter_order=True)
_END_STEP = STEPS.update().where(STEPS.c.id == bindparam("step_id")).values(
    status=bindparam("new_status"), reason=bindparam("new_reason"), output=bindparam("new_output"),
    error=bindparam("new_error"), finished_at=bindparam("new_finished_at"))
# A step that waited for business hours to open gets the input of what it then did.
_END_OPENED_STEP = STEPS.update().where(STEPS.c.id == bindparam("step_id")).values(
    status=bindparam("new_status"), reason=bindparam("new_reason"), input=bindparam("new_input"),
    output=bindparam("new_output"), error=bindparam("new_error"), finished_at=bindparam("new_finished_at"))
_MESSAGES = select(Message.id, Message.status, Message.error, Message.result) \
    .where(Message.id.in_(bindparam("ids", expanding=True)))
_TASKS = select(HumanTask.id, HumanTask.status, HumanTask.outcome, HumanTask.completed_by) \
    .where(HumanTask.id.in_(bindparam("ids", expanding=True)))


def advance(run_id: int, clock=SYSTEM_CLOCK, commit: bool = True, renders=None, seen=None) -> bool:
    """Move one run as far as it can go now, in one transaction. False when another worker had it first
    (or holds its record right now: the run is then taken up on a later pass).

    With `commit` off, the advance is left in the caller's transaction, which commits it together with
    others (engine.worker groups resumed runs so) or rolls them all back. With `renders` (engine.prerender),
    the advance goes no further than the steps rendered ahead, and takes their templates' text from there.
    `seen` is what the group read of the run before claiming it (engine.runstore.seen_many).
    """
    run = runstore.claim(run_id, wait=False, seen=seen)
    if run is None:
        if commit:
            db.session.rollback()
        return False
    if run.status in LIVE:
        move(run, StepContext.of_run(run, spec_of(run.version_id), clock, renders=renders))
    else:
        runstore.write(run, ready=False)
    if commit:
        db.session.commit()
    return True


def move(run, ctx: StepContext) -> None:
    """Advance `run` in the caller's transaction (the caller has claimed it, or just created it)."""
    walk = _Walk(run, ctx)
    walk.go()
    walk.save()


def wake_at(tokens) -> datetime | None:
    return min((t.until for t in tokens if t.state == "waiting" and t.until is not None), default=None)


class _Walk:
    """The working state of one advance."""

    def __init__(self, run, ctx: StepContext):
        self.run, self.ctx, self.graph = run, ctx, ctx.spec.graph
        self.nodes = dict(run.nodes or {})
        self.todo, self.kept = deque(), []
        self.new_steps, self.ended_steps, self.opened_steps, self.parked = [], [], [], []
        self.failure, self.stop = None, None  # stop: "overran" its CPU budget, or cut "short" to free the lock
        self.allowance, self.began = overruns.Allowance(), time.monotonic()

    def go(self) -> None:
        tokens = self.run.tokens
        woken = wakes(tokens, self.ctx.now())
        ended = {id(token) for token, _ in woken}
        for token in tokens:
            if token.state == "ready":
                self.todo.append(token)
            elif id(token) not in ended:
                self.kept.append(token)
        for token, outcome in woken:
            if self.failure is None and outcome is REOPENED:
                # Business hours opened: the step it waited in now runs, in that same step row.
                self.todo.append(RunToken(token.node, "ready", token.attempt, step_id=token.step_id, opened=True))
            elif self.failure is None:
                if token.task_id is not None and outcome.port == "timeout":
                    human_tasks.expire(token.task_id, self.ctx.clock)
                self.apply(token, outcome)
            else:
                self.kept.append(token)
        taken = 0
        while self.todo and self.failure is None:
            if taken and self.stops_before(self.todo[0]):
                break
            token = self.todo.popleft()
            node = self.graph.node(token.node)
            taken += 1
            if taken > MAX_STEPS:
                self.apply(token, Fail(f"more than {MAX_STEPS} steps without a wait: does the workflow loop?"))
            else:
                self.apply(token, self.deferral(node, token) or self.execute(node))

    def deferral(self, node, token):
        """A Wait for the business hours to open, for an action set to run only within them; else None."""
        if node["kind"] != "action" or node["config"].get("business_hours_only") is not True or token.opened:
            return None
        hours, now = self.ctx.spec.business_hours, self.ctx.now()
        if hours is None:
            return Fail("this step runs only within business hours, but the workflow has none")
        try:
            opens = hours.next_open(now)
        except NeverOpen as exc:
            return Fail(str(exc))
        if opens == now:
            return None
        return Wait(until=opens, reopens=True,
                    reason=f"outside business hours, until {opens.astimezone(self.ctx.zone).isoformat()}")

    def stops_before(self, token: RunToken) -> bool:
        """Whether to stop at this step boundary, leaving `token` for later (engine/overruns.py)."""
        renders = self.ctx.renders
        if renders is not None and token.node not in renders.path:
            self.stop = "overran" if renders.spent else "short"
        elif renders is None and self.allowance.spent():
            self.stop = "overran"
        elif time.monotonic() - self.began > LOCK_SECONDS:
            self.stop = "short"
        return self.stop is not None

    def execute(self, node):
        try:
            with overruns.one_step():
                return execute(node, self.ctx)
        except SQLAlchemyError:
            raise  # the transaction is unusable: roll the whole advance back
        except Exception as exc:  # noqa: BLE001 - a bug in one step fails that step, never the engine
            log.exception("step %s of run %s", node["id"], self.run.id)
            return Fail(f"internal error in this step: {internal_error(exc)}")

    def apply(self, token: RunToken, outcome) -> None:
        node = self.graph.node(token.node)
        if isinstance(outcome, Wait) and outcome.message_id is None and outcome.task_id is None \
                and outcome.until is not None and outcome.until <= self.ctx.now():
            outcome = Advance(port="timeout" if outcome.listens else "next",
                              reason=f"{outcome.reason} (already passed)", input=outcome.input)
        if isinstance(outcome, Wait):
            self.park(token, node, outcome)
            return
        if isinstance(outcome, Fail):
            self.record(token, node, "failed", error=outcome.error, input=outcome.input)
            port = "error"
            if not self.graph.targets(node["id"], port):
                self.failure = (token, node, outcome.error)
                return
        else:
            self.record(token, node, outcome.status, reason=outcome.reason, input=outcome.input,
                        output=outcome.output)
            port = outcome.port
        for target in self.graph.targets(node["id"], port):
            self.todo.append(RunToken(target, "ready"))

    def park(self, token: RunToken, node: dict, wait: Wait) -> None:
        until = wait.until.isoformat() if wait.until else None
        row = self.record(token, node, "waiting", reason=wait.reason, input=wait.input, until=until)
        # A token waiting again in the step it resumed (an opened action queuing its message) keeps that step;
        # a new step's id is known once save() has inserted it.
        self.kept.append(RunToken(node["id"], "waiting", token.attempt, step_id=token.step_id if row is None else None,
                                  until=wait.until, message_id=wait.message_id, task_id=wait.task_id,
                                  listens=wait.listens, reopens=wait.reopens))
        if row is not None:
            self.parked.append((len(self.kept) - 1, row))

    def record(self, token, node, status, *, reason=None, input=None, output=None, error=None, until=None):
        """Write the step (a new row, or the end of the step a woken token waited in) and the node's status."""
        now = self.ctx.now()
        finished = None if status == "waiting" else now
        resumed = token.step_id is not None
        count = (self.nodes.get(node["id"]) or {}).get("count", 0) + (0 if resumed else 1)
        self.nodes[node["id"]] = {"status": status, "reason": reason, "until": until, "error": error, "count": count}
        if resumed:
            ended = {"step_id": token.step_id, "new_status": status, "new_reason": reason, "new_output": output,
                     "new_error": error, "new_finished_at": finished}
            if token.opened:
                self.opened_steps.append({**ended, "new_input": input})
            else:
                self.ended_steps.append(ended)
            return None
        row = {"run_id": self.run.id, "node_id": node["id"], "status": status, "reason": reason, "input": input,
               "output": output, "error": error, "attempt": token.attempt, "started_at": now,
               "finished_at": finished}
        self.new_steps.append(row)
        return row

    def save(self) -> None:
        run, now = self.run, self.ctx.now()
        renders = self.ctx.renders
        cpu_use.add(self.ctx.spec.workflow_id, self.allowance.used() + (renders.cpu if renders else 0.0))
        if self.new_steps and self.parked:
            # Waiting tokens remember their step, so that the step is completed where it began.
            ids = run_sql(_INSERT_STEPS_RETURNING, self.new_steps).scalars().all()
            position = {id(row): index for index, row in enumerate(self.new_steps)}
            for index, row in self.parked:
                self.kept[index] = replace(self.kept[index], step_id=ids[position[id(row)]])
        elif self.new_steps:  # no token waits in them: nothing needs their ids before the commit
            held_writes.write_later(_INSERT_STEPS, self.new_steps)
        if self.ended_steps:
            held_writes.write_later(_END_STEP, self.ended_steps)
        if self.opened_steps:
            held_writes.write_later(_END_OPENED_STEP, self.opened_steps)
        if self.failure is not None:
            token, node, error = self.failure
            failed = RunToken(node["id"], "failed", token.attempt)
            runstore.write(run, nodes=self.nodes, ready=False, tokens=self.kept + list(self.todo) + [failed],
                           status="failed", reason=f"{node['label']}: {error}", finished_at=now, wake_at=None)
            failure_alerts.run_failed(self.ctx, node["id"], run.reason)
            return
        if self.stop == "overran":
            woken = wake_at(self.kept)
            resume = overruns.resume_at(now)
            runstore.write(run, nodes=self.nodes, ready=False, tokens=self.kept + list(self.todo), status="running",
                           reason=None, wake_at=min(resume, woken) if woken else resume, finished_at=None)
            overruns.count(self.ctx)
            return
        if self.stop == "short":
            runstore.write(run, nodes=self.nodes, ready=True, tokens=self.kept + list(self.todo), status="running",
                           reason=None, wake_at=wake_at(self.kept), finished_at=None)
            return
        waiting = any(t.state == "waiting" for t in self.kept)
        runstore.write(run, nodes=self.nodes, ready=False, tokens=self.kept,
                       status="waiting" if waiting else "completed", reason=None, wake_at=wake_at(self.kept),
                       finished_at=None if waiting else now)


def wakes(tokens, now: datetime) -> list:
    """(token, outcome) for each waiting token whose wait has ended by `now`."""
    waiting = [t for t in tokens if t.state == "waiting"]
    messages = _messages([t.message_id for t in waiting if t.message_id])
    tasks = _tasks([t.task_id for t in waiting if t.task_id])
    outcomes = [(token, _woken(token, now, messages, tasks)) for token in waiting]
    return [(token, outcome) for token, outcome in outcomes if outcome is not None]


def _messages(ids: list) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.execute(_MESSAGES, {"ids": ids})}


def _tasks(ids: list) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.execute(_TASKS, {"ids": ids})}


def _woken(token: RunToken, now: datetime, messages: dict, tasks: dict):
    """The outcome that ends a waiting token's wait, or None while it still waits."""
    due = token.until is not None and token.until <= now
    if token.task_id is not None:
        task = tasks.get(token.task_id)
        if task is not None and task.status == "done":
            return Advance(port=task.outcome, reason=f"{task.completed_by} chose '{task.outcome}'",
                           output={"outcome": task.outcome, "by": task.completed_by})
        if due:
            return Advance(port="timeout", reason=f"no decision by {token.until.isoformat()}")
        return None
    if token.message_id is not None:
        message = messages.get(token.message_id)
        if message is None:
            return Fail("the message of this step no longer exists")
        if message.status == "sent":
            return Advance(output={"message_id": token.message_id, **(message.result or {})})
        if message.status in ("failed", "unknown"):
            return Fail(message.error or "the message could not be delivered")
        return None
    if token.listens:
        if token.heard is not None:  # engine.event_waits wrote what was heard, in the event's own transaction
            return Advance(reason=f"heard: {token.heard['what']}", output=token.heard)
        if due:
            return Advance(port="timeout", reason=f"nothing heard by {token.until.isoformat()}")
        return None
    if due:
        return REOPENED if token.reopens else Advance(reason=f"waited until {token.until.isoformat()}")
    return None
