"""Domain errors carry a message for the user; views turn them into a form error or a 4xx page."""

from __future__ import annotations


class DomainError(Exception):
    """Something the user asked for cannot be done; ``message`` says why, in their words."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """Someone else changed the record first (optimistic locking) or a unique value is taken."""

    status_code = 409
