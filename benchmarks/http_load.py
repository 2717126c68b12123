"""HTTP load: `POST /api/events` from a small threaded client of ours (loopback only, a bounded number of events
and a time limit) against the scale-out shape (gunicorn with `FLOWDESK_EMBEDDED_ENGINE=0` and 2 `flowdesk worker`
processes on a fresh PostgreSQL database), and against the embedded mode (`flowdesk run`, one process, on SQLite
and on PostgreSQL) as the reference. Each event creates a deal that starts one run of trigger → condition →
update_record. Sustained events/s and the request latency are the sending phase's; end-to-end runs/s counts from
the first request to the last run completed. After each load run every event must have become exactly one
completed run (checked in the database); a run that is lost, doubled or unfinished fails the benchmark.
One load run per shape (bounded to about 2 minutes in all), so the figures move with the machine's load."""
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.setup import bench_app, pg_url

EVENTS = 2000
CLIENTS = 8
SEND_LIMIT_SECONDS = 20  # the client stops sending after this long, whatever is left
FINISH_LIMIT_SECONDS = 30  # the runs of accepted events must all be completed this long after the last answer
WORKERS = 2
# Threads, because a request mostly waits for PostgreSQL's commit: 2 processes x 4 threads answered about twice
# the events/s of 2 sync workers here, and 4 sync workers fewer (2 cores).
GUNICORN = ["--workers", "2", "--threads", "4"]
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(url: str) -> str:
    """Object types, the editor eddie and the published workflow; returns a bearer token made by the CLI."""
    from tests.engine.flows import node, publish, trigger

    with bench_app(url).app_context():
        publish(trigger("record_created", "deal"),
                node("big", "condition", match="all", rules=[{"field": "amount", "op": "gt", "value": 100}]),
                node("tag", "update_record", add_tags=["big"]), chain=True)
    return _token(url)


def _prepare_token(url: str) -> str:
    """Object types and the editor eddie on a fresh database `url`; returns a bearer token for eddie."""
    bench_app(url)
    return _token(url)


def _token(url: str) -> str:
    made = subprocess.run([BIN / "flowdesk", "tokens", "create", "eddie", "--label", "http-load"], env=_env(url),
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return made.stdout.strip().splitlines()[-1]


def _env(url: str, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench",
            "FLOWDESK_INSTANCE": os.environ["FLOWDESK_INSTANCE"], **extra}


def _start(command: list, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def _stop(processes: list) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _health(port: int, workers: int, processes: list, timeout: float = 60) -> None:
    """Wait until the server answers /api/health with `workers` live workers (0: just answering)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"a process exited early; see the logs in {os.environ['FLOWDESK_INSTANCE']}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/health")
            health = json.loads(connection.getresponse().read())
            if health.get("status") == "ok" and sum(w["alive"] for w in health["workers"]) >= workers:
                return
        except (OSError, ValueError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no healthy server on port {port} with {workers} workers within {timeout} s")


def _drive(port: int, token: str, count: int) -> dict:
    """POST `count` events from CLIENTS threads; returns the latencies of accepted events, errors and times."""
    latencies, errors, lock = [], [], threading.Lock()
    remaining = iter(range(count))
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client():
        while time.perf_counter() - started < SEND_LIMIT_SECONDS:
            with lock:
                i = next(remaining, None)
            if i is None:
                return
            body = json.dumps({"object": "deal", "event": "created",
                               "record": {"external_id": f"load-{i}", "name": f"deal {i}", "amount": 500}})
            sent = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("POST", "/api/events", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                ok = response.status == 200
            except (OSError, http.client.HTTPException) as exc:
                ok, response = False, exc
            with lock:
                (latencies if ok else errors).append(time.perf_counter() - sent if ok else response)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": sorted(latencies), "errors": errors, "started": started,
            "sent": time.perf_counter() - started}


def _completed(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM runs WHERE status = 'completed'")).scalar_one()


def _check(engine, accepted: int) -> None:
    """Every accepted event made one deal and exactly one run of it, completed: nothing lost or doubled."""
    with engine.connect() as connection:
        deals = connection.execute(text("SELECT count(*) FROM records WHERE object = 'deal' "
                                        "AND external_id LIKE 'load-%'")).scalar_one()
        runs, records, completed, tagged = connection.execute(text(
            "SELECT count(*), count(DISTINCT record_id), count(*) FILTER (WHERE status = 'completed'), "
            "(SELECT count(*) FROM steps WHERE node_id = 'tag' AND status = 'done') FROM runs")).one()
    found = {"deals": deals, "runs": runs, "records with a run": records, "completed": completed,
             "tag steps": tagged}
    if set(found.values()) != {accepted}:
        raise AssertionError(f"{accepted} events accepted, but {found}")


def load_run(shape: str, url: str) -> dict:
    """One load run against `shape` ("scale-out" or "embedded") on a fresh database `url`."""
    token = _prepare(url)
    port = _free_port()
    logs = Path(tempfile.mkdtemp(prefix=f"{shape}-", dir=os.environ["FLOWDESK_INSTANCE"]))
    if shape == "scale-out":
        env = _env(url, FLOWDESK_EMBEDDED_ENGINE="0")
        processes = [_start([BIN / "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{port}", "wsgi:app"], env,
                            logs / "gunicorn.log")]
        processes += [_start([BIN / "flowdesk", "worker"], env, logs / f"worker{i}.log") for i in range(WORKERS)]
        workers = WORKERS
    else:
        env = _env(url, FLOWDESK_EMBEDDED_ENGINE="1")
        processes = [_start([BIN / "flowdesk", "run", "--port", str(port)], env, logs / "embedded.log")]
        workers = 1
    engine = create_engine(url, pool_size=1)
    try:
        _health(port, workers, processes)
        sent = _drive(port, token, EVENTS)
        accepted = len(sent["latencies"])
        deadline = time.monotonic() + FINISH_LIMIT_SECONDS
        while (done := _completed(engine)) < accepted and time.monotonic() < deadline:
            time.sleep(0.05)
        finished = time.perf_counter() - sent["started"]
        _check(engine, accepted)
    finally:
        _stop(processes)
        engine.dispose()
    latencies = sent["latencies"]
    return {"accepted": accepted, "errors": len(sent["errors"]), "events_s": accepted / sent["sent"],
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "runs_s": done / finished}


def run() -> list[dict]:
    os.environ.setdefault("FLOWDESK_INSTANCE", tempfile.mkdtemp(prefix="flowdesk-bench-"))
    if pg_url() is None:
        return [{"benchmark": "HTTP load", "measure": "skipped", "value": "no PostgreSQL server", "reference": "",
                 "bar": ""}]
    ours = load_run("scale-out", pg_url())
    sqlite = load_run("embedded", f"sqlite:///{tempfile.mkdtemp(prefix='flowdesk-bench-')}/load.db")
    pg = load_run("embedded", pg_url())
    shape = f"gunicorn ({' '.join(GUNICORN)}) + {WORKERS} `flowdesk worker`, PostgreSQL"
    embedded = "embedded `flowdesk run`: {} on SQLite, {} on PostgreSQL".format
    return [
        {"benchmark": f"HTTP load, POST /api/events, {shape}", "measure": "sustained events/s",
         "value": f"{ours['events_s']:.0f} ({ours['accepted']} of {EVENTS} accepted, {ours['errors']} errors, "
                  f"{CLIENTS} clients)",
         "reference": embedded(f"{sqlite['events_s']:.0f}", f"{pg['events_s']:.0f}"), "bar": ""},
        {"benchmark": f"HTTP load, POST /api/events, {shape}", "measure": "request latency p50 / p99",
         "value": f"{ours['p50_ms']:.0f} ms / {ours['p99_ms']:.0f} ms",
         "reference": embedded(f"{sqlite['p50_ms']:.0f} / {sqlite['p99_ms']:.0f} ms",
                               f"{pg['p50_ms']:.0f} / {pg['p99_ms']:.0f} ms"), "bar": ""},
        {"benchmark": f"HTTP load, end to end (events accepted → runs completed), {shape}",
         "measure": "runs/s; every event exactly one completed run", "value": f"{ours['runs_s']:.0f}",
         "reference": embedded(f"{sqlite['runs_s']:.0f}", f"{pg['runs_s']:.0f}"),
         "bar": f">= embedded mode: {_met(ours, sqlite)} vs SQLite, {_met(ours, pg)} vs PostgreSQL"},
    ]


def _met(ours: dict, reference: dict) -> str:
    return "met" if ours["runs_s"] >= reference["runs_s"] else "NOT met"


if __name__ == "__main__":
    for row in run():
        print(row)
