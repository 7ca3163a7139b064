"""Who may call the chair's endpoints: the chair secret, a session cookie, a CSRF token.

A browser logs in once with the chair secret (printed when the server starts) and gets a session
cookie (HttpOnly, SameSite=Strict). The session is the login's, not a tab's: every tab of that
browser shares it, and it is kept in the meeting's store (only a hash of its identifier), so it
survives a restart of the server. Each state-changing call made with the cookie must also carry
the session's CSRF token in the ``X-CSRF-Token`` header; the token is derived from the session
(``csrf_token``), so any tab gets it again from ``GET /api/chair/session`` and it stays right
for as long as the session lives. A new login in a browser replaces that browser's session (one
session per login). A program sends the secret itself as ``Authorization: Bearer <secret>``
and needs no cookie or CSRF token. Secrets and tokens are compared in constant time. Wrong
secrets, whichever way they come, share one limiter per client address (10 a minute).
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from dataclasses import dataclass, field

from aiohttp import web

from ballot_server.errors import TooManyRequests, Unauthorized
from ballot_server.ratelimit import RateLimiter
from ballot_server.store import Store
from tally.crypto.hashing import hash32

COOKIE = "phieukin_chair"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 12 * 3600
MAX_SESSIONS = 32
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def secret_matches(expected: str, given: str) -> bool:
    """Constant-time comparison; an unset chair secret matches nothing."""
    if not expected:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def session_hash(session_id: str) -> str:
    """What the store keeps of a session identifier: its hash, never the identifier."""
    return hash32("chair-session", session_id.encode("utf-8")).hex()


def csrf_token(session_id: str) -> str:
    """The CSRF token of a session: derived from its secret identifier, so it follows the
    session (every tab, every restart) and cannot be guessed without it."""
    return hash32("chair-csrf", session_id.encode("utf-8")).hex()


def _expiry(now: float) -> float:
    """A session's end, rounded up to the hour: the store keeps no precise login time."""
    return math.ceil((now + SESSION_SECONDS) / 3600) * 3600


@dataclass
class ChairAuth:
    """The chair's sessions (in the store) and the failed-login limiter of a running server."""

    secret: str
    store: Store
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(limit=10, window_seconds=60))

    def check_secret(self, request: web.Request, given: str) -> None:
        """Compare ``given`` with the chair secret. Every wrong guess — by ``/login`` or by an
        ``Authorization: Bearer`` header — counts against the client's address in one limiter,
        and a blocked address is refused before any comparison."""
        client = request.remote or "unknown"
        if self.limiter.blocked(client):
            raise TooManyRequests(
                "Nhập sai quá nhiều lần. Vui lòng đợi một phút.", "Too many failed attempts."
            )
        if not secret_matches(self.secret, given):
            self.limiter.record_failure(client)
            raise Unauthorized("Mật khẩu chủ tọa không đúng.", "Wrong chair secret.")

    def login(self, request: web.Request, given: str) -> tuple[str, str]:
        """Check the secret; return a new (session id, CSRF token) or raise ``Unauthorized``.
        The browser's previous session, if any, ends: one login, one session."""
        self.check_secret(request, given)
        now = time.time()
        session_id = secrets.token_urlsafe(32)
        previous = request.cookies.get(COOKIE, "")
        with self.store.transaction() as store:
            if previous:
                store.remove_chair_session(session_hash(previous))
            store.add_chair_session(session_hash(session_id), _expiry(now), now, MAX_SESSIONS)
        return session_id, csrf_token(session_id)

    def logout(self, request: web.Request) -> None:
        session_id = request.cookies.get(COOKIE, "")
        if session_id:
            with self.store.transaction() as store:
                store.remove_chair_session(session_hash(session_id))

    def session(self, request: web.Request) -> str | None:
        """The request's live session identifier, if its cookie names one."""
        session_id = request.cookies.get(COOKIE, "")
        if not session_id or len(session_id) > 100:
            return None
        expires = self.store.chair_session_expires(session_hash(session_id))
        if expires is None or expires <= time.time():
            return None
        return session_id

    def require(self, request: web.Request) -> None:
        """Let the chair through, or raise ``Unauthorized`` (401)."""
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, given = header.partition(" ")
            self.check_secret(request, given.strip() if scheme.lower() == "bearer" else "")
            return
        session_id = self.session(request)
        if session_id is None:
            raise Unauthorized(
                "Phiên đăng nhập chủ tọa đã hết hoặc chưa đăng nhập; hãy đăng nhập lại.",
                "Chair login required (no session, or it has ended).",
            )
        if request.method not in SAFE_METHODS:
            given = request.headers.get(CSRF_HEADER, "")
            expected = csrf_token(session_id)
            if not given or not hmac.compare_digest(expected.encode(), given.encode()):
                raise Unauthorized(
                    "Thiếu hoặc sai mã chống giả mạo (CSRF) của phiên đăng nhập; "
                    "chưa làm gì. Trang sẽ lấy lại mã và thử lại.",
                    "Missing or wrong CSRF token for this session; nothing was done. "
                    "The page fetches the token again and retries.",
                    code="csrf",
                )


def set_cookie(response: web.StreamResponse, session_id: str) -> None:
    response.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="Strict",
        path="/",
        max_age=SESSION_SECONDS,
    )


def clear_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")
