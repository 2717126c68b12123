"""Headers, cookies, stored passwords and the sign-in throttle."""
from crm.people import find_user
from tests.conftest import PASSWORD


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(client, auth):
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_repeated_wrong_passwords_are_throttled(client, auth):
    for _ in range(10):
        assert "Wrong username or password." in auth.login(password="nope").get_data(as_text=True)
    blocked = auth.login(password=PASSWORD)
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_salted_slow_hashes(app):
    eddie, vic = find_user("eddie"), find_user("vic")
    assert PASSWORD not in eddie.password_hash and eddie.password_hash.split(":")[0] in ("scrypt", "pbkdf2")
    assert eddie.password_hash != vic.password_hash  # same password, different salt
    assert eddie.check_password(PASSWORD) and not eddie.check_password(PASSWORD.upper())
