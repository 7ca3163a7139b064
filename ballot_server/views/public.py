"""What voters and the projector use: status, the election, ballots, trackers, live updates."""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from ballot_server import keys
from ballot_server.errors import BadRequest, Forbidden, NotFound, TooManyRequests
from ballot_server.live import sse_frame
from ballot_server.proposal import manifest_names, proposal, result_names
from ballot_server.tokens_print import qr_svg
from ballot_server.views.common import (
    field,
    public_base_url,
    publish_status,
    read_json,
    round_number,
    status,
)
from tally.round_kinds import RoundKind, manifest_kind


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


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


async def token_status(request: web.Request) -> web.Response:
    """Whether a token can still vote: ``issued``, ``spent``, ``cancelled`` or ``unknown``."""
    limiter = request.app[keys.TOKEN_LIMITER]
    if limiter.blocked(_client(request)):
        raise TooManyRequests("Thử quá nhiều lần. Vui lòng đợi một phút.", "Too many attempts.")
    token = field(await read_json(request), "token", str)
    state = request.app[keys.ROUNDS].token_state(round_number(request), token)
    if state == "unknown":
        limiter.record_failure(_client(request))
    return web.json_response({"state": state})


async def submit_ballot(request: web.Request) -> web.Response:
    """Check a ballot's every proof, then store it and spend its token.

    The body is parsed and the ballot checked in a worker process (``check_submission``); the
    event loop only looks up the token and stores the result, so the projector stays live
    while hundreds of phones submit at once.
    """
    app = request.app
    limiter = app[keys.TOKEN_LIMITER]
    client = _client(request)
    if limiter.blocked(client):
        raise TooManyRequests("Thử quá nhiều lần. Vui lòng đợi một phút.", "Too many attempts.")
    number = round_number(request)
    body = await request.read()  # first: an oversized body is refused before anything else
    rounds = app[keys.ROUNDS]
    row = rounds.row(number)
    if row["election"] is None:
        raise NotFound("Chưa có khóa bầu cử.", "The election key is not ready.")
    verdict = await app[keys.VERIFIER].check_submission(row["manifest"], row["election"], body)
    if verdict.error == "json":
        raise BadRequest(
            "Dữ liệu gửi lên không phải JSON hợp lệ.", f"Invalid submission: {verdict.detail}"
        )
    if verdict.error == "token" or rounds.hash_state(number, verdict.token_hash) == "unknown":
        limiter.record_failure(client)
        raise Forbidden("Mã phiếu không hợp lệ.", "Unknown token.", code="token_unknown")
    if verdict.error == "token_mismatch":
        raise BadRequest(
            "Phiếu không gắn với mã phiếu này.",
            "Ballot bound to another token.",
            code="token_mismatch",
        )
    if not verdict.ok:
        raise BadRequest(
            "Phiếu không hợp lệ nên không được nhận.",
            f"Ballot rejected: {verdict.error} ({verdict.check})",
            code="invalid_ballot",
        )
    receipt = rounds.accept_ballot(number, verdict.token_hash, verdict.tracker, verdict.ballot)
    if not receipt.duplicate:
        publish_status(app)
    return web.json_response(receipt.to_json(), status=200 if receipt.duplicate else 201)


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
    """Whether a ballot with this tracker code is in the round (and so will be counted)."""
    number = round_number(request)
    code = request.match_info["code"]
    if len(code) > 80:
        raise BadRequest("Mã theo dõi quá dài.", "Tracker code too long.")
    tracker = request.app[keys.ROUNDS].find_tracker(number, code)
    if tracker is None:
        raise NotFound("Không tìm thấy phiếu có mã này.", "No ballot with this tracker.")
    return web.json_response({"found": True, "tracker": tracker})


async def join_qr(request: web.Request) -> web.Response:
    """An SVG QR code of the page where voters open or type their token (for the projector)."""
    svg = qr_svg(public_base_url(request) + "/", "Mã QR mở trang bỏ phiếu")
    return web.Response(text=svg, content_type="image/svg+xml")


async def stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the status now, then again after every change."""
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
    )
    await response.prepare(request)
    live = request.app[keys.LIVE]
    queue = live.subscribe()
    try:
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
