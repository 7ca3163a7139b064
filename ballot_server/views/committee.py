"""The committee's key ceremony, relayed by the server (the server never holds a key share).

A member proves who they are with the credential from their QR code, sent in the
``X-Committee-Credential`` header.
"""

from __future__ import annotations

from aiohttp import web

from ballot_server import keys
from ballot_server.errors import Forbidden
from ballot_server.views.common import field, publish_status, read_json, round_number

CREDENTIAL_HEADER = "X-Committee-Credential"


def _trustee(request: web.Request, number: int) -> int:
    credential = request.headers.get(CREDENTIAL_HEADER, "")
    if not credential:
        raise Forbidden("Thiếu mã thành viên ban kiểm phiếu.", "Missing committee credential.")
    return request.app[keys.ROUNDS].trustee_for(number, credential)


async def ceremony_state(request: web.Request) -> web.Response:
    return web.json_response(request.app[keys.CEREMONY].state(round_number(request)))


async def whoami(request: web.Request) -> web.Response:
    number = round_number(request)
    return web.json_response({"round": number, "trustee": _trustee(request, number)})


async def announce(request: web.Request) -> web.Response:
    number = round_number(request)
    trustee = _trustee(request, number)
    request.app[keys.CEREMONY].announce(number, trustee, await read_json(request))
    return web.json_response({"ok": True})


async def send_shares(request: web.Request) -> web.Response:
    number = round_number(request)
    trustee = _trustee(request, number)
    request.app[keys.CEREMONY].send_shares(number, trustee, await read_json(request))
    return web.json_response({"ok": True})


async def my_shares(request: web.Request) -> web.Response:
    number = round_number(request)
    trustee = _trustee(request, number)
    return web.json_response(request.app[keys.CEREMONY].shares_for(number, trustee))


async def confirm(request: web.Request) -> web.Response:
    number = round_number(request)
    trustee = _trustee(request, number)
    published = request.app[keys.CEREMONY].confirm(number, trustee)
    if published:
        publish_status(request.app)
    return web.json_response({"ok": True, "published": published})


async def decrypt(request: web.Request) -> web.Response:
    """A committee member's decryption share of the closed round's aggregate."""
    number = round_number(request)
    trustee = _trustee(request, number)
    done = request.app[keys.COUNTING].add_share(number, trustee, await read_json(request))
    if done:
        publish_status(request.app)
    return web.json_response({"ok": True, "counted": done})


async def complain(request: web.Request) -> web.Response:
    number = round_number(request)
    trustee = _trustee(request, number)
    body = await read_json(request)
    request.app[keys.CEREMONY].complain(
        number, trustee, field(body, "accused", int), field(body, "check", str)[:40]
    )
    return web.json_response({"ok": True})
