"""Receiving what phones send — ballots and audited ballots — cheapest checks first.

A ballot's proofs cost about 50 ms of CPU; everything that can refuse a submission for less is
done before, on the event loop, in this order: the client address's limit (refused attempts
plus requests in flight), a lenient parse of the body to find the token key, the token's state
(unknown, cancelled, spent: a resend of the same ballot gets its receipt), the phase, the token's
own limit, the signature on the tracker (proof of possession, PROTOCOL.md §6.1), whether the
encryption was audited, and a place in the bounded proof queue (503 beyond it). Only then does a
worker parse the body strictly and check every proof (``verifier.check_submission``).

Every refusal that a client could repeat to waste the server's time counts against its address
(and its token), so a flood from one client is soon answered by the limiter alone.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ballot_server import keys
from ballot_server.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests
from ballot_server.ratelimit import RateLimiter
from ballot_server.rounds import Receipt, audited_refusal
from ballot_server.store import Store
from ballot_server.verifier import Verdict
from ballot_server.views.common import publish_status, read_body
from tally.ballot import tracker, tracker_code
from tally.crypto.signatures import verify_key_from_hex, verify_signature
from tally.errors import TallyError
from tally.submission import SUBMISSION_PURPOSE, submission_token_hash


def client_address(request: web.Request) -> str:
    return request.remote or "unknown"


def too_many() -> TooManyRequests:
    return TooManyRequests("Thử quá nhiều lần. Vui lòng đợi một phút.", "Too many attempts.")


async def refuse_blocked(request: web.Request) -> TooManyRequests:
    """The refusal for a blocked client, given only after ``refusal_delay`` seconds and without
    reading its body: a flooding client then waits on each of its few connections instead of
    making the server read and refuse thousands of bodies a second."""
    await asyncio.sleep(request.app[keys.CONFIG].refusal_delay)
    return too_many()


def token_in_clear() -> BadRequest:
    return BadRequest(
        "Không gửi mã phiếu qua mạng: trang bỏ phiếu đã cũ, hãy tải lại trang.",
        "Tokens are never sent; send token_hash (status) or token_key and signature (ballot).",
        code="token_in_clear",
    )


@dataclass(frozen=True)
class Precheck:
    """What the event loop learns cheaply from a submission body."""

    token_hash: str
    token_key: str
    signature: object
    tracker: bytes


def precheck_submission(body: bytes) -> Precheck:
    """A lenient parse (the worker parses strictly later): the token key, its token hash, the
    signature and the ballot's tracker, or ``BadRequest``."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest("Dữ liệu gửi lên không phải JSON hợp lệ.", "Invalid JSON.") from None
    if isinstance(data, dict) and "token" in data:
        raise token_in_clear()
    if not isinstance(data, dict) or not isinstance(data.get("ballot"), dict):
        raise BadRequest(
            "Cần {ballot, token_key, signature}.", "Expected {ballot, token_key, signature}."
        )
    try:
        digest = submission_token_hash(data.get("token_key"))
        ballot_tracker = tracker(data["ballot"])
    except TallyError as error:
        raise BadRequest("Dữ liệu phiếu không hợp lệ.", f"Invalid submission: {error}") from None
    return Precheck(digest.hex(), data["token_key"], data.get("signature"), ballot_tracker)


def bad_signature() -> Forbidden:
    return Forbidden(
        "Chữ ký của mã phiếu không đúng; phiếu không được nhận.",
        "The token key's signature on the ballot does not verify.",
        code="bad_signature",
    )


def check_signature(check: Precheck) -> None:
    """The token key must sign the tracker (cheap: about 0.1 ms); raise ``Forbidden``."""
    try:
        key = verify_key_from_hex(check.token_key, "token_key")
        verify_signature(key, SUBMISSION_PURPOSE, check.tracker, check.signature, "ballot")
    except TallyError:
        raise bad_signature() from None


async def receive_ballot(request: web.Request, number: int) -> tuple[Receipt, int]:
    """Check and store one submission; returns the receipt and the HTTP status."""
    app = request.app
    address_limit, token_limit = app[keys.TOKEN_LIMITER], app[keys.TOKEN_SPEND_LIMITER]
    address = client_address(request)
    if address_limit.blocked(address):
        raise await refuse_blocked(request)
    with address_limit.in_flight(address):
        body = await read_body(request)
        try:
            check = precheck_submission(body)
        except BadRequest:
            address_limit.record_failure(address)
            raise
        rounds, store = app[keys.ROUNDS], app[keys.STORE]
        row = rounds.row(number)
        if row["election"] is None:
            raise NotFound("Chưa có khóa bầu cử.", "The election key is not ready.")
        state = rounds.hash_state(number, check.token_hash)
        if state != "issued":
            address_limit.record_failure(address)
            return _refuse_used(store, number, state, check, token_limit), 200
        _require_open(row["phase"])
        if token_limit.blocked(check.token_hash):
            raise await refuse_blocked(request)
        with token_limit.in_flight(check.token_hash):
            try:
                check_signature(check)
                if store.audit(number, check.tracker.hex()) is not None:
                    raise audited_refusal()
            except (Forbidden, Conflict):
                address_limit.record_failure(address)
                token_limit.record_failure(check.token_hash)
                raise
            with app[keys.VERIFY_QUEUE].slot():
                verdict = await app[keys.VERIFIER].check_submission(
                    row["manifest"], row["election"], body
                )
            if not verdict.ok:
                address_limit.record_failure(address)
                token_limit.record_failure(check.token_hash)
                raise _verdict_error(verdict)
            receipt = rounds.accept_ballot(
                number,
                verdict.token_hash,
                verdict.tracker,
                verdict.ballot,
                token_key=verdict.token_key,
                signature=verdict.signature,
            )
    if not receipt.duplicate:
        publish_status(app)
    return receipt, 200 if receipt.duplicate else 201


def _refuse_used(
    store: Store, number: int, state: str, check: Precheck, token_limit: RateLimiter
) -> Receipt:
    """Unknown and cancelled tokens are refused; on a spent token, the same ballot again gets
    its receipt (a phone that lost the answer), any other ballot is refused."""
    if state == "unknown":
        raise Forbidden("Mã phiếu không hợp lệ.", "Unknown token.", code="token_unknown")
    if state == "cancelled":
        raise Forbidden(
            "Mã phiếu này đã bị hủy.", "This token was cancelled.", code="token_cancelled"
        )
    token_limit.record_failure(check.token_hash)
    cast = store.cast_tracker(number, check.token_hash)
    if cast is not None and cast == check.tracker.hex():
        return Receipt(cast, tracker_code(check.tracker), duplicate=True)
    raise Conflict(
        "Mã phiếu này đã được dùng để bỏ phiếu.",
        "This token has already been used.",
        code="token_used",
    )


def _require_open(phase: str) -> None:
    if phase != "open":
        closed = phase in ("closed", "counted")
        raise Conflict(
            "Đã kết thúc bỏ phiếu." if closed else "Chưa mở bỏ phiếu.",
            "Voting is closed." if closed else "Voting is not open.",
            code="voting_closed" if closed else "voting_not_open",
        )


def _verdict_error(verdict: Verdict) -> BadRequest | Forbidden:
    if verdict.error == "json":
        return BadRequest(
            "Dữ liệu gửi lên không phải JSON hợp lệ.", f"Invalid submission: {verdict.detail}"
        )
    if verdict.error == "token_mismatch":
        return BadRequest(
            "Phiếu không gắn với mã phiếu này.",
            "Ballot bound to another token.",
            code="token_mismatch",
        )
    if verdict.error == "signature":
        return bad_signature()
    return BadRequest(
        "Phiếu không hợp lệ nên không được nhận.",
        f"Ballot rejected: {verdict.error} ({verdict.check})",
        code="invalid_ballot",
    )


async def receive_audit(request: web.Request, number: int) -> tuple[dict[str, Any], int]:
    """Check and store one audited ballot; returns the answer and the HTTP status."""
    app = request.app
    address_limit = app[keys.TOKEN_LIMITER]
    address = client_address(request)
    if address_limit.blocked(address):
        raise await refuse_blocked(request)
    with address_limit.in_flight(address):
        body = await read_body(request)
        row = app[keys.ROUNDS].row(number)
        if row["election"] is None:
            raise NotFound("Chưa có khóa bầu cử.", "The election key is not ready.")
        with app[keys.VERIFY_QUEUE].slot():
            verdict = await app[keys.VERIFIER].check_audited(row["manifest"], row["election"], body)
        if not verdict.ok:
            address_limit.record_failure(address)
            raise BadRequest(
                "Phiếu kiểm tra không mở ra đúng các lựa chọn nó ghi; hãy báo Ban kiểm phiếu.",
                f"Audited ballot rejected: {verdict.error} ({verdict.check}): {verdict.detail}",
                code="invalid_audit",
            )
        receipt = app[keys.AUDITS].receive(number, verdict.tracker, verdict.ballot)
    return receipt.to_json(), 200 if receipt.duplicate else 201
