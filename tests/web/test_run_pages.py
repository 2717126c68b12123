"""/runs/<id>: every node marked by its status, steps listed, cancel and retry for editors."""
import re
from datetime import timedelta

from tests.engine.flows import change, clock, create, drain, edge, node, only_run, publish, trigger  # noqa: F401


def marks(page: str) -> dict:
    return dict(re.findall(r'<g class="preview-node" data-kind="\w+" data-node-id="([^"]+)" data-status="(\w+)"', page))


def test_each_status_is_marked_on_the_diagram(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"),
                       node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 100}]),
                       node("mail", "send_email", to="{{ record.fields.email }}", subject="Hi", body="x"),
                       node("wait", "delay", duration="PT1H"), node("never", "update_record", add_tags=["x"]),
                       node("after", "update_record", add_tags=["later"]),
                       edges=[edge("start", "big"), edge("big", "mail", "true"), edge("big", "wait", "true"),
                              edge("big", "never", "false"), edge("wait", "after")])
    create("deal", fields={"name": "<Acme>", "amount": 500})
    drain(clock)
    run = only_run(workflow)
    auth.login()
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert marks(page) == {"start": "done", "big": "done", "mail": "skipped", "wait": "waiting",
                           "never": "not_reached", "after": "not_reached"}
    assert "the email has no recipient" in page or "recipient" in page
    assert "Goes on at" in page and 'data-live="true"' in page and 'data-taken="true"' in page
    token = auth.csrf_token(f"/runs/{run.id}")
    client.post(f"/runs/{run.id}/cancel", data={"csrf_token": token})
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert marks(page)["wait"] == "cancelled" and 'data-live="false"' in page


def test_failed_step_shows_its_error_and_retry_for_editors_only(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"), node("mail", "update_record", fields={"amount": "{{ record.fields.name }}"}),
                       chain=True)
    create("deal", fields={"name": "Acme"})
    drain(clock)
    run = only_run(workflow)
    assert run.status == "failed"
    auth.login("vic")
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert marks(page)["mail"] == "failed" and "expected a number" in page and ">Retry</button>" not in page
    assert client.post(f"/runs/{run.id}/retry", data={"csrf_token": auth.csrf_token(f"/runs/{run.id}")}).status_code == 403
    auth.login("eddie")
    assert ">Retry</button>" in client.get(f"/runs/{run.id}").get_data(as_text=True)
    answer = client.post(f"/runs/{run.id}/retry", data={"csrf_token": auth.csrf_token(f"/runs/{run.id}")},
                         follow_redirects=True).get_data(as_text=True)
    assert "Retrying the failed step." in answer


def test_record_automation_tab_lists_its_runs(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT1H", label="Cool off"),
                       chain=True)
    deal = create("deal", fields={"name": "Acme"})
    drain(clock)
    run = only_run(workflow)
    auth.login("vic")
    page = client.get(f"/records/deal/{deal.id}").get_data(as_text=True)
    assert f"<title>Deal #{deal.id} · Flowdesk</title>" in page and page.count('class="automation-run"') == 1
    assert f'data-run-id="{run.id}" data-status="waiting"' in page
    assert "Test workflow</strong> · run" in page and "at Cool off" in page and f'href="/runs/{run.id}"' in page


def test_workflow_runs_list_filters_and_failed_count(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"), node("bad", "update_record", fields={"amount": "{{ record.fields.name }}"}),
                       chain=True)
    for name in ("One", "Two", "Three"):
        create("deal", fields={"name": name})
    drain(clock)
    auth.login("vic")
    assert "3 failed</a>" in client.get("/").get_data(as_text=True)
    page = client.get(f"/workflows/{workflow.id}/runs?status=failed").get_data(as_text=True)
    assert page.count('data-status="failed"') == 3 and "3 runs" in page
    assert "0 runs" in client.get(f"/workflows/{workflow.id}/runs?status=completed").get_data(as_text=True)
    assert "0 runs" in client.get(f"/workflows/{workflow.id}/runs?from=2030-01-01").get_data(as_text=True)
