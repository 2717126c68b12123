"""Stored cross-site scripting in the automation pages: markup saved in a workflow's name, node ids and labels,
node config (email subject and body, condition values, webhook URL and headers, update values, task outcomes),
sticky notes, and in the record values a run carries into its steps' reasons, errors, inputs and outputs.

The editor (/workflows/<id>/edit, drawn by static/js/editor), the run page (/runs/<id>, including the fragment its
script swaps in while it follows a live run), the run list, the statistics page and the record's Automation tab
each show all of it as text, and none of it runs. A payload that ran would set `window.__xss` or open a dialog;
one that reached the page as markup would leave an element with an event handler attribute, or a stray `<img>`,
`<svg>` or inline `<script>`, and the CSP refusing it would log a console error (the `page` fixture fails on any).
"""
import pytest

from store.db import db
from store.models import Workflow
from engine import worker
from engine.worker import Engine
from tests.engine.flows import create, edge, node, only_run, publish, runs_of, trigger

pytestmark = pytest.mark.browser

# Labels are drawn clipped (30 characters on the editor canvas), so the label payloads are kept short.
NAME = "<img src=x onerror=window.__xss=1>"
IMG = "<img src=x onerror=__xss=1>"
BREAKOUT = "\"'><svg onload=__xss=1>"
CLOSE = "</script><script>window.__xss=1</script>"
ALERT = "</script><svg onload=alert(1)>"
JS_URL = "javascript:window.__xss=1"
BOLD = "<b onclick=alert(1)>ok</b>"
EVIL_ID = "x\"><img src=x onerror=window.__xss=1>"

# Elements that only exist when user text was parsed as markup (the app's own pages have none of them).
INJECTED = ("img, iframe, object, embed, script:not([src]), [onerror], [onload], [onclick], [onmouseover], "
            "a[href^='javascript:' i], svg svg, foreignObject")


@pytest.fixture
def dialogs(page):
    """Every dialog the page opens (alert, confirm, prompt): there must be none."""
    opened = []

    def dismiss(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


def assert_nothing_ran(page, dialogs):
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []
    injected = page.evaluate("(selector) => [...document.querySelectorAll(selector)].map((e) => e.outerHTML)",
                             INJECTED)
    assert injected == [], injected


def node_element(page, node_id, scope=""):
    """The element of a node by its (possibly hostile) id, matched exactly rather than through a CSS string."""
    found = [element for element in page.locator(f"{scope} [data-node-id]").all()
             if element.get_attribute("data-node-id") == node_id]
    assert len(found) == 1, (node_id, len(found))
    return found[0]


# --- the editor ----------------------------------------------------------------------------------------------

HOSTILE_GRAPH = {
    "nodes": [
        {"id": "start", "kind": "trigger", "type": "record_created", "label": IMG,
         "config": {"object": "deal"}, "position": {"x": 0, "y": 0}},
        {"id": "check", "kind": "condition", "type": "condition", "label": BREAKOUT,
         "config": {"match": "all", "rules": [{"field": "name", "op": "eq", "value": NAME}]},
         "position": {"x": 0, "y": 140}},
        {"id": "mail", "kind": "action", "type": "send_email", "label": ALERT,
         "config": {"to": "{{ record.fields.email }}", "subject": NAME, "body": CLOSE + "\n" + BREAKOUT},
         "position": {"x": 0, "y": 280}},
        {"id": "hook", "kind": "action", "type": "webhook", "label": JS_URL,
         "config": {"url": JS_URL, "method": "POST", "headers": {"Accept": IMG}, "body": ""},
         "position": {"x": 0, "y": 420}},
        {"id": "set", "kind": "action", "type": "update_record", "label": "Set fields",
         "config": {"fields": {"name": NAME}, "add_tags": [BREAKOUT]}, "position": {"x": 0, "y": 560}},
        {"id": "ask", "kind": "human_task", "type": "human_task", "label": "Ask",
         "config": {"title": IMG, "assignee": {"owner": True}, "outcomes": [BOLD]}, "position": {"x": 0, "y": 700}},
        {"id": EVIL_ID, "kind": "action", "type": "notify_user", "label": CLOSE[:30],
         "config": {"message": IMG}, "position": {"x": 0, "y": 840}},
    ],
    "edges": [
        {"id": "e1", "source": "start", "target": "check", "port": "next"},
        {"id": "e2", "source": "check", "target": "mail", "port": "true"},
        {"id": "e3", "source": "mail", "target": "hook", "port": "next"},
        {"id": "e4", "source": "hook", "target": "set", "port": "next"},
        {"id": "e5", "source": "set", "target": "ask", "port": "next"},
        {"id": "e6", "source": "ask", "target": EVIL_ID, "port": BOLD},
    ],
    "notes": [{"id": "note", "text": CLOSE + " " + IMG, "position": {"x": 320, "y": 0}, "size": {"w": 200, "h": 120}}],
}


@pytest.fixture
def hostile_workflow(api):
    answer = api.post("/api/workflows", as_="editor", json={"name": NAME, "description": CLOSE,
                                                            "graph": HOSTILE_GRAPH})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_the_editor_shows_names_labels_ids_and_config_as_text(page, sign_in, dialogs, hostile_workflow):
    sign_in()
    page.goto(f"/workflows/{hostile_workflow['id']}/edit")
    page.locator("[data-canvas] [data-node-id='start']").wait_for()
    page.locator("[data-problem]").first.wait_for()
    assert page.locator(".wf-name").inner_text() == NAME
    labels = {n["id"]: n["label"] for n in HOSTILE_GRAPH["nodes"]}
    for node_id, label in labels.items():
        assert node_element(page, node_id, "[data-canvas]").locator(".label").text_content() == label
    # The task's outcome is a port: drawn as its name.
    assert node_element(page, "ask", "[data-canvas]").locator("[data-port] text").all_text_contents() == [BOLD, "Timeout"]
    # A problem names its node by label: as text too.
    problems = page.locator("[data-problem]").all_inner_texts()
    assert any(CLOSE[:30] in text for text in problems), problems
    assert_nothing_ran(page, dialogs)

    node_element(page, "mail", "[data-canvas]").locator(".box").click()
    assert page.get_by_label("Label", exact=True).input_value() == ALERT
    assert page.get_by_label("Subject", exact=True).input_value() == NAME
    assert page.get_by_label("Body", exact=True).input_value() == CLOSE + "\n" + BREAKOUT
    node_element(page, "check", "[data-canvas]").locator(".box").click()
    assert page.get_by_label("Label", exact=True).input_value() == BREAKOUT
    assert page.get_by_label("Value", exact=True).input_value() == NAME
    node_element(page, "hook", "[data-canvas]").locator(".box").click()
    assert page.get_by_label("URL", exact=True).input_value() == JS_URL
    assert page.get_by_label("Headers name", exact=True).first.input_value() == "Accept"
    assert page.get_by_label("Headers value", exact=True).first.input_value() == IMG
    node_element(page, "set", "[data-canvas]").locator(".box").click()
    assert page.get_by_label("Fields name", exact=True).first.input_value() == "name"
    assert page.get_by_label("Fields value", exact=True).first.input_value() == NAME
    assert page.get_by_label("Add tags", exact=True).input_value() == BREAKOUT
    node_element(page, "ask", "[data-canvas]").locator(".box").click()
    assert page.get_by_label("Title", exact=True).input_value() == IMG
    node_element(page, EVIL_ID, "[data-canvas]").locator(".box").click()
    assert page.get_by_label("Message", exact=True).input_value() == IMG
    assert_nothing_ran(page, dialogs)

    # Saving sends back exactly what was loaded: nothing was unescaped, mangled or dropped on the way.
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    db.session.expire_all()
    saved = db.session.get(Workflow, hostile_workflow["id"])
    assert saved.name == NAME
    assert {n["id"]: n["label"] for n in saved.graph["nodes"]} == labels
    configs = {n["id"]: n["config"] for n in saved.graph["nodes"]}
    for original in HOSTILE_GRAPH["nodes"]:
        assert configs[original["id"]] | original["config"] == configs[original["id"]], original["id"]
    assert saved.graph["notes"][0]["text"] == CLOSE + " " + IMG
    assert_nothing_ran(page, dialogs)


# --- runs: the run page, its live fragment, the run list, statistics, the record's Automation tab --------------

def hostile_run_workflow():
    """A run through nodes with hostile ids and labels, whose steps carry the record's hostile name into a
    condition's reason, an email's input, a tag change's output, and a webhook's error (that fails the run)."""
    return publish(trigger("record_created", "deal", label=IMG),
                   node("check", "condition", label=BREAKOUT, match="all",
                        rules=[{"field": "name", "op": "eq", "value": NAME}]),
                   node("mail", "send_email", label=ALERT, to="{{ record.fields.email }}",
                        subject="{{ record.fields.name }}", body=CLOSE),
                   node("tag", "update_record", label=JS_URL, add_tags=["{{ record.fields.name }}"]),
                   node(EVIL_ID, "webhook", "action", label=CLOSE[:30], url="{{ record.fields.name }}"),
                   chain=True, name=NAME)


def test_the_run_page_shows_labels_reasons_inputs_outputs_and_errors_as_text(page, sign_in, dialogs, app):
    workflow = hostile_run_workflow()
    deal = create("deal", fields={"name": NAME, "email": "buyer@example.com"})
    worker.drain()
    run = only_run(workflow)
    assert run.status == "failed"
    sign_in("vic")
    page.goto(f"/runs/{run.id}")
    page.locator("[data-run-status='failed']").wait_for()
    error = f"the URL must start with http:// or https://, not '{NAME}'"
    assert page.locator(".run-reason").inner_text() == f"{CLOSE[:30]}: {error}"
    assert NAME in page.locator(".run-head h1").inner_text()
    assert NAME in page.title()

    diagram = page.locator(".run-diagram svg.diagram-preview")
    titles = {"start": f"{IMG} — done", "check": f"{BREAKOUT} — done: name is '{NAME}'",
              "mail": f"{ALERT} — done", "tag": f"{JS_URL} — done", EVIL_ID: f"{CLOSE[:30]} — failed: {error}"}
    for node_id, title in titles.items():
        assert node_element(page, node_id, ".run-diagram").locator("title").text_content().startswith(
            title.split(" — ")[0] + " — "), node_id
    assert node_element(page, "check", ".run-diagram").locator("title").text_content() == titles["check"]
    assert node_element(page, EVIL_ID, ".run-diagram").locator("title").text_content() == titles[EVIL_ID]
    assert diagram.locator("title").first.text_content().endswith(NAME)

    steps = node_element(page, "check", ".run-nodes")
    assert steps.locator("summary").inner_text().endswith(BREAKOUT)
    steps.locator("summary").click()
    assert f"name is '{NAME}'" in steps.inner_text()
    mail = node_element(page, "mail", ".run-nodes")
    mail.locator("summary").click()
    assert f'"subject": "{NAME}"' in mail.locator("pre").first.inner_text()
    assert CLOSE in mail.locator("pre").first.inner_text()
    tag = node_element(page, "tag", ".run-nodes")
    tag.locator("summary").click()
    assert NAME in tag.locator(".io").filter(has_text="Output").inner_text()
    failed = node_element(page, EVIL_ID, ".run-nodes")
    assert failed.locator("p.error").first.inner_text() == error
    timeline = page.locator(".timeline li").all_inner_texts()
    assert any(CLOSE[:30] in line and error in line for line in timeline), timeline
    assert any(BREAKOUT in line and f"name is '{NAME}'" in line for line in timeline), timeline
    # The node ids land in the timeline's anchors as fragments only.
    assert all(href.startswith("#node-") for href in page.locator(".timeline a").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))"))
    node_element(page, EVIL_ID, ".run-diagram").click()
    assert failed.get_attribute("open") is not None
    assert_nothing_ran(page, dialogs)

    page.goto(f"/workflows/{workflow.id}/runs")
    assert page.get_by_role("heading", level=1).inner_text() == f"Runs of {NAME}"
    assert page.locator(f"tr[data-run-id='{run.id}'] td.error").inner_text() == f"{CLOSE[:30]}: {error}"
    assert_nothing_ran(page, dialogs)

    page.goto(f"/workflows/{workflow.id}/stats")
    assert page.get_by_role("heading", level=1).inner_text() == f"{NAME}: statistics"
    assert node_element(page, EVIL_ID, ".stats-diagram").locator("title").text_content() == (
        f"{CLOSE[:30]}: 1 reached · 0 waiting · 1 failed")
    assert node_element(page, "check", ".stats-diagram").locator("title").text_content().startswith(BREAKOUT)
    assert_nothing_ran(page, dialogs)

    page.goto(f"/records/deal/{deal.id}")
    automation = page.locator(f"article.automation-run[data-run-id='{run.id}']")
    assert f"at '{CLOSE[:30]}': {error}" in automation.inner_text()
    assert page.locator(f".automation-workflow:has(article[data-run-id='{run.id}']) h3").inner_text() == NAME
    assert_nothing_ran(page, dialogs)

    page.goto("/outbox")
    message = page.locator("tr[data-message-id]")
    assert message.locator("strong").inner_text() == NAME
    assert message.locator(".message-body").inner_text() == CLOSE
    assert_nothing_ran(page, dialogs)


def test_a_hostile_task_title_and_outcome_are_text_in_the_inbox_and_the_outcome_still_works(page, sign_in, dialogs,
                                                                                            app):
    workflow = publish(trigger("record_created", "deal"),
                       node("ask", "human_task", label=IMG, title="{{ record.fields.name }}", description=CLOSE,
                            assignee={"user": "eddie"}, outcomes=[BOLD, "done"]),
                       node("after", "update_record", label=BREAKOUT, add_tags=["{{ record.fields.name }}"]),
                       edges=[edge("start", "ask"), edge("ask", "after", BOLD)], name=NAME)
    deal = create("deal", fields={"name": NAME})
    worker.drain()
    sign_in("eddie")
    page.goto("/tasks")
    task = page.locator("li.task[data-status='open']")
    assert task.locator("strong").first.inner_text() == NAME
    assert task.locator(".task-actions button").all_inner_texts()[:2] == [BOLD, "done"]
    assert_nothing_ran(page, dialogs)
    task.get_by_role("button", name=BOLD, exact=True).click()
    page.wait_for_load_state()
    worker.drain()
    run = only_run(workflow)
    assert run.status == "completed" and run.nodes["after"]["status"] == "done"
    db.session.refresh(deal)
    assert deal.tags == [NAME]
    page.goto(f"/runs/{run.id}")
    assert node_element(page, "ask", ".run-nodes").locator("summary").inner_text().endswith(IMG)
    assert_nothing_ran(page, dialogs)


def test_the_live_run_page_swaps_in_hostile_steps_as_text(page, sign_in, dialogs, app):
    """The one place a script parses HTML: the fragment the run page fetches while it follows a run."""
    workflow = publish(trigger("record_created", "deal", label=IMG),
                       node("wait", "delay", label=BREAKOUT, duration="PT1S"),
                       node(EVIL_ID, "webhook", "action", label=ALERT, url="{{ record.fields.name }}"),
                       chain=True, name=NAME)
    create("deal", fields={"name": CLOSE})
    worker.drain()
    run = only_run(workflow)
    sign_in("vic")
    page.goto(f"/runs/{run.id}")
    assert page.locator("[data-run-status]").get_attribute("data-run-status") == "waiting"
    page.evaluate("window.notReloaded = true")
    engine = Engine(app).start()
    try:
        page.locator("[data-run-status='failed']").wait_for(timeout=15_000)
    finally:
        engine.stop()
    assert [r.status for r in runs_of(workflow)] == ["failed"]
    assert page.evaluate("window.notReloaded") is True
    error = f"the URL must start with http:// or https://, not '{CLOSE}'"
    assert page.locator(".run-reason").inner_text() == f"{ALERT}: {error}"
    assert node_element(page, EVIL_ID, ".run-nodes").locator("p.error").first.inner_text() == error
    assert node_element(page, EVIL_ID, ".run-diagram").get_attribute("data-status") == "failed"
    assert node_element(page, "wait", ".run-nodes").locator("summary").inner_text().endswith(BREAKOUT)
    assert_nothing_ran(page, dialogs)
