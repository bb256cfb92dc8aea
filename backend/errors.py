"""Domain errors: raised by services, turned into JSON by one middleware."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the caller can understand; `message` is plain Chinese."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Unauthorised(DomainError):
    status = 401
    code = "unauthorised"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


class TooLarge(DomainError):
    status = 413
    code = "too_large"
