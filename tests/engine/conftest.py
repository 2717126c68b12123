"""Real network peers for engine tests, each in a thread on a free port of 127.0.0.1.

- ``smtp_server``: an aiosmtpd server; ``.url`` (``smtp://127.0.0.1:PORT``), ``.messages`` (the
  ``email.message.EmailMessage`` objects received), ``.envelopes``, and knobs to make it refuse.
- ``http_endpoint``: an ``http.server``; ``.url`` (``http://127.0.0.1:PORT``), ``.requests`` (method, path,
  headers, json, body), ``.status`` / ``.queue(...)`` to choose its answers, ``.delay`` to make it slow.
- ``make_smtp_server`` / ``make_http_endpoint``: factories for more of them, or TLS ones (``tls_cert``).
"""
import asyncio
import email
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(items: list, count: int, timeout: float) -> list:
    deadline = time.monotonic() + timeout
    while len(items) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(items) >= count, f"expected {count} deliveries within {timeout}s, got {len(items)}"
    return list(items)


class SmtpServer:
    """An SMTP server that keeps what it receives.

    Knobs: ``reply`` answers DATA with that line instead of accepting (``"451 4.3.0 Try again later"``);
    ``refuse`` maps recipient addresses to the RCPT answer that refuses them; ``users`` maps user names
    to the passwords that AUTH accepts (AUTH is optional; ``logins`` lists who signed in); ``delay`` keeps
    the message, then waits that many seconds before answering the end of its data (a slow final reply).
    """

    def __init__(self, **controller_options):
        self.messages, self.envelopes, self.logins = [], [], []
        self.reply, self.refuse, self.users, self.delay = None, {}, {}, 0
        scheme = "smtps" if "ssl_context" in controller_options else "smtp"
        for attempt in range(3):  # the free port may be taken between asking and binding
            port = free_port()
            self._controller = Controller(self, hostname="127.0.0.1", port=port, authenticator=self._authenticate,
                                          auth_require_tls=False, **controller_options)
            try:
                self._controller.start()
                break
            except Exception:  # noqa: BLE001 - aiosmtpd reports a busy port in several ways
                if attempt == 2:
                    raise
        self.url = f"{scheme}://127.0.0.1:{port}"
        self.port = port

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        self.envelopes.append(SimpleNamespace(mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        login, password = auth_data.login.decode(), auth_data.password.decode()
        accepted = self.users.get(login) == password
        if accepted:
            self.logins.append(login)
        return AuthResult(success=accepted, handled=False)

    def wait_for(self, count: int = 1, timeout: float = 5) -> list:
        """The messages received, once there are at least `count` of them."""
        return _wait_for(self.messages, count, timeout)

    def stop(self) -> None:
        self._controller.stop()


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: email.message.Message  # case-insensitive: headers["idempotency-key"]
    json: object  # the parsed body, or None when it is not JSON
    body: bytes


class HttpEndpoint:
    """An HTTP server that records every request and answers as told.

    It answers ``status`` with ``body`` (JSON text) unless replies were queued with :meth:`queue`;
    ``delay`` seconds pass before each answer.
    """

    def __init__(self, tls_context=None):
        self.requests = []
        self.status, self.body, self.delay = 200, '{"ok": true}', 0
        self._replies = deque()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.endpoint = self
        if tls_context is not None:
            self._server.socket = tls_context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self.url = f"{'https' if tls_context else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def queue(self, *replies) -> None:
        """Answer the next requests with these, in order: a status, or ``(status, headers)``."""
        self._replies.extend(r if isinstance(r, tuple) else (r, {}) for r in replies)

    def next_reply(self) -> tuple:
        try:
            return self._replies.popleft()
        except IndexError:
            return self.status, {}

    def wait_for(self, count: int = 1, timeout: float = 5) -> list:
        """The requests received, once there are at least `count` of them."""
        return _wait_for(self.requests, count, timeout)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self):
        endpoint = self.server.endpoint
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        endpoint.requests.append(ReceivedRequest(self.command, self.path, self.headers, parsed, body))
        time.sleep(endpoint.delay)
        status, headers = endpoint.next_reply()
        answer = endpoint.body.encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    def log_message(self, format, *args):  # keep test output quiet
        pass


@pytest.fixture
def make_smtp_server():
    servers = []

    def make(**controller_options) -> SmtpServer:
        servers.append(SmtpServer(**controller_options))
        return servers[-1]

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def smtp_server(make_smtp_server) -> SmtpServer:
    return make_smtp_server()


@pytest.fixture
def make_http_endpoint():
    endpoints = []

    def make(tls_context=None) -> HttpEndpoint:
        endpoints.append(HttpEndpoint(tls_context))
        return endpoints[-1]

    yield make
    for endpoint in endpoints:
        endpoint.stop()


@pytest.fixture
def http_endpoint(make_http_endpoint) -> HttpEndpoint:
    return make_http_endpoint()


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory):
    """A self-signed certificate for the name ``localhost`` only (not for 127.0.0.1), made with openssl.

    ``.server_context()`` serves it; ``.cafile`` is the file a client must trust (e.g. via SSL_CERT_FILE).
    """
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)

    def server_context() -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        return context

    return SimpleNamespace(cafile=str(cert), server_context=server_context)
