"""The hash-chained, signed event log (PROTOCOL.md §10): building and checking a sound log.

Tampering with a log (removal, reordering, edits, forged signatures) is in ``test_attacks.py``.
"""

from __future__ import annotations

import copy

import pytest
from nacl.signing import SigningKey

from tally.canonical import canonical_json, parse_json
from tally.crypto.hashing import encode_parts, hash32
from tally.crypto.signatures import signing_message
from tally.eventlog import GENESIS, LogEntry, event_hash, make_event, verify_log

SERVER_KEY = SigningKey(hash32("test-server-key", "events"))


def build_log(count: int = 5, key: SigningKey = SERVER_KEY) -> list[LogEntry]:
    entries: list[LogEntry] = []
    for n in range(count):
        body = {"n": n, "note": f"sự kiện {n}"}
        if n == 0:
            body = {"server_key": key.verify_key.encode().hex()}
        previous = entries[-1] if entries else None
        entries.append(make_event(previous, "test" if n else "opened", body, key))
    return entries


def as_json(entries: list[LogEntry]) -> list[dict]:
    return [copy.deepcopy(entry.to_json()) for entry in entries]


def test_sound_log_has_no_findings():
    entries = build_log()
    assert verify_log(as_json(entries), SERVER_KEY.verify_key) == []
    assert verify_log([], SERVER_KEY.verify_key) == []


def test_log_survives_a_canonical_json_round_trip():
    stored = parse_json(canonical_json(as_json(build_log())))
    assert verify_log(stored, SERVER_KEY.verify_key) == []


def test_events_follow_the_spec():
    entries = build_log()
    previous = GENESIS
    for n, entry in enumerate(entries):
        event = entry.event
        assert set(event) == {"version", "kind", "seq", "prev", "type", "body"}
        assert (event["version"], event["kind"], event["seq"]) == (1, "phieukin/event", n)
        assert event["prev"] == previous.hex()
        assert entry.hash == event_hash(event) == hash32("event", canonical_json(event))
        message = encode_parts("phieukin.v1.sign.event", entry.hash)
        assert signing_message("event", entry.hash) == message
        SERVER_KEY.verify_key.verify(message, entry.signature)
        previous = entry.hash
    assert entries[0].event["prev"] == "00" * 32


def test_log_building_is_deterministic():
    assert as_json(build_log()) == as_json(build_log())


def test_another_server_key_fails_every_signature():
    other = SigningKey(hash32("test-server-key", "other")).verify_key
    findings = verify_log(as_json(build_log(3)), other)
    assert [(f.check, f.subject) for f in findings] == [
        ("signature", "event 0"),
        ("signature", "event 1"),
        ("signature", "event 2"),
    ]


def test_signature_over_the_bare_hash_is_refused():
    """Only enc(purpose) ‖ enc(hash) is signed; a signature over the hash alone is not accepted."""
    entries = as_json(build_log(2))
    digest = bytes.fromhex(entries[1]["hash"])
    entries[1]["signature"] = SERVER_KEY.sign(digest).signature.hex()
    findings = verify_log(entries, SERVER_KEY.verify_key)
    assert [(f.check, f.subject) for f in findings] == [("signature", "event 1")]


@pytest.mark.parametrize(
    ("edit", "check"),
    [
        (lambda e: e.pop("signature"), "shape"),
        (lambda e: e.update(extra=1), "shape"),
        (lambda e: e["event"].update(version=2), "format"),
        (lambda e: e["event"].update(kind="phieukin/ballot"), "format"),
        (lambda e: e["event"]["body"].update(weight=0.5), "format"),
        (lambda e: e.update(event="not an event"), "format"),
        (lambda e: e.update(signature="zz"), "signature"),
        (lambda e: e.update(signature=None), "signature"),
        (lambda e: e.update(signature="00" * 10), "signature"),
    ],
)
def test_malformed_entries_are_findings_not_crashes(edit, check):
    entries = as_json(build_log(3))
    edit(entries[1])
    findings = verify_log(entries, SERVER_KEY.verify_key)
    assert findings
    assert (findings[0].check, findings[0].subject) == (check, "event 1")


def test_non_object_entries_are_findings():
    findings = verify_log(["x", None], SERVER_KEY.verify_key)
    assert [f.check for f in findings] == ["shape", "shape"]
