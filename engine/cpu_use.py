"""How much CPU each workflow's advances used lately, as this process saw it: the engine's fairness.

Every advance adds its thread's CPU time to its workflow's tally, which halves every ``HALF_LIFE_SECONDS``.
Workers take ready runs of workflows with the smallest tally first, so a workflow with heavy templates cannot keep
others waiting; a workflow whose advance overran its budget (engine.overruns) is *held* for ``HOLD_SECONDS``: its
runs come after everyone else's. A workflow is *heavy* once one advance used ``HEAVY_SECONDS`` of CPU or it is
held: its steps are then rendered before the write transaction (engine.prerender) and never inline in another
transaction (an enrollment, a group of resumed runs). The tallies live with the Flask app, one per process.
"""
import math
import threading
import time

from flask import current_app

HALF_LIFE_SECONDS = 10.0
HOLD_SECONDS = 60.0
HEAVY_SECONDS = 0.2
_KEY = "flowdesk.engine.cpu_use"


class _Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.used = {}  # workflow id -> (decayed CPU seconds, when, largest single advance since it was light)
        self.held = {}  # workflow id -> monotonic time its hold ends
        self.carried = {}  # run id -> CPU its advances cut short used since it last stopped for good

    def decayed(self, workflow_id, now: float) -> tuple[float, float]:
        used, when, largest = self.used.get(workflow_id, (0.0, now, 0.0))
        factor = math.pow(0.5, (now - when) / HALF_LIFE_SECONDS)
        return used * factor, largest * factor


def _tally() -> _Tally:
    return current_app.extensions.setdefault(_KEY, _Tally())


def add(workflow_id: int, seconds: float) -> None:
    """Count `seconds` of CPU an advance of the workflow used."""
    tally, now = _tally(), time.monotonic()
    with tally.lock:
        used, largest = tally.decayed(workflow_id, now)
        tally.used[workflow_id] = (used + seconds, now, max(largest, seconds))


def hold(workflow_id: int) -> None:
    _tally().held[workflow_id] = time.monotonic() + HOLD_SECONDS


def held(workflow_id: int) -> bool:
    return _tally().held.get(workflow_id, 0.0) > time.monotonic()


def heavy(workflow_id: int) -> bool:
    tally = _tally()
    with tally.lock:
        _, largest = tally.decayed(workflow_id, time.monotonic())
    return largest >= HEAVY_SECONDS or held(workflow_id)


MAX_CARRIED = 10_000  # runs another process finished are never forgotten here: start afresh past this many


def carried(run_id: int) -> float:
    """The CPU the run's advances used since it last waited, ended or overran (engine.prerender)."""
    return _tally().carried.get(run_id, 0.0)


def carry(run_id: int, seconds: float | None) -> None:
    """Remember the CPU the run used so far (None: forget it)."""
    tally = _tally()
    if seconds is None:
        tally.carried.pop(run_id, None)
        return
    if len(tally.carried) >= MAX_CARRIED:
        tally.carried.clear()
    tally.carried[run_id] = seconds


def fairest_first(runs: list) -> list:
    """`runs` (rows with `id` and `workflow_id`) in the order to advance them: runs of held workflows last, then
    by how much CPU their workflow used lately, least first; in the given order otherwise."""
    tally, now = _tally(), time.monotonic()
    with tally.lock:
        used = {w: tally.decayed(w, now)[0] for w in {run.workflow_id for run in runs}}
    return sorted(runs, key=lambda run: (held(run.workflow_id), used[run.workflow_id]))
