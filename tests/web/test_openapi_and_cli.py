"""The OpenAPI document, the docs page, migrations and the flowdesk command."""
from store.db import db
from crm.models import Record, User


def test_openapi_documents_every_api_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in ("/api/openapi.json", "/api/docs"):
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)
    error = spec["components"]["schemas"]["ErrorBody"]
    assert "error" in error["properties"]


def test_docs_page_lists_endpoints(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/records/{object_name}" in page and "RecordIn" in page


def test_cli_users_tokens_and_demo(runner):
    result = runner.invoke(args=["users", "create", "zoe", "--role", "editor", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(db.select(User).filter_by(username="zoe")).scalar_one().role == "editor"
    bad = runner.invoke(args=["users", "create", "zoe", "--role", "editor", "--password", "long enough pw"])
    assert bad.exit_code != 0 and "taken" in bad.output
    token = runner.invoke(args=["tokens", "create", "zoe"]).output.strip()
    assert token.startswith("fd_")
    first = runner.invoke(args=["demo", "load"])
    assert "admin password (shown once):" in first.output
    assert db.session.execute(db.select(db.func.count(Record.id))).scalar() > 0
    assert "already loaded" in runner.invoke(args=["demo", "load"]).output


def test_token_from_cli_authenticates(runner, client):
    token = runner.invoke(args=["tokens", "create", "vic"]).output.strip()
    assert client.get("/api/objects", headers={"Authorization": f"Bearer {token}"}).status_code == 200
