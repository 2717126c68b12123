"""Headers, cookies and the sign-in throttle."""
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
