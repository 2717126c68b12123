"""The canvas tools of the editor: minimap, sticky notes, dropping a step onto an edge, animated auto-arrange."""
import pytest

from tests.browser.editor_steps import (TRIGGER, create_workflow, editor, open_editor, saved_graph,  # noqa: F401
                                        transforms, workflow)

pytestmark = pytest.mark.browser


def delay(node_id, x, y):
    return {"id": node_id, "kind": "wait", "type": "delay", "label": f"Wait {node_id}", "config": {"duration": "PT10M"},
            "position": {"x": x, "y": y}}


def email(node_id, x, y):
    return {"id": node_id, "kind": "action", "type": "send_email", "label": "Mail",
            "config": {"to": "a@example.com", "subject": "Hi", "body": "Hello"}, "position": {"x": x, "y": y}}


def chain(nodes):
    return [{"id": f"e{i}", "source": a["id"], "target": b["id"], "port": "next"} for i, (a, b) in enumerate(zip(nodes, nodes[1:]))]


def visible(page, node_id) -> bool:
    return page.evaluate("""id => {
        const a = document.querySelector(`[data-node-id="${id}"] .box`).getBoundingClientRect();
        const b = document.querySelector('[data-canvas]').getBoundingClientRect();
        return a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom; }""", node_id)


def test_the_minimap_of_a_large_workflow_shows_it_and_moves_the_view(page, sign_in, api):
    nodes = [TRIGGER] + [delay(f"w{i}", 0, 120 * i) for i in range(1, 40)]
    page = open_editor(page, sign_in, create_workflow(api, nodes, chain(nodes)))
    minimap = page.locator("[data-minimap]")
    assert minimap.is_visible()
    for _ in range(4):
        page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Fit").click()
    for _ in range(8):
        page.get_by_role("button", name="Zoom in").click()
    assert not visible(page, "w39")
    box = minimap.bounding_box()
    minimap.click(position={"x": box["width"] / 2, "y": box["height"] - 8})
    assert visible(page, "w39") and not visible(page, "start")
    minimap.click(position={"x": box["width"] / 2, "y": 8})
    assert visible(page, "start")


def test_a_small_workflow_has_no_minimap(editor):
    assert not editor.locator("[data-minimap]").is_visible()


def test_a_sticky_note_is_written_in_markdown_shown_escaped_resized_saved_and_reloaded(editor, workflow):
    page = editor
    page.get_by_role("button", name="Add note").click()
    area = page.get_by_label("Note text")
    area.fill("**Call** them <img src=x onerror=alert(1)>\n- first <script>alert(2)</script>\n"
              "- [docs](javascript:alert(3)) [site](https://example.com/x)")
    area.press("Control+Enter")
    note = page.locator("[data-note-id]")
    assert note.locator(".md-bold").text_content() == "Call"
    assert "<img src=x onerror=alert(1)>" in note.text_content() and "<script>alert(2)</script>" in note.text_content()
    assert "[docs](javascript:alert(3))" in note.text_content()  # only http, https and mailto become links
    assert note.locator("img, script").count() == 0 and page.locator("foreignObject").count() == 0
    assert [a.get_attribute("href") for a in note.locator("a").all()] == ["https://example.com/x"]
    assert note.locator(".md-marker").all_text_contents() == ["•", "•"]
    note.dblclick()
    page.get_by_label("Note text").fill("Ask _Sales_ first")
    page.locator("[data-canvas]").click(position={"x": 5, "y": 5})  # leaving the box keeps the text
    assert note.locator(".md-italic").text_content() == "Sales"
    page.keyboard.press("Control+z")
    assert note.locator(".md-bold").text_content() == "Call"
    page.keyboard.press("Control+Shift+z")
    corner = note.locator(".note-resize").bounding_box()
    page.mouse.move(corner["x"] + corner["width"] - 3, corner["y"] + corner["height"] - 3)
    page.mouse.down()
    page.mouse.move(corner["x"] + 120, corner["y"] + 60, steps=5)
    page.mouse.up()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved (revision").wait_for()
    [saved] = saved_graph(workflow["id"])["notes"]
    assert saved["text"] == "Ask _Sales_ first" and saved["size"]["w"] > 240 and saved["size"]["h"] > 140
    page.reload()
    page.locator("[data-note-id] .md-italic").wait_for()
    assert page.locator("[data-note-id]").text_content().strip() == "Ask Sales first"


def test_a_step_dropped_onto_an_edge_goes_in_between_and_undo_takes_it_out(page, sign_in, api):
    nodes = [TRIGGER, email("mail", 0, 400)]
    page = open_editor(page, sign_in, create_workflow(api, nodes, chain(nodes)))
    middle = page.evaluate("""() => {
        const path = document.querySelector('[data-edge-id="e0"] .edge'), canvas = document.querySelector('[data-canvas]');
        const p = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM());
        const r = canvas.getBoundingClientRect();
        return {x: p.x - r.left, y: p.y - r.top}; }""")
    page.locator('[data-node-type="delay"]').drag_to(page.locator("[data-canvas]"), target_position=middle)
    page.locator('[data-node-id^="delay"]').wait_for()
    edges = page.evaluate("() => [...document.querySelectorAll('[data-edge-id]')].length")
    assert edges == 2
    pairs = page.evaluate("""() => [...document.querySelectorAll('[data-edge-id] .edge')].map((p) => p.getAttribute('d'))""")
    assert len(pairs) == 2
    delay_id = page.locator('[data-node-id^="delay"]').get_attribute("data-node-id")
    page.keyboard.press("Control+s")
    page.get_by_text("Saved (revision").wait_for()
    wires = {(e["source"], e["target"], e["port"]) for e in saved_graph_of(page, api)}
    assert wires == {("start", delay_id, "next"), (delay_id, "mail", "next")}
    page.keyboard.press("Control+z")
    assert page.locator('[data-node-id^="delay"]').count() == 0
    assert page.locator("[data-edge-id]").count() == 1


def saved_graph_of(page, api):
    workflow_id = int(page.locator("#editor").get_attribute("data-workflow-id"))
    return saved_graph(workflow_id)["edges"]


def test_auto_arrange_glides_to_the_layout_apis_places_and_undo_puts_them_back(page, sign_in, api):
    nodes = [TRIGGER, delay("a", 600, 40), email("b", -300, 500), delay("c", 300, 260)]
    edges = [{"id": "e1", "source": "start", "target": "a", "port": "next"},
             {"id": "e2", "source": "a", "target": "b", "port": "next"},
             {"id": "e3", "source": "a", "target": "c", "port": "next"}]
    note = {"id": "n1", "text": "Why", "position": {"x": -500, "y": -300}, "size": {"w": 200, "h": 100}}
    workflow = create_workflow(api, nodes, edges)
    assert api.put(f"/api/workflows/{workflow['id']}", as_="editor",
                   json={"graph": {"nodes": nodes, "edges": edges, "notes": [note]}}).status_code == 200
    page = open_editor(page, sign_in, workflow)
    before = transforms(page)
    page.evaluate("""() => { window.seen = new Set();
        new MutationObserver(() => window.seen.add(document.querySelector('[data-node-id="b"]').getAttribute('transform')))
          .observe(document.querySelector('[data-canvas]'), {attributes: true, subtree: true, attributeFilter: ['transform']}); }""")
    page.get_by_role("button", name="Auto-arrange").click()
    page.wait_for_function("() => window.seen.size > 3 && !document.querySelector('[data-canvas]').hasAttribute('data-animating')")
    laid_out = api.post(f"/api/workflows/{workflow['id']}/layout", as_="editor", json={}).get_json()["graph"]
    expected = {n["id"]: f"translate({n['position']['x']:g},{n['position']['y']:g})" for n in laid_out["nodes"] + laid_out["notes"]}
    assert transforms(page) == expected
    page.get_by_role("button", name="Undo").click()
    assert transforms(page) == before
    page.get_by_role("button", name="Redo").click()
    assert transforms(page) == expected


def test_undo_while_auto_arrange_glides_lands_it_and_takes_back_only_the_arrangement(page, sign_in, api):
    nodes = [TRIGGER, delay("a", 600, 40), email("b", -300, 500)]
    page = open_editor(page, sign_in, create_workflow(api, nodes, chain(nodes)))
    before = transforms(page)
    box = page.locator('[data-node-id="b"] .box').bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 90, steps=4)
    page.mouse.up()
    dragged = transforms(page)
    assert dragged["b"] != before["b"]
    page.evaluate("""() => document.addEventListener('keydown', () => {
        window.midway = document.querySelector('[data-canvas]').hasAttribute('data-animating'); }, {capture: true})""")
    page.get_by_role("button", name="Auto-arrange").click()
    page.locator("[data-canvas][data-animating]").wait_for(state="attached")
    page.keyboard.press("Control+z")
    assert page.evaluate("window.midway")  # the key came while the steps were gliding
    page.wait_for_timeout(600)  # past where the glide would have ended: nothing moves on
    assert transforms(page) == dragged and page.locator("[data-canvas][data-animating]").count() == 0
    page.keyboard.press("Control+z")  # the drag before it is still there to undo
    assert transforms(page) == before
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+Shift+z")
    page.get_by_role("button", name="Auto-arrange").click()  # redone, the arrangement is whole, not half-way
    page.get_by_text("Already arranged.").wait_for()
