"""A busy database is not a bug: a write that cannot get it answers 503 with Retry-After, never 500 (issue 18.1).

SQLite has one write lock; another process holding it past the busy timeout (10 s, store/db.py) used to make
`POST /api/records/*` answer 500 "database is locked".
"""
import sqlite3

import pytest

from store.db import db
from crm.models import Record


def test_a_write_that_cannot_get_the_database_answers_503_and_stores_nothing(app, api, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL locks rows, not the database")
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write transaction
    try:
        response = api.post("/api/records/contact", as_="editor", json={"fields": {"name": "Ada"}})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503, response.get_json()
    assert response.headers["Retry-After"] == "2"
    assert response.get_json()["error"]["code"] == "busy"
    assert db.session.scalar(db.select(db.func.count(Record.id)).where(Record.object == "contact")) == 0
    again = api.post("/api/records/contact", as_="editor", json={"fields": {"name": "Ada"}})
    assert again.status_code == 201
