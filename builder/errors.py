"""The small exception hierarchy of the builder package."""


class WorkflowError(Exception):
    """Base class of every error the builder raises on purpose."""


class InvalidWorkflow(WorkflowError):
    """A workflow document that cannot be read at all (CONTRACT.md §4: refused with 422).

    Parameters
    ----------
    message : str
        One readable sentence for the user.
    details : dict, optional
        Offending location -> what is wrong, e.g. ``{"nodes[3].type": "unknown node type 'foo'"}``.
    problems : list of dict, optional
        The same findings in the shape of :func:`builder.validate.problems` entries.
    """

    def __init__(self, message: str, details: dict | None = None, problems: list | None = None):
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})
        self.problems = list(problems or [])


class UnknownNodeType(InvalidWorkflow):
    """A node names a type the catalog does not declare."""


class LayoutTooLarge(InvalidWorkflow):
    """A graph so tangled that auto-arrange would take too long: its edges cross too many layers."""
