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
    assert f'data-status="waiting" data-run-id="{run.id}"' in page
    assert "<strong>Waiting</strong> · run" in page and "until 2026-11-25 10:00 UTC at &#39;Cool off&#39;" in page
    assert f'href="/runs/{run.id}"' in page


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


HOSTILE = '<img src=x onerror="alert(1)">'


def test_user_text_is_escaped_on_every_run_page(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal", label=HOSTILE),
                       node("bad", "update_record", label=HOSTILE, fields={"amount": "{{ record.fields.name }}"}),
                       chain=True, name=HOSTILE)
    deal = create("deal", fields={"name": HOSTILE})
    drain(clock)
    run = only_run(workflow)
    auth.login("vic")
    for path in ("/", f"/runs/{run.id}", f"/runs/{run.id}/live", f"/records/deal/{deal.id}",
                 f"/workflows/{workflow.id}/runs", f"/workflows/{workflow.id}/stats"):
        page = client.get(path).get_data(as_text=True)
        assert HOSTILE not in page and "onerror=\"alert" not in page, path
    assert "&lt;img src=x" in client.get(f"/runs/{run.id}").get_data(as_text=True)


def test_taken_edges_and_the_live_fragment(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"),
                       node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 100}]),
                       node("yes", "update_record", add_tags=["big"]), node("no", "update_record", add_tags=["small"]),
                       edges=[edge("start", "big"), edge("big", "yes", "true"), edge("big", "no", "false")])
    create("deal", fields={"name": "Acme", "amount": 500})
    drain(clock)
    run = only_run(workflow)
    auth.login("vic")
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert page.count('data-taken="true"') == 2 and marks(page)["no"] == "not_reached"
    assert 'data-live="false"' in page and "<h2>Timeline</h2>" in page
    fragment = client.get(f"/runs/{run.id}/live").get_data(as_text=True)
    assert marks(fragment) == marks(page) and "<html" not in fragment and 'data-steps="3"' in fragment


def test_cancel_is_for_editors_and_refusals_are_flashed(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"), node("wait", "delay", duration="PT1H"), chain=True)
    create("deal", fields={"name": "Acme"})
    drain(clock)
    run = only_run(workflow)
    auth.login("vic")
    assert ">Cancel</button>" not in client.get(f"/runs/{run.id}").get_data(as_text=True)
    token = auth.csrf_token(f"/runs/{run.id}")
    assert client.post(f"/runs/{run.id}/cancel", data={"csrf_token": token}).status_code == 403
    auth.login("eddie")
    assert ">Cancel</button>" in client.get(f"/runs/{run.id}").get_data(as_text=True)
    token = auth.csrf_token(f"/runs/{run.id}")
    assert client.post(f"/runs/{run.id}/cancel", data={}).status_code == 400  # no CSRF token
    page = client.post(f"/runs/{run.id}/cancel", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "The run was cancelled." in page and marks(page)["wait"] == "cancelled" and "cancelled by eddie" in page
    page = client.post(f"/runs/{run.id}/retry", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "only a failed run can be retried" in page
    assert client.post(f"/runs/{run.id}/explode", data={"csrf_token": token}).status_code == 404
    assert client.get("/runs/9999").status_code == 404


def test_runs_list_pages_and_filters_by_record(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"), node("tag", "update_record", add_tags=["x"]), chain=True)
    deals = [create("deal", fields={"name": f"Deal {i}"}) for i in range(27)]
    drain(clock)
    auth.login("vic")
    first = client.get(f"/workflows/{workflow.id}/runs?status=completed").get_data(as_text=True)
    assert first.count("<tr data-run-id=") == 25 and "27 runs · page 1 of 2" in first
    assert f'href="/workflows/{workflow.id}/runs?page=2&amp;status=completed"' in first
    second = client.get(f"/workflows/{workflow.id}/runs?page=2&status=completed").get_data(as_text=True)
    assert second.count("<tr data-run-id=") == 2 and 'rel="prev"' in second and 'rel="next"' not in second
    one = client.get(f"/workflows/{workflow.id}/runs?record={deals[3].id}").get_data(as_text=True)
    assert one.count("<tr data-run-id=") == 1 and "1 runs" in one
    today = (clock.now()).date().isoformat()
    dated = client.get(f"/workflows/{workflow.id}/runs?from={today}&to={today}").get_data(as_text=True)
    assert "27 runs" in dated
    assert "0 runs" in client.get(f"/workflows/{workflow.id}/runs?to=2000-01-01").get_data(as_text=True)
    assert client.get("/workflows/999/runs").status_code == 404


def test_a_node_waiting_on_a_task_says_which_task(app, clock, client, auth):
    workflow = publish(trigger("record_created", "deal"),
                       node("ask", "human_task", title="Approve {{ record.fields.name }}", outcomes=["approved"],
                            assignee={"user": "ada"}, due="P2D"), chain=True)
    create("deal", fields={"name": "Acme"})
    drain(clock)
    run = only_run(workflow)
    auth.login("vic")
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert marks(page)["ask"] == "waiting"
    # No 'timeout' branch is wired, so the task has no wake time: the run waits for ada alone.
    assert "waiting for ada to decide: Approve Acme" in page and "Goes on at" not in page
