"""Folders for workflows: editors create, rename and delete them and move workflows in and out; viewers read."""
import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields

from store import folders
from store.db import db
from store.models import Folder
from web.api.blueprint import Blueprint
from web.api.schemas import Id
from web.api.workflows import WorkflowOut, get_workflow, with_etag
from web.auth import requires

blp = Blueprint("folders", __name__, url_prefix="/api", description="Folders for workflows")


class FolderIn(ma.Schema):
    name = fields.String(required=True, metadata={"description": f"unique, at most {folders.MAX_NAME} characters"})


class FolderOut(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    workflows = fields.Integer(metadata={"description": "how many workflows it holds"})


class DeleteArgs(ma.Schema):
    move_to_root = fields.Boolean(load_default=False, metadata={
        "description": "move the folder's workflows to the root first; without it a folder that holds workflows "
                       "is not deleted (409)"})


class PlaceIn(ma.Schema):
    folder = Id(required=True, allow_none=True, metadata={"description": "a folder id, or null for the root"})


def get_folder(folder_id: int) -> Folder:
    folder = db.session.get(Folder, folder_id)
    if folder is None:
        abort(404, message=f"No folder with id {folder_id}.")
    return folder


@blp.route("/folders")
class Folders(MethodView):
    @requires("viewer")
    @blp.response(200, FolderOut(many=True))
    def get(self):
        """Every folder by name, with how many workflows it holds."""
        return folders.listing()

    @requires("editor")
    @blp.arguments(FolderIn)
    @blp.response(201, FolderOut)
    @blp.alt_response(409, description="A folder of that name exists")
    def post(self, data):
        folder = folders.create(data["name"])
        db.session.commit()
        return folders.summary(folder), 201


@blp.route("/folders/<int:folder_id>")
class FolderOne(MethodView):
    @requires("viewer")
    @blp.response(200, FolderOut)
    def get(self, folder_id):
        return folders.summary(get_folder(folder_id))

    @requires("editor")
    @blp.arguments(FolderIn)
    @blp.response(200, FolderOut)
    @blp.alt_response(409, description="A folder of that name exists")
    def patch(self, data, folder_id):
        """Rename the folder."""
        folder = get_folder(folder_id)
        folders.rename(folder, data["name"])
        db.session.commit()
        return folders.summary(folder)

    @requires("editor")
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    @blp.alt_response(409, description="The folder holds workflows and `move_to_root` was not given")
    def delete(self, args, folder_id):
        """Delete an empty folder, or (with `move_to_root=1`) move its workflows to the root and delete it."""
        folders.delete(get_folder(folder_id), args["move_to_root"])
        db.session.commit()


@blp.route("/workflows/<int:workflow_id>/folder")
class WorkflowFolder(MethodView):
    @requires("editor")
    @blp.arguments(PlaceIn)
    @blp.response(200, WorkflowOut)
    def put(self, data, workflow_id):
        """Move the workflow into a folder (`{"folder": id}`) or to the root (`{"folder": null}`); its draft and
        revision are untouched."""
        workflow = get_workflow(workflow_id)
        folders.place(workflow, data["folder"])
        db.session.commit()
        return with_etag(workflow)
