"""Independent verification of a meeting record: every check, each a named finding.

Reads only the record (``audit.record``) and uses only the election library (``tally``): the
laptop that ran the meeting is not trusted for anything. Checks never stop at the first failure;
a failure that makes later checks meaningless (a manifest that does not parse) skips only the
checks that depend on it, and says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from nacl.signing import VerifyKey

from audit.ballot_checks import check_ballots
from audit.decisions_check import check_decisions
from audit.findings import Report
from audit.kind_checks import check_collectives
from audit.minute_check import check_minute
from audit.record import Record
from audit.replay import Replay, RoundEvents, replay
from tally.aggregate import Aggregate, aggregate_ballots
from tally.ballot import tracker_code
from tally.crypto import ceremony
from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import RISTRETTO255
from tally.crypto.hashing import hash32
from tally.crypto.signatures import verify_key_from_hex
from tally.decryption import (
    DecryptionShare,
    combine_decryption_shares,
    verify_decryption_share,
)
from tally.errors import TallyError
from tally.eventlog import verify_log
from tally.manifest import ElectionContext, Manifest
from tally.round_kinds import RoundKind, expected_voters

GROUP = RISTRETTO255
Progress = Callable[[str, int, int], None]


def verify_record(
    record: Record, *, workers: int | None = None, progress: Progress | None = None
) -> Report:
    """Run every check on ``record`` and return the report."""
    report = Report()
    events = _check_log(record, report)
    state = replay(events)
    report.expect(
        not state.unknown, "log.types", "events", f"unknown event types: {state.unknown[:5]}"
    )
    contexts: dict[int, ElectionContext] = {}
    for number, entry in state.rounds.items():
        if number < 1:
            report.fail("round.number", f"events without a valid round ({number})")
            continue
        context = _check_round(record, entry, state, contexts, report, workers, progress)
        if context is not None:
            contexts[number] = context
    check_collectives(state, report)
    check_minute(record, state, contexts, report)
    return report


# --- the log ---------------------------------------------------------------------------------


def _check_log(record: Record, report: Report) -> list[dict[str, Any]]:
    entries = record.events
    if not entries:
        report.fail("log.present", "events.jsonl", "the log is empty")
        return []
    first = entries[0].get("event", {}) if isinstance(entries[0], dict) else {}
    body = first.get("body", {}) if isinstance(first, dict) else {}
    key_hex = body.get("server_key") if first.get("type") == "log-opened" else None
    try:
        key = verify_key_from_hex(key_hex, "event 0 server_key")
    except TallyError as error:
        report.fail("log.server_key", "event 0", str(error))
        return [
            e["event"] for e in entries if isinstance(e, dict) and isinstance(e.get("event"), dict)
        ]
    report.expect(
        record.index.get("server_key") == key_hex,
        "index.server_key",
        "record.json",
        "the index names another server key than event 0",
    )
    findings = verify_log(entries, VerifyKey(key.encode()))
    for finding in findings:
        report.fail(f"log.{finding.check}", finding.subject, finding.detail)
    if not findings:
        report.ok("log.chain", f"{len(entries)} events, hashes and signatures")
    head = entries[-1].get("hash") if isinstance(entries[-1], dict) else None
    report.expect(
        record.index.get("head") == head and record.index.get("events") == len(entries),
        "index.head",
        "record.json",
        "the index's head or event count is not the log's",
    )
    return [e["event"] for e in entries if isinstance(e, dict) and isinstance(e.get("event"), dict)]


# --- one round -------------------------------------------------------------------------------


def _check_round(
    record: Record,
    entry: RoundEvents,
    state: Replay,
    contexts: dict[int, ElectionContext],
    report: Report,
    workers: int | None,
    progress: Progress | None,
) -> ElectionContext | None:
    label = f"round {entry.number}"
    if entry.started is None:
        report.fail("round.started", label, "no round-started event")
        return None
    try:
        manifest = Manifest.from_json(entry.started.get("manifest"))
    except TallyError as error:
        report.fail("round.manifest", label, f"{error}; the rest of the round is not checked")
        return None
    report.expect(
        entry.started.get("manifest_hash") == manifest.hash.hex()
        and entry.started["manifest"].get("round") == entry.number,
        "round.manifest",
        label,
        "the manifest hash or round number does not match",
    )
    context = _check_election(entry, manifest, contexts, report, label)
    if context is None:
        return None
    valid_tokens = _check_tokens(entry, manifest.round_kind, report, label)
    verified = _check_ballots(
        record, entry, context, valid_tokens, report, label, workers, progress
    )
    aggregate = _check_aggregate(entry, context, verified, report, label)
    if aggregate is not None:
        counts = _check_decryption(entry, context, aggregate, report, label)
        check_decisions(entry, context, counts, state, report, label)
    return context


def _check_election(
    entry: RoundEvents,
    manifest: Manifest,
    contexts: dict[int, ElectionContext],
    report: Report,
    label: str,
) -> ElectionContext | None:
    if entry.election is None:
        report.fail("election.published", label, "no election-published event")
        return None
    published = entry.election.get("election")
    source = entry.started.get("keys_of_round") if entry.started else None
    if source is not None:
        previous = contexts.get(source)
        expected = (
            None
            if previous is None
            else {**previous.to_json(), "manifest_hash": manifest.hash.hex()}
        )
        report.expect(
            expected is not None and published == expected,
            "election.reused_keys",
            label,
            f"not the committee keys of round {source}",
        )
    else:
        announcements = []
        for index in range(1, manifest.committee_size + 1):
            subject = f"{label}, committee member {index}"
            try:
                announcement = ceremony.Announcement.from_json(
                    GROUP, entry.announcements.get(index), manifest.threshold
                )
                if announcement.index != index:
                    raise ValueError("index mismatch")
                ceremony.verify_announcement(GROUP, manifest.hash, announcement, manifest.threshold)
                announcements.append(announcement)
                report.ok("ceremony.announcement", subject)
            except (TallyError, ValueError) as error:
                report.fail("ceremony.announcement", subject, str(error))
            shares = entry.shares.get(index) or []
            recipients = sorted(s.get("recipient") for s in shares if isinstance(s, dict))
            others = [j for j in range(1, manifest.committee_size + 1) if j != index]
            report.expect(
                recipients == others and all(s.get("sender") == index for s in shares),
                "ceremony.shares",
                subject,
                "not one share to each other member",
            )
        report.expect(
            entry.confirmed == set(range(1, manifest.committee_size + 1)) and not entry.complaints,
            "ceremony.confirmed",
            label,
            "not every member confirmed their shares, or a complaint was made",
        )
        if len(announcements) == manifest.committee_size:
            expected = ElectionContext.from_announcements(GROUP, manifest, announcements)
            report.expect(
                published == expected.to_json(),
                "election.joint_key",
                label,
                "the published election is not the one the announcements make",
            )
    try:
        context = ElectionContext.from_json(GROUP, manifest, published)
    except TallyError as error:
        report.fail("election.format", label, str(error))
        return None
    report.expect(
        entry.election.get("fingerprint") == context.fingerprint.hex(),
        "election.fingerprint",
        label,
        "the logged fingerprint is not the election's",
    )
    return context


def _check_tokens(entry: RoundEvents, kind: RoundKind, report: Report, label: str) -> set[str]:
    if entry.opened is None:
        report.ok("tokens.commitment", label, "voting never opened")
        return set()
    hashes = entry.opened.get("token_hashes")
    if not isinstance(hashes, list) or not all(isinstance(h, str) and len(h) == 64 for h in hashes):
        report.fail("tokens.commitment", label, "malformed token hashes")
        return set()
    try:
        commitment = hash32("token-set", *(bytes.fromhex(h) for h in hashes)).hex()
    except ValueError:
        commitment = ""
    report.expect(
        hashes == sorted(set(hashes)) and entry.opened.get("token_commitment") == commitment,
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
    return set(hashes) - entry.cancelled_after_open


def _check_ballots(
    record: Record,
    entry: RoundEvents,
    context: ElectionContext,
    valid_tokens: set[str],
    report: Report,
    label: str,
    workers: int | None,
    progress: Progress | None,
) -> list[tuple[tuple[Ciphertext, ...], ...]]:
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
            entry.closed.get("ballot_count") == len(accepted),
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
            Ciphertext(bytes.fromhex(s["alpha"]), bytes.fromhex(s["beta"]))
            for s in answer["selections"]
        )
        for answer in ballot["answers"]
    )


def _check_aggregate(
    entry: RoundEvents,
    context: ElectionContext,
    verified: list[tuple[tuple[Ciphertext, ...], ...]],
    report: Report,
    label: str,
) -> Aggregate | None:
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


def _check_decryption(
    entry: RoundEvents,
    context: ElectionContext,
    aggregate: Aggregate,
    report: Report,
    label: str,
) -> dict[str, list[int]] | None:
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
