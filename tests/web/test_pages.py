"""Server-rendered pages: navigation, workflows list, records list and record form."""
import re

from store.db import db
from crm.models import Record


def test_pages_need_sign_in(client):
    for path in ("/", "/records/deal", "/records/deal/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_workflows_list_and_create(client, auth, api):
    api.post("/api/workflows", as_="editor", json={"name": "Chase <b>leads</b>"})
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert "Chase &lt;b&gt;leads&lt;/b&gt;" in page
    assert re.search(r'<nav class="mainnav".*Records.*</nav>', page, re.S)
    response = client.post("/workflows", data={"name": "Fresh", "csrf_token": auth.csrf_token("/")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")


def test_viewer_cannot_create_workflow_from_page(client, auth):
    auth.login("vic")
    assert client.post("/workflows", data={"name": "x", "csrf_token": auth.csrf_token("/")}).status_code == 403


def test_record_form_saves_typed_values_and_shows_errors(client, auth, make_record):
    deal = make_record("deal", fields={"name": "Acme", "amount": 1})
    auth.login()
    url = f"/records/deal/{deal['id']}"
    token = auth.csrf_token(url)
    form = {"csrf_token": token, "name": "Acme", "amount": "2500.5", "email": "", "phone": "", "close_date": "",
            "stage": "won", "owner": "eddie"}
    assert client.post(url, data=form).status_code == 302
    record = db.session.get(Record, deal["id"])
    assert (record.fields["amount"], record.stage, record.owner.username) == (2500.5, "won", "eddie")
    bad = client.post(url, data={**form, "amount": "lots"})
    assert "expected a number" in bad.get_data(as_text=True)


def test_viewer_cannot_save_record_form(client, auth, make_record):
    deal = make_record("deal", fields={"name": "Acme"})
    auth.login("vic")
    url = f"/records/deal/{deal['id']}"
    assert client.post(url, data={"csrf_token": auth.csrf_token(url), "name": "X"}).status_code == 403


def test_record_pages_escape_field_values(client, auth, make_record):
    deal = make_record("deal", fields={"name": "<script>alert(1)</script>"})
    auth.login()
    for path in ("/records/deal", f"/records/deal/{deal['id']}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_unknown_pages_are_html_404(client, auth):
    auth.login()
    response = client.get("/records/spaceship")
    assert response.status_code == 404 and "text/html" in response.content_type


def test_settings_is_admin_only(client, auth):
    auth.login("eddie")
    assert client.get("/settings").status_code == 403


def test_settings_manage_users_tokens_and_fields(client, auth, api):
    auth.login("ada")
    token = auth.csrf_token("/settings")
    client.post("/settings/users", data={"csrf_token": token, "username": "nina", "role": "editor",
                                         "password": "long enough pw"})
    assert "nina" in client.get("/settings").get_data(as_text=True)
    refused = client.post("/settings/users", data={"csrf_token": token, "username": "nina", "role": "boss"},
                          follow_redirects=True).get_data(as_text=True)
    assert "is taken" in refused and "must be one of" in refused
    shown = client.post("/settings/tokens", data={"csrf_token": token, "name": "zap", "user": "nina"},
                        follow_redirects=True).get_data(as_text=True)
    plain = re.search(r"(fd_[A-Za-z0-9_-]+)", shown).group(1)
    assert api.client.get("/api/users", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    token_id = api.get("/api/tokens").get_json()[-1]["id"]
    client.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert api.client.get("/api/users", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    client.post("/settings/fields", data={"csrf_token": token, "object": "deal", "name": "source", "type": "text"})
    assert "source" in api.get("/api/objects/deal").get_json()["fields"]


def test_outbox_lists_messages_with_filters(client, auth, app):
    from engine.models import Message

    db.session.add_all([
        Message(id="m1", channel="email", to="ann@example.com", subject="Hi <Ann>", body="Welcome", status="sent"),
        Message(id="m2", channel="sms", to="+62811", body="Ping", status="failed", error="provider said 500"),
    ])
    db.session.commit()
    auth.login("vic")
    page = client.get("/outbox").get_data(as_text=True)
    assert "Hi &lt;Ann&gt;" in page and "provider said 500" in page
    only_sms = client.get("/outbox?channel=sms").get_data(as_text=True)
    assert "Ping" in only_sms and "Welcome" not in only_sms
