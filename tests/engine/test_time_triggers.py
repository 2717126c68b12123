"""date_reached, inactive_for and schedule triggers: each occurrence fires once, never the past."""
from datetime import timedelta

import pytest

from store.db import db
from store.models import TriggerIndex
from engine import time_triggers
from tests.engine.flows import START, clock, create, change, node, publish, runs_of, trigger  # noqa: F401


def armed(workflow, at=START - timedelta(days=30)):
    """Pretend the workflow was published at `at`, before the clock's now."""
    db.session.execute(db.update(TriggerIndex).where(TriggerIndex.workflow_id == workflow.id).values(armed_at=at))
    db.session.commit()
    return workflow


def tag(node_id="tag", value="fired"):
    return node(node_id, "update_record", add_tags=[value])


@pytest.fixture
def delivery_eve(app):
    workflow = publish(trigger("date_reached", "order", field="estimated_delivery", offset="-P1D", at="09:00"),
                       tag(), chain=True)
    return armed(workflow)


def test_date_reached_fires_at_nine_the_day_before_and_only_once(delivery_eve, clock):
    order = create("order", fields={"number": "SO-1", "estimated_delivery": "2026-11-27"})
    clock.set(START.replace(day=26, hour=8, minute=59))
    assert time_triggers.fire_due(clock) == 0
    clock.set(START.replace(day=26, hour=9))
    assert time_triggers.fire_due(clock) == 1
    assert time_triggers.fire_due(clock) == 0
    clock.advance(timedelta(days=3))
    assert time_triggers.fire_due(clock) == 0
    assert [r.record_id for r in runs_of(delivery_eve)] == [order.id]
    assert "fired" in db.session.get(type(order), order.id).tags


def test_a_new_date_is_a_new_occurrence(delivery_eve, clock):
    order = create("order", fields={"number": "SO-2", "estimated_delivery": "2026-11-27"})
    clock.set(START.replace(day=26, hour=10))
    time_triggers.fire_due(clock)
    change(order, fields={"estimated_delivery": "2026-11-30"})
    clock.set(START.replace(day=29, hour=9))
    assert time_triggers.fire_due(clock) == 1
    assert len(runs_of(delivery_eve)) == 2


def test_dates_before_publishing_never_fire(app, clock):
    workflow = publish(trigger("date_reached", "order", field="estimated_delivery", offset="P0D", at="09:00"),
                       tag(), chain=True)
    armed(workflow, START)
    create("order", fields={"number": "SO-3", "estimated_delivery": "2026-11-01"})
    assert time_triggers.fire_due(clock) == 0


def test_inactive_for_fires_once_per_idle_spell(app, clock):
    deal = create("deal", fields={"name": "Quiet"}, stage="qualified")
    create("deal", fields={"name": "Elsewhere"}, stage="won")
    workflow = armed(publish(trigger("inactive_for", "deal", duration="P3D", stages=["qualified"]), tag(),
                             chain=True))
    clock.set(deal.updated_at + timedelta(days=3, seconds=1))
    assert time_triggers.fire_due(clock) == 1
    assert time_triggers.fire_due(clock) == 0
    change(deal, fields={"name": "Touched"})  # an update re-arms it (the run's own tag did too)
    db.session.refresh(deal)
    clock.set(deal.updated_at + timedelta(days=3, seconds=1))
    assert time_triggers.fire_due(clock) == 1
    assert [r.record_id for r in runs_of(workflow)] == [deal.id, deal.id]


def test_a_record_the_filter_turns_away_is_in_the_history_once_per_occurrence(app, clock, api):
    big_only = {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}
    workflow = armed(publish(trigger("inactive_for", "deal", duration="P3D", filter=big_only), tag(), chain=True))
    big = create("deal", fields={"name": "Big", "amount": 5000})
    small = create("deal", fields={"name": "Small", "amount": 10})
    clock.set(small.updated_at + timedelta(days=3, seconds=1))
    assert time_triggers.fire_due(clock) == 1
    for _ in range(3):  # later sweeps decide nothing again
        clock.advance(timedelta(hours=6))
        assert time_triggers.fire_due(clock) == 0
    history = api.get(f"/api/workflows/{workflow.id}/enrollments", as_="viewer").get_json()
    assert history["counts"] == {"enrolled": 1, "filtered": 1, "refused": 0}
    filtered, enrolled = history["items"]
    assert (filtered["record_id"], filtered["reason"]) == (small.id, "filter not met: amount is 10, not more than 1000")
    assert (enrolled["record_id"], enrolled["run_id"]) == (big.id, runs_of(workflow)[0].id)


def test_schedule_fires_each_time_once_in_the_workflow_zone(app, clock):
    workflow = publish(trigger("schedule", None, cron="0 9 * * *"), node("note", "notify_user", user="eddie",
                                                                            message="Daily digest"), chain=True)
    db.session.get(type(workflow), workflow.id).timezone = "Asia/Jakarta"
    armed(workflow, START)
    clock.set(START + timedelta(days=2))  # 2026-11-27 09:00 UTC = 16:00 Jakarta; 09:00 Jakarta = 02:00 UTC
    assert time_triggers.fire_due(clock) == 2
    assert time_triggers.fire_due(clock) == 0
    assert all(r.record_id is None for r in runs_of(workflow))


def test_upcoming_lists_the_next_due_times(delivery_eve, clock):
    create("order", fields={"number": "SO-4", "estimated_delivery": "2026-11-28"})
    due = time_triggers.upcoming(START + timedelta(days=5), clock)
    assert [d.isoformat() for d in due] == ["2026-11-27T09:00:00+00:00"]
