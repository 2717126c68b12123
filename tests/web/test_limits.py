"""Limits on what one request may carry or ask for, each refused with a clear 413 or 422 that stores nothing."""
import pytest

from store.db import db
from builder.graph import MAX_BYTES, MAX_NODES
from store.models import Workflow
from builder.templating import TemplateError, render
from crm.models import Record

MAX_BODY = 4 * 1024 * 1024


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("method,path", [("POST", "/api/records/deal"), ("POST", "/api/workflows"),
                                         ("POST", "/api/events")])
def test_a_body_over_4_mib_is_413_with_the_uniform_error_body(api, method, path):
    response = api.request(method, path, json={"name": "x" * MAX_BODY})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large" and response.get_json()["error"]["message"]
    assert count(Record) == count(Workflow) == 0


def test_a_graph_over_2000_nodes_is_422_naming_the_graph(api):
    nodes = [{"id": f"n{i}", "kind": "wait", "type": "delay", "config": {}} for i in range(MAX_NODES + 1)]
    response = api.post("/api/workflows", as_="editor", json={"name": "Huge", "graph": {"nodes": nodes}})
    error = response.get_json()["error"]
    assert response.status_code == 422 and "graph" in error["message"] and str(MAX_NODES) in error["details"]["nodes"]
    assert count(Workflow) == 0


def test_a_graph_over_1_mb_is_422_naming_the_graph(api):
    created = api.post("/api/workflows", as_="editor", json={"name": "Draft"}).get_json()
    note = {"id": "n1", "text": "x" * (MAX_BYTES + 1), "position": {"x": 0, "y": 0}}
    response = api.put(f"/api/workflows/{created['id']}", as_="editor", json={"graph": {"notes": [note]}})
    error = response.get_json()["error"]
    assert response.status_code == 422 and "1 MB" in error["details"]["graph"]
    assert api.get(f"/api/workflows/{created['id']}").get_json()["revision"] == created["revision"]


@pytest.mark.parametrize("query", ["per_page=201", "per_page=0", "page=0", "page=99999999999"])
def test_records_per_page_and_page_are_bounded(api, query):
    response = api.get(f"/api/records/deal?{query}", as_="viewer")
    assert response.status_code == 422 and query.split("=")[0] in response.get_json()["error"]["details"]


def test_two_hundred_records_per_page_is_allowed(api):
    assert api.get("/api/records/deal?per_page=200", as_="viewer").get_json()["per_page"] == 200


def test_template_output_is_bounded():
    with pytest.raises(TemplateError, match="longer than 100 characters"):
        render("{% for i in range(1000) %}{{ i }}{% endfor %}", {}, max_chars=100)
    assert render("{{ 'x' * 100 }}", {}, max_chars=100) == "x" * 100
