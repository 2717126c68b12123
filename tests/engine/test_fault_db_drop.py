"""PostgreSQL drops the connections of running `flowdesk worker` processes (server-side `pg_terminate_backend`,
as a failover or an administrator would) while a stream of events comes in: the workers stay up, reconnect,
and every run completes with its task created once and its email delivered under one Message-ID, once.

The narrowest window, a connection lost between the SMTP server accepting an email and the sender recording
it, is also hit on purpose (in-process, with the injected clock): the email must not go out a second time.
"""
import signal
import time
from collections import Counter

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from store.db import db
from crm.models import Record
from engine.models import Message, Run
from engine import outbox
from tests.conftest import PG_ADMIN_URL
from tests.engine.flows import clock  # noqa: F401 (a fixture)
from tests.engine.flows import create, drain, node, only_run, publish, trigger
from tests.engine.test_worker_crash import count, start_worker, wait_until, worker_env  # noqa: F401 (a fixture)

RUNS = 100
BATCH = 10
# Every session of the test database but the one asking (the test's own).
TERMINATE = db.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def drop_connections() -> int:
    """Kill every other connection to the database, server-side; returns how many were killed."""
    killed = db.session.scalar(TERMINATE)
    db.session.commit()
    return killed


@pytest.fixture
def workers():
    """The worker processes a test starts; any still running when it ends (a failed test) are killed."""
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_workers_recover_when_postgresql_drops_their_connections(app, worker_env, smtp_server, tmp_path, workers):
    publish(trigger(), node("task", "create_task", title="Follow up deal {{ record.id }}"),
            node("mail", "send_email", to="sales@example.com", subject="Deal {{ record.id }}"),
            node("done", "update_record", add_tags=["done"]), chain=True)
    workers += [start_worker(worker_env, tmp_path, f"w{i}") for i in range(2)]
    wait_until(lambda: _beats() == 2, timeout=30, what="the workers' first heartbeat")

    deals, killed, drops = [], 0, 0
    for batch in range(RUNS // BATCH):
        deals += [create(fields={"name": f"deal {batch}.{i}"}).id for i in range(BATCH)]
        if batch % 2:  # every other batch, mid-stream, while the workers are busy
            killed += drop_connections()
            drops += 1
        time.sleep(0.1)
    assert killed >= 2 * drops, f"only {killed} connections dropped in {drops} rounds"

    wait_until(lambda: count(Run.status == "completed") == RUNS, timeout=60, what="every run")
    alive = [w.poll() is None for w in workers]
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    logs = [(tmp_path / f"w{i}.log").read_text() for i in range(2)]
    assert alive == [True, True], logs
    assert [w.wait(30) for w in workers] == [0, 0], logs

    assert count() == RUNS and count(Run.status != "completed") == 0
    tasks = db.session.scalars(db.select(Record).where(Record.object == "task")).all()
    assert Counter(t.fields["title"] for t in tasks) == Counter(f"Follow up deal {deal}" for deal in deals)
    done = db.session.scalars(db.select(Record).where(Record.id.in_(deals))).all()
    assert {tuple(d.tags) for d in done} == {("done",)}
    messages = db.session.scalars(db.select(Message)).all()
    assert len(messages) == RUNS and {m.status for m in messages} == {"sent"}
    received = Counter(mail["Message-ID"] for mail in smtp_server.messages)
    assert received == Counter({f"<{m.id}@flowdesk>": 1 for m in messages}), "lost or repeated emails"
    assert sorted(mail["Subject"] for mail in smtp_server.messages) == sorted(f"Deal {d}" for d in deals)


def drain_like_a_worker(clock) -> None:
    try:
        drain(clock)
    except OperationalError:
        db.session.rollback()  # a worker's loop logs the error and goes on with its next pass


def _beats() -> int:
    from engine.models.workers import WorkerBeat

    found = db.session.scalar(db.select(db.func.count()).select_from(WorkerBeat))
    db.session.commit()
    return found


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_lost_while_recording_a_delivery_does_not_send_it_twice(app, clock, smtp_server, monkeypatch):
    app.config.update(SMTP_URL=smtp_server.url, OUTBOX_LEASE_SECONDS=30)
    workflow = publish(trigger(), node("mail", "send_email", to="a@example.com", subject="once"), chain=True)
    create(fields={"name": "x"})
    record_delivery, dropped = outbox._settle_once, []

    def drop_then_record(*args, **kwargs):
        if not dropped:  # the email is with the SMTP server; now the database goes away under the sender
            pid = db.session.scalar(db.text("SELECT pg_backend_pid()"))
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                dropped.append(admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0])
        return record_delivery(*args, **kwargs)

    monkeypatch.setattr(outbox, "_settle_once", drop_then_record)
    drain_like_a_worker(clock)
    clock.advance(31)  # past the lease: a delivery left unrecorded would be sent again now
    drain_like_a_worker(clock)
    assert dropped == [True]
    message = db.session.scalars(db.select(Message)).one()
    assert [mail["Message-ID"] for mail in smtp_server.messages] == [f"<{message.id}@flowdesk>"]
    assert (message.status, message.attempts) == ("sent", 1)
    assert only_run(workflow).status == "completed"
