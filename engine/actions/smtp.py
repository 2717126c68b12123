"""Outbound email over SMTP for one outbox message.

The message's unique id reaches the server as ``Message-ID: <id@flowdesk>`` so a redelivery after a crash can
be recognised. Every failure raises :class:`~engine.actions.transports.DeliveryError`; ``unknown`` marks an email
the server may have taken anyway (the end of the data went out, no answer came back), so it must not be sent
again blindly.
"""
import smtplib
import socket
import ssl
import threading
from email.message import EmailMessage
from email.utils import formataddr, formatdate, getaddresses
from urllib.parse import parse_qs, unquote, urlsplit

from engine.actions.transports import DeliveryError

QUIT_TIMEOUT_SECONDS = 10


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
