"""The template library over the API, drafts made from templates, and the /templates gallery page."""
import copy
import re

import pytest

import templates_library
from store.db import db
from store.models import Workflow
from templates_library import get_template, list_templates

CARD = re.compile(r'<article class="template-card" data-template-id="([^"]+)"')


def card_ids(html: str) -> list:
    return CARD.findall(html)


@pytest.fixture
def hostile_template(monkeypatch):
    """A template whose every text is markup, served by the library instead of the real ones."""
    template = copy.deepcopy(get_template("welcome-new-contact"))
    template.update(id="hostile", name="<script>alert('name')</script>", category="<b>Evil</b>",
                    description="<img src=x onerror=alert(1)>", tags=["<i>tag</i>"])
    template["graph"]["nodes"][0]["label"] = "<script>alert('label')</script>"
    monkeypatch.setattr(templates_library, "_all", lambda: {"hostile": template})
    return template


def test_api_lists_templates_with_categories(api):
    listed = api.get("/api/templates", as_="viewer").get_json()
    assert len(listed) == len(list_templates()) >= 14
    assert all({"id", "name", "category", "description", "tags", "graph"} <= set(t) for t in listed)
    assert api.get("/api/templates", as_=None).status_code == 401
    cats = api.get("/api/templates/categories", as_="viewer").get_json()
    assert {c["name"] for c in cats} == {"Sales", "Tasks", "Orders", "Onboarding", "Integrations"}
    assert sum(c["count"] for c in cats) == len(listed)


def test_api_filters_by_category_and_search(api):
    orders = api.get("/api/templates?category=orders", as_="viewer").get_json()
    assert len(orders) == 5 and {t["category"] for t in orders} == {"Orders"}
    found = api.get("/api/templates?q=approval", as_="viewer").get_json()
    assert [t["id"] for t in found] == ["large-deal-approval"]
    assert api.get("/api/templates?category=Orders&q=approval", as_="viewer").get_json() == []


def test_api_template_one_and_404(api):
    one = api.get("/api/templates/task-follow-up", as_="viewer").get_json()
    assert one["graph"] == get_template("task-follow-up")["graph"]
    missing = api.get("/api/templates/no-such-thing", as_="viewer")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("template_id", [t["id"] for t in list_templates()])
def test_every_template_becomes_an_editable_clean_draft(api, template_id):
    template = get_template(template_id)
    created = api.post("/api/workflows", as_="editor", json={"name": template["name"], "template": template_id})
    assert created.status_code == 201, created.get_json()
    draft = created.get_json()
    assert (draft["status"], draft["template_id"], draft["graph"]) == ("draft", template_id, template["graph"])
    problems = api.post(f"/api/workflows/{draft['id']}/validate", as_="viewer").get_json()["problems"]
    assert [p for p in problems if p["severity"] == "error"] == []
    renamed = api.put(f"/api/workflows/{draft['id']}", as_="editor",
                      json={"name": "Mine", "revision": draft["revision"]})
    assert renamed.status_code == 200 and renamed.get_json()["graph"] == template["graph"]


def test_unknown_template_is_refused(api):
    response = api.post("/api/workflows", as_="editor", json={"name": "x", "template": "nope"})
    assert response.status_code == 422
    assert db.session.execute(db.select(Workflow)).first() is None


def test_gallery_lists_every_template_with_a_preview(client, auth):
    assert client.get("/templates").status_code == 302
    auth.login("vic")
    html = client.get("/templates").get_data(as_text=True)
    assert card_ids(html) == [t["id"] for t in list_templates()]
    cards = html.split('<article class="template-card"')[1:]
    assert all('<svg xmlns="http://www.w3.org/2000/svg"' in card and ">Use</button>" in card for card in cards)
    assert 'class="preview-node"' in html and "<script" not in html
    assert re.search(r'<nav class="mainnav".*href="/templates" aria-current="page">Templates</a>', html, re.S)


def test_gallery_filters_with_query_args(client, auth):
    auth.login()
    orders = card_ids(client.get("/templates?category=Orders").get_data(as_text=True))
    assert orders == [t["id"] for t in list_templates(category="Orders")] and len(orders) == 5
    assert card_ids(client.get("/templates?q=whatsapp+tomorrow").get_data(as_text=True)) == ["delivery-eve-whatsapp"]
    empty = client.get("/templates?category=Sales&q=whatsapp").get_data(as_text=True)
    assert card_ids(empty) == [] and "No templates match" in empty


def test_use_creates_a_draft_and_opens_the_editor(client, auth):
    auth.login()
    response = client.post("/templates/large-deal-approval/use", data={"csrf_token": auth.csrf_token("/templates")})
    assert response.status_code == 302
    workflow_id = int(re.fullmatch(r"/workflows/(\d+)/edit", response.headers["Location"]).group(1))
    workflow = db.session.get(Workflow, workflow_id)
    template = get_template("large-deal-approval")
    assert (workflow.name, workflow.status, workflow.template_id, workflow.graph) == \
        (template["name"], "draft", template["id"], template["graph"])
    assert workflow.owner_id is not None


def test_use_needs_an_editor_a_csrf_token_and_a_real_template(client, auth):
    auth.login("vic")
    token = auth.csrf_token("/templates")
    assert client.post("/templates/task-follow-up/use", data={"csrf_token": token}).status_code == 403
    assert "disabled" in client.get("/templates").get_data(as_text=True)
    auth.login()
    token = auth.csrf_token("/templates")
    assert client.post("/templates/task-follow-up/use").status_code == 400
    assert client.post("/templates/nope/use", data={"csrf_token": token}).status_code == 404
    assert db.session.execute(db.select(Workflow)).first() is None


def test_gallery_escapes_template_text_and_the_search(client, auth, hostile_template):
    auth.login()
    html = client.get("/templates?q=%3Cscript%3E").get_data(as_text=True)
    assert card_ids(html) == ["hostile"]
    own = '<script type="module" src="/static/js/zone.js"></script>'  # an editor's page sends the browser's zone
    assert html.count(own) == 1
    html = html.replace(own, "")
    assert "<script" not in html and "<img" not in html and "<b>Evil" not in html and "<i>tag" not in html
    assert "&lt;script&gt;alert(&#x27;label&#x27;)" in html and "&lt;script&gt;alert(&#39;name&#39;)" in html
    assert 'value="&lt;script&gt;"' in html
