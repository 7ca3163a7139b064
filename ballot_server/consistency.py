"""The database's tables must say what its signed log says (a start-up check, ``integrity.py``).

Every state change is one transaction together with the event that records it, so the tables
and the log never disagree — unless a byte of the file was changed underneath. The log's chain
and signatures catch a change to an event; this module catches a change to a table row that the
log also records and that the server acts on: a stored ballot must hash to its own tracker and
be one the log accepted; the tokens spent, each round's phase, manifest and election, the
aggregate, decryption shares, counts and decisions, the meeting, the signed minute with its
signatures, the roster's names, membership and attendance, and those convened to a confidence
vote (as chosen, and as each confidence round fixed them) must be what the log says. (Facts
the log does not carry — a member's private facts, the hashes of tokens not yet committed by
``voting-opened``, committee credentials — cannot be checked this way; the committee's ceremony
messages are checked by the members' own devices.) Nothing here writes; a disagreement raises
``StoreDamaged`` naming the row. A change that adds an event altering a table adds its rule here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ballot_server.errors import StoreDamaged
from tally.ballot import tracker
from tally.crypto.hashing import hash32

PHASE_AFTER = {
    "round-started": "ceremony",
    "election-published": "ready",
    "voting-opened": "open",
    "voting-closed": "closed",
    "counts": "counted",
}
RESULT_EVENTS = {"aggregate": "aggregate", "counts": "counts"}


@dataclass
class TableFacts:
    """The rows the check compares with the log, as stored (JSON still as text)."""

    ballots: list[tuple[int, str, str, str]] = field(default_factory=list)
    tokens: list[tuple[int, str, str]] = field(default_factory=list)
    results: list[tuple[int, str, str, str]] = field(default_factory=list)
    rounds: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    members: list[tuple[int, str, str]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)


def _damaged(detail_vi: str, detail_en: str) -> StoreDamaged:
    return StoreDamaged(detail_vi, detail_en)


def _value(text: str | None, what_en: str, what_vi: str) -> Any:
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        raise _damaged(f"không đọc được {what_vi}", f"{what_en} cannot be read") from None


@dataclass
class _Log:
    """What the log says, by round, for the checks below."""

    accepted: set[tuple[int, str, str]] = field(default_factory=set)
    phases: dict[int, str] = field(default_factory=dict)
    manifests: dict[int, Any] = field(default_factory=dict)
    elections: dict[int, Any] = field(default_factory=dict)
    results: dict[tuple[int, str, str], Any] = field(default_factory=dict)
    meeting: Any = None
    minute: dict[str, Any] | None = None
    members: dict[int, tuple[str, str]] = field(default_factory=dict)
    attendance: dict[int, str] = field(default_factory=dict)
    convened: Any = None
    round_convened: dict[str, Any] = field(default_factory=dict)


def _read_log(events: list[dict[str, Any]]) -> _Log:
    log = _Log()
    for entry in events:
        kind, body = entry["event"]["type"], entry["event"]["body"]
        number = body.get("round") if isinstance(body, dict) else None
        if kind in PHASE_AFTER and isinstance(number, int):
            log.phases[number] = PHASE_AFTER[kind]
        if kind == "round-started":
            log.manifests[number] = body["manifest"]

        elif kind == "election-published":
            log.elections[number] = body["election"]
        elif kind == "ballot-accepted":
            log.accepted.add((number, body["tracker"], body["token_hash"]))
        elif kind in RESULT_EVENTS:
            log.results[(number, kind, "")] = body[RESULT_EVENTS[kind]]
        elif kind == "decryption-share":
            log.results[(number, "decryption-share", str(body["trustee"]))] = body["share"]
        elif kind == "decisions":
            log.results[(number, "decisions", "")] = {
                "input": body["input"],
                "output": body["output"],
            }
        elif kind == "meeting-set":
            log.meeting = body["meeting"]
        elif kind == "minute":
            log.minute = {**body, "signatures": []}
        elif kind == "minute-signature" and log.minute and body["digest"] == log.minute["digest"]:
            signature = {"trustee": body["trustee"], "signature": body["signature"]}
            log.minute["signatures"] = sorted(
                [*log.minute["signatures"], signature], key=lambda s: s["trustee"]
            )
        elif kind == "roster-imported":
            log.members = {m["id"]: (m["name"], m["membership"]) for m in body["members"]}
            log.attendance = {}
        elif kind == "attendance":
            log.attendance.update({int(i): mark for i, mark in body["attendance"].items()})
        elif kind == "convened-set":
            log.convened = body
        elif kind == "round-roll" and "convened" in body:
            log.round_convened[str(number)] = body["convened"]
    return log


def check_tables(events: list[dict[str, Any]], tables: TableFacts) -> None:
    """Raise ``StoreDamaged`` naming the first table row that disagrees with the log."""
    try:
        log = _read_log(events)
    except (KeyError, TypeError, AttributeError, ValueError):
        raise _damaged("nhật ký không đọc được", "the log cannot be read") from None
    _check_ballots(tables, log)
    _check_tokens(tables, log)
    _check_rounds(tables, log)
    _check_results(tables, log)
    _check_setup(tables, log)


def _check_ballots(tables: TableFacts, log: _Log) -> None:
    stored = set()
    for number, tracked, digest, text in tables.ballots:
        ballot = _value(text, f"a ballot of round {number}", f"một phiếu của vòng {number}")
        own = hash32("tracker", text.encode("utf-8")).hex()
        if own != tracked:  # stored canonical; else hash its canonical form to be sure
            own = tracker(ballot).hex()
        if own != tracked or not isinstance(ballot, dict) or ballot.get("token_hash") != digest:
            raise _damaged(
                f"phiếu có mã theo dõi {tracked[:16]}… của vòng {number} bị thay đổi",
                f"the ballot with tracker {tracked[:16]}… of round {number} was changed",
            )
        stored.add((number, tracked, digest))
    if stored != log.accepted:
        different = sorted(stored ^ log.accepted)[0]
        raise _damaged(
            f"bảng phiếu khác với nhật ký (vòng {different[0]}, phiếu {different[1][:16]}…)",
            f"the ballots table differs from the log (round {different[0]}, "
            f"tracker {different[1][:16]}…)",
        )


def _check_tokens(tables: TableFacts, log: _Log) -> None:
    """Every token is issued, spent or cancelled; the spent ones are exactly those the log
    accepted a ballot with. (How many were issued or cancelled, and how, is the chair's: the
    log's token events may say it several ways.)"""
    for number, _, state in tables.tokens:
        if state not in ("issued", "spent", "cancelled"):
            raise _damaged(
                f"trạng thái mã phiếu lạ ở vòng {number}",
                f"a token state of round {number} is unknown",
            )
    spent = {(n, d) for n, d, state in tables.tokens if state == "spent"}
    if spent != {(n, d) for n, _, d in log.accepted}:
        raise _damaged("bảng mã phiếu khác với nhật ký", "the tokens table differs from the log")


def _check_rounds(tables: TableFacts, log: _Log) -> None:
    numbers = {row[0] for row in tables.rounds}
    if numbers != set(log.manifests):
        raise _damaged(
            "bảng vòng bỏ phiếu khác với nhật ký", "the rounds table differs from the log"
        )
    for number, phase, manifest, election in tables.rounds:
        same = (
            phase == log.phases.get(number)
            and _value(manifest, f"round {number}", f"vòng {number}") == log.manifests[number]
            and _value(election, f"round {number}", f"vòng {number}") == log.elections.get(number)
        )
        if not same:
            raise _damaged(
                f"vòng {number} (giai đoạn, bản kê phiếu hoặc khóa) khác với nhật ký",
                f"round {number} (phase, manifest or election) differs from the log",
            )


def _check_results(tables: TableFacts, log: _Log) -> None:
    stored = {(n, kind, key): text for n, kind, key, text in tables.results}
    if set(stored) != set(log.results):
        raise _damaged("bảng kết quả khác với nhật ký", "the results table differs from the log")
    for (number, kind, key), text in stored.items():
        stored_value = _value(text, f"{kind} of round {number}", f"{kind} của vòng {number}")
        if stored_value != log.results[(number, kind, key)]:
            raise _damaged(
                f"{kind} của vòng {number} khác với nhật ký",
                f"the {kind} of round {number} differs from the log",
            )


def _check_setup(tables: TableFacts, log: _Log) -> None:
    if _value(tables.settings.get("meeting"), "the meeting", "cuộc họp") != log.meeting:
        raise _damaged("thông tin cuộc họp khác với nhật ký", "the meeting differs from the log")
    convened = _value(tables.settings.get("convened"), "those convened", "người được triệu tập")
    fixed = _value(tables.settings.get("round_convened"), "those convened", "người được triệu tập")
    if convened != log.convened or (fixed or {}) != log.round_convened:
        raise _damaged(
            "danh sách người được triệu tập khác với nhật ký",
            "those convened to a confidence vote differ from the log",
        )
    minute = tables.settings.get("minute")  # the signed minute as kept for the chair and the PDF
    if minute is not None and _value(minute, "the minute", "biên bản") != log.minute:
        raise _damaged(
            "biên bản (hoặc chữ ký của nó) khác với nhật ký",
            "the minute (or its signatures) differs from the log",
        )
    members = {}
    for member_id, data, attendance in tables.members:
        facts = _value(data, f"member {member_id}", f"đảng viên số {member_id}")
        if not isinstance(facts, dict) or attendance != log.attendance.get(member_id, "unknown"):
            members = None
            break
        members[member_id] = (facts.get("name"), facts.get("membership"))
    if members != log.members:
        raise _damaged(
            "danh sách đảng viên (tên, loại, điểm danh) khác với nhật ký",
            "the roster (names, membership, attendance) differs from the log",
        )
