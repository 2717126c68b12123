"""The landing page: the workflows list by folder, searchable, with each one's last run and failures in 7 days,
and a form to start a new one. Folders and moves are made through the JSON API (static/js/workflows/folders.js)."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from engine import workflow_list
from engine.context import current_clock
from engine.workflows import create
from store import folders
from store.db import MAX_ID, db
from store.models import Folder
from web.auth import requires
from web.pages import bp
from web.pages.zone import browser_zone


@bp.route("/")
@requires("viewer")
def workflows():
    wanted = request.args.get("folder", "")
    folder = workflow_list.ROOT if wanted == workflow_list.ROOT else None
    if wanted.isdigit():
        folder = int(wanted)
        if folder > MAX_ID or db.session.get(Folder, folder) is None:
            abort(404)
    query = request.args.get("q", "").strip()[:200]
    shelves = folders.listing()
    return render_template("workflows.html", rows=workflow_list.rows(current_clock(), folder=folder, query=query),
                           folders=shelves, names={f["id"]: f["name"] for f in shelves}, totals=folders.totals(),
                           folder=folder, query=query)


@bp.route("/workflows", methods=["POST"])
@requires("editor")
def new_workflow():
    name = (request.form.get("name") or "").strip()[:200] or "Untitled workflow"
    workflow = create(current_user, name, {"timezone": browser_zone()})
    return redirect(url_for("pages.editor", workflow_id=workflow.id))
