"""HTTP requests per second of the embedded server (`flowdesk run`: cheroot, web and engine in one process) on
a fresh SQLite database, from 4 client threads of ours on loopback, each on its own keep-alive connection.
Three doors, each for a fixed time: `GET /api/health` (no sign-in; the reference: the server's floor),
a bearer-token `GET /api/records/contact/<id>`, and a bearer-token `POST /api/records/contact` (each creates
a contact and its `created` event, which the engine in the same process consumes). Every answer must be
the expected status; any other fails the benchmark. Figures move with the machine's load (see the load
average, read just before each door); the requests per CPU second of the server process (from
/proc/<pid>/stat, engine included) move less, and show what the same server would answer on a core of its own.
How a bar is judged: requests/s at or above it with the machine otherwise idle (load average below about 1);
on a busy machine, requests per CPU second at or above it say the same server meets it given one core of its
own (web and engine share one process, so it is bound by about one core either way).

What keeps a request cheap: cheroot answers each request in the worker thread that read it (waitress handed
every request from its socket loop to a worker and back: a fifth to a quarter of the CPU of a request);
`GET` reads the record with one Core query rather than an ORM object with its owner joined; argument schemas
are made once rather than per request. Per request the server still runs, in process: the bearer token's user
(one query, an ORM user, for Flask-Login), the session and connection, and the marshmallow and JSON answer.

Then runs/s end to end (first request to last run completed) of RUNS new contacts, each starting one run of a
3-node workflow (trigger → condition → update_record), sent by the same 4 clients one contact a request and, on
another fresh database, in batches of BATCH (one list body a request, answered 207). Every contact must have
become exactly one completed run."""
import http.client
import json
import os
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.http_load import _completed, _env, _free_port, _health, _prepare_token, _start, _stop, _token, BIN
from benchmarks.setup import bench_app

CLIENTS = 4
SECONDS = 6
BARS = {"GET": 600, "POST": 400}
RUNS, BATCH = 2000, 100
RUN_BARS = {1: 250, BATCH: 2000}
FINISH_LIMIT_SECONDS = 60  # the runs must all be completed this long after the first request


def _in_clients(client) -> None:
    """Run `client(slot)` in CLIENTS threads at once and wait for them all."""
    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _drive(port: int, method: str, path, body, headers: dict, expect: int) -> tuple:
    """Requests answered with `expect` by CLIENTS threads in about SECONDS, and the seconds taken; `path`
    and `body` are functions of the request's number."""
    counts, failures, lock = [0] * CLIENTS, [], threading.Lock()
    started = time.perf_counter()

    def client(slot):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = slot
        while time.perf_counter() - started < SECONDS:
            connection.request(method, path(i), body=body(i), headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != expect:
                with lock:
                    failures.append(response.status)
                return
            counts[slot] += 1
            i += CLIENTS
        connection.close()

    _in_clients(client)
    if failures:
        raise AssertionError(f"{method} answered {failures[0]}, expected {expect}")
    return sum(counts), time.perf_counter() - started


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure() -> dict:
    url = f"sqlite:///{tempfile.mkdtemp(prefix='flowdesk-bench-')}/requests.db"
    token = _prepare_token(url)
    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix="requests-", dir=os.environ["FLOWDESK_INSTANCE"])) / "embedded.log"
    processes = [_start([BIN / "flowdesk", "run", "--port", str(port)], _env(url, FLOWDESK_EMBEDDED_ENGINE="1"), log)]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    found = {}
    try:
        _health(port, 1, processes)
        created = http.client.HTTPConnection("127.0.0.1", port)
        created.request("POST", "/api/records/contact", body=json.dumps({"fields": {"name": "Reader"}}), headers=auth)
        record = json.loads(created.getresponse().read())["id"]
        doors = {
            "health": ("GET", lambda i: "/api/health", lambda i: None, {}, 200),
            "GET": ("GET", lambda i: f"/api/records/contact/{record}", lambda i: None, auth, 200),
            "POST": ("POST", lambda i: "/api/records/contact",
                     lambda i: json.dumps({"fields": {"name": f"Contact {i}", "email": f"c{i}@example.com"}}),
                     auth, 201),
        }
        for name, (method, path, body, headers, expect) in doors.items():
            load, cpu = os.getloadavg()[0], _cpu_seconds(processes[0].pid)
            count, seconds = _drive(port, method, path, body, headers, expect)
            found[name] = (count / seconds, load, count / (_cpu_seconds(processes[0].pid) - cpu))
    finally:
        _stop(processes)
    if "Running on" in log.read_text() or "development server" in log.read_text():
        raise AssertionError("flowdesk run served through a development server")
    return found


def _prepare_workflow(url: str) -> str:
    """Object types, eddie and a published 3-node workflow on new contacts; returns eddie's bearer token."""
    from tests.engine.flows import node, publish, trigger

    with bench_app(url).app_context():
        publish(trigger("record_created", "contact"),
                node("known", "condition", match="all", rules=[{"field": "email", "op": "contains", "value": "@"}]),
                node("tag", "update_record", add_tags=["known"]), chain=True)
    return _token(url)


def _send_contacts(port: int, token: str, batch: int) -> None:
    """RUNS new contacts from CLIENTS threads, `batch` to a request (1: one object a request)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    failures = []

    def client(slot):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in range(slot, RUNS // batch, CLIENTS):
            items = [{"fields": {"name": f"Contact {n}.{i}", "email": f"c{n}.{i}@example.com"}} for i in range(batch)]
            connection.request("POST", "/api/records/contact", body=json.dumps(items if batch > 1 else items[0]),
                               headers=headers)
            response = connection.getresponse()
            answer = json.loads(response.read())
            statuses = [item["status"] for item in answer["results"]] if batch > 1 else [201]
            if response.status != (207 if batch > 1 else 201) or statuses != [201] * batch:
                failures.append((response.status, answer))
                return
        connection.close()

    _in_clients(client)
    if failures:
        raise AssertionError(f"a request of {batch} contact(s) was answered {failures[0]}")


def _check_runs(engine) -> None:
    """Every contact sent made exactly one run, completed, that tagged it: nothing lost or doubled."""
    with engine.connect() as connection:
        contacts, runs, records, completed, tagged = connection.execute(text(
            "SELECT (SELECT count(*) FROM records WHERE object = 'contact'), count(*), count(DISTINCT record_id), "
            "count(*) FILTER (WHERE status = 'completed'), "
            "(SELECT count(*) FROM steps WHERE node_id = 'tag' AND status = 'done') FROM runs")).one()
    found = {"contacts": contacts, "runs": runs, "records with a run": records, "completed": completed,
             "tag steps": tagged}
    if set(found.values()) != {RUNS}:
        raise AssertionError(f"{RUNS} contacts sent, but {found}")


def runs_per_second(batch: int) -> tuple[float, float]:
    """Runs/s end to end of RUNS contacts sent `batch` to a request, on a fresh database; and the load average
    read just before."""
    url = f"sqlite:///{tempfile.mkdtemp(prefix='flowdesk-bench-')}/runs.db"
    token = _prepare_workflow(url)
    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix=f"runs-{batch}-", dir=os.environ["FLOWDESK_INSTANCE"])) / "embedded.log"
    processes = [_start([BIN / "flowdesk", "run", "--port", str(port)], _env(url, FLOWDESK_EMBEDDED_ENGINE="1"), log)]
    engine = create_engine(url, pool_size=1)
    try:
        _health(port, 1, processes)
        load, started = os.getloadavg()[0], time.perf_counter()
        _send_contacts(port, token, batch)
        deadline = time.monotonic() + FINISH_LIMIT_SECONDS
        while _completed(engine) < RUNS and time.monotonic() < deadline:
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        _check_runs(engine)
    finally:
        _stop(processes)
        engine.dispose()
    return RUNS / seconds, load


def run() -> list[dict]:
    os.environ.setdefault("FLOWDESK_INSTANCE", tempfile.mkdtemp(prefix="flowdesk-bench-"))
    found = measure()
    health, health_load, health_cpu = found["health"]
    rows = []
    for name, door in (("GET", "bearer-token GET /api/records/contact/<id>"),
                       ("POST", "bearer-token POST /api/records/contact (a new contact each)")):
        rate, load, per_cpu = found[name]
        rows.append({"benchmark": f"HTTP requests, {door}, embedded `flowdesk run` (cheroot), SQLite",
                     "measure": f"requests/s, {CLIENTS} keep-alive clients (load average {load:.1f}); "
                                "per server CPU second",
                     "value": f"{rate:.0f}; {per_cpu:.0f}",
                     "reference": f"GET /api/health: {health:.0f}/s (load average {health_load:.1f}); "
                                  f"{health_cpu:.0f} per CPU second; ratio {rate / health:.2f}",
                     "bar": f">= {BARS[name]}/s: {'met' if rate >= BARS[name] else 'NOT met'}"})
    rates = {batch: runs_per_second(batch) for batch in RUN_BARS}
    single = rates[1][0]
    for batch, door in ((1, "one contact a request"), (BATCH, f"batches of {BATCH} contacts a request (207)")):
        rate, load = rates[batch]
        rows.append({"benchmark": f"HTTP end to end, POST /api/records/contact, {door}, each starting a 3-node "
                                  "workflow, embedded `flowdesk run` (cheroot), SQLite",
                     "measure": f"runs/s, first request to last run completed, {RUNS} contacts, {CLIENTS} "
                                f"keep-alive clients (load average {load:.1f}); every contact one completed run",
                     "value": f"{rate:.0f}",
                     "reference": "the same run's single requests" + (f": {single:.0f}/s; ratio {rate / single:.1f}"
                                                                        if batch != 1 else " (this row)"),
                     "bar": f">= {RUN_BARS[batch]} runs/s: {'met' if rate >= RUN_BARS[batch] else 'NOT met'}"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
