"""The aiohttp application: one ``create_app(config)`` factory, typed keys, two middlewares.

Resources (the database, the proof-checking processes) are opened and closed in one cleanup
context; domain errors become JSON responses in one middleware; every response carries a strict
Content-Security-Policy (no inline script, no third-party origin).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web

from ballot_server import keys
from ballot_server.audits import Audits
from ballot_server.auth import ChairAuth
from ballot_server.chair import Chair, ChairMemory
from ballot_server.committee_links import CommitteeLinks
from ballot_server.config import ServerConfig
from ballot_server.counting import Counting
from ballot_server.decisions import Decisions
from ballot_server.errors import ApiError, PayloadTooLarge, StoreError
from ballot_server.key_ceremony import KeyCeremony
from ballot_server.live import Live
from ballot_server.minute_cache import MinutePdfCache
from ballot_server.minute_service import Minutes
from ballot_server.ratelimit import RateLimiter, VerificationQueue
from ballot_server.rounds import Rounds
from ballot_server.routes import setup_routes
from ballot_server.store import Store
from ballot_server.verifier import BallotVerifier
from tally.errors import TallyError

log = logging.getLogger("phieukin.server")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
_HTTP_MESSAGES = {
    400: ("Yêu cầu không hợp lệ.", "Bad request."),
    404: ("Không có trang này.", "Not found."),
    405: ("Không hỗ trợ thao tác này ở địa chỉ này.", "Method not allowed."),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn domain errors into JSON with a Vietnamese message and a reference; never a trace."""
    try:
        return await handler(request)
    except ApiError as error:
        headers = {}
        if isinstance(error, StoreError):
            log.warning("storage: %s (reference %s)", error.message_en, error.reference)
        if error.retry_after is not None:  # a busy proof queue, a held lock, a full disk
            headers["Retry-After"] = str(error.retry_after)
        return web.json_response(error.to_json(), status=error.status, headers=headers)
    except TallyError as error:
        wrapped = ApiError("Dữ liệu không hợp lệ.", str(error), code="invalid")
        return web.json_response(wrapped.to_json(), status=400)
    except web.HTTPRequestEntityTooLarge:
        error = PayloadTooLarge("Dữ liệu gửi lên quá lớn.", "The request body is too large.")
        return web.json_response(error.to_json(), status=413)
    except web.HTTPException as exception:
        if not 400 <= exception.status < 500:
            raise
        # the router's own refusals (no such path, wrong method) are JSON like every other error
        error = ApiError(*_HTTP_MESSAGES.get(exception.status, _HTTP_MESSAGES[400]))
        error.status = exception.status
        error.code = _HTTP_CODES.get(exception.status, "bad_request")
        headers = {k: v for k, v in exception.headers.items() if k in ("Allow",)}
        return web.json_response(error.to_json(), status=exception.status, headers=headers)
    except Exception:
        reference = secrets.token_hex(4)
        log.exception("unexpected error, reference %s", reference)
        return web.json_response(
            {
                "error": "internal",
                "message": f"Lỗi máy chủ. Mã tham chiếu: {reference}.",
                "message_en": f"Server error. Reference: {reference}.",
                "reference": reference,
            },
            status=500,
        )


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(config: ServerConfig) -> web.Application:
    """Build the application for the meeting in ``config.folder``."""
    app = web.Application(
        middlewares=[security_headers, error_middleware],
        client_max_size=config.max_body_bytes,
        # aiohttp's keep-alive timer also runs before a connection's first request: a client
        # that sends no request, or its headers too slowly, is cut off after this many seconds
        handler_args={"keepalive_timeout": config.header_timeout},
    )
    app[keys.CONFIG] = config
    app[keys.LIVE] = Live(config.max_streams, config.max_streams_per_address)
    # refused voter requests (unknown tokens, invalid ballots) plus those in flight, per address
    app[keys.TOKEN_LIMITER] = RateLimiter(config.attempts_per_address, window_seconds=60.0)
    # refused ballots on one token plus those in flight (a resend while the first is checked)
    app[keys.TOKEN_SPEND_LIMITER] = RateLimiter(limit=4, window_seconds=600.0)
    app[keys.VERIFY_QUEUE] = VerificationQueue(config.max_verify_queue, config.verify_workers)
    app[keys.MINUTE_PDF] = MinutePdfCache()

    async def resources(app: web.Application) -> AsyncIterator[None]:
        store = Store(Path(config.folder), busy_seconds=config.busy_seconds)
        verifier = BallotVerifier(config.verify_workers)
        app[keys.STORE] = store
        app[keys.ROUNDS] = Rounds(store)
        app[keys.AUDITS] = Audits(store, app[keys.ROUNDS])
        app[keys.CEREMONY] = KeyCeremony(store, app[keys.ROUNDS])
        app[keys.LINKS] = CommitteeLinks(app[keys.CEREMONY])
        chair = Chair(store, app[keys.ROUNDS], config, ChairMemory())
        app[keys.CHAIR] = chair
        app[keys.CHAIR_AUTH] = ChairAuth(config.chair_secret, store)
        app[keys.MINUTES] = Minutes(store, chair)
        app[keys.DECISIONS] = Decisions(store, chair)
        app[keys.COUNTING] = Counting(store, app[keys.ROUNDS], app[keys.DECISIONS].record)
        app[keys.VERIFIER] = verifier
        try:
            yield
        finally:
            await app[keys.LIVE].close()
            verifier.close()
            store.close()

    app.cleanup_ctx.append(resources)
    setup_routes(app)
    return app
