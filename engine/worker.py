"""The engine's loops: enroll events and advance ready runs, deliver the outbox, and the timers.

Timers (runs whose wait ended, time-based triggers) are woken by the APScheduler alarm (engine.timers),
which only decides *when* to look; the database decides what is due. `flowdesk worker` runs them in the foreground (stopped gracefully by SIGTERM or SIGINT); `flowdesk run`
runs the same code on background threads of the web process (:func:`start_embedded`). Any number of
workers may share a database: events, runs and messages are claimed, never assumed (docs/ENGINE.md).
"""
import logging
import threading
import time

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from store.db import begin_writing, db
from crm import kinds
from engine import (alert_digest, cpu_use, enrollment, enrollment_history, failure_alerts, group_commit, heartbeat,
                    interpreter, outbox, overruns, prerender, runstore, time_triggers)
from engine.clock import SYSTEM_CLOCK
from engine.context import StepContext
from engine.specs import spec_of
from engine.models import Run
from engine.outcomes import internal_error
from engine.timers import Alarm

log = logging.getLogger(__name__)
IDLE_SECONDS = 0.2
ERROR_PAUSE_SECONDS = 1.0
# The sweep re-reads upcoming wake times from the database: a run parked by any process is scheduled
# within this long, well before a short wait (seconds) ends.
ALARM_SWEEP_SECONDS = 1.0
TIME_TRIGGER_SECONDS = 15.0
HOUSEKEEPING_SECONDS = 3600.0
# One engine pass advances ready runs for this long at most, then enrolls new events again.
PASS_SECONDS = 0.3


def ready_runs(limit: int, clock=SYSTEM_CLOCK) -> list:
    """Runs marked ready (just started, a message delivered, a retry, cut short), fairest first
    (engine.cpu_use): rows of (id, workflow_id)."""
    ready = db.session.execute(select(Run.id, Run.workflow_id).where(Run.ready.is_(True)).order_by(Run.id)
                               .limit(limit)).all()
    db.session.commit()
    return cpu_use.fairest_first(ready)


def woken_runs(limit: int, clock=SYSTEM_CLOCK) -> list:
    """Runs whose wait has ended: rows of (id, workflow_id)."""
    woken = db.session.execute(select(Run.id, Run.workflow_id).where(Run.wake_at <= clock.now())
                               .order_by(Run.wake_at).limit(limit)).all()
    db.session.commit()
    return woken


def wake_times(until, limit: int = 5000) -> list:
    """Distinct wake times of parked runs up to `until`, for the alarm."""
    times = db.session.scalars(select(Run.wake_at).where(Run.wake_at <= until).distinct()
                               .order_by(Run.wake_at).limit(limit)).all()
    db.session.commit()
    return times


def advance_due(limit: int = 200, clock=SYSTEM_CLOCK, pick=ready_runs) -> int:
    """Advance the runs `pick` names (for PASS_SECONDS at most), committed in groups (engine.group_commit). One run of
    a heavy workflow at most, its steps rendered ahead (engine.prerender), and it ends the pass: new events are
    enrolled before the next one."""
    started, done, light = time.monotonic(), 0, []
    with kinds.batch():
        for run in pick(limit, clock):
            if time.monotonic() - started > PASS_SECONDS:
                break
            if cpu_use.heavy(run.workflow_id):
                return done + _advance_group(light, clock) + _advance_each([run.id], clock, ahead=True)
            light.append(run.id)
            if len(light) >= group_commit.GROUP_SIZE:
                done += _advance_group(light, clock)
                light = []
        return done + _advance_group(light, clock)


def hand_over_heavy(limit: int = 500, clock=SYSTEM_CLOCK) -> int:
    """Mark the runs of heavy workflows whose wait has ended ready, instead of resuming them here: the engine
    loop advances them in its turn, fairest first, rather than the alarm's thread beside it. Returns how many."""
    heavy = [run.id for run in woken_runs(limit, clock) if cpu_use.heavy(run.workflow_id)]
    if heavy:
        db.session.execute(update(Run).where(Run.id.in_(heavy), Run.wake_at <= clock.now())
                           .values(ready=True, wake_at=None).execution_options(synchronize_session=False))
        db.session.commit()
    return len(heavy)


def _advance_group(ids: list, clock) -> int:
    """The runs' seq is read once a group, as its transaction begins (SQLite: with the write lock, so it stays)."""
    seen = {}

    def begin(group) -> None:
        begin_writing()
        seen.clear()
        seen.update(runstore.seen_many(group))

    return group_commit.in_groups(ids, lambda run_id: interpreter.advance(run_id, clock, commit=False,
                                                                          seen=seen.get(run_id)),
                                  lambda each: _advance_each(each, clock), begin)


def _advance_each(ids: list, clock, ahead: bool = False) -> int:
    done = 0
    for run_id in ids:
        try:
            renders = prerender.ahead(run_id, clock) if ahead else None
            done += interpreter.advance(run_id, clock, renders=renders)
        except OperationalError:
            db.session.rollback()
            raise
        except Exception as exc:
            db.session.rollback()
            log.exception("advancing run %s", run_id)
            done += fail_broken(run_id, exc, clock)
        overruns.give_way()
    return done


def fail_broken(run_id: int, error: Exception, clock) -> bool:
    """A run whose advance keeps raising (a bug, not a lock) is failed, so it is not retried forever."""
    run = runstore.claim(run_id)
    if run is None:
        db.session.rollback()
        return False
    runstore.write(run, status="failed", reason=f"internal error: {internal_error(error)}", ready=False, wake_at=None,
                   finished_at=clock.now())
    try:
        spec = spec_of(run.version_id)
    except LookupError:
        spec = None  # its version is gone: nobody left to tell
    if spec is not None:
        failure_alerts.run_failed(StepContext.of_run(run, spec, clock), None, run.reason)
    db.session.commit()
    return True


def engine_pass(clock=SYSTEM_CLOCK, batch: int = 200) -> int:
    """One pass of the engine loop; returns how much work it did."""
    return enrollment.enroll_pending(batch, clock) + advance_due(batch, clock)


def sender_pass(clock=SYSTEM_CLOCK, batch: int = 20) -> int:
    return outbox.send_due(batch, clock)


def timers_pass(clock=SYSTEM_CLOCK, batch: int = 500, stop: threading.Event | None = None) -> int:
    """Resume every run whose wait has ended (in batches, until none is left or `stop` is set).

    Resumes are committed in groups (engine.group_commit): when a wait ends for thousands of runs at once, the
    commit is what the runs would otherwise queue behind. Runs of heavy workflows are handed to the engine loop.
    """
    total = 0
    while True:
        done = hand_over_heavy(batch, clock) + advance_due(batch, clock, pick=woken_runs)
        total += done
        if not done or (stop and stop.is_set()):
            return total


def housekeeping(clock=SYSTEM_CLOCK) -> int:
    """Forget what is kept only for a while (filter-outs older than 30 days); hourly in every worker."""
    return enrollment_history.prune_filtered(clock)


def drain(clock=SYSTEM_CLOCK, rounds: int = 100) -> int:
    """Run every loop until nothing is left to do now (tests and one-shot commands)."""
    total = 0
    for _ in range(rounds):
        work = (engine_pass(clock) + timers_pass(clock) + time_triggers.fire_due(clock) + alert_digest.send_due(clock)
                + sender_pass(clock))
        total += work
        if not work:
            break
    return total


def loop(app, work, stop: threading.Event, name: str) -> None:
    """Call `work()` in an app context until `stop` is set, pausing when idle or after an error."""
    with app.app_context():
        while not stop.is_set():
            try:
                busy = work()
            except Exception:  # noqa: BLE001 - a worker must outlive any one failure
                db.session.rollback()
                log.exception("%s loop", name)
                stop.wait(ERROR_PAUSE_SECONDS)
                continue
            finally:
                db.session.remove()
            if not busy:
                stop.wait(IDLE_SECONDS)


def in_context(app, work):
    """`work` as an APScheduler job: in an app context, with the session cleaned up after."""

    def job(*args):
        with app.app_context():
            try:
                return work(*args)
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return job


class Engine:
    """The engine loop and the sender loop on two threads (so a slow SMTP server never holds up runs),
    and the alarm that wakes parked runs and time-based triggers."""

    def __init__(self, app, clock=SYSTEM_CLOCK):
        self.stop_event = threading.Event()
        self.threads = [
            threading.Thread(target=loop, name="flowdesk-engine", daemon=True,
                             args=(app, lambda: engine_pass(clock), self.stop_event, "engine")),
            threading.Thread(target=loop, name="flowdesk-sender", daemon=True,
                             args=(app, lambda: sender_pass(clock), self.stop_event, "sender")),
        ]
        # A backlog of due runs is worked through batch by batch; SIGTERM ends it after the batch in hand.
        self.alarm = Alarm(in_context(app, lambda: timers_pass(clock, stop=self.stop_event)),
                           in_context(app, wake_times),
                           sweep=ALARM_SWEEP_SECONDS)
        self._fire_time_triggers = in_context(app, lambda: time_triggers.fire_due(clock))
        self._send_digest = in_context(app, lambda: alert_digest.send_due(clock))
        self._housekeeping = in_context(app, lambda: housekeeping(clock))
        self.name = heartbeat.worker_name()
        self._beat = in_context(app, lambda: heartbeat.beat(self.name))
        self._leave = in_context(app, lambda: heartbeat.leave(self.name))

    def start(self) -> "Engine":
        for thread in self.threads:
            thread.start()
        self.alarm.scheduler.add_job(self._fire_time_triggers, "interval", seconds=TIME_TRIGGER_SECONDS,
                                     id="time-triggers")
        self.alarm.scheduler.add_job(self._send_digest, "interval", seconds=TIME_TRIGGER_SECONDS, id="alert-digest")
        self.alarm.scheduler.add_job(self._housekeeping, "interval", seconds=HOUSEKEEPING_SECONDS, id="housekeeping")
        self._beat()
        self.alarm.scheduler.add_job(self._beat, "interval", seconds=heartbeat.BEAT_SECONDS, id="heartbeat")
        self.alarm.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        """Let each loop finish what it is doing, then return."""
        self.stop_event.set()
        self.alarm.stop()
        for thread in self.threads:
            thread.join(timeout)
        self._leave()

    def wait(self) -> None:
        """Block until the loops end (joined in slices, so the main thread still receives signals)."""
        for thread in self.threads:
            while thread.is_alive():
                thread.join(0.5)


def start_embedded(app, clock=SYSTEM_CLOCK) -> Engine:
    """Run the engine inside this process on background threads; call `.stop()` on the result to end it."""
    return Engine(app, clock).start()
