import doctest
import socket

import pytest

from engine.actions import netguard
from engine.actions.smtp import send_email
from engine.actions.transports import BlockedTarget, DeliveryError, post_json
from tests.engine.conftest import free_port


def email(url, **overrides):
    message = {"message_id": "msg-42", "sender": "Flowdesk <noreply@flowdesk.test>", "to": "ann@example.com",
               "cc": None, "subject": "Reminder: Call Ann", "body": "Please call Ann today."}
    return send_email(url, **{**message, **overrides})


# --- SMTP -----------------------------------------------------------------------------------------

def test_email_arrives_with_subject_body_cc_and_the_message_id(smtp_server):
    refused = email(smtp_server.url, to=["Ann <ann@example.com>"], cc="boss@example.com, team@example.com")
    [message] = smtp_server.wait_for(1)
    assert refused == {}
    assert message["Message-ID"] == "<msg-42@flowdesk>"
    assert message["Subject"] == "Reminder: Call Ann"
    assert message["To"] == "Ann <ann@example.com>"
    assert message["Cc"] == "boss@example.com, team@example.com"
    assert message["From"] == "Flowdesk <noreply@flowdesk.test>"
    assert message.get_content().strip() == "Please call Ann today."
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "noreply@flowdesk.test"
    assert sorted(envelope.rcpt_tos) == ["ann@example.com", "boss@example.com", "team@example.com"]


def test_email_with_html_carries_both_text_and_html(smtp_server):
    email(smtp_server.url, html="<p>Please call <b>Ann</b></p>")
    [message] = smtp_server.wait_for(1)
    assert message.get_content_type() == "multipart/alternative"
    assert "Please call Ann today." in message.get_body(("plain",)).get_content()
    assert "<b>Ann</b>" in message.get_body(("html",)).get_content()


def test_a_subject_template_spanning_lines_becomes_one_line(smtp_server):
    email(smtp_server.url, subject="Reminder:\nCall Ann\r\n")
    assert smtp_server.wait_for(1)[0]["Subject"] == "Reminder: Call Ann"


def test_smtp_server_down_is_retryable():
    with pytest.raises(DeliveryError) as caught:
        email(f"smtp://127.0.0.1:{free_port()}", command_timeout=2)
    assert caught.value.retryable is True


@pytest.mark.parametrize("reply, retryable", [("451 4.3.0 Try again later", True),
                                              ("554 5.6.0 Message rejected", False)])
def test_smtp_4xx_is_retryable_and_5xx_is_not(smtp_server, reply, retryable):
    smtp_server.reply = reply
    with pytest.raises(DeliveryError) as caught:
        email(smtp_server.url)
    assert caught.value.retryable is retryable
    assert reply.split()[0] in str(caught.value)
    assert smtp_server.messages == []


def test_every_recipient_refused_is_permanent_and_some_refused_still_delivers(smtp_server):
    smtp_server.refuse = {"ann@example.com": "550 5.1.1 No such user", "gone@example.com": "550 5.1.1 No such user"}
    with pytest.raises(DeliveryError) as caught:
        email(smtp_server.url, to=["ann@example.com", "gone@example.com"])
    assert caught.value.retryable is False and "ann@example.com" in str(caught.value)
    assert email(smtp_server.url, to="ann@example.com, bob@example.com") == {
        "ann@example.com": (550, b"5.1.1 No such user")}
    assert smtp_server.envelopes[0].rcpt_tos == ["bob@example.com"]


def test_smtp_greylisting_of_every_recipient_is_retryable(smtp_server):
    smtp_server.refuse = {"ann@example.com": "450 4.2.0 Greylisted"}
    with pytest.raises(DeliveryError) as caught:
        email(smtp_server.url)
    assert caught.value.retryable is True


def test_smtp_login_from_the_url(smtp_server):
    smtp_server.users = {"ann": "s@cret"}
    email(smtp_server.url.replace("smtp://", "smtp://ann:s%40cret@"))
    assert smtp_server.logins == ["ann"]
    assert len(smtp_server.wait_for(1)) == 1
    with pytest.raises(DeliveryError) as caught:
        email(smtp_server.url.replace("smtp://", "smtp://ann:wrong@"))
    assert caught.value.retryable is False and "535" in str(caught.value)
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("overrides", [{"to": []}, {"to": "not an address"}, {"sender": "a@x\r\nBcc: evil@x"},
                                       {"message_id": "m1\r\nBcc: evil@x"}])
def test_an_email_that_cannot_be_sent_as_written_is_permanent(smtp_server, overrides):
    with pytest.raises(DeliveryError) as caught:
        email(smtp_server.url, **overrides)
    assert caught.value.retryable is False
    assert smtp_server.messages == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:25", "smtp://", "smtp://[::1", "smtp://127.0.0.1:99999", "", None])
def test_a_wrong_smtp_url_is_permanent(url):
    with pytest.raises(DeliveryError) as caught:
        email(url)
    assert caught.value.retryable is False


def test_starttls_upgrades_the_connection_and_checks_the_certificate(make_smtp_server, tls_cert, monkeypatch):
    server = make_smtp_server(tls_context=tls_cert.server_context(), require_starttls=True)
    url = f"smtp://localhost:{server.port}"
    with pytest.raises(DeliveryError) as plain:
        email(url)  # the server insists on TLS first
    assert plain.value.retryable is False
    with pytest.raises(DeliveryError) as untrusted:
        email(url + "?starttls=1")
    assert untrusted.value.retryable is False and server.messages == []
    monkeypatch.setenv("SSL_CERT_FILE", tls_cert.cafile)
    email(url + "?starttls=1")
    assert server.wait_for(1)[0]["Message-ID"] == "<msg-42@flowdesk>"


def test_smtps_speaks_tls_from_the_start(make_smtp_server, tls_cert, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", tls_cert.cafile)
    server = make_smtp_server(ssl_context=tls_cert.server_context())
    email(f"smtps://localhost:{server.port}")
    assert server.wait_for(1)[0]["Subject"] == "Reminder: Call Ann"


# --- HTTP -----------------------------------------------------------------------------------------

def test_post_json_delivers_payload_headers_and_idempotency_key(http_endpoint):
    http_endpoint.body = '{"id": "SM123"}'
    status, body = post_json(http_endpoint.url + "/sms?account=7", {"to": "+6281234", "body": "Hi Ann"},
                             message_id="msg-42", headers={"X-Token": "abc", "Idempotency-Key": "mine"},
                             allow_private=True)
    assert (status, body) == (200, '{"id": "SM123"}')
    [request] = http_endpoint.requests
    assert (request.method, request.path) == ("POST", "/sms?account=7")
    assert request.json == {"to": "+6281234", "body": "Hi Ann"}
    assert request.headers["Idempotency-Key"] == "msg-42"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Token"] == "abc"
    assert request.headers["Host"] == f"127.0.0.1:{http_endpoint.port}"


def test_spaces_and_accents_rendered_into_a_url_are_percent_encoded(http_endpoint):
    post_json(http_endpoint.url + "/hooks/new deal?name=Zoë Ann&x=1", {}, message_id="m1", allow_private=True)
    assert http_endpoint.requests[0].path == "/hooks/new%20deal?name=Zo%C3%AB%20Ann&x=1"


def test_other_methods_and_basic_auth_from_the_url(http_endpoint):
    url = http_endpoint.url.replace("http://", "http://hook:p%40ss@") + "/x"
    post_json(url, {"ignored": True}, message_id="m1", method="get", allow_private=True)
    post_json(url, {"a": 1}, message_id="m2", method="PUT", allow_private=True)
    get, put = http_endpoint.requests
    assert (get.method, get.body, get.headers["Idempotency-Key"]) == ("GET", b"", "m1")
    assert (put.method, put.json) == ("PUT", {"a": 1})
    assert put.headers["Authorization"] == "Basic aG9vazpwQHNz"  # hook:p@ss


@pytest.mark.parametrize("status, retryable", [(500, True), (503, True), (429, True), (408, True),
                                               (400, False), (404, False), (422, False)])
def test_http_server_errors_are_retryable_and_client_errors_are_not(http_endpoint, status, retryable):
    http_endpoint.status = status
    with pytest.raises(DeliveryError) as caught:
        post_json(http_endpoint.url, {"to": "x"}, message_id="m1", allow_private=True)
    assert caught.value.retryable is retryable
    assert str(status) in str(caught.value)


def test_a_redelivery_carries_the_same_idempotency_key(http_endpoint):
    http_endpoint.queue(503)
    with pytest.raises(DeliveryError):
        post_json(http_endpoint.url, {"n": 1}, message_id="msg-7", allow_private=True)
    assert post_json(http_endpoint.url, {"n": 1}, message_id="msg-7", allow_private=True)[0] == 200
    assert [r.headers["Idempotency-Key"] for r in http_endpoint.requests] == ["msg-7", "msg-7"]


def test_unreachable_or_slow_http_is_retryable(http_endpoint):
    with pytest.raises(DeliveryError) as refused:
        post_json(f"http://127.0.0.1:{free_port()}/", {}, message_id="m1", allow_private=True)
    assert refused.value.retryable is True
    http_endpoint.delay = 1
    with pytest.raises(DeliveryError) as slow:
        post_json(http_endpoint.url, {}, message_id="m1", timeout=0.2, allow_private=True)
    assert slow.value.retryable is True


def test_errors_never_show_the_password_of_the_url(http_endpoint):
    http_endpoint.status = 400
    with pytest.raises(DeliveryError) as caught:
        post_json(http_endpoint.url.replace("http://", "http://u:hunter2@"), {}, message_id="m", allow_private=True)
    assert "hunter2" not in str(caught.value) and "u:***@" in str(caught.value)


_LOOP = {}
_LOOP["self"] = _LOOP


@pytest.mark.parametrize("kwargs", [{"method": "BREW"}, {"method": None}, {"headers": {"X-A": "1\r\nX-B: 2"}},
                                    {"payload": _LOOP}, {"url": "http://[::1/x"}, {"url": "http://127.0.0.1:99999/"},
                                    {"url": "http:///no-host"}])
def test_a_request_that_cannot_be_sent_as_written_is_permanent(http_endpoint, kwargs):
    call = {"url": http_endpoint.url, "payload": {}, "message_id": "m1", "allow_private": True, **kwargs}
    with pytest.raises(DeliveryError) as caught:
        post_json(call.pop("url"), call.pop("payload"), **call)
    assert caught.value.retryable is False
    assert http_endpoint.requests == []


def test_redirects_are_followed_with_the_same_key(http_endpoint):
    http_endpoint.queue((307, {"Location": "/v2/hook"}), (302, {"Location": "/v2/done"}))
    assert post_json(http_endpoint.url + "/hook", {"a": 1}, message_id="m1", allow_private=True)[0] == 200
    first, kept, changed = http_endpoint.requests
    assert (kept.method, kept.path, kept.json) == ("POST", "/v2/hook", {"a": 1})  # 307 keeps method and body
    assert (changed.method, changed.path, changed.body) == ("GET", "/v2/done", b"")  # 302 after POST: GET
    assert {r.headers["Idempotency-Key"] for r in http_endpoint.requests} == {"m1"}


def test_more_than_three_redirects_are_refused(http_endpoint):
    http_endpoint.status = 302
    http_endpoint.queue(*[(302, {"Location": f"/hop{n}"}) for n in range(10)])
    with pytest.raises(DeliveryError) as caught:
        post_json(http_endpoint.url, {}, message_id="m1", allow_private=True)
    assert caught.value.retryable is False and "redirects" in str(caught.value)
    assert len(http_endpoint.requests) == 4


def test_a_redirect_to_another_host_drops_credentials(make_http_endpoint):
    first, second = make_http_endpoint(), make_http_endpoint()
    first.queue((308, {"Location": f"http://localhost:{second.port}/moved"}))
    post_json(first.url, {"a": 1}, message_id="m1", headers={"Authorization": "Bearer t0k"}, allow_private=True)
    [moved] = second.requests
    assert moved.headers["Authorization"] is None and moved.headers["Idempotency-Key"] == "m1"
    assert first.requests[0].headers["Authorization"] == "Bearer t0k"


def test_https_connects_to_the_checked_address_but_verifies_the_host_name(make_http_endpoint, tls_cert,
                                                                          monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", tls_cert.cafile)
    endpoint = make_http_endpoint(tls_cert.server_context())
    assert post_json(f"https://localhost:{endpoint.port}/hook", {"a": 1}, message_id="m1",
                     allow_private=True)[0] == 200
    assert endpoint.requests[0].headers["Host"] == f"localhost:{endpoint.port}"
    # The certificate names only "localhost": had the pinned IP been verified, the call above would have failed.
    with pytest.raises(DeliveryError) as caught:
        post_json(f"https://127.0.0.1:{endpoint.port}/hook", {}, message_id="m2", allow_private=True)
    assert caught.value.retryable is False and "certificate" in str(caught.value)


# --- the SSRF guard -------------------------------------------------------------------------------

class Listener:
    """A listening socket that nobody serves: it only counts the connections made to it."""

    def __init__(self, host="127.0.0.1"):
        self.socket = socket.socket()
        self.socket.bind((host, 0))
        self.socket.listen(16)
        self.socket.setblocking(False)
        self.port = self.socket.getsockname()[1]
        self.count = 0

    def connections(self) -> int:
        while True:
            try:
                connection, _ = self.socket.accept()
            except BlockingIOError:
                return self.count
            connection.close()
            self.count += 1


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.socket.close()


ODD_LOOPBACKS = ["http://2130706433:{port}/", "http://0x7f.1:{port}/", "http://017700000001:{port}/",
                 "http://[::ffff:127.0.0.1]:{port}/", "http://127.1:{port}/", "http://0177.0.0.1:{port}/",
                 "http://0x7f000001:{port}/", "http://[::ffff:7f00:1]:{port}/", "http://[::127.0.0.1]:{port}/",
                 "http://0:{port}/", "http://0.0.0.0:{port}/", "http://[::]:{port}/", "http://localhost:{port}/",
                 "http://LOCALHOST:{port}/", "http://127.0.0.1:{port}/", "http://[::1]:{port}/",
                 "https://127.1:{port}/", "http://user@127.0.0.1:{port}/"]


@pytest.mark.parametrize("template", ODD_LOOPBACKS)
def test_webhooks_refuse_loopback_in_any_notation_without_connecting(listener, template):
    with pytest.raises(BlockedTarget) as caught:
        post_json(template.format(port=listener.port), {"x": 1}, message_id="m1")
    assert caught.value.retryable is False
    assert "webhooks may only call public hosts" in str(caught.value)
    assert listener.connections() == 0


def test_the_listener_does_see_a_connection_when_private_targets_are_allowed(listener):
    with pytest.raises(DeliveryError) as caught:  # it never answers
        post_json(f"http://127.1:{listener.port}/", {}, message_id="m1", timeout=0.3, allow_private=True)
    assert caught.value.retryable is True
    assert listener.connections() == 1


def test_the_refusal_names_the_host_and_the_kind_of_address(http_endpoint):
    with pytest.raises(BlockedTarget, match=r"0x7f\.1 resolves to 127\.0\.0\.1, a loopback address"):
        post_json(f"http://0x7f.1:{http_endpoint.port}/", {}, message_id="m1")
    assert http_endpoint.requests == []


@pytest.mark.parametrize("url", ["ftp://example.com/file", "file:///etc/passwd", "gopher://127.0.0.1:70/_x",
                                 "dict://127.0.0.1:11211/stat", "javascript:alert(1)"])
@pytest.mark.parametrize("allow_private", [False, True])
def test_only_http_and_https_may_be_called(url, allow_private):
    with pytest.raises(BlockedTarget, match="only http and https"):
        post_json(url, {}, message_id="m1", allow_private=allow_private)


@pytest.mark.parametrize("address, kind", [
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fc00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1%eth0", "link-local"), ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("240.0.0.1", "reserved"),
    ("100.64.0.1", "shared (carrier-grade NAT)"), ("127.255.0.9", "loopback"), ("::1", "loopback"),
    ("::ffff:10.0.0.1", "private"), ("::ffff:169.254.169.254", "link-local"), ("::127.0.0.1", "loopback"),
    ("64:ff9b::a00:1", "private"), ("2002:c0a8:101::1", "private"), ("192.0.2.10", "private"),
])
def test_non_public_addresses_are_blocked(address, kind):
    assert netguard.blocked_reason(address) == kind


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                                     "64:ff9b::808:808"])
def test_public_addresses_are_allowed(address):
    assert netguard.blocked_reason(address) is None


def _fake_dns(monkeypatch, answers: dict) -> list:
    """Resolve the names in `answers` to those addresses; return the list of names looked up."""
    lookups, real = [], socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def test_a_host_with_any_private_address_is_refused(monkeypatch, listener):
    _fake_dns(monkeypatch, {"mixed.example.com": ["93.184.215.14", "127.0.0.1"]})
    with pytest.raises(BlockedTarget, match="mixed.example.com resolves to 127.0.0.1"):
        post_json(f"http://mixed.example.com:{listener.port}/", {}, message_id="m1")
    assert listener.connections() == 0


def test_the_name_is_resolved_once_and_the_checked_address_is_used(monkeypatch, http_endpoint):
    lookups = _fake_dns(monkeypatch, {"hooks.example.test": ["127.0.0.1"]})
    post_json(f"http://hooks.example.test:{http_endpoint.port}/in", {"a": 1}, message_id="m1", allow_private=True)
    assert lookups == ["hooks.example.test"]
    assert http_endpoint.requests[0].headers["Host"] == f"hooks.example.test:{http_endpoint.port}"


def test_a_redirect_to_a_private_address_is_refused(monkeypatch, http_endpoint):
    # Let the endpoint pass for a public host, then have it redirect to another loopback address.
    real = netguard.blocked_reason
    monkeypatch.setattr(netguard, "blocked_reason", lambda a: None if a == "127.0.0.1" else real(a))
    trap = Listener("127.0.0.2")
    try:
        http_endpoint.queue((302, {"Location": f"http://0x7f.0.0.2:{trap.port}/admin"}))
        with pytest.raises(BlockedTarget, match="127.0.0.2, a loopback address"):
            post_json(http_endpoint.url + "/hook", {}, message_id="m1")
        assert len(http_endpoint.requests) == 1
        assert trap.connections() == 0
    finally:
        trap.socket.close()


def test_docstring_examples():
    result = doctest.testmod(netguard)
    assert result.failed == 0 and result.attempted > 0
