"""Who may call the chair's endpoints: the chair secret, a session cookie, a CSRF token.

A browser logs in once with the chair secret (printed when the server starts) and gets a session
cookie (HttpOnly, SameSite=Strict) and a CSRF token; every state-changing call made with the
cookie must also carry the token in the ``X-CSRF-Token`` header. A program sends the secret
itself as ``Authorization: Bearer <secret>`` and needs no cookie or CSRF token. Secrets and
tokens are compared in constant time; sessions live only in the server's memory. Wrong secrets,
whichever way they come, share one limiter per client address (10 a minute).
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field

from aiohttp import web

from ballot_server.errors import TooManyRequests, Unauthorized
from ballot_server.ratelimit import RateLimiter

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


@dataclass
class Session:
    csrf: str
    expires: float


@dataclass
class ChairAuth:
    """The chair's sessions and the failed-login limiter of one running server."""

    secret: str
    sessions: dict[str, Session] = field(default_factory=dict)
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
        """Check the secret; return a new (session id, CSRF token) or raise ``Unauthorized``."""
        self.check_secret(request, given)
        now = time.monotonic()
        self.sessions = {k: s for k, s in self.sessions.items() if s.expires > now}
        while len(self.sessions) >= MAX_SESSIONS:
            self.sessions.pop(next(iter(self.sessions)))
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.sessions[session_id] = Session(csrf, now + SESSION_SECONDS)
        return session_id, csrf

    def logout(self, request: web.Request) -> None:
        self.sessions.pop(request.cookies.get(COOKIE, ""), None)

    def require(self, request: web.Request) -> None:
        """Let the chair through, or raise ``Unauthorized`` (401)."""
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, given = header.partition(" ")
            self.check_secret(request, given.strip() if scheme.lower() == "bearer" else "")
            return
        session = self._session(request.cookies.get(COOKIE, ""))
        if session is None:
            raise Unauthorized("Cần đăng nhập chủ tọa.", "Chair login required.")
        if request.method not in SAFE_METHODS:
            given = request.headers.get(CSRF_HEADER, "")
            if not given or not hmac.compare_digest(session.csrf.encode(), given.encode()):
                raise Unauthorized(
                    "Thiếu hoặc sai mã chống giả mạo (CSRF); hãy tải lại trang.",
                    "Missing or wrong CSRF token.",
                    code="csrf",
                )

    def _session(self, session_id: str) -> Session | None:
        if not session_id:
            return None
        for known, session in self.sessions.items():
            if hmac.compare_digest(known.encode(), session_id.encode()):
                if session.expires <= time.monotonic():
                    return None
                return session
        return None


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
