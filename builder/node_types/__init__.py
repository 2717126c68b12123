"""The node types Flowdesk ships, one module per kind; importing this package declares them all.

Declaration order is the palette's, and resolves a name two kinds share (``webhook``) to the trigger.
"""
from builder.node_types import triggers, conditions, waits, human_tasks, actions  # noqa: F401
