"""A run's position as typed values: its tokens are read once from the run's stored JSON and written back in the
same shape (keys left out when unset), so stored runs and their readers never change.

>>> token = RunToken.read({"node": "wait", "state": "waiting", "attempt": 2, "until": "2026-11-25T09:00:00+00:00"})
>>> token.tries, token.wakes_at().isoformat(), RunToken("next").stored()
(2, '2026-11-25T09:00:00+00:00', {'node': 'next', 'state': 'ready'})
"""
from dataclasses import dataclass, fields
from datetime import datetime

STATES = ("ready", "waiting", "failed")


@dataclass(frozen=True)
class RunToken:
    """Where one branch of a run stands: at `node`, ready to execute, waiting (until a moment, for a message or
    a task; `step_id` is the step it waits in) or failed."""

    node: str
    state: str = "ready"
    attempt: int | None = None
    until: str | None = None
    message_id: int | None = None
    task_id: int | None = None
    step_id: int | None = None

    @classmethod
    def read(cls, stored: dict) -> "RunToken":
        return cls(**{name: stored[name] for name in _NAMES if name in stored})

    def stored(self) -> dict:
        return {name: getattr(self, name) for name in _NAMES if getattr(self, name) is not None}

    @property
    def tries(self) -> int:
        """Which attempt at its node this is (a retry of a failed step is the next)."""
        return self.attempt or 1

    def wakes_at(self) -> datetime | None:
        return datetime.fromisoformat(self.until) if self.until else None


_NAMES = tuple(field.name for field in fields(RunToken))


def read_tokens(stored: list | None) -> list[RunToken]:
    return [RunToken.read(token) for token in stored or ()]


def stored_tokens(tokens) -> list[dict]:
    return [token.stored() for token in tokens]


def wake_at(tokens) -> datetime | None:
    """The earliest moment a waiting token's wait ends, or None."""
    return min((token.wakes_at() for token in tokens if token.state == "waiting" and token.until), default=None)
