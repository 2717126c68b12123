"""When a run fails: tell the people its workflow names (at once, or in the daily digest, engine.alert_digest),
and start its error workflow with the failed run's data.

Everything here happens in the failing advance's transaction, so an alert is written exactly when the failure is:
a crash before the commit rolls both back and the advance is taken again. Emails leave through the outbox.
"""
from builder.alert_settings import read
from store.db import db
from store.error_workflows import problem as error_workflow_problem
from store.models import Workflow
from store.versions import latest_version
from crm.models import Notification, User
from engine import outbox, runstore
from engine.models import Enrollment, FailureAlert
from engine.run_token import RunToken
from engine.specs import spec_of

ERROR_EVENT = "error"


def run_failed(ctx, node_id: str | None, error: str) -> None:
    """Called once per failure of run `ctx.run_id` at `node_id`, in the transaction that fails it."""
    alert = read(ctx.spec.settings)
    started = _start_error_workflow(alert["error_workflow"], ctx, node_id, error)
    text = f"Workflow '{ctx.spec.name}' failed in run {ctx.run_id}: {error}" + (f" ({started})" if started else "")
    users = recipients(alert, ctx.spec.workflow_id)
    if not users:
        return
    if alert["mode"] == "digest":
        db.session.add(FailureAlert(workflow_id=ctx.spec.workflow_id, run_id=ctx.run_id, workflow_name=ctx.spec.name,
                                    node_id=node_id, error=text, failed_at=ctx.now(),
                                    recipients={"users": [u.id for u in users], "in_app": alert["in_app"],
                                                "email": alert["email"]}))
        return
    tell(users, text, f"Flowdesk: workflow '{ctx.spec.name}' failed", f"/runs/{ctx.run_id}", alert["in_app"],
         alert["email"], ctx.now(), run_id=ctx.run_id)


def recipients(alert: dict, workflow_id: int) -> list[User]:
    """The active users `alert` names: the owner, by name, by role; each once."""
    wanted = []
    if alert["owner"]:
        wanted.append(User.id == db.select(Workflow.owner_id).where(Workflow.id == workflow_id).scalar_subquery())
    if alert["users"]:
        wanted.append(User.username.in_(alert["users"]))
    if alert["roles"]:
        wanted.append(User.role.in_(alert["roles"]))
    if not wanted:
        return []
    return list(db.session.scalars(db.select(User).where(User.active.is_(True), db.or_(*wanted))
                                   .order_by(User.username)))


def tell(users: list[User], text: str, subject: str, link: str, in_app: bool, email: bool, now,
         run_id: int | None = None) -> None:
    """An in-app notification and/or an email (through the outbox, when an SMTP server is set) to each user."""
    for user in users:
        if in_app:
            db.session.add(Notification(user_id=user.id, message=text, link=link, run_id=run_id, created_at=now))
        if email and user.email and outbox.has_provider("email"):
            outbox.add_message(run_id=run_id, node_id=None, channel="email", to=user.email, now=now,
                               subject=subject, body=text)


def _start_error_workflow(target_id, ctx, node_id, error) -> str:
    """Start the error workflow on the failed run's data; what happened, in words ("" when there is none).

    A run started as an error workflow never starts one itself, so error workflows cannot call each other in
    a loop."""
    if target_id is None:
        return ""
    if (ctx.trigger or {}).get("event") == ERROR_EVENT:
        return "this run was itself started by a failure, so no error workflow is started"
    why_not = error_workflow_problem(ctx.spec.workflow_id, ctx.spec.settings)
    target = db.session.get(Workflow, target_id) if why_not is None else None
    version = latest_version(target) if target is not None else None
    if why_not is None and version is None:
        why_not = f"'{target.name}' has no published version"
    elif why_not is None and target.status != "active":
        why_not = f"'{target.name}' is paused"
    if why_not is None:
        spec = spec_of(version.id)
        if (spec.trigger or {}).get("type") != "manual":
            why_not = f"the published version of '{target.name}' does not start with a manual trigger"
    if why_not is not None:
        if target is not None:
            reason = f"not started as the error workflow of run {ctx.run_id}: {why_not}"
            db.session.add(Enrollment(workflow_id=target.id, record_id=ctx.record_id, reason=reason, kind="refused",
                                      created_at=ctx.now()))
        return f"error workflow not started: {why_not}"
    data = {"workflow": {"id": ctx.spec.workflow_id, "name": ctx.spec.name, "version": ctx.spec.number},
            "run_id": ctx.run_id, "failed_node": node_id, "error": error, "record_id": ctx.record_id}
    wanted = (spec.trigger.get("config") or {}).get("object")
    record_id = ctx.record_id if wanted and (ctx.view or {}).get("object") == wanted else None
    run = runstore.insert(workflow_id=target.id, version_id=version.id, version=version.number, record_id=record_id,
                          event_id=None, status="running", tokens=(RunToken(spec.trigger["id"], "ready"),),
                          nodes={}, ready=True, seq=0, trigger={"event": ERROR_EVENT, "changes": {}}, payload=data,
                          depth=ctx.depth + 1, started_at=ctx.now())
    db.session.add(Enrollment(workflow_id=target.id, record_id=record_id, run_id=run.id, kind="enrolled",
                              reason=f"started as the error workflow of run {ctx.run_id}", created_at=ctx.now()))
    return f"error workflow '{target.name}' started as run {run.id}"
