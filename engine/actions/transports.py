"""Outbound delivery of one outbox message: the failure every transport raises, and JSON over HTTP (email over
SMTP is in :mod:`engine.actions.smtp`).

The message's unique id reaches the receiver (HTTP ``Idempotency-Key: id``, SMTP ``Message-ID: <id@flowdesk>``)
so a redelivery after a crash can be recognised. Every failure raises :class:`DeliveryError`, whose
``retryable`` tells the outbox sender whether trying again later may help, and whose ``unknown`` says the
receiver may have taken the message anyway (SMTP: the end of the data went out, no answer came back), so it
must not be sent again blindly.
"""
import base64
import http.client
import json
import socket
import ssl
import threading
import time
from urllib.parse import quote, unquote, urljoin, urlsplit

from engine.actions import netguard

MAX_REDIRECTS = 3
MAX_RESPONSE_BYTES = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_RETRYABLE_4XX = {408, 425, 429}
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
# Headers the transport sets itself; a caller's own values for them are dropped.
_OWN_HEADERS = {"host", "idempotency-key", "content-length", "transfer-encoding"}
_CREDENTIAL_HEADERS = {"authorization", "cookie", "proxy-authorization"}
_URL_SAFE = "/%:@!$&'()*+,;=?~-._"


class DeliveryError(Exception):
    """A message could not be delivered; `retryable` is True when a later attempt may succeed, `unknown` when
    it may have been delivered after all (never retryable)."""

    def __init__(self, message: str, retryable: bool, unknown: bool = False):
        super().__init__(message)
        self.retryable, self.unknown = retryable and not unknown, unknown


class BlockedTarget(DeliveryError):
    """A webhook target refused by the network policy (netguard); never retryable."""

    def __init__(self, message: str):
        super().__init__(message, retryable=False)


def post_json(url, payload, *, message_id, headers=None, method="POST", timeout=10,
              allow_private=False) -> tuple:
    """Send `payload` as JSON and return ``(status, body_text)`` of the final 2xx response.

    Up to three redirects are followed, each target checked again. Unless `allow_private`, a URL whose host
    resolves to a loopback, private, link-local or otherwise non-public address raises :class:`BlockedTarget`
    before any connection is made. 5xx, 408, 425, 429 and network failures are retryable, other answers not.
    `timeout` (seconds) bounds the whole call, redirects included, so a target that answers a byte at a time
    cannot hold the sender (nor outlive its lease); once the status has arrived, a body cut off at the
    deadline is kept as far as it came, since the target has already acted on the request.
    """
    if not isinstance(method, str) or method.upper() not in _METHODS:
        raise DeliveryError(f"unsupported HTTP method {method!r}", retryable=False)
    method = method.upper()
    try:
        body = None if payload is None or method in ("GET", "HEAD") else json.dumps(payload, default=str).encode()
    except ValueError as exc:
        raise DeliveryError(f"the payload cannot be sent as JSON: {exc}", retryable=False) from exc
    sent = {str(k): str(v) for k, v in (headers or {}).items() if str(k).lower() not in _OWN_HEADERS}
    sent["Idempotency-Key"] = message_id
    if body is not None and not _has(sent, "Content-Type"):
        sent["Content-Type"] = "application/json"
    if not _has(sent, "User-Agent"):
        sent["User-Agent"] = "Flowdesk"
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        status, location, text = _request(url, method, body, sent, deadline, allow_private)
        if status not in _REDIRECTS or not location:
            if 200 <= status < 300:
                return status, text
            raise DeliveryError(f"{_safe(url)} answered {status}: {text[:200]}",
                                retryable=status >= 500 or status in _RETRYABLE_4XX)
        target = urljoin(url, location)
        if _host(target) != _host(url):
            sent = {k: v for k, v in sent.items() if k.lower() not in _CREDENTIAL_HEADERS}
        if status == 303 or (status in (301, 302) and method == "POST"):
            method, body = ("HEAD" if method == "HEAD" else "GET"), None
            sent = {k: v for k, v in sent.items() if k.lower() != "content-type"}
        url = target
    raise DeliveryError(f"more than {MAX_REDIRECTS} redirects (the last to {_safe(url)})", retryable=False)


def _request(url, method, body, headers, deadline, allow_private) -> tuple:
    """One request to a checked, pinned address, over by `deadline` (time.monotonic()): (status, Location header,
    body text)."""
    try:
        target = urlsplit(url)
        host, port = target.hostname, target.port or (443 if target.scheme == "https" else 80)
        name = f"[{host}]" if ":" in (host or "") else (host or "").encode("idna").decode("ascii")
    except ValueError as exc:  # a bracket left open, a port out of range, a name IDNA cannot encode
        raise DeliveryError(f"{_safe(url)} is not a valid URL", retryable=False) from exc
    if target.scheme not in ("http", "https"):
        raise BlockedTarget(f"only http and https URLs may be called, not {_safe(url)}")
    if not host:
        raise DeliveryError(f"{_safe(url)} names no host", retryable=False)
    try:
        addresses = netguard.resolve(host, port)
    except OSError as exc:
        raise DeliveryError(f"cannot resolve {host}: {exc}", retryable=True) from exc
    for address in [] if allow_private else addresses:
        reason = netguard.blocked_reason(address)
        if reason:
            raise BlockedTarget(f"{host} resolves to {address}, a {reason} address; webhooks may only call "
                                "public hosts (an admin can allow private ones with WEBHOOK_ALLOW_PRIVATE)")
    headers = {**headers, "Host": name if target.port is None else f"{name}:{port}"}
    if target.username:
        credentials = f"{unquote(target.username)}:{unquote(target.password or '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode()
    # Spaces or non-ASCII text rendered into a URL template are sent percent-encoded, as a browser would.
    path = quote(target.path or "/", safe=_URL_SAFE)
    if target.query:
        path += "?" + quote(target.query, safe=_URL_SAFE)
    expired = threading.Event()
    try:
        connection = _connect(target.scheme, host, port, addresses, deadline)
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut, (connection, expired))
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            try:
                text = response.read(MAX_RESPONSE_BYTES)
            except (OSError, http.client.HTTPException) as exc:  # the target acted already: keep its status
                text = getattr(exc, "partial", b"")
            return response.status, response.getheader("Location"), text.decode("utf-8", errors="replace")
        finally:
            watchdog.cancel()
            connection.close()
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(f"the TLS certificate of {host} is not valid: {exc.verify_message}",
                            retryable=False) from exc
    except (ValueError, http.client.InvalidURL) as exc:  # e.g. a header value with a line break
        raise DeliveryError(f"the request to {host} cannot be sent as written: {exc}", retryable=False) from exc
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise DeliveryError(f"{host}:{port} did not answer in time (timed out)", retryable=True) from exc
        raise DeliveryError(f"cannot reach {host}:{port}: {exc}", retryable=True) from exc


def _cut(connection, expired: threading.Event) -> None:
    """The call's time is up: end the connection, which ends a read in progress."""
    expired.set()
    try:
        if connection.sock is not None:  # the plain socket's shutdown, under TLS too (TLS's own unwraps it)
            socket.socket.shutdown(connection.sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _connect(scheme, host, port, addresses, deadline):
    """A connection to the first of the checked `addresses` that accepts one before `deadline`."""
    error = TimeoutError("timed out")
    for address in addresses:
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            break
        if scheme == "https":
            connection = netguard.PinnedHTTPSConnection(address, port, server_hostname=host, timeout=timeout,
                                                        context=ssl.create_default_context())
        else:
            connection = http.client.HTTPConnection(address, port, timeout=timeout)
        try:
            connection.connect()
            return connection
        except ssl.SSLCertVerificationError:
            raise
        except OSError as exc:
            connection.close()
            error = exc
    raise error


def _has(headers: dict, name: str) -> bool:
    return any(key.lower() == name.lower() for key in headers)


def _host(url: str):
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None  # the next request reports the broken URL


def _safe(url: str) -> str:
    """`url` without its password, for error messages that users and logs see."""
    try:
        target = urlsplit(url)
        password = target.password
    except ValueError:
        return repr(url)
    if password is None:
        return url
    return target._replace(netloc=target.netloc.replace(f":{password}@", ":***@", 1)).geturl()
