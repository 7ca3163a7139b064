"""Errors of the meeting server, each with its HTTP status and a message in Vietnamese and English.

Views and the meeting service raise these; one middleware (``error_middleware`` in ``app.py``)
turns them, and the election library's ``TallyError``, into JSON responses. A message names the
object but never a secret, a token or a plaintext vote.
"""

from __future__ import annotations

import secrets


class ApiError(Exception):
    """Base class: an error a client can understand and act on."""

    status = 400
    code = "bad_request"

    def __init__(self, message_vi: str, message_en: str, *, code: str | None = None) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en
        if code is not None:
            self.code = code
        self.reference = secrets.token_hex(4)

    def to_json(self) -> dict[str, str]:
        return {
            "error": self.code,
            "message": self.message_vi,
            "message_en": self.message_en,
            "reference": self.reference,
        }


class BadRequest(ApiError):
    """The request is malformed: bad JSON, wrong types, missing fields, too large."""


class Unauthorized(ApiError):
    """The chair secret, session or CSRF token is missing or wrong."""

    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    """The credential is valid but does not allow this action."""

    status = 403
    code = "forbidden"


class NotFound(ApiError):
    """No such meeting, round, token or tracker."""

    status = 404
    code = "not_found"


class Conflict(ApiError):
    """The action does not fit the meeting's state: voting closed, token used, …"""

    status = 409
    code = "conflict"


class RequestTimeout(ApiError):
    """The client took too long to send its request body."""

    status = 408
    code = "timeout"


class PayloadTooLarge(ApiError):
    """The request body is larger than the server accepts."""

    status = 413
    code = "too_large"


class TooManyRequests(ApiError):
    """Too many attempts from one client in a short time (token guessing)."""

    status = 429
    code = "rate_limited"


class ServiceUnavailable(ApiError):
    """The server is too busy right now; the client should send again after ``retry_after``
    seconds (given in the ``Retry-After`` header)."""

    status = 503
    code = "busy"

    def __init__(self, message_vi: str, message_en: str, *, retry_after: int) -> None:
        super().__init__(message_vi, message_en)
        self.retry_after = retry_after

    def to_json(self) -> dict[str, str | int]:
        return {**super().to_json(), "retry_after": self.retry_after}
