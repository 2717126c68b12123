"""The turn counters of rotate-owner steps."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.db import db


class RotationCounter(db.Model):
    """How many turns a rotate-owner step (workflow, node id) has handed out, across all its versions.

    A run takes the next turn with one atomic upsert (engine.rotation.take_turn), so concurrent runs never
    get the same one.
    """

    __tablename__ = "rotation_counters"

    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True)
    node_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    taken: Mapped[int] = mapped_column(default=0)
