"""schemathesis against our own /api/openapi.json, as an admin and as a viewer: no answer is a 5xx, and every
answer is documented (status code, content type and body schema). It runs on SQLite only, with a bounded and
repeatable set of examples per operation, so it stays part of `make test`; for a deeper search run it with
FLOWDESK_FUZZ_EXAMPLES=200.

Operations are driven one by one through Hypothesis rather than schemathesis' pytest plugin, so that every
operation's first finding is reported together in one failure message.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from store.db import db
from crm import demo
from crm.models import ApiToken
from crm.people import create_user
from templates_library import list_templates
from tests.builder.factories import reminder_graph
from tests.conftest import PASSWORD, ROLE_USERS
from web import create_app

EXAMPLES = int(os.environ.get("FLOWDESK_FUZZ_EXAMPLES", 20))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Far from the small ids the fuzzer tries, so `DELETE /api/tokens/{token_id}` never revokes the fuzzer's own token.
TOKEN_IDS = {"viewer": 900_001, "admin": 900_002}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """An app of its own on SQLite, a bearer token per role, and some data for the fuzzer to find.

    No app context stays pushed, so each request gets its own, as in production.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'flowdesk.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "FLOWDESK_EMBEDDED_ENGINE": False,
                      "SMTP_URL": None})
    tokens = {}
    with app.app_context():
        db.create_all()
        demo.ensure_object_types()
        for role, username in ROLE_USERS.items():
            user = create_user(username, role, PASSWORD)
            if role in TOKEN_IDS:
                token, tokens[role] = ApiToken.issue(user, "fuzz")
                token.id = TOKEN_IDS[role]
                db.session.add(token)
        db.session.commit()
    yield app, tokens, _seed(app.test_client(), {"Authorization": f"Bearer {tokens['admin']}"})
    with app.app_context():
        db.engine.dispose()


def _seed(client, headers) -> dict:
    """A record, a published workflow and a run of it: ids the fuzzer also tries, to reach the success paths."""
    record = client.post("/api/records/task", headers=headers, json={"fields": {"title": "Call", "status": "To Do"}})
    workflow = client.post("/api/workflows", headers=headers, json={"name": "Fuzzed", "graph": reminder_graph()})
    assert record.status_code == workflow.status_code == 201, (record.get_json(), workflow.get_json())
    workflow_id, record_id = workflow.get_json()["id"], record.get_json()["id"]
    published = client.post(f"/api/workflows/{workflow_id}/publish", headers=headers)
    run = client.post(f"/api/workflows/{workflow_id}/runs", headers=headers, json={"record_id": record_id})
    assert published.status_code == 200 and run.status_code == 201, (published.get_json(), run.get_json())
    token = client.post("/api/tokens", headers=headers, json={"name": "victim", "user": "vic"}).get_json()
    return {"object_name": "task", "record_id": record_id, "workflow_id": workflow_id, "number": 1,
            "run_id": run.get_json()["id"], "token_id": token["id"], "template_id": list_templates()[0]["id"]}


@pytest.fixture(scope="module")
def operations(fuzzed):
    app, _, _ = fuzzed
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # Deletes last, so the seeded objects are still there for the operations that read or change them.
    return sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: op.method == "delete")


def cases(operation, known: dict):
    """Valid and invalid requests, some of them aimed at objects that exist."""
    names = {parameter.name for parameter in operation.path_parameters}
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if names:
        existing = {name: value for name, value in known.items() if name in names}
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=existing))
    return st.one_of(strategies)


def fuzz(operation, known: dict, headers: dict) -> None:
    @given(case=cases(operation, known))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", list(TOKEN_IDS))
def test_every_answer_is_documented_and_none_is_a_server_error(fuzzed, operations, role):
    _, tokens, known = fuzzed
    findings = {}
    for operation in operations:
        try:
            fuzz(operation, known, {"Authorization": f"Bearer {tokens[role]}"})
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every operation's finding, reported together
            findings[operation.label] = exc
    assert not findings, "\n\n".join(f"{label}:\n{exc}" for label, exc in findings.items())
    assert len(operations) >= 40
