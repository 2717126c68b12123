"""/runs/<id>: the run's diagram (the version it used), each node marked by status, its steps, live updates."""
import json
from datetime import date, datetime, timedelta, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from builder.db import db
from builder.models import Workflow, WorkflowVersion
from builder.preview import preview_svg
from engine import lifecycle, stats
from engine.context import current_clock
from engine.models import Run, Step
from web.api.runs import dump
from web.pages import bp


@bp.route("/runs/<int:run_id>")
@login_required
def run_page(run_id):
    run = db.session.get(Run, run_id) or abort(404)
    steps = db.session.scalars(db.select(Step).where(Step.run_id == run_id).order_by(Step.id)).all()
    data = dump(run, steps)
    version = db.session.get(WorkflowVersion, run.version_id)
    labels = {n["id"]: n.get("label") or n["id"] for n in version.graph["nodes"]}
    # Preview text is escaped inside preview_svg; the markup itself is ours.
    diagram = Markup(preview_svg(version.graph, title=f"Run {run.id} of {version.name}", statuses=data["nodes"]))
    state = json.dumps({"status": run.status, "nodes": {k: v["status"] for k, v in data["nodes"].items()}},
                       sort_keys=True)
    return render_template("runs/run.html", run=data, steps=steps, labels=labels, diagram=diagram, state=state,
                           live=run.status in ("running", "waiting"))


@bp.route("/runs/<int:run_id>/<action>", methods=["POST"])
@login_required
def run_action(run_id, action):
    if not current_user.has_role("editor"):
        abort(403)
    try:
        if action == "cancel":
            lifecycle.cancel_by_id(run_id, f"cancelled by {current_user.username}", current_clock())
            message = "The run was cancelled."
        elif action == "retry":
            lifecycle.retry(run_id, current_clock())
            message = "Retrying the failed step."
        else:
            abort(404)
        db.session.commit()
        flash(message, "info")
    except lifecycle.RunRefused as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("pages.run_page", run_id=run_id))


PAGE_SIZE = 25
STATUSES = ("running", "waiting", "completed", "failed", "cancelled")


@bp.route("/workflows/<int:workflow_id>/runs")
@login_required
def workflow_runs(workflow_id):
    workflow = db.session.get(Workflow, workflow_id) or abort(404)
    query = db.select(Run).where(Run.workflow_id == workflow_id)
    status, record = request.args.get("status"), request.args.get("record", "")
    if status in STATUSES:
        query = query.where(Run.status == status)
    if record.isdigit():
        query = query.where(Run.record_id == int(record))
    for name, op in (("from", "__ge__"), ("to", "__le__")):
        day = _day(request.args.get(name))
        if day is not None:
            query = query.where(getattr(Run.started_at, op)(day if name == "from" else day + timedelta(days=1)))
    page = max(1, request.args.get("page", 1, type=int) or 1)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    runs = db.session.scalars(query.order_by(Run.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("runs/list.html", workflow=workflow, runs=runs, total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), statuses=STATUSES, status=status, record=record)


def _day(text):
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


@bp.route("/workflows/<int:workflow_id>/stats")
@login_required
def workflow_stats(workflow_id):
    workflow = db.session.get(Workflow, workflow_id) or abort(404)
    counts = stats.node_counts(workflow_id)
    days = stats.daily(workflow_id, current_clock().now().date())
    graph = workflow.versions[-1].graph if workflow.versions else workflow.graph
    diagram = Markup(preview_svg(graph, title=f"{workflow.name}: runs per step", counts=counts))
    return render_template("runs/stats.html", workflow=workflow, diagram=diagram, chart=Markup(day_chart(days)),
                           days=days)


def day_chart(days: list[dict]) -> str:
    """Grouped bars of runs started / completed / failed per day, as SVG drawn here (no chart library)."""
    width, height, left, bottom = 900, 220, 40, 30
    peak = max([max(d["started"], d["completed"], d["failed"]) for d in days] + [1])
    slot = (width - left) / len(days)
    bars = []
    for i, day in enumerate(days):
        for j, (key, colour) in enumerate((("started", "#3b5bdb"), ("completed", "#2b8a3e"), ("failed", "#c92a2a"))):
            h = (height - bottom - 10) * day[key] / peak
            x = left + i * slot + 2 + j * (slot - 4) / 3
            bars.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{(slot - 4) / 3:.1f}" height="{h:.1f}" '
                        f'fill="{colour}"><title>{day["date"]}: {day[key]} {key}</title></rect>')
        if i % 5 == 0:
            bars.append(f'<text x="{left + i * slot:.1f}" y="{height - 8}" font-size="11" fill="#667085">'
                        f'{day["date"][5:]}</text>')
    axis = (f'<text x="4" y="16" font-size="11" fill="#667085">{peak}</text>'
            f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#d0d5dd"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="day-chart" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="Runs started, completed and failed per day">{axis}{"".join(bars)}</svg>')
