"""Run pages: /runs/<id> (the run's diagram, steps and timeline, followed live), cancel and retry,
/workflows/<id>/runs (filtered, paginated) and /workflows/<id>/stats (counts per node, runs per day)."""
import json
from datetime import date, datetime, timedelta, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from store.db import db
from store.models import Workflow, WorkflowVersion
from builder.credentials import mask_graph
from builder.preview import preview_svg, status_legend, taken_edges
from engine import lifecycle, run_queries, stats
from engine.context import current_clock
from crm.models import Record
from engine.models import Run
from engine.models.runs import LIVE
from engine.run_queries import STATUSES
from web.auth import requires
from web.pages import bp

PAGE_SIZE = 25
# (key, colour) of the bars of each day, in drawing order.
SERIES = (("started", "#3b5bdb"), ("completed", "#2b8a3e"), ("failed", "#c92a2a"))


def run_view(run_id: int) -> dict:
    """What the run page and its live fragment show: the run as the API gives it, its steps and its diagram."""
    run = db.session.get(Run, run_id) or abort(404)
    steps = run_queries.steps_of(run_id)
    data = run_queries.run_data(run, steps)
    version = db.session.get(WorkflowVersion, run.version_id)
    labels = {node["id"]: node.get("label") or node["id"] for node in version.graph["nodes"]}
    by_node = {node_id: [step for step in data["steps"] if step["node_id"] == node_id] for node_id in data["nodes"]}
    # preview_svg escapes every text it draws; the markup itself is ours. It writes each step's details, so a
    # credential in them is shown masked, as on every other door.
    diagram = Markup(preview_svg(mask_graph(version.graph), title=f"Run {run.id} of {version.name}",
                                 statuses=data["nodes"], taken=taken_edges(version.graph, [step.node_id for step in steps])))
    record = db.session.get(Record, run.record_id) if run.record_id else None
    return {"run": data, "labels": labels, "by_node": by_node, "diagram": diagram, "record": record,
            "legend": Markup(status_legend()), "live": run.status in LIVE}


@bp.app_template_filter("json_text")
def json_text(value) -> str:
    """A step's input or output as indented JSON text, which autoescaping then escapes like any other text.

    (Jinja's `tojson` is made for inside a <script>: it writes `<` as a \\u003c escape, which a <pre> shows as is.)
    """
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


@bp.route("/runs/<int:run_id>")
@requires("viewer")
def run_page(run_id):
    return render_template("runs/run.html", **run_view(run_id))


@bp.route("/runs/<int:run_id>/live")
@requires("viewer")
def run_fragment(run_id):
    """The live part of the run page alone, which static/js/runs/live.js swaps in when the run moves."""
    return render_template("runs/_live.html", **run_view(run_id))


@bp.route("/runs/<int:run_id>/<action>", methods=["POST"])
@requires("editor")
def run_action(run_id, action):
    if action not in ("cancel", "retry"):
        abort(404)
    try:
        if action == "cancel":
            lifecycle.cancel_by_id(run_id, f"cancelled by {current_user.username}", current_clock())
        else:
            lifecycle.retry(run_id, current_clock())
        db.session.commit()
        flash("The run was cancelled." if action == "cancel" else "Retrying the failed step.", "info")
    except lifecycle.RunRefused as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("pages.run_page", run_id=run_id))


@bp.route("/workflows/<int:workflow_id>/runs")
@requires("viewer")
def workflow_runs(workflow_id):
    workflow = db.session.get(Workflow, workflow_id) or abort(404)
    filters = {"status": request.args.get("status", ""), "record": request.args.get("record", "").strip(),
               "from": request.args.get("from", ""), "to": request.args.get("to", "")}
    end = _day(filters["to"])
    query = run_queries.runs(run_queries.RunFilter(
        workflow_id=workflow_id, status=filters["status"] if filters["status"] in STATUSES else None,
        record_id=int(filters["record"]) if filters["record"].isdigit() else None,
        started_from=_day(filters["from"]), started_before=end + timedelta(days=1) if end else None))
    total = run_queries.count(query)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    runs = run_queries.page(query, page, PAGE_SIZE)
    shown = {key: value for key, value in filters.items() if value}
    return render_template("runs/list.html", workflow=workflow, runs=runs, total=total, page=page, pages=pages,
                           statuses=STATUSES, filters=filters, shown=shown)


def _day(text):
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


@bp.route("/workflows/<int:workflow_id>/stats")
@requires("viewer")
def workflow_stats(workflow_id):
    workflow = db.session.get(Workflow, workflow_id) or abort(404)
    counts = stats.counts_of(workflow)
    days = stats.daily(workflow_id, current_clock().now().date())
    graph = workflow.versions[-1].graph if workflow.versions else workflow.graph
    diagram = Markup(preview_svg(mask_graph(graph), title=f"{workflow.name}: runs per step", counts=counts))
    totals = {key: sum(day[key] for day in days) for key, _ in SERIES}
    return render_template("runs/stats.html", workflow=workflow, diagram=diagram, chart=Markup(day_chart(days)),
                           totals=totals)


def day_chart(days: list[dict]) -> str:
    """Grouped bars of runs started / completed / failed per day, as SVG drawn here (no chart library)."""
    width, height, left, bottom, top = 900, 220, 40, 30, 12
    peak = max([day[key] for day in days for key, _ in SERIES] + [1])
    slot = (width - left) / len(days)
    bar = (slot - 6) / len(SERIES)
    scale = (height - bottom - top) / peak
    parts = [f'<line x1="{left}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#eef0f4"/>'
             f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#667085">{value}</text>'
             for value, y in ((value, height - bottom - value * scale) for value in sorted({0, peak // 2, peak}))]
    for i, day in enumerate(days):
        for j, (key, colour) in enumerate(SERIES):
            h = day[key] * scale
            parts.append(f'<rect x="{left + i * slot + 3 + j * bar:.1f}" y="{height - bottom - h:.1f}" '
                         f'width="{bar:.1f}" height="{h:.1f}" rx="1.5" fill="{colour}">'
                         f'<title>{day["date"]}: {day[key]} {key}</title></rect>')
        if i % 5 == 0 or i == len(days) - 1:
            parts.append(f'<text x="{left + (i + .5) * slot:.1f}" y="{height - 10}" text-anchor="middle" '
                         f'font-size="11" fill="#667085">{day["date"][5:]}</text>')
    axis = f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#d0d5dd"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="day-chart" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="Runs started, completed and failed per day">{"".join(parts)}{axis}</svg>')
