"""Helpers shared by the views: strict JSON bodies, round numbers, the status message."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from ballot_server import keys
from ballot_server.chair import Chair
from ballot_server.errors import BadRequest, RequestTimeout
from tally.canonical import parse_json
from tally.errors import EncodingError
from tally.fingerprint import election_code, member_fingerprint


async def read_body(request: web.Request) -> bytes:
    """The request body, read within the configured time (a client that sends its body slowly
    to hold a connection is cut off with 408), and within the size limit (413)."""
    try:
        return await asyncio.wait_for(request.read(), request.app[keys.CONFIG].body_timeout)
    except TimeoutError:
        raise RequestTimeout(
            "Gửi dữ liệu quá chậm; hãy thử lại.", "The request body was not received in time."
        ) from None


async def read_json(request: web.Request) -> Any:
    """The request body as strict JSON (no floats, no duplicate keys), or ``BadRequest``."""
    body = await read_body(request)
    try:
        return parse_json(body)
    except (EncodingError, UnicodeDecodeError) as error:
        raise BadRequest(
            "Dữ liệu gửi lên không phải JSON hợp lệ.", f"Invalid JSON: {error}"
        ) from None


def field(data: Any, name: str, kind: type) -> Any:
    """``data[name]`` if ``data`` is an object and the value has type ``kind``."""
    if not isinstance(data, dict) or name not in data:
        raise BadRequest(f"Thiếu trường «{name}».", f"Missing field {name!r}.")
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadRequest(f"Trường «{name}» sai kiểu.", f"Field {name!r} has the wrong type.")
    return value


def chair_service(request: web.Request) -> Chair:
    """The application's chair service, after checking that the caller is the chair."""
    request.app[keys.CHAIR_AUTH].require(request)
    return request.app[keys.CHAIR]


def public_base_url(request: web.Request) -> str:
    """The address phones use: the configured LAN URL, else the one this request came to."""
    configured = request.app[keys.CONFIG].public_url
    return configured.rstrip("/") if configured else f"{request.scheme}://{request.host}"


def round_number(request: web.Request) -> int:
    text = request.match_info["round"]
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise BadRequest("Số vòng không hợp lệ.", "Invalid round number.")
    return int(text)


def status(app: web.Application) -> dict[str, Any]:
    """The public status of the meeting: phase and turnout of the current round, no result."""
    store, rounds = app[keys.STORE], app[keys.ROUNDS]
    current = rounds.current()
    message: dict[str, Any] = {"meeting": store.setting("meeting", {}), "round": current}
    configured = app[keys.CONFIG].public_url
    if configured:
        message["join_url"] = configured.rstrip("/") + "/"
    if current is None:
        message.update(phase="setup", turnout={"ballots": 0, "tokens": 0})
        return message
    counts = rounds.token_counts(current)
    message.update(
        round_kind=rounds.manifest(current).round_kind.value,
        phase=rounds.phase(current),
        turnout={
            "ballots": rounds.ballot_count(current),
            "tokens": counts["issued"] + counts["spent"],
        },
        **committee_status(app, current),
    )
    return message


def committee_status(app: web.Application, number: int) -> dict[str, Any]:
    """What the projector shows of the committee from the ceremony to the minute: each member's
    name, key fingerprint, progress and alarm, and the election fingerprint once published."""
    row = app[keys.ROUNDS].row(number)
    names = [m.get("name", "") for m in row["manifest"]["committee"]["members"]]
    members = []
    for member in app[keys.STORE].committee_members(number):
        key = member["signing_key"]
        state = (
            "confirmed"
            if member["confirmed"]
            else "announced"
            if member["announcement"]
            else "claimed"
            if key
            else "waiting"
        )
        members.append(
            {
                "index": member["index"],
                "name": names[member["index"] - 1] if member["index"] <= len(names) else "",
                "fingerprint": None if key is None else member_fingerprint(bytes.fromhex(key)),
                "state": state,
                "alarm": member["alarm"],
            }
        )
    election = row["election"]
    return {
        "committee": members,
        "election_fingerprint": None
        if election is None
        else election_code(app[keys.ROUNDS].context(number).fingerprint),
    }


def publish_status(app: web.Application) -> None:
    app[keys.LIVE].publish(status(app))
