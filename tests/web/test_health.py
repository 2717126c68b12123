"""/api/health reports the database and the engine workers' heartbeats."""
from datetime import timedelta

from store.db import db, utcnow
from engine import heartbeat
from engine.models import WorkerBeat
from engine.worker import Engine


def test_health_needs_no_sign_in_and_lists_live_workers(client, app):
    assert client.get("/api/health").get_json() == {"status": "ok", "database": "ok", "workers": []}
    engine = Engine(app).start()
    try:
        body = client.get("/api/health").get_json()
        assert [w["alive"] for w in body["workers"]] == [True]
        assert body["workers"][0]["name"] == heartbeat.worker_name()
    finally:
        engine.stop()
    assert client.get("/api/health").get_json()["workers"] == []  # a clean stop says goodbye


def test_a_silent_worker_is_reported_dead(client):
    db.session.add(WorkerBeat(name="gone:1", started_at=utcnow() - timedelta(hours=1),
                              last_seen=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert client.get("/api/health").get_json()["workers"][0]["alive"] is False
