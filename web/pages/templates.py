"""The template gallery: cards with server-rendered diagram previews, filtered by query args (no script)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from store import workflow_audit
from store.db import db
from store.models import Workflow
from store.names import free_name
from builder.preview import preview_svg
from templates_library import categories, get_template, list_templates, start_draft
from web.pages import bp
from web.pages.zone import browser_zone


@bp.route("/templates")
@login_required
def templates():
    category = request.args.get("category", "").strip()
    query = request.args.get("q", "").strip()
    cards = [{**template, "preview": Markup(preview_svg(template["graph"], title=f"Diagram of {template['name']}"))}
             for template in list_templates(category=category, query=query)]
    return render_template("templates.html", cards=cards, categories=categories(), category=category,
                           query=query, total=len(list_templates()))


@bp.route("/templates/<template_id>/use", methods=["POST"])
@login_required
def use_template(template_id):
    if not current_user.has_role("editor"):
        abort(403)
    template = get_template(template_id)
    if template is None:
        abort(404)
    workflow = Workflow(name=free_name(template["name"]), owner_id=current_user.id, timezone=browser_zone())
    start_draft(workflow, template)
    db.session.add(workflow)
    db.session.flush()
    workflow_audit.created(workflow, source=f"template {template_id}")
    db.session.commit()
    flash(f"Created a draft from the template “{template['name']}”.")
    return redirect(url_for("pages.editor", workflow_id=workflow.id))
