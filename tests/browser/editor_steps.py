"""What the editor's browser tests share: a workflow to open, opening it, and the gestures a person makes."""
import pytest

from store.db import db
from store.models import Workflow

TRIGGER = {"id": "start", "kind": "trigger", "type": "record_created", "label": "New deal",
           "config": {"object": "deal"}, "position": {"x": 0, "y": 0}}


@pytest.fixture
def workflow(api):
    answer = api.post("/api/workflows", as_="editor", json={"name": "Welcome", "graph": {"nodes": [TRIGGER], "edges": []}})
    return answer.get_json()


@pytest.fixture
def editor(page, sign_in, workflow):
    return open_editor(page, sign_in, workflow)


def open_editor(page, sign_in, workflow):
    sign_in()
    page.goto(f"/workflows/{workflow['id']}/edit")
    page.locator('[data-node-id="start"]').wait_for()
    return page


def create_workflow(api, nodes, edges=(), **extra):
    answer = api.post("/api/workflows", as_="editor", json={"name": "Flow", "graph": {"nodes": nodes, "edges": list(edges)}, **extra})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def add_email(page):
    page.locator('[data-node-type="send_email"]').drag_to(page.locator("[data-canvas]"), target_position={"x": 420, "y": 330})
    node = page.locator('[data-node-id^="send-email"]')
    node.wait_for()
    return node


def connect(page, source, port, target):
    page.locator(f'[data-node-id="{source}"] [data-port="{port}"] circle').hover()
    page.mouse.down()
    box = page.locator(f'[data-node-id="{target}"] .box').bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()


def saved_graph(workflow_id):
    db.session.expire_all()
    return db.session.get(Workflow, workflow_id).graph


def transforms(page) -> dict:
    """Where each step and note is drawn: id -> its SVG transform."""
    return page.evaluate("() => Object.fromEntries([...document.querySelectorAll('[data-node-id], [data-note-id]')]"
                         ".map((el) => [el.dataset.nodeId ?? el.dataset.noteId, el.getAttribute('transform')]))")


def select_step(page, node_id):
    page.locator(f'[data-node-id="{node_id}"] .box').click()
    page.locator(".inspector h2").first.wait_for()


def type_into(locator, text, clear=False):
    """Click into the field and type, as a person does: the keys go wherever the focus is."""
    locator.click()
    keyboard = locator.page.keyboard
    if clear:
        keyboard.press("Control+a")
        keyboard.press("Backspace")
    keyboard.type(text)
