"""Domain errors: each names the rule that refused a command."""

from __future__ import annotations


class FloorError(Exception):
    """A command broke a rule of the floor.

    ``code`` is stable and machine-readable, ``message`` is for people, and ``status`` is the
    HTTP status a transport should use. One handler in the API renders every FloorError.
    """

    code = "floor_rule"
    status = 409
    #: Extra facts for the client, e.g. the current state with a stale-version refusal.
    detail: dict[str, object] | None = None

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class NotFound(FloorError):
    code = "not_found"
    status = 404


class Forbidden(FloorError):
    code = "forbidden"
    status = 403


class StaleVersion(FloorError):
    code = "stale_version"
    status = 409
