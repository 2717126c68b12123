"""The CPU budget of an advance, and what happens to a workflow whose runs keep exceeding it.

A run's advance may use ``ADVANCE_CPU_SECONDS`` of its thread's CPU time. The runs of heavy workflows
(engine.cpu_use) have their steps rendered ahead, outside the write transaction (engine.prerender), in slices of
``ADVANCE_SLICE_SECONDS``: a slice that ends before the walk does leaves the run ready to go on in a later pass,
and the CPU of those slices adds up until the run waits or ends. Past the budget (or, for a run advanced inline,
past it at a step boundary) the advance *overruns*: the run parks (``running``, its tokens still ready) to go on
``OVERRUN_PAUSE_SECONDS`` later, and its workflow is held (engine.cpu_use) so others go first. The templates of
one step share one render limit (2 s of CPU), however many fields it has. Each overrun is counted on the
workflow; at ``WORKFLOW_MAX_OVERRUNS`` the workflow is paused (no new runs; runs in flight go on, within the
budget) and its owner and the admins are told. Activating or publishing it again starts the count afresh.
"""
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, update

from builder import templating
from engine import cpu_use
from store import versions
from store.db import db, run_sql
from store.models import Workflow
from crm.models import Notification, User

DEFAULTS = {"ADVANCE_CPU_SECONDS": 1.0, "ADVANCE_SLICE_SECONDS": 0.2, "OVERRUN_PAUSE_SECONDS": 1.0,
            "WORKFLOW_MAX_OVERRUNS": 20}
RENDER_SECONDS = 2.0  # as one render's own limit (builder.templating.render)
WORKFLOWS = Workflow.__table__
_COUNT = update(WORKFLOWS).where(WORKFLOWS.c.id == bindparam("workflow_id")) \
    .values(overruns=WORKFLOWS.c.overruns + 1).returning(WORKFLOWS.c.overruns, WORKFLOWS.c.status)
# After committing an advance that overran, a worker thread waits this long before its next transaction: SQLite
# writers waiting for the lock poll it every 100 ms at most, and back-to-back heavy advances would starve them.
GIVE_WAY_SECONDS = 0.2
_overran = threading.local()
# Workflows paused in this enrollment pass: its trigger index was read before they were.
_paused_now: ContextVar[set | None] = ContextVar("flowdesk_paused_now", default=None)


def setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


class Allowance:
    """The CPU time an advance may use, counted from when it is made."""

    def __init__(self, limit: float | None = None):
        self.limit = setting("ADVANCE_CPU_SECONDS") if limit is None else limit
        self.started = time.thread_time()

    def used(self) -> float:
        return time.thread_time() - self.started

    def spent(self) -> bool:
        return self.used() > self.limit


def one_step():
    """Every template a step renders shares one render time limit, however many fields it has."""
    return templating.deadline(time.thread_time() + RENDER_SECONDS)


def resume_at(now):
    return now + timedelta(seconds=setting("OVERRUN_PAUSE_SECONDS"))


def count(ctx) -> None:
    """Count an overrun of the run's workflow, in the advance's transaction; pause it at the limit."""
    _overran.pending = True
    cpu_use.hold(ctx.spec.workflow_id)
    row = run_sql(_COUNT, {"workflow_id": ctx.spec.workflow_id}).first()
    if row is None or row.status != "active" or row.overruns < setting("WORKFLOW_MAX_OVERRUNS"):
        return
    workflow = db.session.get(Workflow, ctx.spec.workflow_id)
    versions.set_status(workflow, "paused")
    paused = _paused_now.get()
    if paused is not None:
        paused.add(workflow.id)
    text = (f"Workflow '{workflow.name}' was paused: {row.overruns} of its advances used more than "
            f"{setting('ADVANCE_CPU_SECONDS')} s of CPU (heavy templates?). Its runs in flight go on; "
            "make its steps lighter, then activate it again.")
    admins = db.session.scalars(db.select(User.id).where(User.role == "admin", User.active.is_(True))).all()
    now = ctx.now()
    db.session.add_all([Notification(user_id=user_id, message=text, link=f"/workflows/{workflow.id}/edit",
                                     created_at=now) for user_id in {workflow.owner_id, *admins} - {None}])


def give_way() -> None:
    """Call after a commit: when an advance in it overran its budget, let others have the database a moment."""
    if getattr(_overran, "pending", False):
        _overran.pending = False
        time.sleep(GIVE_WAY_SECONDS)


@contextmanager
def enrollment_pass():
    """Within the block, :func:`paused_now` names the workflows paused since it began."""
    token = _paused_now.set(set())
    try:
        yield
    finally:
        _paused_now.reset(token)


def paused_now(workflow_id: int) -> bool:
    return workflow_id in (_paused_now.get() or ())
