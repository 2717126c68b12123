"""Sign-in, tokens and CSRF (the role matrix over every route is in test_access.py)."""
from store.db import db
from crm.models import ApiToken


def test_login_and_logout(client, auth):
    assert client.get("/").status_code == 302
    assert "Wrong username or password." in auth.login(password="wrong").get_data(as_text=True)
    assert auth.login().status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/records/deal").status_code == 200
    token = auth.csrf_token("/")
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/api/records/deal").status_code == 401


def test_login_refuses_offsite_next(client, auth):
    response = client.post("/login?next=//evil.example/x",
                           data={"username": "eddie", "password": "correct horse battery",
                                 "csrf_token": auth.csrf_token()})
    assert response.headers["Location"] == "/"


def test_cookie_writes_need_csrf(client, auth):
    auth.login()
    refused = client.post("/api/records/deal", json={"fields": {"name": "x"}})
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]["message"]
    ok = client.post("/api/records/deal", json={"fields": {"name": "x"}},
                     headers={"X-CSRFToken": auth.csrf_token("/")})
    assert ok.status_code == 201


def test_login_form_needs_csrf(client):
    response = client.post("/login", data={"username": "eddie", "password": "correct horse battery"})
    assert "form expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_tokens_are_shown_once_and_stored_hashed(api):
    created = api.post("/api/tokens", json={"name": "zapier", "user": "eddie"})
    assert created.status_code == 201
    plain = created.get_json()["token"]
    assert plain.startswith("fd_")
    listed = api.get("/api/tokens").get_json()
    assert all("token" not in t for t in listed)
    stored = db.session.execute(db.select(ApiToken).filter_by(name="zapier")).scalar_one()
    assert plain not in (stored.token_hash, stored.prefix)
    assert api.client.get("/api/users", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    api.delete(f"/api/tokens/{stored.id}")
    assert api.client.get("/api/users", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_bad_token_is_401(client):
    assert client.get("/api/users", headers={"Authorization": "Bearer fd_nope"}).status_code == 401


def test_user_create_validation(api):
    response = api.post("/api/users", json={"username": "bad name!", "role": "boss", "password": "short"})
    details = response.get_json()["error"]["details"]
    assert response.status_code == 422 and {"username", "role", "password"} <= set(details)
    assert api.post("/api/users", json={"username": "eddie", "role": "viewer"}).status_code == 422


def test_a_named_token_is_judged_alone_even_beside_a_session(client, auth):
    auth.login()
    assert client.get("/api/users").status_code == 200
    assert client.get("/api/users", headers={"Authorization": "Bearer fd_revoked"}).status_code == 401
