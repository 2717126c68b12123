"""What an executor returns. Executors never move tokens; the interpreter reads these and does.

>>> Advance("true", reason="amount is 7500, more than 5000").port
'true'
"""
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Advance:
    """Go on along `port`. `status` is ``done``, or ``skipped`` when the step was reached but did nothing."""

    port: str = "next"
    status: str = "done"
    reason: str | None = None
    input: dict | None = None
    output: dict | None = None


@dataclass(frozen=True)
class Wait:
    """Park the token until a moment, a task or a message decides how it goes on. A token that `listens`
    waits for a record event (engine.event_waits) and goes on along `timeout` when `until` comes first."""

    until: datetime | None = None
    task_id: int | None = None
    message_id: str | None = None
    reason: str | None = None
    input: dict | None = None
    listens: bool = False
    reopens: bool = False  # business hours: when `until` comes, the node itself runs (engine.interpreter)


@dataclass(frozen=True)
class Fail:
    """The step failed: the token takes the node's `error` port when it is wired, else the run fails."""

    error: str
    input: dict | None = None


Outcome = Advance | Wait | Fail


def internal_error(error: BaseException) -> str:
    """A bug's error as anyone who may read runs sees it: its type and first line, never the SQL statement
    and parameters a database error carries (they may hold another record's data).

    >>> internal_error(ValueError("bad value\\nmore detail"))
    'ValueError: bad value'
    """
    cause = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error, with the statement
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"
