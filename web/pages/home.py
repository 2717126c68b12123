"""The landing page: the workflows list."""
from flask import render_template
from flask_login import login_required

from web.pages import bp


@bp.route("/")
@login_required
def workflows():
    return render_template("workflows.html")
