"""Refused CRM input: one base the doors answer with 400 (or 409), a type per kind of thing refused."""


class InvalidInput(Exception):
    """A refused write; `details` maps each offending field to what is wrong with it."""

    def __init__(self, details: dict, message: str = "The input is not valid."):
        super().__init__(message)
        self.message = message
        self.details = details


class RecordInvalid(InvalidInput):
    def __init__(self, details: dict, message: str = "The record is not valid."):
        super().__init__(details, message)


class UserInvalid(InvalidInput):
    """A refused user or API token."""


class Conflict(InvalidInput):
    """Refused because of the state of other things, not the input itself (answered with 409)."""


class UnknownObject(LookupError):
    pass
