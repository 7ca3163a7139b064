"""Tokens and ballots of a round: what voting-opened committed to, and every ballot on file.

- ``tokens.commitment``: the token hashes committed at opening are sorted, unique, and
  ``token_commitment = H32("token-set", h₁, h₂, …)`` over them (PROTOCOL.md §6);
- ``tokens.issued``: tokens made − tokens cancelled before opening = tokens committed;
- ``tokens.voters``: tokens committed = the voters of the round's roll (for a confidence vote:
  those convened who are present, as the round's ``round-roll`` fixed them);
- ``tokens.cancelled``: a token cancelled before opening is not committed, one cancelled after
  is, and no token is cancelled twice;
- ``tokens.unused``: ``unused_tokens`` at closing = committed − cancelled after opening − ballots;
- ``ballots.*``: every ballot accepted while voting was open, on a committed token not cancelled,
  each token once, no more ballots than tokens; the ballots on file are exactly those accepted,
  in tracker order, each with valid proofs, bound to its token and, byte for byte, the ballot
  the log accepted (its ``ballot_hash``). The proof of possession of each ballot's token and the
  audited ballots are ``audit/cast_or_audit.py``'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from audit import schema as s
from audit.ballot_checks import check_ballots
from audit.findings import Report
from audit.record import Record
from tally.ballot import ballot_hash, tracker_code
from tally.canonical import canonical_json
from tally.crypto.elgamal import Ciphertext
from tally.errors import TallyError
from tally.manifest import ElectionContext
from tally.replay import RoundEvents
from tally.round_kinds import RoundKind, expected_voters
from tally.token import token_set_commitment

Progress = Callable[[str, int, int], None]
ROUND = {"round": s.positive}
HASH = s.hex_bytes(32)
BODIES: dict[str, s.Rule] = {
    "tokens-issued": s.shape({**ROUND, "count": s.positive}),
    "token-cancelled": s.shape({**ROUND, "token_hash": HASH}),
    "voting-opened": s.shape({**ROUND, "token_hashes": s.list_of(HASH), "token_commitment": HASH}),
    "ballot-accepted": s.shape(
        {
            **ROUND,
            "tracker": HASH,
            "token_hash": HASH,
            "ballot_hash": HASH,
            "token_key": HASH,
            "signature": s.hex_bytes(64),
        }
    ),
    "ballot-audited": s.shape({**ROUND, "tracker": HASH, "audited": s.obj}),
    "voting-closed": s.shape({**ROUND, "ballot_count": s.count, "unused_tokens": s.count}),
    "aggregate": s.shape({**ROUND, "aggregate": s.obj}),
}


def check_tokens(entry: RoundEvents, kind: RoundKind, report: Report, label: str) -> set[str]:
    """The token checks of a round of ``kind``; returns the tokens valid for a ballot."""
    cancels = sum(1 for _, kind in entry.phases if kind == "token-cancelled")
    if entry.opened is None:
        report.expect(
            cancels == len(entry.cancelled_before_open),
            "tokens.cancelled",
            label,
            "a token was cancelled twice",
        )
        report.ok("tokens.commitment", label, "voting never opened")
        return set()
    hashes = entry.opened["token_hashes"]
    try:
        commitment = token_set_commitment([bytes.fromhex(h) for h in hashes]).hex()
    except TallyError:
        commitment = ""  # not sorted, or a token twice
    report.expect(
        entry.opened.get("token_commitment") == commitment,
        "tokens.commitment",
        label,
        "the token list is not sorted and unique, or its commitment does not match",
    )
    report.expect(
        entry.issued - len(entry.cancelled_before_open) == len(hashes),
        "tokens.issued",
        label,
        f"{entry.issued} issued − {len(entry.cancelled_before_open)} cancelled ≠ "
        f"{len(hashes)} committed",
    )
    voters = expected_voters(kind, entry.roll or {})
    who = "convened and present" if kind is RoundKind.CONFIDENCE else "present entitled to vote"
    report.expect(
        voters == len(hashes),
        "tokens.voters",
        label,
        f"{len(hashes)} tokens for {voters} members {who}",
    )
    committed = set(hashes)
    report.expect(
        cancels == entry.cancelled
        and not entry.cancelled_before_open & committed
        and entry.cancelled_after_open <= committed,
        "tokens.cancelled",
        label,
        "a token cancelled twice, cancelled before opening yet committed, or cancelled after "
        "opening without being committed",
    )
    if entry.closed is not None:
        unused = len(committed - entry.cancelled_after_open) - len(entry.accepted)
        report.expect(
            entry.closed["unused_tokens"] == unused,
            "tokens.unused",
            label,
            f"unused_tokens is {entry.closed['unused_tokens']}; committed − cancelled − ballots "
            f"= {unused}",
        )
    return committed - entry.cancelled_after_open


def check_ballots_of_round(
    record: Record,
    entry: RoundEvents,
    context: ElectionContext,
    valid_tokens: set[str],
    report: Report,
    label: str,
    workers: int | None,
    progress: Progress | None,
) -> list[tuple[tuple[Ciphertext, ...], ...]]:
    """The ballot checks of a round; returns the ciphertexts of the verified ballots."""
    accepted = entry.accepted
    window_ok = all(
        entry.opened_seq < seq and (entry.closed_seq < 0 or seq < entry.closed_seq)
        for seq, _, _ in accepted
    )
    report.expect(window_ok, "ballots.window", label, "a ballot accepted outside the voting time")
    tokens = Counter(token for _, _, token in accepted)
    report.expect(
        all(n == 1 for n in tokens.values()),
        "ballots.token_once",
        label,
        "a token was used more than once",
    )
    unknown = [t for t in tokens if t not in valid_tokens]
    report.expect(
        not unknown,
        "ballots.token_issued",
        label,
        f"{len(unknown)} ballot(s) with a token not issued, or cancelled",
    )
    report.expect(
        len(accepted) <= len(valid_tokens) or entry.opened is None,
        "ballots.count",
        label,
        "more ballots than tokens",
    )
    if entry.closed is not None:
        report.expect(
            entry.closed["ballot_count"] == len(accepted),
            "ballots.closed_count",
            label,
            "the count logged at closing is not the number accepted",
        )
    ballots = record.ballots.get(entry.number, [])
    results = check_ballots(
        context.manifest.to_json(),
        context.to_json(),
        ballots,
        workers,
        (lambda n: progress(label, n, len(ballots))) if progress else None,
    )
    by_tracker = {tracker: token for _, tracker, token in accepted}
    verified, on_file, bad = [], [], 0
    for ballot, (tracker, token_hash, problem) in zip(ballots, results, strict=True):
        if problem:
            bad += 1
            report.fail("ballots.proofs", f"{label}, ballot {len(on_file) + bad}", problem)
            continue
        on_file.append(tracker)
        if by_tracker.get(tracker) != token_hash:
            report.fail(
                "ballots.binding",
                f"{label}, ballot {tracker_code(bytes.fromhex(tracker))}",
                "not accepted with this token",
            )
            continue
        if entry.ballot_hashes.get(tracker) != ballot_hash(canonical_json(ballot)).hex():
            report.fail(
                "ballots.binding",
                f"{label}, ballot {tracker_code(bytes.fromhex(tracker))}",
                "not the ballot accepted (its ballot_hash differs)",
            )
            continue
        verified.append(_ciphertexts(ballot))
    if not bad:
        report.ok("ballots.proofs", label, f"{len(ballots)} ballots")
    report.expect(
        on_file == sorted(on_file), "ballots.order", label, "ballots are not in tracker order"
    )
    report.expect(
        len(set(on_file)) == len(on_file),
        "ballots.duplicate",
        label,
        "the same ballot is on file twice",
    )
    missing = set(by_tracker) - set(on_file)
    extra = set(on_file) - set(by_tracker)
    report.expect(
        not missing and not extra,
        "ballots.on_file",
        label,
        f"{len(missing)} accepted ballot(s) missing, {len(extra)} not accepted on file",
    )
    return verified


def _ciphertexts(ballot: dict[str, Any]) -> tuple[tuple[Ciphertext, ...], ...]:
    return tuple(
        tuple(
            Ciphertext(bytes.fromhex(selection["alpha"]), bytes.fromhex(selection["beta"]))
            for selection in answer["selections"]
        )
        for answer in ballot["answers"]
    )
