"""A manager opens the inbox, approves, and the run goes on along 'approved'."""
import pytest

from store.db import db
from engine import worker
from crm.models import Record
from tests.engine.flows import create, edge, node, only_run, publish, trigger

pytestmark = pytest.mark.browser


def test_approve_from_the_inbox_moves_the_run_on(page, sign_in, app):
    workflow = publish(trigger("record_created", "deal"),
                       node("ask", "human_task", title="Approve {{ record.fields.name }}",
                            outcomes=["approved", "rejected"], assignee={"user": "eddie"}),
                       node("yes", "update_record", add_tags=["approved"]),
                       edges=[edge("start", "ask"), edge("ask", "yes", "approved")])
    deal = create("deal", fields={"name": "Acme"})
    worker.drain()
    sign_in("eddie")
    page.get_by_role("link", name="Tasks").click()
    page.get_by_text("Approve Acme").wait_for()
    page.get_by_role("button", name="approved").click()
    page.get_by_text("Done: 'Approve Acme' — approved.").wait_for()
    worker.drain()
    assert only_run(workflow).status == "completed"
    db.session.expire_all()
    assert db.session.get(Record, deal.id).tags == ["approved"]
