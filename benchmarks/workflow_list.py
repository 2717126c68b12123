"""The workflows list with 500 workflows and 100,000 runs (200 each, a tenth failed, spread over 30 days): the
one query that reads every workflow with its last run and its failures of the last 7 days (engine.workflow_list),
beside the same figures read one workflow at a time (two queries per row, the shape it replaces; it builds no
search text, so it is flattered), and the whole
page `GET /` as a signed-in viewer sees it (rendering, search text and folder sidebar included). Medians of 5,
on SQLite and, where it answers, PostgreSQL. Runs are written in bulk with Core inserts (the list reads them,
it does not care how they were made)."""
import statistics
import time
from datetime import timedelta

from sqlalchemy import func, insert, select

from benchmarks.setup import bench_app, pg_url
from builder.graph import read_graph
from engine import workflow_list
from engine.clock import SYSTEM_CLOCK
from crm.models import ObjectType
from crm.people import create_user
from engine.models import Run
from store import folders, versions
from store.db import db
from store.models import Workflow
from tests.builder.factories import edge, node

WORKFLOWS, RUNS_EACH, FOLDERS = 500, 200, 10
REPEATS = 5
BAR_MS = 500  # the page, whole


def _graph(i: int) -> dict:
    nodes = [node("start", "record_created", object="deal"),
             node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": i}]),
             node("mail", "send_email", to="{{ record.fields.email }}", subject=f"Offer {i}", body="Hello"),
             node("wait", "delay", duration="P1D"), node("task", "create_task", title=f"Call back {i}")]
    edges = [edge("start", "big"), edge("big", "mail", "true"), edge("mail", "wait"), edge("wait", "task")]
    return read_graph({"nodes": nodes, "edges": edges})


def _fill() -> None:
    shelves = [folders.create(f"Folder {n}") for n in range(FOLDERS)]
    objects = {kind.name: kind.spec() for kind in db.session.scalars(select(ObjectType))}
    now = SYSTEM_CLOCK.now()
    for i in range(WORKFLOWS):
        workflow = Workflow(name=f"Workflow {i}", description=f"Nurtures deals over {i}", graph=_graph(i),
                            folder_id=shelves[i % FOLDERS].id if i % 3 else None)
        db.session.add(workflow)
        db.session.flush()
        version, problems = versions.publish(workflow, objects, "bench")
        assert version is not None, problems
        rows = []
        for n in range(RUNS_EACH):
            started = now - timedelta(minutes=n * 216)  # 200 runs over 30 days
            failed = n % 10 == 0
            rows.append({"workflow_id": workflow.id, "version_id": version.id, "version": 1, "record_id": n,
                         "status": "failed" if failed else "completed", "tokens": [], "nodes": {}, "ready": False,
                         "seq": 1, "trigger": {}, "depth": 0, "started_at": started,
                         "finished_at": started + timedelta(seconds=2)})
        db.session.execute(insert(Run), rows)
        db.session.commit()


def _per_row(clock) -> int:
    """The figures one workflow at a time: its last run, then its failures."""
    since = clock.now() - workflow_list.FAILURE_WINDOW
    found = 0
    for workflow in db.session.scalars(select(Workflow)):
        db.session.execute(select(Run.status, Run.started_at).where(Run.workflow_id == workflow.id)
                           .order_by(Run.id.desc()).limit(1)).first()
        found += db.session.scalar(select(func.count(Run.id)).where(
            Run.workflow_id == workflow.id, Run.status == "failed", Run.finished_at >= since))
    return found


def _median_ms(work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def _measure(url: str, label: str) -> list[dict]:
    app = bench_app(url)
    with app.app_context():
        _fill()
        one_ms, rows = _median_ms(lambda: workflow_list.rows(SYSTEM_CLOCK))
        each_ms, failures = _median_ms(lambda: _per_row(SYSTEM_CLOCK))
        assert len(rows) == WORKFLOWS and sum(row["failures_7d"] for row in rows) == failures
        create_user("vic", "viewer", "benchmark-pw")
        db.session.commit()
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"username": "vic", "password": "benchmark-pw", "csrf_token": token})
    page_ms, page = _median_ms(lambda: client.get("/"))
    assert page.status_code == 200 and page.get_data(as_text=True).count("data-workflow-id=") == WORKFLOWS
    what = f"workflows list, {WORKFLOWS} workflows, {WORKFLOWS * RUNS_EACH} runs, {label}"
    return [{"benchmark": what, "measure": "every row with last run + failures (7 days): one query, search text built (median of 5)",
             "value": f"{one_ms:.0f} ms", "reference": f"one workflow at a time ({2 * WORKFLOWS} queries): "
                                                         f"{each_ms:.0f} ms", "bar": ""},
            {"benchmark": what, "measure": "GET / as a viewer, whole page (median of 5)", "value": f"{page_ms:.0f} ms",
             "reference": f"of which the query: {one_ms:.0f} ms",
             "bar": f"< {BAR_MS} ms: {'met' if page_ms < BAR_MS else 'NOT met'}"}]


def run() -> list[dict]:
    import tempfile

    rows = _measure(f"sqlite:///{tempfile.mkdtemp(prefix='flowdesk-bench-')}/list.db", "SQLite")
    url = pg_url()
    return rows + (_measure(url, "PostgreSQL") if url else [])
