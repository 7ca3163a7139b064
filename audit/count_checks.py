"""The count of a round: the aggregate, the committee's decryption, the counts.

- ``aggregate``: the logged aggregate is the sum of the verified ballots (PROTOCOL.md §9);
- ``decryption.share``: every member's decryption share and its proofs;
- ``decryption.counts``: at least t distinct members' valid shares decrypt to the logged counts;
- ``decryption.small_round``: a small round (fewer than 3 ballots, or fewer than half as many as
  the tokens that could vote) was decrypted only after the chair recorded a reason for exactly
  those numbers (PROTOCOL.md §15, ``round.small``);

The rule decisions (``decisions.*``) are checked in ``decisions_check``.
"""

from __future__ import annotations

from audit import schema as s
from audit.findings import Report
from tally.aggregate import Aggregate, aggregate_ballots
from tally.crypto.elgamal import Ciphertext
from tally.decryption import (
    DecryptionShare,
    combine_decryption_shares,
    verify_decryption_share,
)
from tally.errors import TallyError
from tally.manifest import ElectionContext
from tally.replay import RoundEvents
from tally.round_check import is_small

ROUND = {"round": s.positive}
BODIES: dict[str, s.Rule] = {
    "decryption-share": s.shape({**ROUND, "trustee": s.positive, "share": s.obj}),
    "decryption-share-rejected": s.shape({**ROUND, "trustee": s.positive, "check": s.text}),
    "counts": s.shape(
        {
            **ROUND,
            "trustees": s.list_of(s.positive, unique=True),
            "counts": s.map_of(s.text, s.list_of(s.count)),
        }
    ),
    "decisions": s.shape({**ROUND, "input": s.obj, "output": s.obj}),
    "small-round-override": s.shape(
        {**ROUND, "ballots": s.count, "tokens": s.count, "reason": s.text}
    ),
}


def check_aggregate(
    entry: RoundEvents,
    context: ElectionContext,
    verified: list[tuple[tuple[Ciphertext, ...], ...]],
    report: Report,
    label: str,
) -> Aggregate | None:
    """The logged aggregate against the sum of the verified ballots; returns it if equal."""
    if entry.closed is None:
        report.ok("aggregate", label, "voting not closed")
        return None
    expected = aggregate_ballots(context, verified)
    if not report.expect(
        entry.aggregate == expected.to_json(context),
        "aggregate",
        label,
        "the logged aggregate is not the sum of the ballots",
    ):
        return None
    return expected


def check_decryption(
    entry: RoundEvents,
    context: ElectionContext,
    aggregate: Aggregate,
    report: Report,
    label: str,
) -> dict[str, list[int]] | None:
    """Every decryption share, and the counts they decrypt to; returns the verified counts."""
    shares = sum(1 for _, kind in entry.phases if kind == "decryption-share")
    report.expect(
        shares == len(entry.decryption_shares),
        "decryption.share",
        label,
        "a committee member's share is logged twice",
    )
    valid: dict[int, DecryptionShare] = {}
    for trustee, data in sorted(entry.decryption_shares.items(), key=lambda kv: str(kv[0])):
        subject = f"{label}, committee member {trustee}"
        try:
            share = DecryptionShare.from_json(context, data)
            if share.trustee != trustee:
                raise ValueError("logged under another member")
            verify_decryption_share(context, share, aggregate)
            valid[trustee] = share
            report.ok("decryption.share", subject)
        except (TallyError, ValueError) as error:
            report.fail("decryption.share", subject, str(error))
    if entry.counts is None:
        report.ok("decryption.counts", label, "not counted")
        return None
    tokens = len(set((entry.opened or {}).get("token_hashes") or []) - entry.cancelled_after_open)
    override = entry.override or {}
    report.expect(
        not is_small(len(entry.accepted), tokens)
        or (override.get("ballots"), override.get("tokens")) == (len(entry.accepted), tokens),
        "decryption.small_round",
        label,
        f"{len(entry.accepted)} ballot(s) for {tokens} tokens decrypted without a recorded reason",
    )
    trustees = entry.counts.get("trustees")
    if not isinstance(trustees, list) or not all(t in valid for t in trustees):
        report.fail("decryption.counts", label, "the count uses a share that is not valid")
        return None
    try:
        table = combine_decryption_shares(context, aggregate, [valid[t] for t in trustees])
    except TallyError as error:
        report.fail("decryption.counts", label, str(error))
        return None
    counts = {q.id: list(row) for q, row in zip(context.manifest.questions, table, strict=True)}
    report.expect(
        entry.counts.get("counts") == counts,
        "decryption.counts",
        label,
        "the logged counts are not what the shares decrypt to",
    )
    return counts
