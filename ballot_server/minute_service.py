"""The minute of the count: made from the record, signed by the server, co-signed by the committee.

Once every round is counted the chair makes the minute: ``minute_facts`` gathers from the log
what the minute shows (the meeting, the committee with its signing keys, the roll, every round's
tokens, ballots, fingerprint and rule decisions, the record's head), ``tally.minute`` builds the
canonical ``phieukin/minute`` object, and the server signs its digest (purpose ``minute``). The
minute, its digest and the server's signature are logged in one event (``minute``); each
committee member's signature, checked against the key that member signs with (named in the
minute, from the key ceremony), is logged as ``minute-signature``. The log is the minute's only
source: the facts are read from it (``tally.minute_log.minute_facts``) and the signed document
that the API returns and the PDF prints is read back from it (``minute_document``).

A minute is remade only when the record has moved on to a further counted round; then the
signatures of the earlier one no longer count (they stay in the log).
"""

from __future__ import annotations

import re
import time
from typing import Any

from ballot_server.chair import Chair
from ballot_server.errors import BadRequest, Conflict, Forbidden, NotFound
from ballot_server.store import Store
from tally.crypto.signatures import sign, verify_key_from_hex, verify_signature
from tally.errors import TallyError
from tally.minute import SIGNATURE_PURPOSE, build_minute, minute_digest
from tally.minute_log import MINUTE_EVENT_TYPES, LogFactsError, minute_document
from tally.minute_log import minute_facts as facts_from_log

MAX_NUMBER_CHARS = 40
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def minute_facts(chair: Chair, extra: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything ``tally.minute.build_minute`` needs, read from the meeting's event log (the
    minute has one source: ``tally.minute_log``). Refused until every round is counted."""
    store, rounds = chair.store, chair.rounds
    numbers = [n for n in store.round_numbers() if rounds.phase(n) != "abandoned"]
    if not numbers:
        raise Conflict("Chưa có vòng bỏ phiếu nào.", "No round yet.", code="no_round")
    for number in numbers:
        if rounds.phase(number) != "counted":
            raise Conflict(
                f"Vòng {number} chưa kiểm phiếu xong.",
                f"Round {number} is not counted yet.",
                code="not_counted",
            )
    extra = extra or {}
    try:
        return facts_from_log(
            store.events(),
            number=extra.get("number", ""),
            start_time=extra.get("start_time", ""),
            end_time=extra.get("time", ""),
        )
    except LogFactsError as error:
        raise Conflict(
            "Nhật ký chưa đủ để lập biên bản (thiếu kết quả áp dụng quy tắc?).",
            f"The log does not make a minute yet: {error}",
            code="no_decisions",
        ) from None


def _extra(body: dict[str, Any]) -> dict[str, str]:
    """The chair's optional document number, start time (default: the meeting's) and end time
    (``HH:MM``; default: now)."""
    number = body.get("number", "")
    when = body.get("time") or time.strftime("%H:%M")
    start = body.get("start_time", "")
    if not isinstance(number, str) or len(number) > MAX_NUMBER_CHARS:
        raise BadRequest("Số biên bản không hợp lệ.", "Invalid minute number.")
    for value, vi, en in ((when, "Giờ", "time"), (start, "Giờ khai mạc", "start_time")):
        if value and not (isinstance(value, str) and _TIME.fullmatch(value)):
            raise BadRequest(f"{vi} không hợp lệ (cần HH:MM).", f"Invalid {en} (HH:MM).")
    return {"number": " ".join(number.split()), "time": when, "start_time": start}


class Minutes:
    """The minute of the meeting in ``store`` and its signatures."""

    def __init__(self, store: Store, chair: Chair) -> None:
        self.store = store
        self.chair = chair

    def current(self) -> dict[str, Any] | None:
        """The signed minute as the log holds it (``tally.minute_log.minute_document``):
        ``{"version", "kind", "minute", "digest", "server_signature", "signatures"}``, or
        ``None``. Read from the log every time: there is no other copy to drift from it."""
        return minute_document(self.store.events_of_types(*MINUTE_EVENT_TYPES))

    def make(self, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Make, sign and log the minute; returns (document, made now). A minute already made
        for the same counted rounds is returned as it is (its signatures stay valid)."""
        existing = self.current()
        numbers = self.store.round_numbers()
        if existing is not None and [r["round"] for r in existing["minute"]["rounds"]] == numbers:
            return existing, False
        extra = _extra(body)
        with self.store.transaction() as store:
            minute = build_minute(minute_facts(self.chair, extra))
            digest = minute_digest(minute)
            signature = sign(store.server_key(), SIGNATURE_PURPOSE, digest).hex()
            store.append_event(
                "minute",
                {"minute": minute, "digest": digest.hex(), "server_signature": signature},
            )
        document = self.current()
        assert document is not None
        return document, True

    def trustee_for(self, credential: str) -> int:
        """The committee member holding ``credential`` (from any round), or ``Forbidden``."""
        if not credential:
            raise Forbidden("Thiếu mã thành viên ban kiểm phiếu.", "Missing committee credential.")
        rounds = self.chair.rounds
        for number in reversed(rounds.numbers()):
            try:
                return rounds.trustee_for(number, credential)
            except Forbidden:
                continue
        raise Forbidden("Mã thành viên ban kiểm phiếu không đúng.", "Unknown committee credential.")

    def add_signature(self, credential: str, body: object) -> dict[str, Any]:
        """Check a committee member's signature on the current minute and keep it (logged)."""
        trustee = self.trustee_for(credential)
        document = self.current()
        if document is None:
            raise NotFound("Chưa lập biên bản.", "The minute has not been made.", code="no_minute")
        if not isinstance(body, dict):
            raise BadRequest("Cần một đối tượng JSON.", "Expected a JSON object.")
        digest, signature = body.get("digest"), body.get("signature")
        if digest != document["digest"]:
            raise BadRequest(
                "Chữ ký không phải cho biên bản hiện tại (mã băm khác).",
                "The digest is not the current minute's.",
                code="minute_digest_mismatch",
            )
        member = next((c for c in document["minute"]["committee"] if c["index"] == trustee), None)
        if member is None:
            raise Forbidden("Không thuộc ban kiểm phiếu của biên bản.", "Not on the committee.")
        try:
            key = verify_key_from_hex(member["signing_key"], f"trustee {trustee}")
            verify_signature(
                key, SIGNATURE_PURPOSE, bytes.fromhex(digest), signature, f"trustee {trustee}"
            )
        except TallyError:
            raise BadRequest(
                f"Chữ ký số của thành viên {trustee} không hợp lệ.",
                f"The minute signature of trustee {trustee} does not verify.",
                code="invalid_minute_signature",
            ) from None
        for existing in document["signatures"]:
            if existing["trustee"] == trustee:
                if existing["signature"] == signature:
                    return existing
                raise Conflict(
                    "Thành viên này đã ký biên bản.", "Already signed.", code="already_signed"
                )
        entry = {"trustee": trustee, "signature": signature}
        with self.store.transaction() as store:
            store.append_event(
                "minute-signature", {"digest": digest, "trustee": trustee, "signature": signature}
            )
        return entry
