"""The daily digest of failures: once a day at ALERT_DIGEST_AT ("HH:MM" in ALERT_DIGEST_TIMEZONE, default
08:00 UTC), each person named by a digest workflow hears of its failures since the last digest, in one message.

The day's digest is a row with a unique due time: whichever worker inserts it sends it, in the same transaction
that hands it every failure still waiting, so each failure is in exactly one digest. A digest missed while every
worker was down goes out at the next pass (engine.worker runs one every few seconds); only the latest one is sent.
"""
from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from store.db import begin_writing, db
from crm.models import User
from engine.clock import SYSTEM_CLOCK
from engine.failure_alerts import tell
from engine.models import AlertDigest, FailureAlert

DEFAULT_AT, DEFAULT_ZONE = "08:00", "UTC"


def latest_due(now: datetime) -> datetime:
    """The most recent digest time at or before `now` (yesterday's, before today's hour)."""
    config = current_app.config
    at = time.fromisoformat(config.get("ALERT_DIGEST_AT") or DEFAULT_AT)
    zone = ZoneInfo(config.get("ALERT_DIGEST_TIMEZONE") or DEFAULT_ZONE)
    local = now.astimezone(zone)
    due = datetime.combine(local.date(), at, zone)
    if due > local:
        due = datetime.combine(local.date() - timedelta(days=1), at, zone)
    return due.astimezone(now.tzinfo)


def send_due(clock=SYSTEM_CLOCK) -> int:
    """Send the latest digest if no worker has; returns how many failures it told of."""
    now = clock.now()
    due = latest_due(now)
    sent = db.session.scalar(db.select(AlertDigest.id).where(AlertDigest.due_at == due))
    if sent is not None:
        db.session.commit()
        return 0
    try:
        begin_writing()
        digest = AlertDigest(due_at=due, sent_at=now)
        db.session.add(digest)
        db.session.flush()
    except IntegrityError:  # another worker sent it first
        db.session.rollback()
        return 0
    db.session.execute(update(FailureAlert).where(FailureAlert.digest_id.is_(None))
                       .values(digest_id=digest.id).execution_options(synchronize_session=False))
    failures = db.session.scalars(db.select(FailureAlert).where(FailureAlert.digest_id == digest.id)
                                  .order_by(FailureAlert.failed_at, FailureAlert.id)).all()
    digest.failures = len(failures)
    _tell_each(failures, now)
    db.session.commit()
    return len(failures)


def _tell_each(failures: list, now) -> None:
    """One notification and/or one email per person, listing the failures they are told of."""
    by_user = defaultdict(lambda: {"in_app": [], "email": []})
    for failure in failures:
        line = f"{failure.failed_at:%Y-%m-%d %H:%M} UTC: {failure.error}"
        for user_id in failure.recipients.get("users", []):
            for channel in ("in_app", "email"):
                if failure.recipients.get(channel):
                    by_user[user_id][channel].append(line)
    users = db.session.scalars(db.select(User).where(User.id.in_(by_user), User.active.is_(True))).all()
    for user in users:
        lines = by_user[user.id]
        for channel in ("in_app", "email"):
            if lines[channel]:
                runs = f"{len(lines[channel])} workflow run{'s' if len(lines[channel]) != 1 else ''} failed"
                text = f"{runs} since the last digest:\n" + "\n".join(lines[channel])
                tell([user], text, f"Flowdesk: {runs} since the last digest", "/", channel == "in_app",
                     channel == "email", now)
