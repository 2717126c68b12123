"""The outbox: messages are written in their step's transaction and delivered later by a sender.

Delivery is claimed with a lease, so any number of senders can share the table and a killed sender's
messages are taken over once its lease expires. The message id goes to the receiver (SMTP Message-ID,
HTTP Idempotency-Key). An HTTP message whose sender died is sent again with the same key, which the provider
uses to recognise it. An email is marked `sending` (committed) just before its data goes to the SMTP server:
one left `sending` by a sender that died, or whose server never answered the end of the data, may have been
delivered and SMTP cannot be asked, so it becomes `unknown` and is never sent again (docs/ENGINE.md).
Failures retry with exponential backoff; after the last attempt the message is `failed`, and the run,
woken either way, moves the waiting token on `next` or takes the `error` path.
"""
import json
import logging
import time
import uuid
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.exc import OperationalError

from builder.credentials import MASK
from store.db import db
from engine import vault
from engine.actions.smtp import send_email
from engine.actions.transports import DeliveryError, post_json
from engine.clock import SYSTEM_CLOCK
from engine.models import Message, Run
from engine.models.runs import LIVE
from engine.outcomes import Advance, Wait, internal_error

log = logging.getLogger(__name__)

# Channels whose provider may be left unset: their messages then go to the built-in mailbox.
PROVIDER_SETTINGS = {"email": "SMTP_URL", "sms": "SMS_PROVIDER_URL", "whatsapp": "WHATSAPP_PROVIDER_URL"}
# A webhook call ends after WEBHOOK_TIMEOUT_SECONDS in all (transports.post_json); keep it well below the lease,
# or a slow call would be taken over and sent again by another sender.
# SMTP phases are bounded by the RFC 5321 timeouts (smtp.send_email); an email's lease covers the phase
# in hand plus OUTBOX_LEASE_SECONDS, so no other sender takes it over while its server is still within time.
DEFAULTS = {"OUTBOX_MAX_ATTEMPTS": 5, "OUTBOX_BACKOFF_SECONDS": 30, "OUTBOX_LEASE_SECONDS": 60,
            "WEBHOOK_TIMEOUT_SECONDS": 10, "SMTP_COMMAND_TIMEOUT_SECONDS": 300, "SMTP_DATA_TIMEOUT_SECONDS": 600}
UNKNOWN_OUTCOME = ("the sender stopped after handing this email to the SMTP server, before the server's answer "
                   "was recorded; it may have been delivered, so it is not sent again")
MAX_BACKOFF = timedelta(hours=6)
MAX_RESULT_CHARS = 2000
# Recording a result is tried again on a new connection when the database drops ours (a restart, a failover,
# pg_terminate_backend): giving up would leave the delivered message to be sent again when its lease expires.
SETTLE_TRIES = 5
SETTLE_PAUSE_SECONDS = 0.2


def setting(name: str):
    return current_app.config.get(name, DEFAULTS.get(name))


def has_provider(channel: str) -> bool:
    return channel not in PROVIDER_SETTINGS or bool(setting(PROVIDER_SETTINGS[channel]))


def add_message(*, run_id, node_id, channel, to, now, cc=None, subject=None, body=None, request=None) -> Message:
    """Write a message in the caller's transaction: queued, or at once `sent` to the built-in mailbox."""
    message = Message(id=uuid.uuid4().hex, run_id=run_id, node_id=node_id, channel=channel, to=to, cc=cc or None,
                      subject=subject, body=body, request=request, status="queued", attempts=0,
                      next_attempt_at=now, created_at=now)
    if not has_provider(channel):
        message.status, message.transport, message.sent_at, message.attempts = "sent", "mailbox", now, 1
    db.session.add(message)
    return message


def queue(ctx, node: dict, channel: str, to: str, *, shown: dict, **content):
    """The outcome of a sending step: go on at once (mailbox) or wait for the sender to deliver.
    `shown` is the step's input as the run view shows it."""
    message = add_message(run_id=ctx.run_id, node_id=node["id"], channel=channel, to=to, now=ctx.now(), **content)
    summary = {"channel": channel, **shown}
    if message.status == "sent":
        return Advance(reason="delivered to the built-in mailbox (no provider is configured)", input=summary,
                       output={"message_id": message.id})
    return Wait(message_id=message.id, reason=f"queued for delivery ({channel})", input=summary)


class AttemptAbandoned(Exception):
    """The sender cannot record that an email's data is about to go out (its lease ran out, or the database is
    unreachable): the attempt stops before DATA, so nothing is delivered, and the message stays claimed."""


def send_due(limit: int = 20, clock=SYSTEM_CLOCK) -> int:
    """Deliver up to `limit` due messages; returns how many were attempted by this sender (or found with an
    unknown outcome)."""
    now = clock.now()
    orphans = db.session.execute(db.select(Message.id, Message.run_id, Message.lease_until).where(
        Message.status == "sending", Message.lease_until < now).limit(limit)).all()
    db.session.commit()
    for orphan in orphans:
        _settle(orphan.id, orphan.run_id, orphan.lease_until, status="unknown", error=UNKNOWN_OUTCOME)
    ids = db.session.scalars(db.select(Message.id).where(
        Message.status == "queued", Message.next_attempt_at <= now,
        or_(Message.lease_until.is_(None), Message.lease_until < now)
    ).order_by(Message.next_attempt_at).limit(limit)).all()
    db.session.commit()
    return len(orphans) + sum(1 for message_id in ids if deliver(message_id, clock))


def deliver(message_id: str, clock=SYSTEM_CLOCK) -> bool:
    """Claim one message, deliver it outside any transaction, then record the result. False if not claimed."""
    now = clock.now()
    channel = db.session.scalar(db.select(Message.channel).where(Message.id == message_id))
    longest = setting("SMTP_COMMAND_TIMEOUT_SECONDS") if channel == "email" else 0
    lease = now + timedelta(seconds=setting("OUTBOX_LEASE_SECONDS") + longest)
    claimed = db.session.execute(update(Message).where(
        Message.id == message_id, Message.status == "queued", Message.next_attempt_at <= now,
        or_(Message.lease_until.is_(None), Message.lease_until < now)
    ).values(lease_until=lease, attempts=Message.attempts + 1).execution_options(synchronize_session=False))
    db.session.commit()
    if claimed.rowcount != 1:
        return False
    message = db.session.get(Message, message_id)
    fields = {"to": message.to, "cc": message.cc, "subject": message.subject, "body": message.body,
              "request": message.request, "channel": message.channel, "attempts": message.attempts,
              "run_id": message.run_id}
    db.session.commit()  # no transaction stays open (nor SQLite lock held) while the network is slow
    held = {"lease": lease}  # the lease in hand: marking an email `sending` lengthens it
    hidden = []  # credential values this delivery uses: kept out of its result and error

    def before_data():
        held["lease"] = _mark_sending(message_id, held["lease"], clock)

    try:
        result = _scrub(_transmit(message_id, fields, before_data, hidden), hidden)
    except AttemptAbandoned:
        log.warning("message %s: attempt abandoned before its data went out", message_id, exc_info=True)
        return True
    except DeliveryError as exc:
        scrubbed = DeliveryError(_scrub(str(exc), hidden), exc.retryable, unknown=exc.unknown)
        _record_failure(message_id, fields, held["lease"], scrubbed, clock)
    except Exception as exc:  # noqa: BLE001 - a transport bug must fail the message, not kill the sender
        log.error("delivering message %s: %s", message_id, _scrub(internal_error(exc), hidden), exc_info=not hidden)
        error = DeliveryError(f"internal error: {_scrub(internal_error(exc), hidden)}", retryable=False)
        _record_failure(message_id, fields, held["lease"], error, clock)
    else:
        _settle(message_id, fields["run_id"], held["lease"], status="sent", result=result, sent_at=clock.now(),
                error=None, transport=fields["channel"])
    return True


def _mark_sending(message_id: str, lease, clock):
    """Commit that the email's data is about to go out, with a lease long enough for the server's final answer;
    returns the new lease. Raises AttemptAbandoned when the mark cannot be committed."""
    longer = clock.now() + timedelta(seconds=setting("OUTBOX_LEASE_SECONDS") + setting("SMTP_DATA_TIMEOUT_SECONDS"))
    try:
        marked = db.session.execute(update(Message).where(Message.id == message_id, Message.lease_until == lease)
                                    .values(status="sending", lease_until=longer)
                                    .execution_options(synchronize_session=False))
        if marked.rowcount != 1:
            db.session.rollback()
            raise AttemptAbandoned(f"the lease of message {message_id} ran out before its data was sent")
        db.session.commit()
    except OperationalError as exc:
        db.session.rollback()
        raise AttemptAbandoned(f"cannot record that message {message_id} is being sent") from exc
    return longer


def _transmit(message_id: str, m: dict, before_data, hidden: list) -> dict:
    if m["channel"] == "email":
        refused = send_email(setting("SMTP_URL"), message_id=message_id, sender=setting("SMTP_SENDER"),
                             to=m["to"], cc=m["cc"], subject=m["subject"] or "", body=m["body"] or "",
                             command_timeout=setting("SMTP_COMMAND_TIMEOUT_SECONDS"),
                             data_timeout=setting("SMTP_DATA_TIMEOUT_SECONDS"), before_data=before_data)
        return {"refused": sorted(refused)} if refused else {}
    if m["channel"] in ("sms", "whatsapp"):
        # Provider URLs are set by the administrator, so private addresses are fine for them.
        status, text = post_json(setting(PROVIDER_SETTINGS[m["channel"]]), {"to": m["to"], "body": m["body"]},
                                 message_id=message_id, allow_private=True)
    else:
        request = m["request"] or {}
        url, headers, payload = _webhook_request(m["to"], request, hidden)
        status, text = post_json(url, payload, message_id=message_id, headers=headers,
                                 method=request.get("method", "POST"),
                                 allow_private=bool(setting("WEBHOOK_ALLOW_PRIVATE")),
                                 timeout=setting("WEBHOOK_TIMEOUT_SECONDS"))
    return {"status": status, "body": text[:MAX_RESULT_CHARS]}


def _webhook_request(to: str, request: dict, hidden: list) -> tuple:
    """The webhook's (url, headers, payload) with its credentials: opened from the seal, secrets resolved.
    Every credential value goes into `hidden`. (Messages queued before sealing carry them in the open.)"""
    if "sealed" not in request:
        return to, request.get("headers"), request.get("payload")
    try:
        sealed = json.loads(vault.unseal(request["sealed"]))
        (url, headers, payload), used = vault.resolve([sealed["url"], sealed["headers"], sealed["payload"]],
                                                      sealed["nonce"])
    except vault.SecretUnavailable as exc:
        raise DeliveryError(str(exc), retryable=False) from exc
    hidden += used + [headers[name] for name in sealed["literal_headers"]]
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None  # the transport reports the broken URL
    if password:
        hidden += [password, unquote(password)]
    return url, headers, payload


def _scrub(value, hidden: list):
    """`value` (text, or a result's texts) with every credential in `hidden` replaced by a mask."""
    if isinstance(value, dict):
        return {key: _scrub(item, hidden) for key, item in value.items()}
    if isinstance(value, str):
        for secret in sorted({h for h in hidden if isinstance(h, str) and len(h) >= 4}, key=len, reverse=True):
            value = value.replace(secret, MASK)
    return value


def _record_failure(message_id, fields, lease, error: DeliveryError, clock) -> None:
    now = clock.now()
    if error.unknown:
        _settle(message_id, fields["run_id"], lease, status="unknown", error=str(error))
    elif error.retryable and fields["attempts"] < setting("OUTBOX_MAX_ATTEMPTS"):
        backoff = min(timedelta(seconds=setting("OUTBOX_BACKOFF_SECONDS") * 2 ** (fields["attempts"] - 1)),
                      MAX_BACKOFF)
        _settle(message_id, None, lease, status="queued", error=str(error), next_attempt_at=now + backoff)
    else:
        _settle(message_id, fields["run_id"], lease, status="failed", error=str(error))


def _settle(message_id, run_id, lease, **values) -> None:
    """Record the outcome if our lease still holds, and wake the run waiting for it (runs before messages:
    the same lock order as advances and cancellations). A lost connection is retried: if the lost COMMIT did
    land, the message's lease is gone and the retry changes nothing."""
    for attempt in range(1, SETTLE_TRIES + 1):
        try:
            return _settle_once(message_id, run_id, lease, **values)
        except OperationalError:
            db.session.rollback()
            if attempt == SETTLE_TRIES:
                raise
            log.warning("recording message %s: database error, trying again", message_id, exc_info=True)
            time.sleep(SETTLE_PAUSE_SECONDS * attempt)


def _settle_once(message_id, run_id, lease, **values) -> None:
    if run_id is not None:
        db.session.execute(update(Run).where(Run.id == run_id, Run.status.in_(LIVE))
                           .values(ready=True, seq=Run.seq + 1).execution_options(synchronize_session=False))
    done = db.session.execute(update(Message).where(Message.id == message_id, Message.lease_until == lease)
                              .values(lease_until=None, **values).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()  # another sender took over after our lease ran out; its result counts
        return
    db.session.commit()
