"""The alarm clock: APScheduler wakes this process when something is due; the database says what.

Every timer is a row (a waiting run's `wake_at`, a task's due time, a time trigger's next fire). This
module holds no timers of its own: it keeps at most one APScheduler date job per `resolution` slice
of time inside a short window, firing at the end of that slice, and each job only calls `wake()`,
which claims and processes everything due. So 100,000 runs parked on the same second cost ten jobs,
and a periodic sweep catches whatever no job covers (due while the process was down, beyond the
window, or parked by another process).
"""
import logging
import math
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)


class Alarm:
    """Wake `wake()` at every due slice in the next `window`, and every `sweep` seconds regardless.

    `upcoming(until)` returns the due times (aware datetimes) known in the database up to `until`.
    One Alarm per process: APScheduler's in-memory job store is never shared between processes.
    """

    def __init__(self, wake: Callable[[], None], upcoming: Callable[[datetime], list[datetime]],
                 window: timedelta = timedelta(minutes=5), sweep: float = 5.0, resolution: float = 0.1):
        self.wake, self.upcoming, self.window, self.sweep = wake, upcoming, window, sweep
        self.resolution = resolution
        # misfire_grace_time=None + coalesce: a late job still runs, once (the 1 s default drops bursts).
        self.scheduler = BackgroundScheduler(timezone=timezone.utc, job_defaults={
            "misfire_grace_time": None, "coalesce": True, "max_instances": 1})
        self._lock = threading.Lock()

    def start(self) -> None:
        self.scheduler.add_job(self._sweep, "interval", seconds=self.sweep, id="sweep",
                               next_run_time=datetime.now(timezone.utc))
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

    def remind(self, at: datetime) -> None:
        """Something is due at `at`: make sure a job fires at the end of its slice (if inside the window)."""
        now = datetime.now(timezone.utc)  # the alarm rings in real time; what is due is judged by the clock
        if at > now + self.window or not self.scheduler.running:
            return
        slice_no = math.ceil(max(at, now).timestamp() / self.resolution)
        run_date = datetime.fromtimestamp(slice_no * self.resolution, timezone.utc)
        with self._lock:
            self.scheduler.add_job(self._fire, "date", run_date=run_date, id=f"wake-{slice_no}",
                                   replace_existing=True)

    def job_count(self) -> int:
        return len(self.scheduler.get_jobs())

    def _fire(self) -> None:
        try:
            self.wake()
        except Exception:  # noqa: BLE001 - a failed wake must not kill the scheduler thread
            log.exception("timer wake failed")

    def _sweep(self) -> None:
        self._fire()
        try:
            for at in self.upcoming(datetime.now(timezone.utc) + self.window):
                self.remind(at)
        except Exception:  # noqa: BLE001
            log.exception("timer sweep failed")
