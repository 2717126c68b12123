"""Record list, new-record and detail pages: edit fields, owner and tags, choose pipeline and stage."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store.db import db
from crm import records
from crm.models import ObjectType, Record, User
from crm.pipelines import pipeline_details, stage_label
from engine.task_rights import TaskRefused
from web.auth import cause, requires
from web.pages import bp
from web.pages.record_panels import record_panels

PAGE_SIZE = 50


def _kind_or_404(object_name: str) -> ObjectType:
    try:
        return records.object_type(object_name)
    except records.UnknownObject:
        abort(404)


def form_value(spec: dict, raw: str | None):
    """An HTML form sends strings; turn them into the typed values the record API expects."""
    kind = spec.get("type")
    if kind == "boolean":
        return raw == "on"
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if kind == "number":
        for convert in (int, float):
            try:
                return convert(raw)
            except ValueError:
                pass
        return raw
    if kind == "datetime" and len(raw) == 16:  # <input type=datetime-local> has no seconds or offset
        return raw + ":00+00:00"
    return raw


def form_data(kind: ObjectType, form) -> dict:
    """A record form's inputs as a record API body: typed fields, owner, tags (kept, removed, added), stage."""
    data = {"fields": {name: form_value(spec, form.get(name)) for name, spec in kind.fields.items()},
            "owner": form.get("owner") or None}
    removed, added = form.get("remove_tag"), [t.strip() for t in form.get("add_tags", "").split(",") if t.strip()]
    if "tags" in form or added or removed:
        data["tags"] = [t for t in form.getlist("tags") if t != removed] + added
    pipeline = form.get("pipeline")
    if kind.pipelines and pipeline:
        data["pipeline"] = pipeline
        # Moving to another pipeline without a stage of it lands in that pipeline's first stage.
        data["stage"] = form.get("stage") if form.get("stage") in (kind.pipelines.get(pipeline) or []) else None
    elif kind.pipelines and form.get("stage"):
        data["stage"] = form["stage"]
    return data


def _form_context(kind: ObjectType) -> dict:
    return {"users": db.session.execute(db.select(User).order_by(User.username)).scalars().all(),
            "pipelines": pipeline_details(kind)}


@bp.route("/records")
@requires("viewer")
def records_index():
    return redirect(url_for("pages.records_list", object_name="deal"))


@bp.route("/records/<object_name>")
@requires("viewer")
def records_list(object_name):
    kind = _kind_or_404(object_name)
    query = db.select(Record).filter_by(object=object_name).order_by(Record.id.desc())
    if request.args.get("stage"):
        query = query.filter(Record.stage == request.args["stage"])
    if request.args.get("q"):
        query = query.filter(db.cast(Record.fields, db.String).ilike(f"%{request.args['q']}%"))
    rows = db.session.execute(query.limit(PAGE_SIZE)).scalars().all()
    kinds = db.session.execute(db.select(ObjectType).order_by(ObjectType.name)).scalars().all()
    return render_template("records/list.html", kind=kind, kinds=kinds, rows=rows,
                           pipelines=[p for p in pipeline_details(kind) if not p["archived"]],
                           stage_label=lambda r: stage_label(kind, r.pipeline, r.stage))


@bp.route("/records/<object_name>/new", methods=["GET", "POST"])
@requires("editor")
def record_new(object_name):
    kind = _kind_or_404(object_name)
    errors, data = {}, {"fields": {}, "owner": current_user.username, "tags": []}
    if request.method == "POST":
        data = form_data(kind, request.form)
        try:
            record = records.create(object_name, data, cause())
            db.session.commit()
            flash(f"{kind.label} #{record.id} created.", "info")
            return redirect(url_for("pages.record_detail", object_name=object_name, record_id=record.id))
        except records.RecordInvalid as error:
            db.session.rollback()
            errors = error.details
    owner = next((u for u in _form_context(kind)["users"] if u.username == data.get("owner")), None)
    draft = {"fields": data["fields"], "owner": owner, "tags": data.get("tags", []),
             "pipeline": data.get("pipeline"), "stage": data.get("stage")}
    return render_template("records/new.html", kind=kind, record=draft, errors=errors,
                           **_form_context(kind)), 422 if errors else 200


@bp.route("/records/<object_name>/<int:record_id>", methods=["GET", "POST"])
@requires("viewer", to_write="editor")
def record_detail(object_name, record_id):
    kind = _kind_or_404(object_name)
    record = db.session.get(Record, record_id)
    if record is None or record.object != object_name:
        abort(404)
    errors, status = {}, 200
    if request.method == "POST":
        data = form_data(kind, request.form)
        try:
            changes = records.update(record, data, cause())
            db.session.commit()
            flash("Saved." if changes else "Nothing changed.", "info")
            return redirect(url_for("pages.record_detail", object_name=object_name, record_id=record_id))
        except records.RecordInvalid as error:
            db.session.rollback()
            errors = error.details
            record = db.session.get(Record, record_id)
        except TaskRefused as error:
            db.session.rollback()
            flash(error.message, "error")
            errors, status = error.details, error.status
            record = db.session.get(Record, record_id)
    return render_template("records/detail.html", kind=kind, record=record, errors=errors,
                           **_form_context(kind), **record_panels(record)), status
