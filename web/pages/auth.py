"""Sign in and out."""
import math

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from builder.db import db
from engine.people import find_user
from web.pages import bp


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never bounce a signed-in user to another host.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.workflows")


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
        user = find_user(form.username.data.strip())
        if user and user.active and user.check_password(form.password.data):
            throttle.succeeded(key)
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        throttle.failed(key)
        flash("Wrong username or password.", "error")
    elif form.is_submitted() and "csrf_token" in form.errors:
        flash("The sign-in form expired; please try again.", "error")
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    db.session.commit()
    return redirect(url_for("pages.login"))
