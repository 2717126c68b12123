"""HTTP requests per second of the embedded server (`flowdesk run`: waitress, web and engine in one process) on
a fresh SQLite database, from 4 client threads of ours on loopback, each on its own keep-alive connection.
Three doors, each for a fixed time: `GET /api/health` (no sign-in; the reference: the server's floor),
a bearer-token `GET /api/records/contact/<id>`, and a bearer-token `POST /api/records/contact` (each creates
a contact and its `created` event, which the engine in the same process consumes). Every answer must be
the expected status; any other fails the benchmark. Figures move with the machine's load (see the load
average, read just before each door); the requests per CPU second of the server process (from
/proc/<pid>/stat, engine included) move less, and show what the same server would answer on a core of its own."""
import http.client
import json
import os
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.http_load import _env, _free_port, _health, _prepare_token, _start, _stop, BIN

CLIENTS = 4
SECONDS = 6
BARS = {"GET": 600, "POST": 400}


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

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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


def run() -> list[dict]:
    os.environ.setdefault("FLOWDESK_INSTANCE", tempfile.mkdtemp(prefix="flowdesk-bench-"))
    found = measure()
    health, health_load, health_cpu = found["health"]
    rows = []
    for name, door in (("GET", "bearer-token GET /api/records/contact/<id>"),
                       ("POST", "bearer-token POST /api/records/contact (a new contact each)")):
        rate, load, per_cpu = found[name]
        rows.append({"benchmark": f"HTTP requests, {door}, embedded `flowdesk run` (waitress), SQLite",
                     "measure": f"requests/s, {CLIENTS} keep-alive clients (load average {load:.1f}); "
                                "per server CPU second",
                     "value": f"{rate:.0f}; {per_cpu:.0f}",
                     "reference": f"GET /api/health: {health:.0f}/s (load average {health_load:.1f}); "
                                  f"{health_cpu:.0f} per CPU second; ratio {rate / health:.2f}",
                     "bar": f">= {BARS[name]}/s: {'met' if rate >= BARS[name] else 'NOT met'}"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
