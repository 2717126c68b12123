"""`flowdesk run` as a person starts it: one process serving the API with the engine, through a production
server (no development-server warning), stopped cleanly by SIGTERM."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOWDESK = Path(sys.executable).parent / "flowdesk"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health(port: int) -> dict | None:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/api/health")
        response = connection.getresponse()
        return {"status": response.status, "server": response.getheader("Server"),
                "body": json.loads(response.read())}
    except (OSError, ValueError, http.client.HTTPException):
        return None


@pytest.fixture
def served(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "FLOWDESK_INSTANCE": str(tmp_path),
           "SECRET_KEY": "serve-test", "FLOWDESK_EMBEDDED_ENGINE": "1"}
    subprocess.run([FLOWDESK, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    port, log = free_port(), tmp_path / "run.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([FLOWDESK, "run", "--port", str(port)], env=env, cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        yield process, port, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_until_healthy(process, port: int, log: Path) -> dict:
    deadline = time.monotonic() + 60
    while (answer := health(port)) is None or not any(w["alive"] for w in answer["body"]["workers"]):
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"no healthy server with its engine; log:\n{log.read_text()}"
        time.sleep(0.2)
    return answer


def test_flowdesk_run_serves_the_api_and_engine_through_a_production_server_and_stops_on_sigterm(served):
    process, port, log = served
    answer = wait_until_healthy(process, port, log)
    assert answer["status"] == 200 and answer["server"] == "Flowdesk"
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    output = log.read_text()
    assert f"http://127.0.0.1:{port}/ (with the engine)" in output
    assert "development server" not in output and "Traceback" not in output


def test_a_client_that_sends_a_too_large_body_whole_reads_the_413_error_not_a_broken_connection(served):
    process, port, log = served
    wait_until_healthy(process, port, log)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    # http.client writes the whole body before it reads the answer, as most scripts' clients do.
    connection.request("POST", "/api/records/contact", body=b'{"fields": {"name": "' + b"x" * (5 << 20) + b'"}}',
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "too_large"
    assert health(port)["status"] == 200
