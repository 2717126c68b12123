"""Per-user limits on expensive calls: at most N at once and M started in any minute (auto-arrange).

Kept in process memory, like the sign-in throttle: each gunicorn worker keeps its own counts, so with W
workers a user gets at most W calls at once and W x M a minute in all.
"""
import math
import threading
import time
from collections import defaultdict, deque

from flask import current_app
from flask_smorest import abort

WINDOW_SECONDS = 60.0


class CallLimiter:
    def __init__(self, concurrent: int, per_minute: int, clock=time.monotonic):
        self.concurrent, self.per_minute, self.clock = concurrent, per_minute, clock
        self._running: dict = defaultdict(int)
        self._started: dict = defaultdict(deque)
        self._lock = threading.Lock()

    def acquire(self, key) -> float:
        """Take a slot for `key`: 0 when taken (call :meth:`release` after), else the seconds to wait."""
        with self._lock:
            now = self.clock()
            started = self._started[key]
            while started and started[0] <= now - WINDOW_SECONDS:
                started.popleft()
            if len(started) >= self.per_minute:
                return started[0] + WINDOW_SECONDS - now
            if self._running[key] >= self.concurrent:
                return 1.0
            started.append(now)
            self._running[key] += 1
            return 0.0

    def release(self, key) -> None:
        with self._lock:
            self._running[key] -= 1

    def running(self, key) -> int:
        with self._lock:
            return self._running[key]


def limiter(name: str, concurrent: int, per_minute: int) -> CallLimiter:
    """The app's limiter called `name` (made at first use with these limits)."""
    limiters = current_app.extensions.setdefault("flowdesk.call_limits", {})
    if name not in limiters:
        limiters[name] = CallLimiter(concurrent, per_minute)
    return limiters[name]


def refuse(wait: float, what: str):
    seconds = max(1, math.ceil(wait))
    abort(429, message=f"Too many {what} calls; try again in {seconds} s.",
          headers={"Retry-After": str(seconds)})
