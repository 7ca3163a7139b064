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
    retry_after: int | None = None
    """Seconds after which the same request may work (sent as ``Retry-After``), if it may."""

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


MAX_REASON_CHARS = 300


def reason_text(reason: object) -> str:
    """A reason the chair records in the log (an abandoned ceremony, a small round decrypted):
    non-empty text of at most 300 characters, white space collapsed; else ``BadRequest``."""
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON_CHARS:
        raise BadRequest(
            f"Cần ghi lý do (tối đa {MAX_REASON_CHARS} ký tự).",
            f"A reason is needed (at most {MAX_REASON_CHARS} characters).",
            code="reason_required",
        )
    return " ".join(reason.split())


class ServiceUnavailable(ApiError):
    """The server has too much to do right now (the proof queue or the live-update streams are
    full); the client should send again after ``retry_after`` seconds (given in the
    ``Retry-After`` header). Not ``busy``, which says the database is held by another program."""

    status = 503
    code = "overloaded"

    def __init__(self, message_vi: str, message_en: str, *, retry_after: int) -> None:
        super().__init__(message_vi, message_en)
        self.retry_after = retry_after

    def to_json(self) -> dict[str, str | int]:
        return {**super().to_json(), "retry_after": self.retry_after}


class StoreError(ApiError):
    """The meeting's storage (the database, its log-head file, the disk) cannot do this now.

    Every subclass says what is wrong and that nothing was saved; ``retry_after`` is set when
    sending the same request again later can work (a lock held elsewhere, a full disk)."""

    status = 503
    code = "store"


class StoreBusy(StoreError):
    """Another program holds the database's write lock longer than the server waits."""

    code = "busy"
    retry_after = 2

    def __init__(self) -> None:
        super().__init__(
            "Cơ sở dữ liệu hội nghị đang bị một chương trình khác giữ; chưa ghi gì. "
            "Vui lòng thử lại sau vài giây.",
            "The meeting database is held by another program; nothing was saved. "
            "Please try again in a few seconds.",
        )


class StoreFull(StoreError):
    """The disk holding the meeting folder is full."""

    status = 507
    code = "disk_full"
    retry_after = 10

    def __init__(self) -> None:
        super().__init__(
            "Ổ đĩa chứa thư mục hội nghị đã đầy; chưa ghi gì. Hãy giải phóng chỗ trống trên "
            "máy chủ rồi thử lại.",
            "The disk holding the meeting folder is full; nothing was saved. Free some disk "
            "space on the server, then try again.",
        )


class StoreDamaged(StoreError):
    """The database or its log-head file is damaged; the server writes nothing more."""

    code = "store_damaged"

    def __init__(self, detail_vi: str, detail_en: str) -> None:
        super().__init__(
            f"Cơ sở dữ liệu hội nghị bị hỏng: {detail_vi}. Không ghi gì thêm; hãy báo chủ tọa.",
            f"The meeting database is damaged: {detail_en}. Nothing more is written; "
            "tell the chair.",
        )


class StoreBehindLog(StoreDamaged):
    """The database does not reach the log head anchored outside it: committed events are
    missing (a lost, truncated or foreign WAL file, or an old copy of the database)."""

    code = "store_behind_log"

    def __init__(self, detail_vi: str, detail_en: str) -> None:
        ApiError.__init__(
            self,
            f"Không mở hội nghị: {detail_vi}.",
            f"The meeting is not opened: {detail_en}.",
        )


class StoreMissing(StoreError):
    """A file of the meeting folder is missing (the database, or its log-head file)."""

    code = "store_missing"


class StoreUnwritable(StoreError):
    """The meeting folder cannot be written (read-only disk, permissions, an I/O error)."""

    code = "store_unwritable"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Không ghi được vào thư mục hội nghị ({detail}); chưa ghi gì.",
            f"The meeting folder cannot be written ({detail}); nothing was saved.",
        )
