"""Random split: each record goes down one branch by weight, the same branch every time, counted per branch."""
import doctest

from crm.models import Record
from engine.executors import split
from store.db import db
from tests.engine.flows import clock  # noqa: F401  (a fixture)
from tests.engine.flows import change, create, drain, edge, node, only_run, publish, runs_of, steps_of, trigger

BRANCHES = [{"name": "A", "weight": 30}, {"name": "B", "weight": 70}]


def split_workflow(branches=BRANCHES, trigger_node=None, reenroll=False):
    tags = [node(f"tag{b['name']}", "update_record", add_tags=[f"got-{b['name']}"]) for b in branches]
    return publish(trigger_node or trigger(), node("split", "random_split", branches=branches), *tags,
                   edges=[edge("start", "split"), *(edge("split", f"tag{b['name']}", b["name"]) for b in branches)],
                   reenroll=reenroll)


def test_every_record_takes_exactly_one_branch_in_about_its_share(app, clock, api):
    workflow = split_workflow()
    for number in range(120):
        create(fields={"name": f"deal {number}"})
    drain(clock)
    runs = runs_of(workflow)
    assert len(runs) == 120 and all(run.status == "completed" for run in runs)
    taken = {"A": 0, "B": 0}
    for record in db.session.scalars(db.select(Record).where(Record.object == "deal")):
        assert len(record.tags) == 1
        taken[record.tags[0].removeprefix("got-")] += 1
    assert 20 <= taken["A"] <= 52 and taken["A"] + taken["B"] == 120  # 30% of 120 is 36
    stats = api.get(f"/api/workflows/{workflow.id}/stats", as_="viewer").get_json()
    assert stats["nodes"]["split"]["branches"] == taken
    assert stats["nodes"]["split"]["reached"] == 120


def test_the_statistics_diagram_writes_each_branch_count_on_its_edge(app, clock, client, auth):
    workflow = split_workflow()
    for number in range(10):
        create(fields={"name": f"deal {number}"})
    drain(clock)
    taken = {"A": 0, "B": 0}
    for run in runs_of(workflow):
        taken[steps_of(run)["split"].output["branch"]] += 1
    auth.login("vic")
    page = client.get(f"/workflows/{workflow.id}/stats").get_data(as_text=True)
    assert f">A · {taken['A']}</text>" in page and f">B · {taken['B']}</text>" in page


def test_the_same_record_always_takes_the_same_branch(app, clock):
    workflow = split_workflow(trigger_node=trigger("record_updated"), reenroll=True)
    records = [create(fields={"name": f"deal {n}", "amount": 0}) for n in range(12)]
    for round_ in range(1, 4):
        for record in records:
            change(record, fields={"amount": round_})
        drain(clock)
    by_record = {}
    for run in runs_of(workflow):
        by_record.setdefault(run.record_id, set()).add(steps_of(run)["split"].output["branch"])
    assert len(by_record) == 12 and all(len(branches) == 1 for branches in by_record.values())
    assert set().union(*by_record.values()) == {"A", "B"}  # 12 records do not all land on one side of 30/70


def test_the_run_says_which_branch_it_took(app, clock):
    workflow = split_workflow([{"name": "only-this", "weight": 99}, {"name": "rare", "weight": 1}])
    create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    taken = steps_of(run)["split"].output["branch"]
    assert run.nodes["split"]["status"] == "done"
    assert run.nodes["split"]["reason"].startswith(f"branch {taken} (")
    other = "rare" if taken == "only-this" else "only-this"
    assert run.nodes[f"tag{taken}"]["status"] == "done" and f"tag{other}" not in run.nodes


def test_a_run_without_a_record_is_split_by_its_run(app, clock, api):
    notices = [node(f"tell{b['name']}", "notify_user", user="eddie", message=b["name"]) for b in BRANCHES]
    workflow = publish(node("start", "manual"), node("split", "random_split", branches=BRANCHES), *notices,
                       edges=[edge("start", "split"), *(edge("split", f"tell{b['name']}", b["name"]) for b in BRANCHES)])
    for _ in range(6):
        assert api.post(f"/api/workflows/{workflow.id}/runs", as_="editor", json={"payload": {}}).status_code in (200, 201)
    drain(clock)
    runs = runs_of(workflow)
    assert [run.status for run in runs] == ["completed"] * 6
    assert all(len([n for n in run.nodes if n.startswith("tell")]) == 1 for run in runs)


def test_bucket_and_branch_examples():
    assert doctest.testmod(split).failed == 0
    assert {split.bucket(1, "split", n) for n in range(2000)} == set(range(100))


def test_the_run_diagram_marks_the_split_and_the_branch_taken(app, clock, client, auth):
    workflow = split_workflow()
    create(fields={"name": "x"})
    drain(clock)
    run = only_run(workflow)
    taken = steps_of(run)["split"].output["branch"]
    auth.login("vic")
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert 'data-node-id="split" data-status="done"' in page and f"branch {taken} (" in page
    assert f'data-node-id="tag{taken}" data-status="done"' in page
    other = "A" if taken == "B" else "B"
    assert f'data-node-id="tag{other}" data-status="not_reached"' in page
