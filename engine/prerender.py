"""Rendering a run's next steps before its advance takes the write transaction.

On SQLite the transaction of an advance holds the database's only write lock, so templates rendered inside it
hold up every other writer (record saves, other runs). For the runs of heavy workflows (engine.cpu_use), the
worker first walks the run's next steps in dry mode outside any write transaction, within the advance's CPU
budget, keeping what every template rendered to (:class:`Renders`). The advance then claims the run as usual
and executes those steps for real: a template rendered again with the same data (record, trigger, payload,
time...) gives back the kept text at once, so the transaction holds only the writes. It goes no further than
the steps walked ahead (engine.interpreter), and when the data changed meanwhile (the record was edited, an
earlier step changed it), the template is simply rendered again.
"""
import logging
import time
from collections import deque
from datetime import datetime

from builder.templating import TemplateError, render
from store.db import db
from engine import cpu_use, interpreter, overruns, runstore
from engine.context import StepContext
from engine.executors import execute
from engine.models.runs import LIVE
from engine.outcomes import Fail, Wait
from engine.specs import spec_of

log = logging.getLogger(__name__)


class Renders:
    """What templates rendered to for one run, by template and data; `path` names the nodes walked ahead, and
    `spent` says the run used up its CPU budget (engine.overruns) before the walk ended."""

    def __init__(self, now: datetime):
        self.now = now  # templates see this `now`, so that their data is the same in both walks
        self.path, self.spent, self.cpu = set(), False, 0.0
        self._kept = {}

    def render(self, text: str, context: dict, html: bool) -> str:
        kept = self._kept.setdefault((text, html), [])
        for seen, result in kept:
            if seen == context:
                break
        else:
            try:
                result = render(text, context, html=html)
            except TemplateError as exc:
                result = exc
            kept.append((context, result))
        if isinstance(result, TemplateError):
            raise TemplateError(result.message)
        return result


def ahead(run_id: int, clock) -> Renders | None:
    """Walk the run's next steps in dry mode, in a read-only transaction that is ended before returning."""
    started = time.thread_time()
    try:
        run = runstore.peek(run_id)
        if run is None or run.status not in LIVE:
            return None
        renders, spec = Renders(clock.now()), spec_of(run.version_id)
        cut = _walk(run, spec, StepContext.of_run(run, spec, clock, dry=True, renders=renders), renders)
        renders.cpu = time.thread_time() - started
        used = cpu_use.carried(run_id) + renders.cpu
        renders.spent = cut and used > overruns.setting("ADVANCE_CPU_SECONDS")
        cpu_use.carry(run_id, used if cut and not renders.spent else None)
        return renders
    except Exception:  # noqa: BLE001 - nothing rendered ahead only means the advance renders inline
        log.exception("rendering ahead for run %s", run_id)
        return None
    finally:
        db.session.rollback()


def _walk(run, spec, ctx: StepContext, renders: Renders) -> bool:
    """Walk ahead for one slice of CPU (ADVANCE_SLICE_SECONDS); True when the slice ended the walk."""
    todo = deque(token.node for token in run.tokens if token.state == "ready")
    for token, outcome in interpreter.wakes(run.tokens, ctx.now()):
        if outcome is interpreter.REOPENED:  # business hours opened: the step it waited in runs now
            todo.append(token.node)
        else:
            todo.extend(spec.graph.targets(token.node, "error" if isinstance(outcome, Fail) else outcome.port))
    allowance = overruns.Allowance(overruns.setting("ADVANCE_SLICE_SECONDS"))
    while todo:
        if renders.path and allowance.spent():
            return True
        node_id = todo.popleft()
        renders.path.add(node_id)
        try:
            with overruns.one_step():
                outcome = execute(spec.graph.node(node_id), ctx)
        except Exception:  # noqa: BLE001 - the advance meets the same error and says so; what was rendered stays
            log.exception("rendering step %s of run %s ahead", node_id, run.id)
            return False
        if not isinstance(outcome, Wait):
            todo.extend(spec.graph.targets(node_id, "error" if isinstance(outcome, Fail) else outcome.port))
    return False
