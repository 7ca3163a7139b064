"""What ``verify`` checks of the voter's side of a round (PROTOCOL.md §6.1, §8.1).

- **Possession** (``ballots.possession``): every accepted ballot was submitted with the token's
  public key, whose ``H32("token", key)`` is the ballot's token hash, and that key's signature
  on the ballot's tracker — the token itself never travelled.
- **Audited ballots** (``audits.*``): each one logged opens, with its nonces, to exactly the
  choices it claims (``audits.opening``, naming the failed check: a phone that encrypted another
  choice and claims the voter's); its logged tracker is its own (``audits.tracker``); it was never
  cast (``audits.not_cast``) and is logged once (``audits.duplicate``); it was received after
  voting opened (``audits.window``). Audited ballots are never counted.

Only the record and ``tally`` are used, like every other check.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from audit.findings import Report
from tally.audited import verify_audited_ballot
from tally.ballot import tracker_code
from tally.errors import TallyError
from tally.manifest import ElectionContext
from tally.replay import RoundEvents
from tally.submission import verify_possession


def _code(tracker: str) -> str:
    try:
        return tracker_code(bytes.fromhex(tracker))
    except ValueError:
        return tracker[:16]


def check_possession(entry: RoundEvents, report: Report, label: str) -> None:
    """Every accepted ballot's proof of possession of its token."""
    bad = 0
    for _, tracker, token_hash in entry.accepted:
        token_key, signature = entry.possession.get(tracker, (None, None))
        subject = f"{label}, ballot {_code(tracker)}"
        try:
            verify_possession(
                bytes.fromhex(token_hash), token_key, signature, bytes.fromhex(tracker), subject
            )
        except (TallyError, ValueError) as error:
            bad += 1
            report.fail("ballots.possession", subject, str(error))
    if not bad:
        report.ok("ballots.possession", label, f"{len(entry.accepted)} ballots")


def check_audited(
    entry: RoundEvents, context: ElectionContext, report: Report, label: str
) -> dict[str, Any]:
    """Every audited ballot of the round; returns tracker → the choices each opens to."""
    opened: dict[str, Any] = {}
    cast = {tracker for _, tracker, _ in entry.accepted}
    logged = Counter(tracker for _, tracker, _ in entry.audited)
    for seq, tracker, audited in entry.audited:
        subject = f"{label}, audited ballot {_code(tracker)}"
        try:
            result = verify_audited_ballot(context, audited)
        except TallyError as error:
            check = getattr(error, "check", "") or "format"
            report.fail("audits.opening", subject, f"{check}: {error}")
            continue
        report.ok("audits.opening", subject)
        report.expect(
            result.tracker.hex() == tracker,
            "audits.tracker",
            subject,
            "the logged tracker is not the audited ballot's",
        )
        report.expect(
            tracker not in cast, "audits.not_cast", subject, "this encryption was also cast"
        )
        report.expect(logged[tracker] == 1, "audits.duplicate", subject, "logged more than once")
        report.expect(
            entry.opened is not None and seq > entry.opened_seq,
            "audits.window",
            subject,
            "logged before voting opened",
        )
        opened[tracker] = result.selected
    if not entry.audited:
        report.ok("audits.opening", label, "no audited ballot")
    return opened
