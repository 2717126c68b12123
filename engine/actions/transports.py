"""Outbound delivery of one outbox message: email over SMTP, JSON over HTTP.

The message's unique id reaches the receiver (SMTP ``Message-ID: <id@flowdesk>``, HTTP ``Idempotency-Key: id``)
so a redelivery after a crash can be recognised. Every failure raises :class:`DeliveryError`, whose
``retryable`` tells the outbox sender whether trying again later may help, and whose ``unknown`` says the
receiver may have taken the message anyway (SMTP: the end of the data went out, no answer came back), so it
must not be sent again blindly.
"""
import base64
import http.client
import json
import smtplib
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import formataddr, formatdate, getaddresses
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit

from engine.actions import netguard

MAX_REDIRECTS = 3
QUIT_TIMEOUT_SECONDS = 10
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


def send_email(smtp_url, *, message_id, sender, to, cc=None, subject, body, html=None, command_timeout=300,
               data_timeout=600, before_data=None) -> dict:
    """Send one email through the server of `smtp_url` and return the recipients it refused ({} if none).

    `smtp_url` is ``smtp://[user:password@]host[:25]`` (``?starttls=1`` to upgrade the connection)
    or ``smtps://...`` (TLS from the start, port 465). `to` and `cc` are addresses, as a list or a
    comma-separated string. A 4xx answer or a connection failure is retryable; a 5xx answer is not.

    Timeouts follow RFC 5321 §4.5.3.2: everything up to DATA must be over within `command_timeout` seconds
    (5 minutes), the DATA command, the message and the server's final answer within `data_timeout` (10
    minutes). `before_data()` is called just before DATA: the last moment at which giving up is known to leave
    nothing delivered. Once the end of the data has gone out, an error without a definite answer from the
    server raises ``DeliveryError(unknown=True)``: the server may have accepted the message.
    """
    try:
        url = urlsplit(smtp_url or "")
        port = url.port or (465 if url.scheme == "smtps" else 25)
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            raise ValueError("it must look like smtp://host:port")
    except ValueError as exc:
        raise DeliveryError(f"the SMTP URL {smtp_url!r} is not valid: {exc}", retryable=False) from exc
    try:
        to_list, cc_list = _addresses(to), _addresses(cc)
        message = _email(message_id, sender, to_list, cc_list, subject, body, html)
    except ValueError as exc:
        raise DeliveryError(f"the email cannot be sent as written: {exc}", retryable=False) from exc
    recipients = [address for _, address in getaddresses(to_list + cc_list)]
    if not recipients:
        raise DeliveryError("the email has no recipient", retryable=False)
    context = ssl.create_default_context()
    client = None
    try:
        if url.scheme == "smtps":
            client = _SMTPS(url.hostname, port, timeout=command_timeout, context=context)
        else:
            client = _SMTP(url.hostname, port, timeout=command_timeout)
        client.data_timeout, client.before_data = data_timeout, before_data
        client.watchdog.arm(client, command_timeout)
        if parse_qs(url.query).get("starttls", ["0"])[-1].lower() in ("1", "true", "yes", "on"):
            client.starttls(context=context)
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        return client.send_message(message, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(f"the SMTP server refused every recipient: {_smtp_answers(exc.recipients)}",
                            retryable=any(400 <= code < 500 for code in codes)) from exc
    except smtplib.SMTPResponseException as exc:
        answer = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise DeliveryError(f"the SMTP server answered {exc.smtp_code} {answer}",
                            retryable=400 <= exc.smtp_code < 500) from exc
    except (smtplib.SMTPNotSupportedError, ssl.SSLCertVerificationError) as exc:
        raise DeliveryError(f"cannot talk to the SMTP server {url.hostname}: {exc}", retryable=False) from exc
    except (smtplib.SMTPException, OSError) as exc:
        if client is not None and client.data_sent:
            raise DeliveryError(f"the SMTP server {url.hostname}:{port} took the whole email but did not answer it "
                                f"({exc}); it may have delivered it, so it is not sent again",
                                retryable=False, unknown=True) from exc
        if isinstance(exc, TimeoutError) or (client is not None and client.watchdog.fired):
            raise DeliveryError(f"the SMTP server {url.hostname}:{port} did not answer in time",
                                retryable=True) from exc
        raise DeliveryError(f"cannot reach the SMTP server {url.hostname}:{port}: {exc}", retryable=True) from exc
    finally:
        if client is not None:
            client.watchdog.disarm()
            _quit(client)


class _Conversation:
    """What :func:`send_email` needs from an SMTP client beyond smtplib: the RFC 5321 timeout of the DATA phase,
    a hook just before DATA, whether the end of the data went out (`data_sent`), and a watchdog that ends the
    connection when a phase runs out of time (a server answering a byte at a time never hits the socket timeout).
    """

    data_timeout = 600
    before_data = None
    data_sent = False

    def __init__(self, *args, **kwargs):
        self.watchdog = _Watchdog()
        super().__init__(*args, **kwargs)  # connects, within the socket timeout

    def data(self, msg):
        if self.before_data is not None:
            self.before_data()
        self.watchdog.arm(self, self.data_timeout)
        self.sock.settimeout(self.data_timeout)
        return super().data(msg)

    def send(self, s):
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.data_sent = True  # from the first byte of the message on, the server may end up taking it
        super().send(s)


class _SMTP(_Conversation, smtplib.SMTP):
    pass


class _SMTPS(_Conversation, smtplib.SMTP_SSL):
    pass


class _Watchdog:
    """Shuts a client's socket down when the time of the phase in hand is up; `fired` says it did."""

    def __init__(self):
        self.timer, self.fired = None, False

    def arm(self, client, seconds: float) -> None:
        self.disarm()
        self.timer = threading.Timer(seconds, self._cut, (client,))
        self.timer.daemon = True
        self.timer.start()

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()

    def _cut(self, client) -> None:
        self.fired = True
        try:
            if client.sock is not None:
                socket.socket.shutdown(client.sock, socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


def _email(message_id, sender, to_list, cc_list, subject, body, html) -> EmailMessage:
    message = EmailMessage()
    message["Message-ID"] = f"<{message_id}@flowdesk>"
    message["Date"] = formatdate(usegmt=True)
    message["From"] = sender
    message["To"] = ", ".join(to_list)
    if cc_list:
        message["Cc"] = ", ".join(cc_list)
    message["Subject"] = " ".join((subject or "").splitlines())  # a multi-line template still makes one subject
    message.set_content(body or "")
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _addresses(value) -> list:
    items = [value] if isinstance(value, str) else [str(item) for item in value or []]
    return [formataddr(pair) for pair in getaddresses(items) if "@" in pair[1]]


def _smtp_answers(refused: dict) -> str:
    return "; ".join(f"{address}: {code} {answer.decode(errors='replace') if isinstance(answer, bytes) else answer}"
                     for address, (code, answer) in refused.items())


def _quit(client) -> None:
    # The message is already handed over (or not); a failing QUIT must not turn into a redelivery.
    if client.sock is None:
        return
    try:
        client.sock.settimeout(QUIT_TIMEOUT_SECONDS)
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


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
