"""Records: list, create, read, change and delete; every change writes its event (crm.records)."""
import marshmallow as ma
from flask_smorest import abort
from flask.views import MethodView
from marshmallow import fields as mf

from store.db import db
from crm import records, related
from crm.models import Record, User
from crm.models.records import record_dict
from web.api.blueprint import Blueprint
from web.api.batch import BATCH_STATUS, accepts_batches, batch_answer, request_body
from web.api.schemas import Id, PageArgs, RelatedOut, page_of, paginate
from web.auth import cause, requires

blp = Blueprint("records", __name__, url_prefix="/api/records", description="CRM records")


class RecordOut(ma.Schema):
    id = mf.Integer()
    object = mf.String()
    fields = mf.Dict()
    owner = mf.String(allow_none=True)
    tags = mf.List(mf.String())
    pipeline = mf.String(allow_none=True)
    stage = mf.String(allow_none=True)
    created_at = mf.DateTime()
    updated_at = mf.DateTime()
    external_id = mf.String(allow_none=True)
    related_id = mf.Integer(allow_none=True, metadata={"description": "the record this one is about (tasks)"})
    related = mf.Nested(RelatedOut, allow_none=True,
                        metadata={"description": "that record's object, name and page, or null"})


class RecordIn(ma.Schema):
    fields = mf.Dict(metadata={"description": "field name -> value, typed by the object's fields"})
    owner = mf.String(allow_none=True, metadata={"description": "a username, or null"})
    tags = mf.List(mf.String())
    pipeline = mf.String(allow_none=True)
    stage = mf.String(allow_none=True)
    external_id = mf.String(allow_none=True)
    related_id = Id(allow_none=True, metadata={"description": "the record this one is about (tasks)"})


class RecordQuery(PageArgs):
    stage = mf.String()
    tag = mf.String()
    owner = mf.String()
    q = mf.String(metadata={"description": "text search over field values"})


RecordPage = page_of(RecordOut, "RecordPage")
RecordBatch = batch_answer("Record", {"record": mf.Nested(RecordOut, metadata={"description": "as created"})})


def dump(record, linked: dict | None = None) -> dict:
    """The record (a Record or :func:`crm.records.load`'s namespace) with the record it is about; `linked` is
    :func:`crm.related.describe` of a page at once."""
    linked = related.describe([record.related_id]) if linked is None else linked
    return {**record_dict(record), "related": linked.get(record.related_id)}


def get_record(object_name: str, record_id: int) -> Record:
    return _found(object_name, record_id, db.session.get(Record, record_id))


def _found(object_name: str, record_id: int, record):
    if record is None or record.object != object_name:
        records.object_type(object_name)  # an unknown object type is a 404 of its own
        abort(404, description=f"No {object_name} with id {record_id}.")
    return record


@blp.route("/<object_name>")
class RecordList(MethodView):
    @requires("viewer")
    @blp.arguments(RecordQuery, location="query")
    @blp.response(200, RecordPage)
    def get(self, args, object_name):
        """Records of one object type, newest first."""
        records.object_type(object_name)
        query = db.select(Record).filter_by(object=object_name).order_by(Record.id.desc())
        if args.get("stage"):
            query = query.filter(Record.stage == args["stage"])
        if args.get("tag"):
            query = query.filter(db.cast(Record.tags, db.String).like(f'%"{args["tag"]}"%'))
        if args.get("owner"):
            query = query.join(User, Record.owner_id == User.id).filter(User.username == args["owner"])
        if args.get("q"):
            query = query.filter(db.cast(Record.fields, db.String).ilike(f"%{args['q']}%"))
        page = paginate(query, args)
        linked = related.describe(r.related_id for r in page["items"])
        page["items"] = [dump(r, linked) for r in page["items"]]
        return page

    @requires("editor")
    @accepts_batches(RecordIn, lambda data, object_name: {"status": 201, "record": create(object_name, data)},
                     prepare=lambda object_name: records.object_type(object_name))
    @blp.arguments(RecordIn)
    @blp.response(201, RecordOut)
    @blp.alt_response(BATCH_STATUS, schema=RecordBatch, description="A list body: one answer per item, in order")
    @blp.doc(**request_body(RecordIn))
    def post(self, data, object_name):
        """Create a record (event `created`), or each of a list of up to 500 (each in order: 201 or refused)."""
        created = create(object_name, data)
        db.session.commit()
        return created


def create(object_name: str, data: dict) -> dict:
    """Create one record with its event, uncommitted; the record as flushed (after the commit the ORM would
    read it back)."""
    return dump(records.create(object_name, data, cause()))


@blp.route("/<object_name>/<int:record_id>")
class RecordOne(MethodView):
    @requires("viewer")
    @blp.response(200, RecordOut)
    def get(self, object_name, record_id):
        # Read without the ORM: building an ORM object (owner joined) cost several times the query itself.
        return dump(_found(object_name, record_id, records.load(record_id)))

    @requires("editor")
    @blp.arguments(RecordIn)
    @blp.response(200, RecordOut)
    def patch(self, data, object_name, record_id):
        """Change fields, owner, tags or stage (event `updated`, plus `stage_changed` when the stage moves)."""
        record = get_record(object_name, record_id)
        if "external_id" in data:
            abort(422, message="external_id cannot be changed.", details={"external_id": "read-only"})
        records.update(record, data, cause())
        db.session.commit()
        return dump(record)

    @requires("editor")
    @blp.response(204)
    def delete(self, object_name, record_id):
        """Delete a record (event `deleted`)."""
        records.delete(get_record(object_name, record_id), cause())
        db.session.commit()
