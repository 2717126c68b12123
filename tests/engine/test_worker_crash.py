"""`flowdesk worker` processes share one database; SIGKILL them mid-batch, restart, and nothing is lost or doubled.

Every run must finish with its task created exactly once (tasks are written in the advance's transaction)
and no email delivered twice. A kill between handing an email's data to the SMTP server and recording the
answer leaves that email `unknown` (it may have been delivered) instead of sending it again, and its run takes
the failure path: at most one such email per kill.
"""
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from store.db import db
from crm.models import Record
from engine.models import Message, Run
from tests.engine.flows import create, node, publish, trigger

RUNS = 120
FLOWDESK = os.path.join(os.path.dirname(sys.executable), "flowdesk")


def start_worker(env, log_dir, name) -> subprocess.Popen:
    out = open(log_dir / f"{name}.log", "w")
    return subprocess.Popen([FLOWDESK, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=os.getcwd())


def count(*where) -> int:
    db.session.commit()
    return db.session.scalar(db.select(db.func.count(Run.id)).where(*where))


def wait_until(test, timeout=90, what="the workers"):
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, f"{what} did not get there in {timeout}s"
        time.sleep(0.05)


@pytest.fixture
def worker_env(app, database_url, smtp_server, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    # A short lease, so that a restarted worker soon takes over the messages a killed one had claimed.
    (instance / "config.py").write_text("OUTBOX_LEASE_SECONDS = 2\nSMTP_COMMAND_TIMEOUT_SECONDS = 2\n"
                                        "SMTP_DATA_TIMEOUT_SECONDS = 2\n")
    return {**os.environ, "DATABASE_URL": database_url, "FLOWDESK_INSTANCE": str(instance),
            "SMTP_URL": smtp_server.url, "FLOWDESK_EMBEDDED_ENGINE": "0"}


def test_killed_workers_lose_and_repeat_nothing(app, worker_env, smtp_server, tmp_path):
    publish(trigger(), node("task", "create_task", title="Follow up deal {{ record.id }}"),
            node("mail", "send_email", to="sales@example.com", subject="Deal {{ record.id }}"),
            node("done", "update_record", add_tags=["done"]), chain=True)
    deals = [create(fields={"name": f"deal {i}"}).id for i in range(RUNS)]
    workers = [start_worker(worker_env, tmp_path, f"w{i}") for i in range(2)]
    kills = 0
    for progress in (RUNS // 4, RUNS // 2):
        wait_until(lambda: count(Run.status == "completed") >= progress, what=f"{progress} runs")
        victim = workers.pop(0)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        kills += 1
        workers.append(start_worker(worker_env, tmp_path, f"w{kills + 1}"))
    wait_until(lambda: count(Run.status.in_(("completed", "failed"))) == RUNS, what="every run")
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        assert worker.wait(30) == 0, (tmp_path / "w0.log").read_text()

    assert count() == RUNS
    tasks = db.session.scalars(db.select(Record).where(Record.object == "task")).all()
    assert sorted(Counter(t.fields["title"] for t in tasks).items()) == sorted(
        (f"Follow up deal {deal}", 1) for deal in deals)
    messages = db.session.scalars(db.select(Message).where(Message.node_id == "mail")).all()
    unknown = [m for m in messages if m.status == "unknown"]
    assert len(messages) == RUNS and {m.status for m in messages} <= {"sent", "unknown"} and len(unknown) <= kills
    assert count(Run.status == "failed") == len(unknown)
    deal_mails = [mail for mail in smtp_server.messages if mail["Subject"].startswith("Deal ")]
    received = Counter(mail["Message-ID"] for mail in deal_mails)
    assert set(received) >= {f"<{m.id}@flowdesk>" for m in messages if m.status == "sent"}
    assert max(received.values()) == 1, "an email was delivered twice"
    subjects = Counter(mail["Subject"] for mail in deal_mails)
    assert set(subjects) <= {f"Deal {deal}" for deal in deals} and max(subjects.values()) == 1
