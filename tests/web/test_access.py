"""Who may do what, computed from every rule in app.url_map, so a route added later must declare its least role here.

The matrix: nobody signed in gets 401 from the API and a redirect to /login from a page; each role below the
route's least role gets 403; the least role gets through (any answer but 401/403, never a 5xx). And a session cookie
alone never writes: every write route refuses a signed-in browser request that carries no CSRF token.
"""
import pytest

from store.db import db
from crm.models import Notification
from crm.people import find_user
from templates_library import list_templates
from tests.builder.factories import reminder_graph
from tests.conftest import AuthActions, ROLE_USERS

ROLES = ("viewer", "editor", "admin")
PUBLIC = "public"
# "METHOD /rule" -> the least role that may use it, or PUBLIC.
LEAST_ROLE = {
    "GET /api/openapi.json": PUBLIC,
    "GET /api/docs": PUBLIC,
    "GET /api/health": PUBLIC,  # for load balancers
    "GET /api/tasks": "viewer",
    "POST /api/tasks/<int:task_id>/complete": "editor",
    "POST /api/tasks/<int:task_id>/claim": "editor",
    "POST /api/tasks/<int:task_id>/reassign": "editor",
    "GET /tasks": "viewer",
    "POST /tasks/<int:task_id>/<action>": "editor",
    "POST /api/tasks/records/<int:record_id>/complete": "editor",
    "POST /tasks/records/<int:record_id>/done": "editor",
    "POST /records/<object_name>/<int:record_id>/start": "editor",
    "GET /runs/<int:run_id>": "viewer",
    "GET /runs/<int:run_id>/live": "viewer",
    "GET /workflows/<int:workflow_id>/runs": "viewer",
    "GET /api/workflows/<int:workflow_id>/stats": "viewer",
    "GET /workflows/<int:workflow_id>/stats": "viewer",
    "POST /runs/<int:run_id>/<action>": "editor",
    "GET /api/objects": "viewer",
    "GET /api/objects/<object_name>": "viewer",
    "GET /api/objects/<object_name>/tags": "viewer",
    "POST /api/objects/<object_name>/fields": "admin",
    "GET /api/objects/<object_name>/pipelines": "viewer",
    "POST /api/objects/<object_name>/pipelines": "admin",
    "PATCH /api/objects/<object_name>/pipelines/<pipeline>": "admin",
    "POST /api/objects/<object_name>/pipelines/<pipeline>/archive": "admin",
    "POST /api/objects/<object_name>/pipelines/<pipeline>/restore": "admin",
    "POST /api/objects/<object_name>/pipelines/<pipeline>/stages": "admin",
    "PATCH /api/objects/<object_name>/pipelines/<pipeline>/stages/<stage>": "admin",
    "POST /api/objects/<object_name>/pipelines/<pipeline>/stages/<stage>/archive": "admin",
    "POST /api/objects/<object_name>/pipelines/<pipeline>/stages/<stage>/restore": "admin",
    "GET /api/pipelines/<object_name>/<pipeline>/rules": "viewer",
    "POST /api/workflows/copy-to-stage": "editor",
    "POST /api/workflows/move-to-stage": "editor",
    "GET /pipelines/<object_name>/<pipeline>/rules": "viewer",
    "POST /pipelines/<object_name>/<pipeline>/rules": "editor",
    "GET /api/records/<object_name>": "viewer",
    "POST /api/records/<object_name>": "editor",
    "GET /api/records/<object_name>/<int:record_id>": "viewer",
    "PATCH /api/records/<object_name>/<int:record_id>": "editor",
    "DELETE /api/records/<object_name>/<int:record_id>": "editor",
    "POST /api/events": "editor",
    "GET /api/users": "viewer",
    "POST /api/users": "admin",
    "PATCH /api/users/<username>": "admin",
    "GET /api/audit": "admin",
    "PUT /api/users/<username>/availability": "viewer",  # yourself; another user needs admin (test_user_availability)
    "GET /api/tokens": "admin",
    "POST /api/tokens": "admin",
    "DELETE /api/tokens/<int:token_id>": "admin",
    "GET /api/secrets": "editor",
    "POST /api/secrets": "admin",
    "DELETE /api/secrets/<name>": "admin",
    "GET /api/workflows": "viewer",
    "POST /api/workflows": "editor",
    "POST /api/workflows/import": "editor",
    "GET /api/workflows/<int:workflow_id>": "viewer",
    "PUT /api/workflows/<int:workflow_id>": "editor",
    "DELETE /api/workflows/<int:workflow_id>": "editor",
    "POST /api/workflows/<int:workflow_id>/validate": "viewer",
    "POST /api/workflows/<int:workflow_id>/publish": "editor",
    "POST /api/workflows/<int:workflow_id>/pause": "editor",
    "POST /api/workflows/<int:workflow_id>/activate": "editor",
    "POST /api/workflows/<int:workflow_id>/layout": "viewer",
    "GET /api/workflows/<int:workflow_id>/export": "viewer",
    "POST /api/workflows/<int:workflow_id>/duplicate": "editor",
    "GET /api/workflows/<int:workflow_id>/versions": "viewer",
    "GET /api/workflows/<int:workflow_id>/versions/<int:number>": "viewer",
    "POST /api/workflows/<int:workflow_id>/versions/<int:number>/restore": "editor",
    "POST /api/workflows/<int:workflow_id>/runs": "editor",
    "POST /api/workflows/<int:workflow_id>/test": "viewer",
    "GET /api/runs": "viewer",
    "GET /api/runs/<int:run_id>": "viewer",
    "POST /api/runs/<int:run_id>/cancel": "editor",
    "POST /api/runs/<int:run_id>/retry": "editor",
    "GET /api/enrollment-refusals": "viewer",
    "GET /api/workflows/<int:workflow_id>/enrollments": "viewer",
    "GET /api/folders": "viewer",
    "POST /api/folders": "editor",
    "GET /api/folders/<int:folder_id>": "viewer",
    "PATCH /api/folders/<int:folder_id>": "editor",
    "DELETE /api/folders/<int:folder_id>": "editor",
    "PUT /api/workflows/<int:workflow_id>/folder": "editor",
    "GET /api/messages": "viewer",
    "GET /api/notifications": "viewer",
    "GET /api/node-types": "viewer", "GET /api/node-types/catalog": "viewer",
    "GET /api/templates": "viewer",
    "GET /api/templates/categories": "viewer",
    "GET /api/templates/<template_id>": "viewer",
    "POST /hooks/<int:workflow_id>/<secret>": PUBLIC,  # the secret in the URL is the credential
    "GET /static/<path:filename>": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": "viewer",
    "GET /": "viewer",
    "POST /workflows": "editor",
    "GET /workflows/<int:workflow_id>/edit": "viewer",
    "GET /workflows/<int:workflow_id>/enrollments": "viewer",
    "GET /templates": "viewer",
    "GET /outbox": "viewer",
    "POST /templates/<template_id>/use": "editor",
    "GET /records": "viewer",
    "GET /records/<object_name>": "viewer",
    "GET /records/<object_name>/<int:record_id>": "viewer",
    "GET /records/<object_name>/new": "editor",
    "POST /records/<object_name>/new": "editor",
    "POST /records/<object_name>/<int:record_id>": "editor",
    "GET /settings": "admin",
    "POST /settings/users": "admin",
    "POST /settings/users/<username>": "admin",
    "GET /settings/audit": "admin",
    "POST /settings/users/<username>/availability": "admin",
    "POST /settings/tokens": "admin",
    "POST /settings/tokens/<int:token_id>/revoke": "admin",
    "POST /settings/fields": "admin",
    "POST /settings/secrets": "admin",
    "POST /settings/secrets/<name>/delete": "admin",
    "POST /settings/pipelines": "admin",
}


def routes(app) -> list[tuple[str, object]]:
    """Every (method, rule) the app answers; writes that remove things and signing out come last."""
    found = [(method, rule) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda pair: (pair[0] == "DELETE" or pair[1].endpoint == "pages.logout",
                                           pair[1].rule, pair[0]))


def key(method, rule) -> str:
    return f"{method} {rule.rule}"


def test_every_route_declares_its_least_role(app):
    answered = {key(method, rule) for method, rule in routes(app)}
    undeclared, gone = sorted(answered - LEAST_ROLE.keys()), sorted(LEAST_ROLE.keys() - answered)
    assert not undeclared, f"add these routes to LEAST_ROLE in tests/web/test_access.py: {undeclared}"
    assert not gone, f"these routes are gone; remove them from LEAST_ROLE: {gone}"


@pytest.fixture
def world(app, api, make_record):
    """Objects for every URL argument: a deal, a published workflow with a run, a spare token and secret."""
    record = make_record("task", fields={"title": "Call"})
    workflow = api.post("/api/workflows", as_="editor", json={"name": "W", "graph": reminder_graph()}).get_json()
    assert api.post(f"/api/workflows/{workflow['id']}/publish", as_="editor").status_code == 200
    run = api.post(f"/api/workflows/{workflow['id']}/runs", as_="editor", json={"record_id": record["id"]})
    token = api.post("/api/tokens", json={"name": "spare", "user": "vic"}).get_json()
    assert api.post("/api/secrets", json={"name": "SPARE", "value": "spare value"}).status_code == 201
    folder = api.post("/api/folders", as_="editor", json={"name": "Spare"}).get_json()
    return {"name": "SPARE", "object_name": "task", "record_id": record["id"], "workflow_id": workflow["id"], "number": 1,
            "run_id": run.get_json()["id"], "token_id": token["id"], "template_id": list_templates()[0]["id"],
            "secret": workflow["webhook_path"].rsplit("/", 1)[1], "filename": "favicon.svg",
            "task_id": 1, "action": "claim", "pipeline": "sales", "stage": "new", "username": "vic",
            "folder_id": folder["id"]}


class Visitor:
    """Requests as one role: a bearer token for /api, a signed-in session (with its CSRF token) for pages."""

    def __init__(self, app, api, role):
        self.api, self.role = api, role
        self.browser = app.test_client()
        auth = AuthActions(self.browser)
        assert auth.login(ROLE_USERS[role]).status_code == 302
        self.csrf = auth.csrf_token("/")

    def send(self, method, path):
        if path.startswith("/api/"):
            return self.api.request(method, path, as_=self.role, json={} if method != "GET" else None)
        return self.browser.open(path, method=method, headers={"X-CSRFToken": self.csrf})


def test_the_role_matrix(app, api, world):
    adapter = app.url_map.bind("localhost")
    visitors = {role: Visitor(app, api, role) for role in ROLES}
    wrong = []
    for method, rule in routes(app):
        least = LEAST_ROLE.get(key(method, rule), PUBLIC)  # an undeclared route fails the test above
        if least == PUBLIC:
            continue
        path = adapter.build(rule.endpoint, {name: world[name] for name in rule.arguments}, method=method)
        anonymous = api.request(method, path, as_=None)
        if path.startswith("/api/"):
            expected = anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
        else:
            expected = anonymous.status_code == 302 and anonymous.location.startswith("/login?next=")
        wrong += [] if expected else [f"{method} {path} anonymous: {anonymous.status_code}"]
        for role in ROLES[:ROLES.index(least)]:
            refused = visitors[role].send(method, path)
            says_why = not path.startswith("/api/") or least in refused.get_json()["error"]["message"]
            if refused.status_code != 403 or not says_why:
                wrong.append(f"{method} {path} as {role}: {refused.status_code}")
        allowed = visitors[least].send(method, path)
        sent_to_sign_in = (allowed.location or "").startswith("/login?next=")
        if allowed.status_code in (401, 403) or allowed.status_code >= 500 or sent_to_sign_in:
            wrong.append(f"{method} {path} as {least}: {allowed.status_code}")
    assert not wrong, "\n".join(wrong)


def test_a_session_cookie_alone_never_writes(app, world):
    """Every write route refuses a signed-in request without a CSRF token (routes added later are covered too)."""
    adapter = app.url_map.bind("localhost")
    client = app.test_client()
    assert AuthActions(client).login(ROLE_USERS["admin"]).status_code == 302
    writes = [(method, rule) for method, rule in routes(app) if method in ("POST", "PUT", "PATCH", "DELETE")
              and LEAST_ROLE.get(key(method, rule)) != PUBLIC]
    assert len(writes) >= 30
    for method, rule in writes:
        path = adapter.build(rule.endpoint, {name: world[name] for name in rule.arguments}, method=method)
        response = client.open(path, method=method, json={} if path.startswith("/api/") else None)
        assert response.status_code == 400, (method, path, response.status_code)
        if path.startswith("/api/"):
            assert "CSRF" in response.get_json()["error"]["message"]
    assert client.get("/api/users").status_code == 200, "still signed in: nothing above was a sign-out"


def test_notifications_are_private_to_their_user(api):
    db.session.add(Notification(user_id=find_user("vic").id, message="Only for Vic"))
    db.session.commit()
    assert [n["message"] for n in api.get("/api/notifications", as_="viewer").get_json()["items"]] == ["Only for Vic"]
    assert api.get("/api/notifications", as_="editor").get_json()["items"] == []
    assert api.get("/api/notifications", as_="admin").get_json()["items"] == []


def test_only_editors_see_the_webhook_secret(api, world):
    """The webhook path is a credential that starts runs, which a viewer may not do."""
    workflow_id = world["workflow_id"]
    for role, sees in (("viewer", False), ("editor", True), ("admin", True)):
        one = api.get(f"/api/workflows/{workflow_id}", as_=role).get_json()
        listed = api.get("/api/workflows", as_=role).get_json()[0]
        assert ("webhook_path" in one, "webhook_path" in listed) == (sees, sees), role
