"""Rotate owner: records go to users in turn, skipping inactive (and, when asked, away) users, and no two
runs ever get the same turn, even when workers advance them at the same instant."""
from collections import Counter

from crm.models import Record
from crm.people import create_user, find_user
from engine import rotation, worker
from engine.models import RotationCounter
from store.db import db
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import create, drain, edge, in_threads, node, only_run, publish, runs_of, steps_of, trigger

TEAM = ("ana", "ben", "cy")


def team(*names, role="editor"):
    for name in names:
        create_user(name, role, None, f"{name}@example.com")
    db.session.commit()


def rotating(**config):
    return publish(trigger(), node("rotate", "rotate_owner", **config), chain=True)


def owners(object_name="deal"):
    db.session.expire_all()
    rows = db.session.scalars(db.select(Record).where(Record.object == object_name).order_by(Record.id)).all()
    return [record.owner.username if record.owner else None for record in rows]


def test_records_go_to_the_listed_users_in_turn_in_their_order(app, clock):
    team(*TEAM)
    rotating(users=["cy", "ana", "ben"])
    for number in range(7):
        create(fields={"name": f"deal {number}"})
        drain(clock)
    assert owners() == ["cy", "ana", "ben", "cy", "ana", "ben", "cy"]


def test_inactive_and_away_users_are_passed_over(app, clock):
    team(*TEAM)
    rotating(users=list(TEAM), only_available=True)
    find_user("ben").active = False
    find_user("cy").available = False
    db.session.commit()
    for number in range(3):
        create(fields={"name": f"deal {number}"})
    drain(clock)
    assert owners() == ["ana"] * 3
    find_user("cy").available = True
    db.session.commit()
    create(fields={"name": "later"})
    drain(clock)
    assert owners()[-1] in ("ana", "cy")


def test_a_role_rotates_among_its_users_by_name_and_an_assignee_field_can_be_set(app, clock):
    team("zed", "amy", role="editor")
    team("boss", role="admin")
    publish(trigger("record_created", "task"), node("rotate", "rotate_owner", role="editor", field="assignee"),
            chain=True)
    for number in range(4):
        create("task", fields={"title": f"call {number}"})
        drain(clock)
    db.session.expire_all()
    tasks = db.session.scalars(db.select(Record).where(Record.object == "task").order_by(Record.id)).all()
    # the fixture's editor "eddie" is in the role too
    assert [t.fields["assignee"] for t in tasks] == ["amy", "eddie", "zed", "amy"]
    assert all(t.owner is None for t in tasks)


def test_nobody_to_rotate_among_takes_the_error_path(app, clock):
    team("ana")
    find_user("ana").available = False
    db.session.commit()
    workflow = publish(trigger(), node("rotate", "rotate_owner", users=["ana", "ghost"], only_available=True),
                       node("help", "notify_user", role="admin", message="assign it"),
                       edges=[edge("start", "rotate"), edge("rotate", "help", "error")])
    create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "completed" and run.nodes["help"]["status"] == "done"
    assert run.nodes["rotate"]["error"] == "no active and available user to rotate among (ana, ghost)"
    assert owners() == [None]


def test_the_run_says_who_got_the_record_and_which_turn(app, clock):
    team(*TEAM)
    workflow = rotating(users=list(TEAM))
    create(fields={"name": "x"})
    drain(clock)
    step = steps_of(only_run(workflow))["rotate"]
    assert step.reason == "owner set to ana (turn 1, 3 in rotation)"
    assert step.output["user"] == "ana" and step.output["turn"] == 1


def test_concurrent_takers_never_get_the_same_turn(app, clock):
    workflow_id = rotating(users=["eddie"]).id

    def take():
        turns = []
        for _ in range(10):
            turns.append(rotation.take_turn(workflow_id, "rotate"))
            db.session.commit()
        return turns

    turns = [t for batch in in_threads(app, 6, take) for t in batch]
    assert sorted(turns) == list(range(1, 61))
    db.session.expire_all()
    assert db.session.get(RotationCounter, (workflow_id, "rotate")).taken == 60


def test_runs_advanced_by_concurrent_workers_share_records_out_evenly(app, clock):
    team(*TEAM)
    workflow = rotating(users=list(TEAM))
    for number in range(30):
        create(fields={"name": f"deal {number}"})
    in_threads(app, 4, lambda: worker.drain(clock))
    drain(clock)
    runs = runs_of(workflow)
    assert len(runs) == 30 and {run.status for run in runs} == {"completed"}
    turns = sorted(steps_of(run)["rotate"].output["turn"] for run in runs)
    assert turns == list(range(1, 31))
    assert Counter(owners()) == {"ana": 10, "ben": 10, "cy": 10}
