"""What a committee device checks before it decrypts (PROTOCOL.md §15), as pure functions.

The server relays; it is never the authority on what is decrypted. A device holding a secret
share therefore decrypts only an aggregate it has recomputed from ballots it has verified, of a
round it has followed in the signed log from event 0 under the server key it pinned when it
claimed its link. Each refusal raises ``DecryptionRefused`` whose ``check`` is the named reason
of §15, shown to the member.

The work is split so that a client can spread it out: ``LogFollower`` checks the log as it grows
(incrementally, catching a rewritten prefix); ``check_ballot`` checks one ballot (run in worker
processes or Web Workers, during voting already); ``plan_round`` reads the round from the log;
``finish_round`` compares the ballots with the log and recomputes the aggregate. The JavaScript
mirror is ``ballot_client/js/round_check.mjs``; ``tests/vectors/round_check.json`` holds cases both
must decide alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nacl.signing import VerifyKey

from tally.aggregate import Aggregate, aggregate_ballots
from tally.ballot import ballot_hash, tracker, tracker_code, verify_ballot
from tally.canonical import canonical_json, is_integer
from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import Ristretto255
from tally.crypto.signatures import verify_key_from_hex
from tally.errors import DecryptionRefused, TallyError
from tally.eventlog import GENESIS, verify_log
from tally.manifest import ElectionContext, Manifest
from tally.submission import verify_possession

MIN_BALLOTS = 3
_ONCE = ("started", "roll", "election", "opened", "closed", "aggregate", "counts", "override")
_EVENT_FIELD = {
    "round-started": "started",
    "round-roll": "roll",
    "election-published": "election",
    "voting-opened": "opened",
    "voting-closed": "closed",
    "aggregate": "aggregate",
    "counts": "counts",
    "small-round-override": "override",
}


def refuse(check: str, subject: str, detail: str = "") -> DecryptionRefused:
    return DecryptionRefused(check, subject, detail)


# --- the log ---------------------------------------------------------------------------------


@dataclass
class LogFollower:
    """The event log as far as this device has verified it: from event 0, under ``server_key``
    (the 32-byte key pinned when the link was claimed)."""

    server_key: bytes
    entries: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, entries: Sequence[Any], start: int = 0) -> None:
        """Add the log from event ``start`` on. What was verified before must not have changed
        (``log.rewritten``); what is new is checked link by link (``log.*``)."""
        if not 0 <= start <= len(self.entries):
            raise refuse("log.sequence", f"event {start}", "a gap after what was verified")
        known = min(len(self.entries) - start, len(entries))
        for offset in range(known):
            if entries[offset] != self.entries[start + offset]:
                raise refuse("log.rewritten", f"event {start + offset}")
        fresh = list(entries[known:])
        first = start + known
        if first == 0 and fresh:
            self._check_first(fresh[0])
        previous = bytes.fromhex(self.entries[first - 1]["hash"]) if first else GENESIS
        findings = verify_log(fresh, VerifyKey(self.server_key), start=first, previous=previous)
        if findings:
            raise refuse(f"log.{findings[0].check}", findings[0].subject, findings[0].detail)
        self.entries.extend(fresh)

    def _check_first(self, entry: Any) -> None:
        event = entry.get("event") if isinstance(entry, dict) else None
        event = event if isinstance(event, dict) else {}
        body = event.get("body") if isinstance(event.get("body"), dict) else {}
        if event.get("type") != "log-opened" or body.get("server_key") != self.server_key.hex():
            raise refuse("log.server-key", "event 0", "not the server key this device pinned")

    @property
    def events(self) -> list[dict[str, Any]]:
        return [entry["event"] for entry in self.entries]


def pinned_key(first_entry: object) -> bytes:
    """The server key to pin, from event 0 (``log-opened``), after checking its signature."""
    event = first_entry.get("event") if isinstance(first_entry, dict) else None
    event = event if isinstance(event, dict) else {}
    body = event.get("body") if isinstance(event.get("body"), dict) else {}
    try:
        key = verify_key_from_hex(body.get("server_key"), "event 0 server_key")
    except TallyError:
        raise refuse("log.server-key", "event 0", "no server key") from None
    if verify_log([first_entry], key) or event.get("type") != "log-opened":
        raise refuse("log.server-key", "event 0", "event 0 is not a signed log-opened")
    return key.encode()


# --- one round, as the log tells it -------------------------------------------------------------


@dataclass
class _Round:
    number: int
    seq: dict[str, int] = field(default_factory=dict)
    once: dict[str, dict[str, Any]] = field(default_factory=dict)
    accepted: list[tuple[int, str, str]] = field(default_factory=list)  # seq, tracker, token
    logged: dict[str, dict[str, Any]] = field(default_factory=dict)  # tracker → its event body
    cancelled_after_open: set[str] = field(default_factory=set)


def _rounds(events: Sequence[dict[str, Any]]) -> dict[int, _Round]:
    rounds: dict[int, _Round] = {}
    for event in events:
        body, kind, seq = event.get("body"), event.get("type"), event.get("seq")
        if not isinstance(body, dict) or not is_integer(body.get("round")):
            continue
        entry = rounds.setdefault(body["round"], _Round(body["round"]))
        name = _EVENT_FIELD.get(str(kind))
        if name is not None:
            if name in entry.once:
                raise refuse("round.repeated", f"round {entry.number}", f"a second {kind}")
            entry.once[name], entry.seq[name] = body, seq
        elif kind == "ballot-accepted":
            entry.accepted.append((seq, str(body.get("tracker")), str(body.get("token_hash"))))
            entry.logged[str(body.get("tracker"))] = body
        elif kind == "token-cancelled" and "opened" in entry.once:
            entry.cancelled_after_open.add(str(body.get("token_hash")))
    return rounds


def _context(entry: _Round, group: Ristretto255) -> ElectionContext:
    started, published = entry.once["started"], entry.once["election"]
    try:
        manifest = Manifest.from_json(started.get("manifest"))
        if manifest.hash.hex() != started.get("manifest_hash"):
            raise refuse("log.format", f"round {entry.number}", "manifest hash")
        return ElectionContext.from_json(group, manifest, published.get("election"))
    except TallyError as error:
        if isinstance(error, DecryptionRefused):
            raise
        raise refuse("log.format", f"round {entry.number}", str(error)) from None


def _check_keys(rounds: dict[int, _Round], number: int, key_round: int) -> None:
    """The round rule: the key round itself, or a later round of the verified log that reuses
    its keys (recursively): a runoff of a counted round, or another round of the meeting (a
    rating again, a confidence vote, a self-rating, yes/no decisions) started after the keys
    were published."""
    current, subject = number, f"round {number}"
    while current != key_round:
        entry = rounds[current]
        source = entry.once["started"].get("keys_of_round")
        if not is_integer(source) or not key_round <= source < current:
            raise refuse("round.keys", subject, "not a round of this member's keys")
        previous = rounds.get(source)
        if previous is None or "election" not in previous.once or "started" not in previous.once:
            raise refuse("round.keys", subject, f"round {source} is not in the log")
        started = entry.seq["started"]
        if not previous.seq["election"] < started:
            raise refuse("round.keys", subject, f"round {source} had no keys before it")
        runoff_of = (entry.once.get("roll") or {}).get("runoff_of")
        if runoff_of is not None:
            if runoff_of != source:
                raise refuse("round.keys", subject, f"not a runoff of round {source}")
            counted = previous.seq.get("counts")
            if counted is None or counted > started:
                raise refuse("round.keys", subject, f"round {source} was not counted before it")
        expected = {
            **previous.once["election"].get("election", {}),
            "manifest_hash": entry.once["started"].get("manifest_hash"),
        }
        if _canonical(entry.once["election"].get("election")) != _canonical(expected):
            raise refuse("round.keys", subject, f"not the keys of round {source}")
        current = source


@dataclass(frozen=True)
class RoundPlan:
    """A round to decrypt, read from the verified log: its election, the accepted ballots
    (tracker → token hash, and tracker → the ``ballot-accepted`` body with the ballot's hash and
    the submission's proof of possession), the tokens that could vote, the logged aggregate and
    override."""

    number: int
    context: ElectionContext
    accepted: dict[str, str]
    tokens: int
    closed_count: object
    aggregate: object
    override: dict[str, Any] | None
    logged: dict[str, dict[str, Any]] = field(default_factory=dict)


def plan_round(
    events: Sequence[dict[str, Any]],
    number: int,
    key_round: int,
    index: int,
    signing_key: bytes,
    group: Ristretto255,
) -> RoundPlan:
    """The log's side of §15: ``round.*`` and the ``ballots.*`` checks that need no ballot."""
    rounds = _rounds(events)
    subject = f"round {number}"
    for needed in (number, key_round):
        entry = rounds.get(needed)
        if entry is None or "started" not in entry.once or "election" not in entry.once:
            raise refuse("round.missing", f"round {needed}", "not in the signed log")
    _check_keys(rounds, number, key_round)
    context, key_context = _context(rounds[number], group), _context(rounds[key_round], group)
    if not 1 <= index <= len(key_context.signing_keys) or (
        key_context.signing_keys[index - 1] != signing_key
        or context.joint_key != key_context.joint_key
    ):
        raise refuse("round.election", subject, "not the election this member's keys made")
    entry = rounds[number]
    if "closed" not in entry.once or "aggregate" not in entry.once or "opened" not in entry.once:
        raise refuse("round.not-closed", subject)
    opened, closed = entry.seq["opened"], entry.seq["closed"]
    if any(not (is_integer(s) and opened < s < closed) for s, _, _ in entry.accepted):
        raise refuse("ballots.window", subject, "a ballot accepted outside the voting time")
    committed = entry.once["opened"].get("token_hashes")
    if not isinstance(committed, list):
        raise refuse("log.format", subject, "voting-opened without token hashes")
    valid = set(map(str, committed)) - entry.cancelled_after_open
    for _, tracker_hex, token in entry.accepted:
        if token not in valid:
            raise refuse("ballots.token", f"{subject}, ballot {_code(tracker_hex)}")
    reused = [t for t, n in Counter(t for _, _, t in entry.accepted).items() if n > 1]
    if reused:
        raise refuse("ballots.token-reused", subject, f"{len(reused)} token(s) used twice")
    return RoundPlan(
        number,
        context,
        {tracker_hex: token for _, tracker_hex, token in entry.accepted},
        len(valid),
        entry.once["closed"].get("ballot_count"),
        entry.once["aggregate"].get("aggregate"),
        entry.once.get("override"),
        entry.logged,
    )


def followable_rounds(events: Sequence[dict[str, Any]], key_round: int) -> list[int]:
    """Every round of the log this member's keys may decrypt: the key round and the rounds
    reusing its keys (the round rule of §15), in order. A client follows the last of them, never
    a round the server merely names."""
    rounds = _rounds(events)
    found = []
    for number, entry in sorted(rounds.items()):
        if number < key_round or "started" not in entry.once or "election" not in entry.once:
            continue
        try:
            _check_keys(rounds, number, key_round)
        except DecryptionRefused:
            continue
        found.append(number)
    return found


# --- ballots -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotCheck:
    """One served ballot, checked: its tracker and ``H32("ballot", …)`` of its bytes, and its
    token hash and ciphertexts if every proof verified (else ``problem`` says why)."""

    tracker: str
    token_hash: str = ""
    ciphertexts: tuple[tuple[Ciphertext, ...], ...] | None = None
    problem: str = ""
    ballot_hash: str = ""


def check_ballot(context: ElectionContext, ballot: object) -> BallotCheck:
    """Verify one ballot completely against the round's election (§8)."""
    try:
        name = tracker(ballot).hex()  # type: ignore[arg-type]
        whole = ballot_hash(canonical_json(ballot)).hex()
    except (TallyError, TypeError, ValueError):
        return BallotCheck("", problem="not canonical JSON")
    try:
        verified = verify_ballot(context, ballot)
    except TallyError as error:
        return BallotCheck(name, problem=f"{type(error).__name__}: {error}", ballot_hash=whole)
    return BallotCheck(name, verified.token_hash.hex(), verified.ciphertexts, "", whole)


@dataclass(frozen=True)
class CheckedRound:
    """A round this device may decrypt: the aggregate it recomputed, and what to show."""

    number: int
    context: ElectionContext
    aggregate: Aggregate
    ballots: int
    tokens: int
    override_reason: str | None


def finish_round(plan: RoundPlan, checks: Sequence[BallotCheck]) -> CheckedRound:
    """The ballots' side of §15: exactly the accepted ones, every proof, the plain sum."""
    subject = f"round {plan.number}"
    served = Counter(c.tracker for c in checks)
    missing = sorted(set(plan.accepted) - set(served))
    if missing:
        raise refuse("ballots.missing", f"{subject}, ballot {_code(missing[0])}")
    extra = sorted(t for t, n in served.items() if t not in plan.accepted or n > 1)
    if extra:
        raise refuse("ballots.extra", f"{subject}, ballot {_code(extra[0])}")
    for check in checks:
        if check.problem or check.ciphertexts is None:
            raise refuse(
                "ballots.proof", f"{subject}, ballot {_code(check.tracker)}", check.problem
            )
    for check in checks:
        logged = plan.logged.get(check.tracker, {})
        if (
            plan.accepted[check.tracker] != check.token_hash
            or logged.get("ballot_hash") != check.ballot_hash
        ):
            raise refuse("ballots.binding", f"{subject}, ballot {_code(check.tracker)}")
    for check in checks:
        _check_possession(subject, check, plan.logged.get(check.tracker, {}))
    count = len(checks)
    logged = plan.aggregate.get("ballot_count") if isinstance(plan.aggregate, dict) else None
    if plan.closed_count != count or logged != count:
        raise refuse("aggregate.count", subject, f"{count} ballots accepted")
    aggregate = aggregate_ballots(plan.context, [c.ciphertexts for c in checks])  # type: ignore[misc]
    if canonical_json(aggregate.to_json(plan.context)) != _canonical(plan.aggregate):
        raise refuse("aggregate.sum", subject, "not the plain sum of the accepted ballots")
    reason = _small_round(plan, count)
    return CheckedRound(plan.number, plan.context, aggregate, count, plan.tokens, reason)


def _check_possession(subject: str, check: BallotCheck, logged: dict[str, Any]) -> None:
    """The token's key hashes to the ballot's token hash and signed its tracker (§6.1): only
    whoever held the card could have cast it."""
    where = f"{subject}, ballot {_code(check.tracker)}"
    try:
        verify_possession(
            bytes.fromhex(check.token_hash),
            logged.get("token_key"),
            logged.get("signature"),
            bytes.fromhex(check.tracker),
            where,
        )
    except (TallyError, ValueError) as error:
        raise refuse("ballots.possession", where, str(error)) from None


def is_small(ballots: int, tokens: int) -> bool:
    """Fewer than 3 ballots, or fewer than half the tokens that could vote."""
    return ballots < MIN_BALLOTS or 2 * ballots < tokens


def _small_round(plan: RoundPlan, count: int) -> str | None:
    override = plan.override
    if not is_small(count, plan.tokens):
        return None if override is None else str(override.get("reason", ""))
    if (
        override is None
        or override.get("ballots") != count
        or override.get("tokens") != plan.tokens
        or not isinstance(override.get("reason"), str)
        or not override["reason"].strip()
    ):
        raise refuse(
            "round.small",
            f"round {plan.number}",
            f"{count} ballot(s) for {plan.tokens} tokens, and no override recorded",
        )
    return str(override["reason"])


def _canonical(value: object) -> bytes:
    try:
        return canonical_json(value)
    except TallyError:
        return b""


def _code(tracker_hex: str) -> str:
    try:
        return tracker_code(bytes.fromhex(tracker_hex))
    except ValueError:
        return tracker_hex[:16]
