"""A run's position as typed values: one frozen RunToken per place the run is at (docs/ENGINE.md, "Tokens").

engine.runstore makes them once when it loads a run (:func:`tokens_of`) and writes them back as JSON once
(:func:`tokens_json`); everything between reads attributes and makes new tokens with ``dataclasses.replace``.

>>> token = RunToken.from_json({"node": "wait", "state": "waiting", "attempt": 1, "until": "2026-01-02T09:00:00+00:00"})
>>> token.until.hour, token.to_json() == {"node": "wait", "state": "waiting", "attempt": 1,
...                                       "until": "2026-01-02T09:00:00+00:00"}
(9, True)
"""
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RunToken:
    node: str
    state: str  # ready, waiting or failed
    attempt: int = 1
    step_id: int | None = None  # the step it waits in (or resumes, when woken)
    until: datetime | None = None
    message_id: str | None = None
    task_id: int | None = None
    listens: bool = False  # waits for an event (engine.event_waits)
    reopens: bool = False  # waits for business hours to open, then runs its step
    opened: bool = False  # ready again because the business hours it waited for opened
    heard: dict | None = None  # what ended a listening wait, written by engine.event_waits

    @classmethod
    def from_json(cls, data: dict) -> "RunToken":
        until = data.get("until")
        return cls(data["node"], data["state"], data.get("attempt", 1), data.get("step_id"),
                   datetime.fromisoformat(until) if until else None, data.get("message_id"), data.get("task_id"),
                   bool(data.get("listens")), bool(data.get("reopens")), bool(data.get("opened")), data.get("heard"))

    def to_json(self) -> dict:
        """Only what is set; a fresh token (ready, first attempt, no step yet) has no attempt, as rows always had."""
        data = {"node": self.node, "state": self.state}
        if self.attempt != 1 or self.state != "ready" or self.step_id is not None:
            data["attempt"] = self.attempt
        for key in ("step_id", "message_id", "task_id", "heard"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.until is not None:
            data["until"] = self.until.isoformat()
        for key in ("listens", "reopens", "opened"):
            if getattr(self, key):
                data[key] = True
        return data


def tokens_of(data: list | None) -> tuple[RunToken, ...]:
    return tuple(RunToken.from_json(token) for token in data or ())


def tokens_json(tokens) -> list[dict]:
    return [token.to_json() for token in tokens]
