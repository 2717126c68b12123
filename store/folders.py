"""Folders on the workflows list: create, rename, delete (an empty one, or moving its workflows to the root),
and moving a workflow into a folder or back to the root. Each function works in the caller's transaction."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from store.db import begin_writing, db
from store.models import Folder, Workflow

MAX_NAME = 100


class FolderRefused(Exception):
    """A folder change that cannot be made; `status` is the HTTP status, `details` names the field."""

    def __init__(self, message: str, details: dict, status: int = 409):
        super().__init__(message)
        self.message, self.details, self.status = message, details, status


def listing() -> list[dict]:
    """Every folder by name, with how many workflows it holds: `[{"id", "name", "workflows"}]`."""
    counts = dict(db.session.execute(select(Workflow.folder_id, func.count(Workflow.id))
                                     .where(Workflow.folder_id.is_not(None)).group_by(Workflow.folder_id)).all())
    folders = db.session.scalars(select(Folder).order_by(func.lower(Folder.name), Folder.id))
    return [{"id": f.id, "name": f.name, "workflows": counts.get(f.id, 0)} for f in folders]


def totals() -> dict:
    """`{"all": every workflow, "root": those in no folder}`."""
    every, root = db.session.execute(select(func.count(Workflow.id),
                                            func.count(Workflow.id).filter(Workflow.folder_id.is_(None)))).one()
    return {"all": every, "root": root}


def summary(folder: Folder) -> dict:
    inside = db.session.scalar(select(func.count(Workflow.id)).where(Workflow.folder_id == folder.id))
    return {"id": folder.id, "name": folder.name, "workflows": inside}


def _named(name: str, keep: Folder | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise FolderRefused("A folder needs a name.", {"name": "must not be empty"}, 422)
    if len(name) > MAX_NAME:
        raise FolderRefused(f"A folder name has at most {MAX_NAME} characters.",
                            {"name": f"longer than {MAX_NAME} characters"}, 422)
    taken = db.session.scalar(select(Folder.id).where(func.lower(Folder.name) == name.lower()))
    if taken is not None and (keep is None or taken != keep.id):
        raise FolderRefused(f"There is already a folder named '{name}'.", {"name": "already taken"})
    return name


def _flushed(folder: Folder) -> Folder:
    begin_writing()  # the savepoint nests in the caller's transaction (SQLite would otherwise commit at its end)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same name saved by someone else at the same moment
        raise FolderRefused(f"There is already a folder named '{folder.name}'.", {"name": "already taken"}) from None
    return folder


def create(name: str) -> Folder:
    folder = Folder(name=_named(name))
    db.session.add(folder)
    return _flushed(folder)


def rename(folder: Folder, name: str) -> Folder:
    folder.name = _named(name, keep=folder)
    return _flushed(folder)


def delete(folder: Folder, move_to_root: bool) -> int:
    """Delete `folder`; its workflows go to the root only when `move_to_root`, else a folder with workflows stays
    (409). Returns how many workflows moved."""
    inside = db.session.scalar(select(func.count(Workflow.id)).where(Workflow.folder_id == folder.id))
    if inside and not move_to_root:
        raise FolderRefused(f"'{folder.name}' holds {inside} workflow(s). Move them to the root to delete it "
                            f"(move_to_root=1).", {"move_to_root": "must be true while the folder holds workflows",
                                                   "workflows": inside})
    db.session.execute(update(Workflow).where(Workflow.folder_id == folder.id).values(folder_id=None)
                       .execution_options(synchronize_session=False))
    db.session.delete(folder)
    return inside


def place(workflow: Workflow, folder_id: int | None) -> None:
    """Put `workflow` in the folder `folder_id`, or at the root for None. Its draft and revision are untouched."""
    missing = FolderRefused(f"No folder with id {folder_id}.", {"folder": "no such folder"}, 422)
    if folder_id is not None and db.session.get(Folder, folder_id) is None:
        raise missing
    begin_writing()
    try:
        with db.session.begin_nested():  # the folder may be deleted by someone else in between
            db.session.execute(update(Workflow).where(Workflow.id == workflow.id).values(folder_id=folder_id)
                               .execution_options(synchronize_session=False))
    except IntegrityError:
        raise missing from None
    db.session.expire(workflow)
