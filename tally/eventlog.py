"""The append-only, hash-chained, signed event log (PROTOCOL.md §10).

Each event names the hash of the one before it, so nothing can be dropped, reordered or rewritten
without breaking the chain, and the server signs every event hash with its Ed25519 key.
``verify_log`` collects every problem it finds rather than stopping at the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey, VerifyKey

from tally.canonical import canonical_json, check_header, is_integer
from tally.crypto.hashing import hash32
from tally.crypto.signatures import sign, verify_signature
from tally.errors import InvalidLog, InvalidSignature

EVENT_KIND = "phieukin/event"
GENESIS = bytes(32)
SIGNATURE_PURPOSE = "event"


def event_hash(event: dict[str, Any]) -> bytes:
    """H32("event", canonical(event))."""
    return hash32("event", canonical_json(event))


@dataclass(frozen=True)
class LogEntry:
    """One stored event with its hash and the server's signature."""

    event: dict[str, Any]
    hash: bytes
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event, "hash": self.hash.hex(), "signature": self.signature.hex()}


def make_event(
    previous: LogEntry | None, event_type: str, body: dict[str, Any], server_key: SigningKey
) -> LogEntry:
    """Append an event after ``previous`` (None for the first) and sign it."""
    event = {
        "version": 1,
        "kind": EVENT_KIND,
        "seq": 0 if previous is None else previous.event["seq"] + 1,
        "prev": (GENESIS if previous is None else previous.hash).hex(),
        "type": event_type,
        "body": body,
    }
    digest = event_hash(event)
    signature = sign(server_key, SIGNATURE_PURPOSE, digest)
    return LogEntry(event, digest, signature)


def verify_log(
    entries: Sequence[object],
    server_key: VerifyKey,
    *,
    start: int = 0,
    previous: bytes = GENESIS,
) -> list[InvalidLog]:
    """Check sequence numbers, the chain, every hash and every signature.

    ``entries`` are the log from event ``start`` on, the event before them having the hash
    ``previous`` (a device that checked a prefix before checks only what is new). Returns every
    finding (an empty list means the log is sound); never raises on bad input.
    """
    findings: list[InvalidLog] = []
    for position, entry in enumerate(entries, start=start):
        subject = f"event {position}"
        if not isinstance(entry, dict) or set(entry) != {"event", "hash", "signature"}:
            findings.append(InvalidLog("shape", subject, "expected event, hash and signature"))
            continue
        event = entry["event"]
        try:
            check_header(event, EVENT_KIND, subject)
            digest = event_hash(event)
        except Exception as error:  # a malformed event is a finding, not a crash
            findings.append(InvalidLog("format", subject, str(error)))
            continue
        if not is_integer(event.get("seq")) or event["seq"] != position:
            findings.append(InvalidLog("sequence", subject, f"seq is {event.get('seq')!r}"))
        if event.get("prev") != previous.hex():
            findings.append(InvalidLog("chain", subject, "prev is not the previous event's hash"))
        if entry["hash"] != digest.hex():
            findings.append(InvalidLog("hash", subject, "hash does not match the event"))
        try:
            verify_signature(server_key, SIGNATURE_PURPOSE, digest, entry["signature"], subject)
        except InvalidSignature:
            findings.append(InvalidLog("signature", subject, "server signature does not verify"))
        previous = digest
    return findings
