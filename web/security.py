"""Response headers that keep pages out of frames and scripts to our own files, and a sign-in throttle."""
import threading
import time
from collections import defaultdict, deque

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


class LoginThrottle:
    """At most `limit` failed sign-ins per (address, username) in a sliding `window` of seconds.

    Kept in process memory: enough for the embedded server; each gunicorn worker keeps its own count.
    """

    def __init__(self, limit: int = 10, window: float = 300.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[tuple, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key) -> deque:
        failures, cutoff = self._failures[key], self.clock() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    def blocked_for(self, key) -> float:
        """Seconds until another attempt is allowed (0 when allowed now)."""
        with self._lock:
            failures = self._recent(key)
            if len(failures) < self.limit:
                return 0.0
            return max(0.0, failures[0] + self.window - self.clock())

    def failed(self, key) -> None:
        with self._lock:
            self._recent(key).append(self.clock())

    def succeeded(self, key) -> None:
        with self._lock:
            self._failures.pop(key, None)
