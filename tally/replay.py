"""The event log read back as a meeting: what each event says, grouped by purpose and round.

Both the verifier (which checks every fact) and the minute (which is built from the log, never
from a copy) read the log through ``replay``. It checks nothing and never raises: a malformed
body is kept as it is (or skipped where it cannot be placed) for the checks to name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SETUP_TYPES = (
    "meeting-set",
    "roster-imported",
    "attendance",
    "rated-set",
    "committee-set",
    "collectives-set",
    "options-set",
    "convened-set",
)


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
    claims: dict[int, dict[str, Any]] = field(default_factory=dict)
    signed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(message type, event body) of every signed committee message, in log order."""
    disputes: list[dict[str, Any]] = field(default_factory=list)
    abandoned: dict[str, Any] | None = None
    override: dict[str, Any] | None = None
    election: dict[str, Any] | None = None
    issued: int = 0
    cancelled_before_open: set[str] = field(default_factory=set)
    cancelled_after_open: set[str] = field(default_factory=set)
    opened: dict[str, Any] | None = None
    opened_seq: int = -1
    accepted: list[tuple[int, str, str]] = field(default_factory=list)  # seq, tracker, token
    possession: dict[str, tuple[object, object]] = field(default_factory=dict)
    """tracker → (token_key, signature) of each accepted ballot, as logged."""
    ballot_hashes: dict[str, object] = field(default_factory=dict)  # tracker → ballot_hash
    audited: list[tuple[int, str, Any]] = field(default_factory=list)  # seq, tracker, ballot
    closed: dict[str, Any] | None = None
    closed_seq: int = -1
    aggregate: dict[str, Any] | None = None
    decryption_shares: dict[int, Any] = field(default_factory=dict)
    counts: dict[str, Any] | None = None
    decisions: dict[str, Any] | None = None
    decisions_seq: int = -1
    setup: dict[str, Any] = field(default_factory=dict)
    """The setup in force when the round started: ``meeting``, ``members``, ``rated``,
    ``committee`` (the last ``committee-set`` body, or ``None``), ``options`` (the last
    ``options-set`` options, or ``None``), ``convened`` (the last ``convened-set`` body, or
    ``None``: the cell's own)."""
    phases: list[tuple[int, str]] = field(default_factory=list)
    """(position, type) of every event of this round, in log order."""

    @property
    def cancelled(self) -> int:
        return len(self.cancelled_before_open) + len(self.cancelled_after_open)

    def token_counts(self) -> dict[str, int]:
        """``{"issued", "spent", "cancelled"}`` as the chair sees them: ``issued`` is the
        tokens made and neither used nor cancelled (unused), ``spent`` the ballots accepted."""
        spent = len(self.accepted)
        return {
            "issued": self.issued - spent - self.cancelled,
            "spent": spent,
            "cancelled": self.cancelled,
        }


@dataclass
class Replay:
    """The meeting as the log tells it."""

    server_key: str = ""
    meeting: dict[str, Any] = field(default_factory=dict)
    members: list[dict[str, Any]] = field(default_factory=list)
    """The last ``roster-imported`` members: ``{"id", "name", "membership"}``."""
    marks: dict[int, str] = field(default_factory=dict)
    """Attendance marked since that import, member id → mark."""
    roll: dict[str, Any] | None = None
    """The latest roll summary, from an ``attendance`` or a ``round-roll`` event."""
    rated: list[int] | None = None
    """The chair's choice of who is rated (``rated-set``), ``None`` when never made."""
    rated_reasons: dict[str, str] = field(default_factory=dict)
    """Why the chair left members off the ballot (``rated-set`` ``reasons``)."""
    committee: dict[str, Any] | None = None
    """The last ``committee-set`` body."""
    collectives: list[dict[str, Any]] = field(default_factory=list)
    """The last ``collectives-set``: ``[{"name", "level", "from_round"?}]``."""
    collectives_set: list[tuple[int, list[dict[str, Any]]]] = field(default_factory=list)
    """Every ``collectives-set`` (its position and list): a level may come from a round."""
    convened: dict[str, Any] | None = None
    """The last ``convened-set`` body: who a confidence vote convenes (``None``: the cell)."""
    options: dict[str, Any] | None = None
    """The options in force as the last ``options-set`` gives them in full, if any."""
    rounds: dict[int, RoundEvents] = field(default_factory=dict)
    minutes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    minute_signatures: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    minute_pdfs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)

    @property
    def minute(self) -> dict[str, Any] | None:
        """The body of the last ``minute`` event."""
        return self.minutes[-1][1] if self.minutes else None


# Events that carry a committee member's signed message (PROTOCOL.md §14.2), by message type.
SIGNED = {
    "trustee-claimed": "claim",
    "trustee-announced": "announcement",
    "trustee-shares": "shares",
    "trustee-complaint": "complaint",
    "trustee-reveal": "reveal",
    "trustee-confirmed": "confirmation",
}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _setup(state: Replay, kind: str, body: dict[str, Any], position: int) -> None:
    if kind == "meeting-set":
        meeting = body.get("meeting")
        state.meeting = meeting if isinstance(meeting, dict) else {}
    elif kind == "roster-imported":
        members = body.get("members")
        state.members = (
            [m for m in members if isinstance(m, dict)] if isinstance(members, list) else []
        )
        state.marks, state.rated = {}, None
    elif kind == "attendance":
        marks = body.get("attendance")
        if isinstance(marks, dict):
            for key, mark in marks.items():
                if isinstance(key, str) and key.isdecimal() and isinstance(mark, str):
                    state.marks[int(key)] = mark
        if isinstance(body.get("roll"), dict):
            state.roll = body["roll"]
    elif kind == "rated-set":
        rated = body.get("rated")
        state.rated = [i for i in rated if _int(i) is not None] if isinstance(rated, list) else []
        reasons = body.get("reasons")
        state.rated_reasons = dict(reasons) if isinstance(reasons, dict) else {}
    elif kind == "committee-set":
        state.committee = body
    elif kind == "collectives-set":
        listed = body.get("collectives")
        state.collectives = (
            [c for c in listed if isinstance(c, dict)] if isinstance(listed, list) else []
        )
        state.collectives_set.append((position, state.collectives))
    elif kind == "options-set":
        options = body.get("options")
        state.options = options if isinstance(options, dict) else None
    elif kind == "convened-set":
        state.convened = body


def _signed(entry: RoundEvents, kind: str, body: dict[str, Any]) -> None:
    entry.signed.append((SIGNED[kind], body))
    if kind == "trustee-claimed":
        entry.claims[body.get("trustee")] = body
    elif kind == "trustee-announced":
        entry.announcements[body.get("trustee")] = body.get("announcement")
    elif kind == "trustee-shares":
        entry.shares[body.get("trustee")] = body.get("shares")
    elif kind == "trustee-confirmed":
        entry.confirmed.add(body.get("trustee"))
    elif kind == "trustee-complaint":
        entry.complaints.append(body)


def replay(events: Sequence[Any]) -> Replay:
    """Group the events (already chain-checked or not) by round and purpose."""
    state = Replay()
    rounds: dict[int, RoundEvents] = defaultdict(lambda: RoundEvents(0))

    def round_of(body: dict[str, Any]) -> RoundEvents:
        number = _int(body.get("round"))
        number = -1 if number is None else number
        entry = rounds[number]
        entry.number = number
        entry.phases.append((position, str(kind)))
        return entry

    for position, event in enumerate(events):
        if not isinstance(event, dict):
            state.unknown.append((position, "?"))
            continue
        kind, body = event.get("type"), event.get("body")
        seq = position
        if not isinstance(body, dict):
            state.unknown.append((position, str(kind)))
            continue
        if kind == "log-opened":
            if position == 0:
                state.server_key = str(body.get("server_key", ""))
        elif kind in SETUP_TYPES:
            _setup(state, kind, body, position)
        elif kind == "round-started":
            entry = round_of(body)
            entry.started = body
            entry.setup = {
                "meeting": state.meeting,
                "members": state.members,
                "rated": state.rated,
                "committee": state.committee,
                "options": state.options,
                "convened": state.convened,
            }
        elif kind == "round-roll":
            round_of(body).roll = body
            if isinstance(body.get("roll"), dict):
                state.roll = body["roll"]
        elif kind in SIGNED:
            _signed(round_of(body), kind, body)
        elif kind == "trustee-dispute":
            round_of(body).disputes.append(body)
        elif kind in ("committee-alarm", "committee-restored", "committee-link-reissued"):
            round_of(body)  # who opened which link when: shown to the room, nothing to recompute
        elif kind == "ceremony-abandoned":
            round_of(body).abandoned = body
        elif kind == "small-round-override":
            round_of(body).override = body
        elif kind == "election-published":
            round_of(body).election = body
        elif kind == "tokens-issued":
            entry = round_of(body)
            entry.issued += _int(body.get("count")) or 0
        elif kind == "token-cancelled":
            entry = round_of(body)
            target = entry.cancelled_after_open if entry.opened else entry.cancelled_before_open
            target.add(str(body.get("token_hash")))
        elif kind == "voting-opened":
            entry = round_of(body)
            entry.opened, entry.opened_seq = body, seq
        elif kind == "ballot-accepted":
            entry = round_of(body)
            tracked = str(body.get("tracker"))
            entry.accepted.append((seq, tracked, str(body.get("token_hash"))))
            entry.ballot_hashes[tracked] = body.get("ballot_hash")
            entry.possession[tracked] = (body.get("token_key"), body.get("signature"))
        elif kind == "ballot-audited":
            round_of(body).audited.append((seq, str(body.get("tracker")), body.get("audited")))
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
            state.minutes.append((position, body))
        elif kind == "minute-signature":
            state.minute_signatures.append((position, body))
        elif kind == "minute-pdf":
            state.minute_pdfs.append((position, body))
        else:
            state.unknown.append((position, str(kind)))
    state.rounds = dict(sorted(rounds.items()))
    return state


def events_of(entries: Sequence[Any]) -> list[Any]:
    """The events of stored log entries (``None`` where an entry has none)."""
    return [
        entry.get("event")
        if isinstance(entry, dict) and isinstance(entry.get("event"), dict)
        else None
        for entry in entries
    ]
