"""notify_user: in-app notifications; and the note to a workflow's owner when one of its runs fails."""
from store.db import db
from store.models import Workflow
from engine import outbox
from crm.models import Notification, User
from engine.node_executors import executes
from engine.outcomes import Advance


def _active_user(username: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(username=username, active=True)).scalar_one_or_none()


def recipients(config: dict, ctx) -> tuple[list, list]:
    """The active users to notify, and what was asked for but not found."""
    users, missing = {}, []
    username = ctx.render(config.get("user")).strip()
    if username:
        user = _active_user(username)
        if user:
            users[user.id] = user
        else:
            missing.append(f"no active user '{username}'")
    role = (config.get("role") or "").strip()
    if role:
        found = db.session.scalars(db.select(User).filter_by(role=role, active=True)).all()
        users.update({user.id: user for user in found})
        if not found:
            missing.append(f"no active user with role '{role}'")
    if config.get("owner"):
        owner = (ctx.view or {}).get("owner")
        user = _active_user(owner["username"]) if owner else None
        if user:
            users[user.id] = user
        else:
            missing.append("the record has no (active) owner")
    return list(users.values()), missing


@executes("action", "notify_user")
def execute(node, ctx):
    message = ctx.render(node["config"].get("message")).strip()
    users, missing = recipients(node["config"], ctx)
    names = sorted(u.username for u in users)
    shown = {"users": names, "message": message}
    if not users:
        return Advance(status="skipped", reason="no one to notify: " + "; ".join(missing or ["no user chosen"]),
                       input=shown)
    if ctx.dry:
        return Advance(reason=f"would notify {', '.join(names)}", input=shown)
    view, now = ctx.view, ctx.now()
    link = f"/records/{view['object']}/{view['id']}" if view and view.get("id") else f"/runs/{ctx.run_id}"
    db.session.add_all([Notification(user_id=user.id, message=message, link=link, run_id=ctx.run_id, created_at=now)
                        for user in users])
    return Advance(input=shown, output={"notified": names}, reason="; ".join(missing) or None)


def run_failed(ctx, error: str) -> None:
    """Tell the workflow's owner in the app, and by email when an SMTP server is configured."""
    owner = db.session.execute(db.select(User).join(Workflow, Workflow.owner_id == User.id)
                               .where(Workflow.id == ctx.spec.workflow_id)).scalar_one_or_none()
    if owner is None:
        return
    text = f"Workflow '{ctx.spec.name}' failed in run {ctx.run_id}: {error}"
    db.session.add(Notification(user_id=owner.id, message=text, link=f"/runs/{ctx.run_id}", run_id=ctx.run_id,
                                created_at=ctx.now()))
    if owner.email and outbox.has_provider("email"):
        outbox.add_message(run_id=ctx.run_id, node_id=None, channel="email", to=owner.email, now=ctx.now(),
                           subject=f"Flowdesk: workflow '{ctx.spec.name}' failed", body=text)
