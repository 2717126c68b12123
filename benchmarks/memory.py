"""Memory: resident size of the embedded server (`flowdesk run`: web, engine and scheduler in one process),
idle and with 10,000 live runs (waiting on a delay, written in bulk by benchmarks/parked.py), read from
/proc/<pid>/status of the server process once it has answered HTTP and run for a while."""
import socket
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks import parked
from benchmarks.setup import bench_app, flowdesk, status_kib

LIVE = 10_000
# After the server first answers: many alarm sweeps (every second) and a time-trigger pass (every 15 s).
SETTLE_SECONDS = 20


def _publish():
    from tests.engine.flows import node, publish, trigger

    publish(trigger("record_created", "deal"), node("wait", "delay", duration="P7D"),
            node("tag", "update_record", add_tags=["woke"]), chain=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def resident(live: int) -> dict:
    """VmRSS and VmHWM (peak) of `flowdesk run` on a fresh SQLite database holding `live` waiting runs."""
    directory = Path(tempfile.mkdtemp(prefix="flowdesk-bench-memory-"))
    url = f"sqlite:///{directory}/memory.db"
    with bench_app(url).app_context():
        _publish()
        if live:
            parked.park(live)
    port = _free_port()
    server = flowdesk("run", "--port", str(port), url=url, log=directory / "server.log")
    try:
        _wait_for_http(f"http://127.0.0.1:{port}/", server)
        time.sleep(SETTLE_SECONDS)
        return {"rss_mib": status_kib(server.pid, "VmRSS") / 1024, "peak_mib": status_kib(server.pid, "VmHWM") / 1024}
    finally:
        server.terminate()
        server.wait(30)


def _wait_for_http(url: str, server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"flowdesk run exited with {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer (a redirect to the login page, a 401) means it is serving
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"flowdesk run did not answer on {url} within {timeout} s")


def run() -> list[dict]:
    idle, busy = resident(0), resident(LIVE)
    return [
        {"benchmark": "memory, embedded server (`flowdesk run`) idle (SQLite)", "measure": "resident (peak)",
         "value": f"{idle['rss_mib']:.0f} MiB ({idle['peak_mib']:.0f} MiB)", "reference": "", "bar": ""},
        {"benchmark": f"memory, embedded server with {LIVE} live (waiting) runs (SQLite)",
         "measure": "resident (peak)", "value": f"{busy['rss_mib']:.0f} MiB ({busy['peak_mib']:.0f} MiB)",
         "reference": f"idle {idle['rss_mib']:.0f} MiB ({round(busy['rss_mib'] - idle['rss_mib'], 1) + 0.0:+.1f} MiB)",
         "bar": "parked runs cost no memory beyond the alarm window (issue #5)"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
