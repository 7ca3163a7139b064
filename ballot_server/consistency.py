"""The database's tables must say what its signed log says (a start-up check, ``integrity.py``).

Every state change is one transaction together with the event that records it, so the tables
and the log never disagree — unless a byte of the file was changed underneath. The log's chain
and signatures catch a change to an event; this module catches a change to a table row that the
log also records and that the server acts on: a stored ballot must be, byte for byte, one the
log accepted (its tracker, token hash and ``ballot_hash``); an audited ballot must open the
tracker it is stored under, be logged as it is stored (or, while its round is open, be waiting to
be logged), and never be a cast ballot; the tokens spent must be exactly those the log accepted
a ballot with, the tokens cancelled exactly those the log cancelled (one by one, all unused at
once, or all before a re-issue), each round must hold as many tokens as the log issued, and once
voting opened the tokens not cancelled before must be the set ``voting-opened`` committed; each
round's phase (an abandoned ceremony included), manifest and election, the aggregate, decryption
shares, the chair's reason to decrypt a small round, counts and decisions (what the results
page, the projector and the consolidated proposal are served from), the meeting, the roster's
names, membership and attendance, and those convened to a confidence vote (as the chair chose
them, and as each confidence round fixed them) must be what the log says. The signed minute and
its co-signatures have no row to check: they are kept only as the ``minute`` and
``minute-signature`` events, and what is served, printed and exported is read from those
(``tally.minute_log``), which the chain check covers. (Facts the log does not carry — a
member's private facts, which token hash was issued before ``voting-opened`` commits them,
committee credentials, the plaintext tokens, which live only in the server's memory until voting
opens — cannot be checked this way; the committee's claimed keys and ceremony messages are
checked by the members' own devices.) Nothing here writes; a disagreement raises
``StoreDamaged`` naming the row. A change that adds an event altering a table adds its rule here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ballot_server.errors import StoreDamaged
from tally.ballot import ballot_hash, tracker
from tally.errors import TallyError

PHASE_AFTER = {
    "round-started": "ceremony",
    "election-published": "ready",
    "voting-opened": "open",
    "voting-closed": "closed",
    "counts": "counted",
    "ceremony-abandoned": "abandoned",
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
    audits: list[tuple[int, str, str, int]] = field(default_factory=list)


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
    ballot_hashes: dict[tuple[int, str], str] = field(default_factory=dict)
    audited: dict[tuple[int, str], Any] = field(default_factory=dict)
    issued: dict[int, int] = field(default_factory=dict)
    cancelled: set[tuple[int, str]] = field(default_factory=set)
    cancelled_before_open: set[tuple[int, str]] = field(default_factory=set)
    committed: dict[int, set[str]] = field(default_factory=dict)
    phases: dict[int, str] = field(default_factory=dict)
    manifests: dict[int, Any] = field(default_factory=dict)
    elections: dict[int, Any] = field(default_factory=dict)
    results: dict[tuple[int, str, str], Any] = field(default_factory=dict)
    meeting: Any = None
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
            log.ballot_hashes[(number, body["tracker"])] = body["ballot_hash"]
        elif kind == "ballot-audited":
            log.audited[(number, body["tracker"])] = body["audited"]
        elif kind == "tokens-issued":
            log.issued[number] = log.issued.get(number, 0) + body["count"]
        elif kind == "token-cancelled":
            log.cancelled.add((number, body["token_hash"]))
            if number not in log.committed:
                log.cancelled_before_open.add((number, body["token_hash"]))
        elif kind == "voting-opened":
            log.committed[number] = set(body["token_hashes"])
        elif kind in RESULT_EVENTS:
            log.results[(number, kind, "")] = body[RESULT_EVENTS[kind]]
        elif kind == "decryption-share":
            log.results[(number, "decryption-share", str(body["trustee"]))] = body["share"]
        elif kind == "small-round-override":
            log.results[(number, "override", "")] = body
        elif kind == "decisions":
            log.results[(number, "decisions", "")] = {
                "input": body["input"],
                "output": body["output"],
            }
        elif kind == "meeting-set":
            log.meeting = body["meeting"]
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
    _check_audits(tables, log)
    _check_tokens(tables, log)
    _check_rounds(tables, log)
    _check_results(tables, log)
    _check_setup(tables, log)


def _check_ballots(tables: TableFacts, log: _Log) -> None:
    stored = set()
    for number, tracked, digest, text in tables.ballots:
        ballot = _value(text, f"a ballot of round {number}", f"một phiếu của vòng {number}")
        same = (
            isinstance(ballot, dict)
            and ballot.get("token_hash") == digest
            and ballot_hash(text.encode("utf-8")).hex() == log.ballot_hashes.get((number, tracked))
            and _own_tracker(ballot) == tracked
        )
        if not same:
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
    accepted a ballot with, the cancelled ones exactly those it cancelled; each round holds as
    many as it issued; once voting opened, those not cancelled before are the committed set."""
    for number, _, state in tables.tokens:
        if state not in ("issued", "spent", "cancelled"):
            raise _damaged(
                f"trạng thái mã phiếu lạ ở vòng {number}",
                f"a token state of round {number} is unknown",
            )
    spent = {(n, d) for n, d, state in tables.tokens if state == "spent"}
    cancelled = {(n, d) for n, d, state in tables.tokens if state == "cancelled"}
    if spent != {(n, d) for n, _, d in log.accepted} or cancelled != log.cancelled:
        raise _damaged("bảng mã phiếu khác với nhật ký", "the tokens table differs from the log")
    held: dict[int, set[str]] = {}
    for number, digest, _ in tables.tokens:
        held.setdefault(number, set()).add(digest)
    issued = {n: count for n, count in log.issued.items() if count}
    if {n: len(hashes) for n, hashes in held.items()} != issued:
        raise _damaged(
            "số mã phiếu đã phát khác với nhật ký", "the number of tokens differs from the log"
        )
    for number, committed in log.committed.items():
        before = {d for n, d in log.cancelled_before_open if n == number}
        if held.get(number, set()) - before != committed:
            raise _damaged(
                f"mã phiếu của vòng {number} khác với bộ mã đã chốt khi mở bỏ phiếu",
                f"the tokens of round {number} differ from the set committed when voting opened",
            )


def _own_tracker(ballot: object) -> str | None:
    """The tracker a stored (or audited) ballot hashes to, or None if it has no such shape."""
    try:
        return tracker(ballot).hex()
    except (TallyError, TypeError, ValueError):
        return None


def _check_audits(tables: TableFacts, log: _Log) -> None:
    """An audited ballot opens the tracker it is stored under and is never a cast one; those
    marked logged are what the log's ``ballot-audited`` events hold, and every logged one is
    stored; one not yet logged waits only while its round is open (it is logged at closing)."""
    cast = {(n, t) for n, t, _, _ in tables.ballots}
    logged = set()
    for number, tracked, text, is_logged in tables.audits:
        audited = _value(
            text, f"an audited ballot of round {number}", f"một phiếu kiểm tra của vòng {number}"
        )
        key = (number, tracked)
        if is_logged:
            same = log.audited.get(key, None) == audited
            logged.add(key)
        else:
            same = key not in log.audited and log.phases.get(number) == "open"
        if not same or is_logged not in (0, 1) or _own_tracker(audited) != tracked or key in cast:
            raise _damaged(
                f"phiếu kiểm tra có mã theo dõi {tracked[:16]}… của vòng {number} bị thay đổi",
                f"the audited ballot with tracker {tracked[:16]}… of round {number} was changed",
            )
    if logged != set(log.audited):
        number, tracked = sorted(set(log.audited) - logged)[0]
        raise _damaged(
            f"thiếu phiếu kiểm tra có mã theo dõi {tracked[:16]}… của vòng {number}",
            f"the audited ballot with tracker {tracked[:16]}… of round {number} is missing",
        )


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
