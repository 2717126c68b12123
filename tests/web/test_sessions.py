"""Sign-in hardening (issue 18, 10, 11 and 15): where sign-in may send you, what sign-out ends, what a
fresh sign-in renews, and that an unknown username costs the same password check as a known one."""
import pytest
import werkzeug.security

from crm import people
from tests.conftest import PASSWORD


def sign_in(client, auth, next_=None, username="eddie", password=PASSWORD):
    path = "/login" if next_ is None else f"/login?next={next_}"
    return client.post(path, data={"username": username, "password": password, "csrf_token": auth.csrf_token()})


@pytest.mark.parametrize("next_", ["%2F%09%2Flocalhost:8126/x", "%2F%0A%2Fevil.example", "%2F%5Cevil.example",
                                   "%5C%5Cevil.example", "//evil.example/x", "https://evil.example/",
                                   "%2F%0D%2Fevil.example", "/%20/evil.example", "javascript:alert(1)"])
def test_sign_in_never_sends_you_off_site(client, auth, next_):
    assert sign_in(client, auth, next_).headers["Location"] == "/"


def test_sign_in_follows_a_same_site_path(client, auth):
    assert sign_in(client, auth, "/records/deal%3Fstage%3Dwon").headers["Location"] == "/records/deal?stage=won"


def test_a_cookie_from_before_sign_out_no_longer_reads_or_writes(app, client, auth):
    sign_in(client, auth)
    token = auth.csrf_token("/")
    old_cookie = client.get_cookie("session").value
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/api/records/deal").status_code == 401
    assert replay.post("/api/records/deal", json={"fields": {"name": "x"}},
                       headers={"X-CSRFToken": token}).status_code == 401
    assert replay.get("/").status_code == 302
    # Signing in again works, and the new session is live.
    sign_in(client, auth)
    assert client.get("/api/records/deal").status_code == 200


def test_sign_in_renews_the_csrf_token(client, auth):
    before = auth.csrf_token()
    sign_in(client, auth)
    after = auth.csrf_token("/")
    assert after != before
    stale = client.post("/api/records/deal", json={"fields": {"name": "x"}}, headers={"X-CSRFToken": before})
    assert stale.status_code == 400 and "CSRF" in stale.get_json()["error"]["message"]
    assert client.post("/api/records/deal", json={"fields": {"name": "x"}},
                       headers={"X-CSRFToken": after}).status_code == 201


@pytest.mark.parametrize("username,password", [("nobody", PASSWORD), ("eddie", "wrong password"),
                                               ("eddie", PASSWORD)])
def test_every_sign_in_checks_a_password_hash_known_user_or_not(client, auth, monkeypatch, username, password):
    checked = []

    def check(hash_, given):
        checked.append(hash_)
        return werkzeug.security.check_password_hash(hash_, given)

    monkeypatch.setattr(people, "check_password_hash", check)
    sign_in(client, auth, username=username, password=password)
    assert len(checked) == 1 and checked[0].startswith("scrypt:")
