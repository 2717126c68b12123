"""Sign in and out."""
import math
import re
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from store.db import db
from crm.people import authenticate
from web.pages import bp

# Browsers drop tabs and newlines from a URL and read '\' as '/': "/\t/evil.example" and "/\evil.example"
# leave the site. A path holding any of these is not followed.
_UNSAFE_IN_PATH = re.compile(r"[\s\\\x00-\x1f\x7f]")


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never bounce a signed-in user to another host.
    if target and target.startswith("/") and not target.startswith("//") and not _UNSAFE_IN_PATH.search(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("pages.workflows")


def _renew_csrf_token() -> None:
    """A token seen before sign-in (on the sign-in page, by anyone at the keyboard) is not good after it."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    throttle = current_app.extensions["login_throttle"]
    if form.validate_on_submit():
        key = (request.remote_addr, form.username.data.strip().lower())
        wait = throttle.blocked_for(key)
        if wait:
            flash(f"Too many failed sign-ins; try again in {math.ceil(wait / 60)} min.", "error")
            return render_template("login.html", form=form), 429
        user = authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            throttle.succeeded(key)
            login_user(user)
            _renew_csrf_token()
            return redirect(_safe_next(request.args.get("next")))
        throttle.failed(key)
        flash("Wrong username or password.", "error")
    elif form.is_submitted() and "csrf_token" in form.errors:
        flash("The sign-in form expired; please try again.", "error")
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ends every session of this user: a copy of the cookie kept from before is no longer accepted.
    current_user.session_epoch += 1
    logout_user()
    db.session.commit()
    return redirect(url_for("pages.login"))
