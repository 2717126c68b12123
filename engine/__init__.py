"""The workflow engine: enrollment, runs, waits, the outbox, human tasks."""
from engine import task_rights  # noqa: F401  (guards task records: a person changes them only with the right to)
