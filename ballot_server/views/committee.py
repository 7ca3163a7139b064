"""The committee's key ceremony and decryption, relayed by the server (it never holds a key share).

A member's device asks with the credential from their link (``X-Committee-Credential``), but acts
only through messages signed with the key it claimed the link with (PROTOCOL.md §14): the
credential alone, which the chair has seen too, reads public state and can do nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from ballot_server import keys
from ballot_server.errors import Forbidden
from ballot_server.views.common import publish_status, read_json, round_number

CREDENTIAL_HEADER = "X-Committee-Credential"


def _credential(request: web.Request) -> str:
    credential = request.headers.get(CREDENTIAL_HEADER, "")
    if not credential:
        raise Forbidden("Thiếu mã thành viên ban kiểm phiếu.", "Missing committee credential.")
    return credential


def _trustee(request: web.Request, number: int) -> int:
    return request.app[keys.ROUNDS].trustee_for(number, _credential(request))


async def ceremony_state(request: web.Request) -> web.Response:
    return web.json_response(request.app[keys.CEREMONY].state(round_number(request)))


async def whoami(request: web.Request) -> web.Response:
    number = round_number(request)
    return web.json_response(request.app[keys.LINKS].whoami(number, _credential(request)))


async def claim(request: web.Request) -> web.Response:
    """The device's signed claim of the link (the first one binds it)."""
    number = round_number(request)
    trustee = _trustee(request, number)
    body = await read_json(request)
    try:
        bound = request.app[keys.LINKS].claim(number, trustee, body)
    finally:
        publish_status(request.app)  # a claim, or the alarm of a refused one
    return web.json_response({"ok": True, "bound": bound})


async def alarm(request: web.Request) -> web.Response:
    """A device without the member's key opened a claimed link."""
    number = round_number(request)
    request.app[keys.LINKS].raise_alarm(number, _trustee(request, number))
    publish_status(request.app)
    return web.json_response({"ok": True})


async def _signed(request: web.Request, action: Callable[[int, int, Any], Any]) -> Any:
    """Hand a member's signed message to the ceremony (which checks it), then tell the room."""
    number = round_number(request)
    result = action(number, _trustee(request, number), await read_json(request))
    publish_status(request.app)
    return result


async def announce(request: web.Request) -> web.Response:
    await _signed(request, request.app[keys.CEREMONY].announce)
    return web.json_response({"ok": True})


async def send_shares(request: web.Request) -> web.Response:
    await _signed(request, request.app[keys.CEREMONY].send_shares)
    return web.json_response({"ok": True})


async def shares(request: web.Request) -> web.Response:
    """Every member's signed shares message (each share is encrypted to its recipient)."""
    return web.json_response(request.app[keys.CEREMONY].shares(round_number(request)))


async def complain(request: web.Request) -> web.Response:
    await _signed(request, request.app[keys.CEREMONY].complain)
    return web.json_response({"ok": True})


async def reveal(request: web.Request) -> web.Response:
    outcome = await _signed(request, request.app[keys.CEREMONY].reveal)
    return web.json_response({"ok": True, "outcome": outcome})


async def confirm(request: web.Request) -> web.Response:
    published = await _signed(request, request.app[keys.CEREMONY].confirm)
    return web.json_response({"ok": True, "published": published})


async def decrypt(request: web.Request) -> web.Response:
    """A committee member's decryption share of the closed round's aggregate."""
    number = round_number(request)
    trustee = _trustee(request, number)
    done = request.app[keys.COUNTING].add_share(number, trustee, await read_json(request))
    if done:
        publish_status(request.app)
    return web.json_response({"ok": True, "counted": done})
