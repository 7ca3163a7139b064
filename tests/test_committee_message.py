"""Signed committee messages (PROTOCOL.md §14.2) and fingerprints (§16): the shared vectors, the
round trip, and that changing any field of a message makes its signature fail."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from tally.committee_message import claimed_key, load_message, rebuild, sign_message, verify_from
from tally.errors import FormatError, InvalidMessage, InvalidSignature
from tally.fingerprint import election_code, member_fingerprint, short_code

VECTORS = json.loads(
    (Path(__file__).parent / "vectors" / "committee.json").read_text(encoding="utf-8")
)
MANIFEST_HASH = bytes.fromhex(VECTORS["manifest_hash"])


def test_vectors_sign_and_verify_byte_for_byte() -> None:
    claim = load_message(VECTORS["messages"][0]["message"], MANIFEST_HASH, message_type="claim")
    key = claimed_key(claim)
    for case in VECTORS["messages"]:
        message = load_message(case["message"], MANIFEST_HASH, trustee=1)
        assert message.digest.hex() == case["digest"]
        again = sign_message(
            SigningKey(bytes.fromhex(case["seed"])), MANIFEST_HASH, 1, message.type, message.body
        )
        assert again.to_json() == case["message"]
        verify_from(message, key)


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.update(trustee=2),
        lambda m: m.update(type="complaint", body={"accused": 3, "check": "decryption"}),
        lambda m: m["body"].update(election="00" * 32),
        lambda m: m.update(signature="00" * 64),
    ],
)
def test_any_change_breaks_the_signature(change) -> None:
    confirmation = copy.deepcopy(VECTORS["messages"][3]["message"])
    key = bytes.fromhex(VECTORS["messages"][0]["message"]["body"]["signing_key"])
    change(confirmation)
    message = load_message(confirmation, MANIFEST_HASH)
    with pytest.raises(InvalidSignature):
        verify_from(message, key)


def test_loading_refuses_by_name() -> None:
    good = VECTORS["messages"][1]["message"]
    with pytest.raises(InvalidMessage) as other:
        load_message(good, bytes(32))
    assert other.value.check == "manifest"
    with pytest.raises(InvalidMessage) as sender:
        load_message(good, MANIFEST_HASH, trustee=2)
    assert sender.value.check == "sender"
    for broken in (
        {**good, "type": "vote"},
        {**good, "body": {"accused": 0, "check": "commitments"}},
        {**good, "body": {"accused": 2, "check": "mood"}},
        {**good, "extra": 1},
        {**good, "version": 2},
    ):
        with pytest.raises(FormatError):
            load_message(broken, MANIFEST_HASH)
    with pytest.raises(FormatError):
        load_message(good, MANIFEST_HASH, message_type="reveal")
    unsigned = rebuild(MANIFEST_HASH, 1, "complaint", good["body"], good["signature"])
    with pytest.raises(InvalidSignature) as unclaimed:
        verify_from(unsigned, None)
    assert unclaimed.value.check == "unclaimed"


def test_fingerprints_use_one_format() -> None:
    for case in VECTORS["member_fingerprints"]:
        assert member_fingerprint(bytes.fromhex(case["signing_key"])) == case["fingerprint"]
    election = VECTORS["election"]
    assert election_code(bytes.fromhex(election["fingerprint"])) == election["code"]
    assert short_code(bytes(32)) == "0000-0000-0000-0000"
    assert len(short_code(bytes(range(32)))) == 19
