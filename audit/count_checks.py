"""The count of a round: the aggregate, the committee's decryption, the counts, the rules.

- ``aggregate``: the logged aggregate is the sum of the verified ballots (PROTOCOL.md §9);
- ``decryption.share``: every member's decryption share and its proofs;
- ``decryption.counts``: at least t distinct members' valid shares decrypt to the logged counts;
- ``decisions.input``: the votes given to the rules are the decrypted counts;
- ``decisions.roll``: the roll given to the rules is the round's roll (``official``,
  ``excluded`` = the number of excluded members, ``present`` = the round's ``voters``);
- ``decisions.profile``: the rules ran with the profile the manifest names, in the same form;
- ``decisions.rerun``: re-running that profile on the logged input gives the logged output.
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
from tally.manifest import RATING_OPTIONS, ElectionContext
from tally.replay import RoundEvents
from tally.rules.engine import decide_json
from tally.rules.inputs import parse_request

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


def check_decisions(
    entry: RoundEvents,
    context: ElectionContext,
    counts: dict[str, list[int]] | None,
    report: Report,
    label: str,
) -> None:
    """The rules' input against the counts and the roll, and their output re-run."""
    if entry.decisions is None or counts is None:
        report.expect(
            entry.decisions is None, "decisions.input", label, "decisions without verified counts"
        )
        return
    request, output = entry.decisions.get("input"), entry.decisions.get("output")
    subjects = request.get("subjects") if isinstance(request, dict) else None
    votes = {
        subject.get("id"): [subject.get("votes", {}).get(level) for level in RATING_OPTIONS]
        for subject in subjects or []
        if isinstance(subject, dict) and isinstance(subject.get("votes"), dict)
    }
    report.expect(
        votes == counts,
        "decisions.input",
        label,
        "the votes given to the rules are not the decrypted counts",
    )
    roll = (entry.roll or {}).get("roll", {})
    expected_roll = {
        "official": roll.get("official"),
        "excluded": len(roll.get("excluded", [])),
        "present": roll.get("voters"),
    }
    report.expect(
        isinstance(request, dict) and request.get("roll") == expected_roll,
        "decisions.roll",
        label,
        "the roll given to the rules is not the round's roll",
    )
    try:
        rerun = decide_json(request)
        parsed = parse_request(request)
    except TallyError as error:
        report.fail("decisions.rerun", label, f"the rules refuse the logged input: {error}")
        return
    named = context.manifest.data["meeting"].get("profile")
    report.expect(
        request.get("profile") == named and parsed.options == parsed.profile.options,
        "decisions.profile",
        label,
        f"the rules ran with {request.get('profile')!r}"
        + ("" if parsed.options == parsed.profile.options else " and changed options")
        + f"; the manifest names {named!r}",
    )
    report.expect(
        rerun == output,
        "decisions.rerun",
        label,
        "re-running the named profile gives other decisions",
    )
