"""/settings (admin): users, API tokens, secrets, object-type fields, pipelines and the running configuration."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.db import db
from engine import vault
from crm.models import ROLES, ApiToken, ObjectType, User
from crm.objects_admin import add_field
from crm.pipelines import pipeline_details
from crm.people import create_user, issue_token
from crm.errors import InvalidInput
from web.auth import requires
from web.pages import bp


def _refused(error: InvalidInput):
    db.session.rollback()
    for field, message in error.details.items():
        flash(f"{field}: {message}", "error")


@bp.route("/settings")
@requires("admin")
def settings():
    config = current_app.config
    channels = {"Email (SMTP)": config.get("SMTP_URL"), "SMS provider": config.get("SMS_PROVIDER_URL"),
                "WhatsApp provider": config.get("WHATSAPP_PROVIDER_URL")}
    kinds = db.session.execute(db.select(ObjectType).order_by(ObjectType.name)).scalars().all()
    return render_template(
        "settings.html", roles=ROLES, channels=channels, config=config,
        users=db.session.execute(db.select(User).order_by(User.username)).scalars().all(),
        tokens=db.session.execute(db.select(ApiToken).order_by(ApiToken.id)).scalars().all(), secrets=vault.names(),
        kinds=kinds, pipelines={k.name: pipeline_details(k) for k in kinds})


@bp.route("/settings/users", methods=["POST"])
@requires("admin")
def settings_add_user():
    form = request.form
    try:
        create_user(form.get("username", "").strip(), form.get("role", ""), form.get("password") or None,
                    form.get("email") or None, form.get("name") or None)
        db.session.commit()
        flash(f"User '{form.get('username')}' created.", "info")
    except InvalidInput as error:
        _refused(error)
    return redirect(url_for("pages.settings") + "#users")


@bp.route("/settings/users/<username>/availability", methods=["POST"])
@requires("admin")
def settings_user_availability(username):
    user = db.session.scalar(db.select(User).where(User.username == username)) or abort(404)
    user.available = request.form.get("available") == "1"
    db.session.commit()
    flash(f"{user.username} is now {'available' if user.available else 'away'}.", "info")
    return redirect(url_for("pages.settings") + "#users")


@bp.route("/settings/tokens", methods=["POST"])
@requires("admin")
def settings_add_token():
    try:
        _, plain = issue_token(request.form.get("user", ""), request.form.get("name", "").strip())
        db.session.commit()
        flash(f"New token (copy it now, it is not shown again): {plain}", "token")
    except InvalidInput as error:
        _refused(error)
    return redirect(url_for("pages.settings") + "#tokens")


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("admin")
def settings_revoke_token(token_id):
    token = db.session.get(ApiToken, token_id) or abort(404)
    db.session.delete(token)
    db.session.commit()
    flash(f"Token '{token.name}' revoked.", "info")
    return redirect(url_for("pages.settings") + "#tokens")


@bp.route("/settings/secrets", methods=["POST"])
@requires("admin")
def settings_put_secret():
    name = request.form.get("name", "").strip()
    try:
        created = vault.put(name, request.form.get("value", ""), current_user.username)
        db.session.commit()
        flash(f"Secret '{name}' {'added' if created else 'replaced'}; use it as {{{{ secrets.{name} }}}}.", "info")
    except InvalidInput as error:
        _refused(error)
    return redirect(url_for("pages.settings") + "#secrets")


@bp.route("/settings/secrets/<name>/delete", methods=["POST"])
@requires("admin")
def settings_delete_secret(name):
    if not vault.remove(name):
        abort(404)
    db.session.commit()
    flash(f"Secret '{name}' deleted.", "info")
    return redirect(url_for("pages.settings") + "#secrets")


@bp.route("/settings/fields", methods=["POST"])
@requires("admin")
def settings_add_field():
    form = request.form
    options = [o.strip() for o in form.get("options", "").split(",") if o.strip()]
    try:
        add_field(form.get("object", ""), form.get("name", "").strip(), form.get("type", ""),
                  form.get("label") or None, options)
        db.session.commit()
        flash(f"Field '{form.get('name')}' added to {form.get('object')}.", "info")
    except InvalidInput as error:
        _refused(error)
    return redirect(url_for("pages.settings") + "#objects")
