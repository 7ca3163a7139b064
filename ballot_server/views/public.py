"""What voters and the projector use: status, the election, ballots, trackers, live updates."""

from __future__ import annotations

import asyncio
import contextlib
import re

from aiohttp import web

from ballot_server import keys
from ballot_server.errors import BadRequest, NotFound
from ballot_server.intake import (
    client_address,
    receive_audit,
    receive_ballot,
    refuse_blocked,
    token_in_clear,
)
from ballot_server.live import sse_frame
from ballot_server.proposal import manifest_names, proposal, result_names
from ballot_server.tokens_print import qr_svg
from ballot_server.views.common import (
    field,
    public_base_url,
    read_json,
    round_number,
    status,
)
from tally.ballot import tracker_code
from tally.round_kinds import RoundKind, manifest_kind

_HASH = re.compile(r"[0-9a-f]{64}")


async def get_status(request: web.Request) -> web.Response:
    return web.json_response(status(request.app))


async def get_election(request: web.Request) -> web.Response:
    """The manifest and election of a round: everything a phone needs to encrypt."""
    rounds = request.app[keys.ROUNDS]
    row = rounds.row(round_number(request))
    return web.json_response(
        {
            "round": row["number"],
            "phase": row["phase"],
            "manifest": row["manifest"],
            "election": row["election"],
        }
    )


async def token_status(request: web.Request) -> web.Response:
    """Whether a token can still vote: ``issued``, ``spent``, ``cancelled`` or ``unknown``.

    The phone sends only ``{"token_hash"}`` (a value the record publishes when voting opens),
    never the token; an unknown hash counts against the client's address."""
    limiter = request.app[keys.TOKEN_LIMITER]
    address = client_address(request)
    if limiter.blocked(address):
        raise await refuse_blocked(request)
    body = await read_json(request)
    if isinstance(body, dict) and "token" in body:
        raise token_in_clear()
    digest = field(body, "token_hash", str)
    if not _HASH.fullmatch(digest):
        raise BadRequest("Mã băm phiếu không hợp lệ.", "token_hash must be 64 lowercase hex.")
    state = request.app[keys.ROUNDS].hash_state(round_number(request), digest)
    if state == "unknown":
        limiter.record_failure(address)
    return web.json_response({"state": state})


async def submit_ballot(request: web.Request) -> web.Response:
    """Store a ballot after every check (``intake.receive_ballot``: cheap ones first, the proofs
    in a worker process, so the projector stays live while hundreds of phones submit)."""
    receipt, status_code = await receive_ballot(request, round_number(request))
    return web.json_response(receipt.to_json(), status=status_code)


async def submit_audit(request: web.Request) -> web.Response:
    """Store an audited ballot (PROTOCOL.md §8.1) once it opens to the choices it claims."""
    answer, status_code = await receive_audit(request, round_number(request))
    return web.json_response(answer, status=status_code)


def _query_int(request: web.Request, name: str, default: int, high: int) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) > high:
        raise BadRequest(
            f"Tham số «{name}» không hợp lệ.", f"Query parameter {name!r} must be 0..{high}."
        )
    return int(text)


MAX_LOG_PAGE = 2000
MAX_BALLOT_PAGE = 500


async def get_log(request: web.Request) -> web.Response:
    """The signed event log from event ``from`` on, ``limit`` entries at most: what a committee
    device checks from event 0 under the server key it pinned (public, read-only)."""
    store = request.app[keys.STORE]
    start = _query_int(request, "from", 0, 10**9)
    limit = _query_int(request, "limit", MAX_LOG_PAGE, MAX_LOG_PAGE)
    return web.json_response(
        {"from": start, "count": store.event_count(), "entries": store.events_page(start, limit)}
    )


async def get_ballots(request: web.Request) -> web.Response:
    """A round's accepted ballots in the order of the log, a page at a time (public, read-only:
    ciphertexts and proofs; the committee checks every one before it decrypts)."""
    offset = _query_int(request, "offset", 0, 10**9)
    limit = _query_int(request, "limit", 100, MAX_BALLOT_PAGE)
    page = request.app[keys.ROUNDS].ballots_page(round_number(request), offset, limit)
    return web.json_response(page)


async def get_aggregate(request: web.Request) -> web.Response:
    """The homomorphic aggregate, once voting is closed (the committee decrypts it)."""
    return web.json_response(request.app[keys.ROUNDS].aggregate(round_number(request)))


async def get_counts(request: web.Request) -> web.Response:
    """The counts per question and option, once the committee has decrypted the tally."""
    counts = request.app[keys.COUNTING].counts(round_number(request))
    if counts is None:
        raise NotFound("Chưa có kết quả kiểm phiếu.", "The count is not complete.")
    return web.json_response({"counts": counts})


async def get_results(request: web.Request) -> web.Response:
    """Once counted: per question the counts, the rule decisions with their steps, and the
    cell's proposal so far (one entry per member across the rounds, runoffs included), with
    what a page needs to word them (the members' names, the collectives' names, the roll).
    Nothing before the count is complete."""
    app = request.app
    number = round_number(request)
    counts = app[keys.COUNTING].counts(number)
    if counts is None:
        raise NotFound("Chưa có kết quả kiểm phiếu.", "The count is not complete.")
    row = app[keys.ROUNDS].row(number)
    manifest = row["manifest"]
    decisions = app[keys.DECISIONS].get(number)
    store = app[keys.STORE]
    request = {} if decisions is None else decisions["input"]
    kind = manifest_kind(manifest)
    roll = request.get("roll")
    if kind is RoundKind.CONFIDENCE and decisions is not None:
        roll = {key: request[key] for key in ("convened", "present", "ballots")}
    extra = {key: manifest[key] for key in ("round_options", "score_sheet") if key in manifest}
    return web.json_response(
        {
            "round": number,
            "round_kind": kind.value,
            **extra,
            "questions": [
                {
                    "id": q["id"],
                    "title": q["title"],
                    "options": q["options"],
                    **({"option_titles": q["option_titles"]} if "option_titles" in q else {}),
                    "max_selections": q["max_selections"],
                }
                for q in manifest["questions"]
            ],
            "counts": counts,
            "decisions": None if decisions is None else decisions["output"],
            "profile": request.get("profile"),
            "roll": roll,
            "proposal": proposal(store, upto=number) if decisions is not None else None,
            "names": result_names(store, manifest_names(store, number)),
        }
    )


async def find_tracker(request: web.Request) -> web.Response:
    """Whether a ballot with this tracker code is in the round (and so will be counted), or
    was audited: then the audited ballot itself, for the page to check and show."""
    number = round_number(request)
    code = request.match_info["code"]
    if len(code) > 80:
        raise BadRequest("Mã theo dõi quá dài.", "Tracker code too long.")
    app = request.app
    tracker = app[keys.ROUNDS].find_tracker(number, code)
    if tracker is not None:
        return web.json_response({"found": True, "tracker": tracker, "audited": False})
    wanted = code.replace("-", "").upper()
    for audited in app[keys.STORE].audit_trackers(number):
        if tracker_code(bytes.fromhex(audited)).replace("-", "") == wanted:
            document = app[keys.AUDITS].find(number, audited)
            return web.json_response(
                {"found": True, "tracker": audited, "audited": True, "ballot": document}
            )
    raise NotFound("Không tìm thấy phiếu có mã này.", "No ballot with this tracker.")


async def join_qr(request: web.Request) -> web.Response:
    """An SVG QR code of the page where voters open or type their token (for the projector)."""
    svg = qr_svg(public_base_url(request) + "/", "Mã QR mở trang bỏ phiếu")
    return web.Response(text=svg, content_type="image/svg+xml")


async def stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the status now, then again after every change."""
    live = request.app[keys.LIVE]
    queue = live.subscribe(client_address(request))  # or 429/503 beyond the caps
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
    )
    try:
        await response.prepare(request)
        await response.write(sse_frame(status(request.app)))
        while True:
            try:
                message = await asyncio.wait_for(queue.get(), timeout=15)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if message is None:
                break
            await response.write(sse_frame(message))
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        live.unsubscribe(queue)
        with contextlib.suppress(Exception):
            await response.write_eof()
    return response
