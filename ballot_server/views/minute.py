"""The minute of the count: made by the chair, read by anyone, co-signed by the committee.

``POST /api/chair/minute`` needs the chair (the same sessions as the other chair actions);
``GET /api/minute`` and
``GET /minute.pdf`` are public like the results; ``POST /api/minute/signatures`` needs a
committee credential (of any round) in the ``X-Committee-Credential`` header.
"""

from __future__ import annotations

from aiohttp import web

from audit.minute_pdf import render_minute_pdf
from ballot_server import keys
from ballot_server.errors import NotFound
from ballot_server.views.chair import _body
from ballot_server.views.committee import CREDENTIAL_HEADER
from ballot_server.views.common import chair_service, publish_status, read_json


def _current(request: web.Request) -> dict:
    document = request.app[keys.MINUTES].current()
    if document is None:
        raise NotFound("Chưa lập biên bản.", "The minute has not been made.", code="no_minute")
    return document


async def make_minute(request: web.Request) -> web.Response:
    """Make, sign and log the minute once every round is counted (the chair only)."""
    chair_service(request)
    body = await _body(request)
    document, made = request.app[keys.MINUTES].make(body)
    if made:
        publish_status(request.app)
    return web.json_response(document, status=201 if made else 200)


async def get_minute(request: web.Request) -> web.Response:
    return web.json_response(_current(request))


async def add_signature(request: web.Request) -> web.Response:
    """A committee member's Ed25519 signature on the minute's digest."""
    credential = request.headers.get(CREDENTIAL_HEADER, "")
    entry = request.app[keys.MINUTES].add_signature(credential, await read_json(request))
    publish_status(request.app)
    return web.json_response({"ok": True, **entry})


async def minute_pdf(request: web.Request) -> web.Response:
    """The printable minute (A4, party-document layout), from the signed minute."""
    document = _current(request)
    pdf = await request.app[keys.MINUTE_PDF].get(document, render_minute_pdf)
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="bien-ban-kiem-phieu.pdf"'},
    )


def routes() -> list[web.RouteDef]:
    """The minute's routes (added to the table in ``ballot_server/routes.py``)."""
    return [
        web.post("/api/chair/minute", make_minute),
        web.get("/api/minute", get_minute),
        web.post("/api/minute/signatures", add_signature),
        web.get("/minute.pdf", minute_pdf),
    ]
