"""The template gallery: cards with server-rendered diagram previews, filtered by query args (no script)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from builder.preview import preview_svg
from engine.workflows import create
from templates_library import categories, get_template, list_templates
from web.auth import requires
from web.pages import bp
from web.pages.zone import browser_zone


@bp.route("/templates")
@requires("viewer")
def templates():
    category = request.args.get("category", "").strip()
    query = request.args.get("q", "").strip()
    cards = [{**template, "preview": Markup(preview_svg(template["graph"], title=f"Diagram of {template['name']}"))}
             for template in list_templates(category=category, query=query)]
    return render_template("templates.html", cards=cards, categories=categories(), category=category,
                           query=query, total=len(list_templates()))


@bp.route("/templates/<template_id>/use", methods=["POST"])
@requires("editor")
def use_template(template_id):
    template = get_template(template_id)
    if template is None:
        abort(404)
    workflow = create(current_user, template["name"], {"timezone": browser_zone()}, template=template_id)
    flash(f"Created a draft from the template “{template['name']}”.")
    return redirect(url_for("pages.editor", workflow_id=workflow.id))
