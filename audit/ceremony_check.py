"""The committee's signed ceremony messages, checked from the log (PROTOCOL.md §14).

Each member claimed their link with a key and signed every ceremony message with it; the log
keeps each message's fields and signature. The verifier rebuilds every message and checks its
signature under the member's claimed key, that each announcement names that key, that every
member confirmed the very election that was published, and that every complaint was settled in
the open by a revealed share that matches the accused's commitments.
"""

from __future__ import annotations

from typing import Any

from audit.findings import Report
from tally.committee_message import BODY_FIELDS, claimed_key, rebuild, verify_from
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.errors import TallyError
from tally.manifest import Manifest
from tally.replay import RoundEvents


def check_ceremony_messages(
    entry: RoundEvents, manifest: Manifest, report: Report, label: str
) -> None:
    """Signatures of every logged ceremony message, the confirmations and the disputes."""
    keys: dict[int, bytes] = {}
    for trustee, body in sorted(entry.claims.items(), key=lambda kv: str(kv[0])):
        try:
            keys[trustee] = claimed_key(_message(manifest, "claim", body))
            report.ok("ceremony.claim", f"{label}, committee member {trustee}")
        except (TallyError, TypeError, ValueError) as error:
            report.fail("ceremony.claim", f"{label}, committee member {trustee}", str(error))
    bad = []
    for kind, body in entry.signed:
        if kind == "claim":
            continue
        trustee = body.get("trustee")
        try:
            verify_from(_message(manifest, kind, body), keys.get(trustee))  # type: ignore[arg-type]
            if kind == "announcement" and bytes.fromhex(
                str(body["announcement"].get("signing_key"))
            ) != keys.get(trustee):  # type: ignore[arg-type]
                raise ValueError("the announcement names another key than the claim")
        except (TallyError, TypeError, ValueError, KeyError, AttributeError) as error:
            bad.append(f"{kind} of member {trustee}: {error}")
    report.expect(not bad, "ceremony.signatures", label, "; ".join(bad[:3]))
    _check_disputes(entry, manifest, report, label)


def check_confirmations(entry: RoundEvents, fingerprint: str, report: Report, label: str) -> None:
    """Every member confirmed, from their device, the election that was published."""
    named = {
        body.get("trustee"): body.get("election")
        for kind, body in entry.signed
        if kind == "confirmation"
    }
    report.expect(
        all(election == fingerprint for election in named.values()),
        "ceremony.confirmed_election",
        label,
        "a member confirmed another election than the one published",
    )


def _message(manifest: Manifest, kind: str, body: dict[str, Any]):
    fields = {name: body[name] for name in BODY_FIELDS[kind]}
    return rebuild(manifest.hash, body["trustee"], kind, fields, body.get("signature"))


def _check_disputes(entry: RoundEvents, manifest: Manifest, report: Report, label: str) -> None:
    reveals = {
        (body.get("trustee"), body.get("recipient")): body
        for kind, body in entry.signed
        if kind == "reveal"
    }
    for complaint in entry.complaints:
        accuser, accused = complaint.get("trustee"), complaint.get("accused")
        subject = f"{label}, complaint of member {accuser} about member {accused}"
        reveal = reveals.get((accused, accuser))
        outcome = "unanswered"
        if reveal is not None:
            try:
                announcement = ceremony.Announcement.from_json(
                    RISTRETTO255, entry.announcements.get(accused), manifest.threshold
                )
                ceremony.check_revealed_share(RISTRETTO255, announcement, accuser, reveal["value"])
                outcome = "share-valid"
            except (TallyError, KeyError):
                outcome = "share-invalid"
        logged = [
            d.get("outcome")
            for d in entry.disputes
            if d.get("accuser") == accuser and d.get("accused") == accused
        ]
        report.expect(
            logged == ([] if reveal is None else [outcome]),
            "ceremony.dispute",
            subject,
            f"the log says {logged}, the revealed share is {outcome}",
        )
        if entry.election is not None:
            report.expect(
                outcome == "share-valid",
                "ceremony.settled",
                subject,
                f"the election was published with a complaint {outcome}",
            )
