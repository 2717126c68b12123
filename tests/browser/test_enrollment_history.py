"""A person reads what a workflow's trigger did with each event: enrolled, filtered out (the rule that said no) or
refused (why), reached from the workflows list and from the editor."""
import pytest
from playwright.sync_api import expect

from engine import worker
from tests.engine.flows import change, create, node, publish, trigger

pytestmark = pytest.mark.browser
BIG = {"match": "all", "rules": [{"field": "amount", "op": "gt", "value": 1000}]}


@pytest.fixture
def big_deals(app):
    workflow = publish(trigger("record_updated", filter=BIG), node("wait", "delay", duration="P1D"), chain=True,
                       name="Big deals")
    record = create(fields={"name": "Acme", "amount": 5})
    change(record, fields={"amount": 10})  # filtered out
    change(record, fields={"amount": 5000})  # enrolled
    change(record, fields={"amount": 6000})  # refused: its run still waits, re-enrollment is off
    worker.drain()
    return workflow, record


def test_the_history_shows_enrolled_filtered_out_and_refused(page, sign_in, big_deals):
    workflow, record = big_deals
    sign_in("vic")
    page.locator(f'tr[data-workflow-id="{workflow.id}"]').get_by_role("link", name="Enrollments").click()
    expect(page.get_by_role("heading", name="Enrollment history of Big deals")).to_be_visible()
    rows = page.locator("tr[data-outcome]")
    expect(rows).to_have_count(3)
    expect(page.locator('tr[data-outcome="enrolled"]')).to_contain_text("Enrolled")
    expect(page.locator('tr[data-outcome="enrolled"]').get_by_role("link", name="Run")).to_be_visible()
    expect(page.locator('tr[data-outcome="filtered"]')).to_contain_text(
        "filter not met: amount is 10, not more than 1000")
    expect(page.locator('tr[data-outcome="refused"]')).to_contain_text(
        "still live on this record and re-enrollment is off")
    page.get_by_role("navigation", name="Outcome").get_by_role("link", name="Filtered out (1)").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-outcome", "filtered")
    page.locator('tr[data-outcome="filtered"]').get_by_role("link", name=str(record.id)).click()
    page.wait_for_url(f"**/records/deal/{record.id}")


def test_the_editor_links_to_the_history(page, sign_in, big_deals):
    workflow, _ = big_deals
    sign_in()
    page.goto(f"/workflows/{workflow.id}/edit")
    page.get_by_role("link", name="Enrollment history").click()
    expect(page.locator("tr[data-outcome]")).to_have_count(3)
