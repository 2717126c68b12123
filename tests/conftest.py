"""Fixtures shared by every test: an app on a fresh database (SQLite, and PostgreSQL where reachable),
users of each role with API tokens, and small request helpers (in the spirit of flaskr's AuthActions)."""
import os
import tempfile
import threading
import uuid

import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server

os.environ.setdefault("FLOWDESK_INSTANCE", tempfile.mkdtemp(prefix="flowdesk-instance-"))
os.environ.setdefault("SECRET_KEY", "test-secret")

from store.db import db  # noqa: E402
from crm import demo  # noqa: E402
from crm.people import create_user, issue_token  # noqa: E402
from web import create_app  # noqa: E402

PG_ADMIN_URL = os.environ.get("FLOWDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("FLOWDESK_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
ROLE_USERS = {"viewer": "vic", "editor": "eddie", "admin": "ada"}
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    try:
        import psycopg

        conn = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not reachable"
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    name = f"flowdesk_test_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'flowdesk.db'}"
    return request.getfixturevalue("pg_database")


def _reset(url: str) -> None:
    if url.startswith("sqlite"):
        db.create_all()
        return
    db.create_all()
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(db.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


class IsolatedClient(FlaskClient):
    """Each request in its own app context, as in production: its own `g`, login and DB session.

    (Flask reuses an already pushed app context, which would leak the signed-in user between requests.)
    The test's own session ends its transaction first, so both sides see committed data only.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "FLOWDESK_EMBEDDED_ENGINE": False, "SMTP_URL": None})
    with app.app_context():
        _reset(database_url)
        demo.ensure_object_types()
        for role, username in ROLE_USERS.items():
            create_user(username, role, PASSWORD, f"{username}@example.com")
        db.session.commit()
        app.test_client_class = IsolatedClient
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 by a threaded server, for a browser or for requests sent at the same instant."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class ApiActions:
    """`api.get(path, as_="editor")`: a request with the bearer token of a user of that role."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}
        for role, username in ROLE_USERS.items():
            _, self.tokens[role] = issue_token(username, "tests")
        db.session.commit()

    def headers(self, as_):
        return {} if as_ is None else {"Authorization": f"Bearer {self.tokens[as_]}"}

    def request(self, method, path, as_="admin", headers=None, **kwargs):
        return self.client.open(path, method=method, headers={**self.headers(as_), **(headers or {})}, **kwargs)

    def get(self, path, as_="admin", **kw):
        return self.request("GET", path, as_, **kw)

    def post(self, path, as_="admin", **kw):
        return self.request("POST", path, as_, **kw)

    def put(self, path, as_="admin", **kw):
        return self.request("PUT", path, as_, **kw)

    def patch(self, path, as_="admin", **kw):
        return self.request("PATCH", path, as_, **kw)

    def delete(self, path, as_="admin", **kw):
        return self.request("DELETE", path, as_, **kw)


@pytest.fixture
def api(client):
    return ApiActions(client)


class AuthActions:
    """Session sign-in through the real /login form, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path="/login"):
        import re

        page = self.client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def login(self, username="eddie", password=PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": self.csrf_token()})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make_record(api):
    def make(object_name="deal", as_="editor", **data):
        response = api.post(f"/api/records/{object_name}", as_=as_, json=data)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make
