"""The event log read back as rounds: what each round's events say, in order, unchecked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RoundEvents:
    """Everything the log says about one round (each value as logged)."""

    number: int
    started: dict[str, Any] | None = None
    roll: dict[str, Any] | None = None
    announcements: dict[int, Any] = field(default_factory=dict)
    shares: dict[int, list[Any]] = field(default_factory=dict)
    confirmed: set[int] = field(default_factory=set)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    election: dict[str, Any] | None = None
    issued: int = 0
    cancelled_before_open: set[str] = field(default_factory=set)
    cancelled_after_open: set[str] = field(default_factory=set)
    opened: dict[str, Any] | None = None
    opened_seq: int = -1
    accepted: list[tuple[int, str, str]] = field(default_factory=list)  # seq, tracker, token
    closed: dict[str, Any] | None = None
    closed_seq: int = -1
    aggregate: dict[str, Any] | None = None
    decryption_shares: dict[int, Any] = field(default_factory=dict)
    counts: dict[str, Any] | None = None
    decisions: dict[str, Any] | None = None
    decisions_seq: int = -1


@dataclass
class Replay:
    """The meeting as the log tells it."""

    server_key: str = ""
    meeting: dict[str, Any] = field(default_factory=dict)
    rounds: dict[int, RoundEvents] = field(default_factory=dict)
    minute: dict[str, Any] | None = None
    minute_signatures: list[dict[str, Any]] = field(default_factory=list)
    minute_pdf: dict[str, Any] | None = None
    collectives: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """Every ``collectives-set`` event (its seq and body): a level may come from a round."""
    unknown: list[tuple[int, str]] = field(default_factory=list)


def replay(events: list[dict[str, Any]]) -> Replay:
    """Group the events (already chain-checked or not) by round and purpose."""
    state = Replay()
    rounds: dict[int, RoundEvents] = defaultdict(lambda: RoundEvents(0))

    def round_of(body: dict[str, Any]) -> RoundEvents:
        number = body.get("round")
        number = number if isinstance(number, int) and not isinstance(number, bool) else -1
        entry = rounds[number]
        entry.number = number
        return entry

    for event in events:
        kind, body, seq = event.get("type"), event.get("body"), event.get("seq", -1)
        if not isinstance(body, dict):
            state.unknown.append((seq, str(kind)))
            continue
        if kind == "log-opened":
            state.server_key = str(body.get("server_key", ""))
        elif kind == "meeting-set":
            state.meeting = body.get("meeting") or {}
        elif kind == "collectives-set":
            state.collectives.append((seq, body))
        elif kind in (
            "roster-imported",
            "attendance",
            "rated-set",
            "committee-set",
            "options-set",
            "convened-set",
        ):
            pass  # the chair's setup; the roll that matters is logged with each round
        elif kind == "round-started":
            round_of(body).started = body
        elif kind == "round-roll":
            round_of(body).roll = body
        elif kind == "trustee-announced":
            round_of(body).announcements[body.get("trustee")] = body.get("announcement")
        elif kind == "trustee-shares":
            round_of(body).shares[body.get("trustee")] = body.get("shares")
        elif kind == "trustee-confirmed":
            round_of(body).confirmed.add(body.get("trustee"))
        elif kind == "trustee-complaint":
            round_of(body).complaints.append(body)
        elif kind == "election-published":
            round_of(body).election = body
        elif kind == "tokens-issued":
            entry = round_of(body)
            count = body.get("count")
            entry.issued += count if isinstance(count, int) else 0
        elif kind == "token-cancelled":
            entry = round_of(body)
            target = entry.cancelled_after_open if entry.opened else entry.cancelled_before_open
            target.add(str(body.get("token_hash")))
        elif kind == "voting-opened":
            entry = round_of(body)
            entry.opened, entry.opened_seq = body, seq
        elif kind == "ballot-accepted":
            round_of(body).accepted.append(
                (seq, str(body.get("tracker")), str(body.get("token_hash")))
            )
        elif kind == "voting-closed":
            entry = round_of(body)
            entry.closed, entry.closed_seq = body, seq
        elif kind == "aggregate":
            round_of(body).aggregate = body.get("aggregate")
        elif kind == "decryption-share":
            round_of(body).decryption_shares[body.get("trustee")] = body.get("share")
        elif kind == "decryption-share-rejected":
            pass  # a refused share changes nothing; it is kept for the inspector to see
        elif kind == "counts":
            round_of(body).counts = body
        elif kind == "decisions":
            entry = round_of(body)
            entry.decisions, entry.decisions_seq = body, seq
        elif kind == "minute":
            state.minute = body
        elif kind == "minute-signature":
            state.minute_signatures.append(body)
        elif kind == "minute-pdf":
            state.minute_pdf = body
        else:
            state.unknown.append((seq, str(kind)))
    state.rounds = dict(sorted(rounds.items()))
    return state
