"""The engine's loops: enroll events, advance ready and due runs, deliver the outbox.

`flowdesk worker` runs them in the foreground (stopped gracefully by SIGTERM or SIGINT); `flowdesk run`
runs the same code on background threads of the web process (:func:`start_embedded`). Any number of
workers may share a database: events, runs and messages are claimed, never assumed (docs/ENGINE.md).
"""
import logging
import threading

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from builder.db import db
from engine import enrollment, interpreter, outbox, runstore
from engine.clock import SYSTEM_CLOCK
from engine.models import Run

log = logging.getLogger(__name__)
IDLE_SECONDS = 0.2
ERROR_PAUSE_SECONDS = 1.0


def due_runs(limit: int, clock=SYSTEM_CLOCK) -> list:
    """Ids of runs with something to do: marked ready, or a wait that has ended."""
    ready = db.session.scalars(select(Run.id).where(Run.ready.is_(True)).order_by(Run.id).limit(limit)).all()
    woken = db.session.scalars(select(Run.id).where(Run.wake_at <= clock.now()).order_by(Run.wake_at)
                               .limit(limit)).all()
    db.session.commit()
    return list(dict.fromkeys(ready + woken))


def advance_due(limit: int = 200, clock=SYSTEM_CLOCK) -> int:
    done = 0
    for run_id in due_runs(limit, clock):
        try:
            done += interpreter.advance(run_id, clock)
        except OperationalError:
            db.session.rollback()
            raise
        except Exception as exc:
            db.session.rollback()
            log.exception("advancing run %s", run_id)
            done += fail_broken(run_id, exc, clock)
    return done


def fail_broken(run_id: int, error: Exception, clock) -> bool:
    """A run whose advance keeps raising (a bug, not a lock) is failed, so it is not retried forever."""
    run = runstore.claim(run_id)
    if run is None:
        db.session.rollback()
        return False
    runstore.write(run, status="failed", reason=f"internal error: {error}", ready=False, wake_at=None,
                   finished_at=clock.now())
    db.session.commit()
    return True


def engine_pass(clock=SYSTEM_CLOCK, batch: int = 200) -> int:
    """One pass of the engine loop; returns how much work it did."""
    return enrollment.enroll_pending(batch, clock) + advance_due(batch, clock)


def sender_pass(clock=SYSTEM_CLOCK, batch: int = 20) -> int:
    return outbox.send_due(batch, clock)


def drain(clock=SYSTEM_CLOCK, rounds: int = 100) -> int:
    """Run both loops until nothing is left to do now (tests and one-shot commands)."""
    total = 0
    for _ in range(rounds):
        work = engine_pass(clock) + sender_pass(clock)
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


class Engine:
    """The engine loop and the sender loop on two threads (so a slow SMTP server never holds up runs)."""

    def __init__(self, app, clock=SYSTEM_CLOCK):
        self.stop_event = threading.Event()
        self.threads = [
            threading.Thread(target=loop, name="flowdesk-engine", daemon=True,
                             args=(app, lambda: engine_pass(clock), self.stop_event, "engine")),
            threading.Thread(target=loop, name="flowdesk-sender", daemon=True,
                             args=(app, lambda: sender_pass(clock), self.stop_event, "sender")),
        ]

    def start(self) -> "Engine":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        """Let each loop finish what it is doing, then return."""
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout)

    def wait(self) -> None:
        """Block until the loops end (joined in slices, so the main thread still receives signals)."""
        for thread in self.threads:
            while thread.is_alive():
                thread.join(0.5)


def start_embedded(app, clock=SYSTEM_CLOCK) -> Engine:
    """Run the engine inside this process on background threads; call `.stop()` on the result to end it."""
    return Engine(app, clock).start()
