"""Every time the engine compares comes from the injected clock: record and event stamps, version and trigger
stamps, the stage rules board's last 7 days (ARCHITECTURE.md mechanism 7)."""
from datetime import timedelta

from crm.models import Event
from engine import stage_rules, time_triggers
from store import versions
from store.db import db
from tests.engine.flows import START, change, clock, create, drain, node, publish, runs_of, trigger  # noqa: F401


def tag(value="idle"):
    return node("tag", "update_record", add_tags=[value])


def test_a_record_stamp_and_a_not_updated_for_3_days_rule_follow_the_injected_clock(app, clock):
    workflow = publish(trigger("inactive_for", "deal", duration="P3D"), tag(), chain=True)
    assert versions.latest_version(workflow).published_at == START
    deal = create("deal", fields={"name": "Quiet"})
    assert deal.created_at == deal.updated_at == START
    assert db.session.scalars(db.select(Event.created_at).where(Event.record_id == deal.id)).all() == [START]

    clock.advance(timedelta(days=3) - timedelta(minutes=1))
    assert time_triggers.fire_due(clock) == 0  # not yet 3 days without an update
    clock.advance(timedelta(minutes=2))
    assert time_triggers.fire_due(clock) == 1
    assert [r.record_id for r in runs_of(workflow)] == [deal.id]

    touched = clock.advance(timedelta(hours=5))
    change(deal, fields={"name": "Touched"})
    db.session.refresh(deal)
    assert deal.updated_at == touched
    clock.advance(timedelta(days=2))
    assert time_triggers.fire_due(clock) == 0  # the update started a new idle spell
    clock.advance(timedelta(days=1))
    assert time_triggers.fire_due(clock) == 1


def test_the_stage_rules_board_counts_runs_of_the_last_7_days_by_the_injected_clock(app, clock):
    workflow = publish(trigger("stage_entered", "deal", pipeline="sales", stage="qualified"), tag("hot"),
                       chain=True)
    create("deal", fields={"name": "A"}, stage="qualified")
    drain(clock)

    def recent_runs():
        columns = {c["stage"]: c["cards"] for c in stage_rules.board("deal", "sales")["columns"]}
        return [(card["id"], card["runs_7d"]) for card in columns["qualified"]]

    clock.advance(timedelta(days=6))
    assert recent_runs() == [(workflow.id, 1)]
    clock.advance(timedelta(days=2))
    assert recent_runs() == [(workflow.id, 0)]
