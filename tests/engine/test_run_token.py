"""Runs parked in the database go on after an upgrade: every token shape the engine has written reads back into
a RunToken and is written again unchanged."""
import pytest

from engine.run_token import RunToken

STORED = [
    {"node": "t0", "state": "ready"},
    {"node": "mail", "state": "ready", "attempt": 2},
    {"node": "mail", "state": "failed", "attempt": 1},
    {"node": "wait", "state": "waiting", "attempt": 1, "step_id": 7, "until": "2026-03-02T09:00:00+00:00"},
    {"node": "mail", "state": "waiting", "attempt": 1, "step_id": 8, "message_id": "a1b2"},
    {"node": "approve", "state": "waiting", "attempt": 1, "step_id": 9, "task_id": 4,
     "until": "2026-03-05T17:30:00+07:00"},
    {"node": "hear", "state": "waiting", "attempt": 1, "step_id": 10, "listens": True,
     "heard": {"what": "stage is Won", "event_id": 3, "event": "updated"}},
    {"node": "call", "state": "waiting", "attempt": 1, "step_id": 11, "until": "2026-03-02T08:00:00+00:00",
     "reopens": True},
    {"node": "call", "state": "ready", "attempt": 1, "step_id": 11, "opened": True},
]


@pytest.mark.parametrize("stored", STORED)
def test_a_stored_token_reads_back_and_is_written_unchanged(stored):
    assert RunToken.from_json(stored).to_json() == stored


def test_the_time_a_token_waits_for_keeps_its_offset():
    token = RunToken.from_json(STORED[5])
    assert token.until.utcoffset().total_seconds() == 7 * 3600 and token.task_id == 4
