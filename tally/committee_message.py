"""Signed committee messages (PROTOCOL.md §14.2).

Every message a committee member sends during the key ceremony — the claim of their link, the
announcement, the encrypted shares, a complaint, a reveal, the confirmation — is signed with the
Ed25519 key the member's device drew when it claimed the link. The relaying server therefore
cannot forge a member's message, nor change a relayed share without the recipient seeing that
the signature fails (which blames the relay, never the sender).

``digest = H32("committee-message", canonical(message without "signature"))`` and the signature
covers ``enc("phieukin.v1.sign.committee") ‖ enc(digest)``. Events in the log carry the body's
fields and the signature, so ``rebuild`` makes the exact message again for anyone to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey

from tally.canonical import canonical_json, check_header, is_integer, require_keys, strict_hex
from tally.crypto.hashing import hash32
from tally.crypto.signatures import sign, verify_key_from_hex, verify_signature
from tally.errors import FormatError, InvalidMessage, InvalidSignature

MESSAGE_KIND = "phieukin/committee-message"
SIGNATURE_PURPOSE = "committee"
COMPLAINT_CHECKS = ("decryption", "scalar", "commitments")
BODY_FIELDS: dict[str, frozenset[str]] = {
    "claim": frozenset({"signing_key"}),
    "announcement": frozenset({"announcement"}),
    "shares": frozenset({"shares"}),
    "complaint": frozenset({"accused", "check"}),
    "reveal": frozenset({"recipient", "value"}),
    "confirmation": frozenset({"election"}),
}
_MESSAGE_FIELDS = frozenset(
    {"version", "kind", "manifest_hash", "trustee", "type", "body", "signature"}
)


@dataclass(frozen=True)
class CommitteeMessage:
    """A member's signed ceremony message (its ``body`` kept as JSON)."""

    manifest_hash: bytes
    trustee: int
    type: str
    body: dict[str, Any]
    signature: str

    def unsigned(self) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": MESSAGE_KIND,
            "manifest_hash": self.manifest_hash.hex(),
            "trustee": self.trustee,
            "type": self.type,
            "body": self.body,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.unsigned(), "signature": self.signature}

    @property
    def digest(self) -> bytes:
        """H32("committee-message", canonical(message without its signature))."""
        return hash32("committee-message", canonical_json(self.unsigned()))

    def verify(self, signing_key: bytes) -> None:
        """Check the signature under the member's key; raise ``InvalidSignature``."""
        key = verify_key_from_hex(signing_key.hex(), f"trustee {self.trustee} signing key")
        verify_signature(
            key,
            SIGNATURE_PURPOSE,
            self.digest,
            self.signature,
            f"{self.type} message of trustee {self.trustee}",
        )


def sign_message(
    key: SigningKey, manifest_hash: bytes, trustee: int, message_type: str, body: dict[str, Any]
) -> CommitteeMessage:
    """Make and sign a message of ``message_type`` (one of ``BODY_FIELDS``)."""
    _check_body(message_type, body, f"{message_type} message")
    unsigned = CommitteeMessage(manifest_hash, trustee, message_type, body, "")
    signature = sign(key, SIGNATURE_PURPOSE, unsigned.digest).hex()
    return CommitteeMessage(manifest_hash, trustee, message_type, body, signature)


def rebuild(
    manifest_hash: bytes, trustee: int, message_type: str, body: dict[str, Any], signature: object
) -> CommitteeMessage:
    """The message a logged event records (its body fields and signature), to check again."""
    if not isinstance(signature, str):
        raise FormatError("expected a signature", field=f"{message_type} of trustee {trustee}")
    return CommitteeMessage(manifest_hash, trustee, message_type, body, signature)


def load_message(
    data: object, manifest_hash: bytes, *, trustee: int | None = None, message_type: str = ""
) -> CommitteeMessage:
    """Load a received message: header, the round's ``manifest_hash``, the sender (if known),
    the type (if one is expected) and the body's fields. The signature is not checked here."""
    message = require_keys(check_header(data, MESSAGE_KIND, "message"), _MESSAGE_FIELDS, "message")
    sender, kind, body = message["trustee"], message["type"], message["body"]
    if not is_integer(sender) or not 1 <= sender <= 15:
        raise FormatError("must be a committee index", field="message.trustee")
    if kind not in BODY_FIELDS or (message_type and kind != message_type):
        raise FormatError(f"expected a {message_type or 'known'} message", field="message.type")
    if strict_hex(message["manifest_hash"], 32, "message.manifest_hash") != manifest_hash:
        raise InvalidMessage("manifest", f"{kind} message of trustee {sender}", "another round")
    if trustee is not None and sender != trustee:
        raise InvalidMessage("sender", f"{kind} message", f"sent for trustee {sender}")
    _check_body(kind, body, f"{kind} message of trustee {sender}")
    return CommitteeMessage(manifest_hash, sender, kind, body, str(message["signature"]))


def claimed_key(message: CommitteeMessage) -> bytes:
    """The key a ``claim`` names, after checking the claim is signed by that very key."""
    key = verify_key_from_hex(message.body["signing_key"], "claim.signing_key").encode()
    message.verify(key)
    return key


def verify_from(message: CommitteeMessage, signing_key: bytes | None) -> None:
    """Check a message against the key its sender claimed the link with (none: refused)."""
    if signing_key is None:
        raise InvalidSignature("unclaimed", f"{message.type} message of trustee {message.trustee}")
    message.verify(signing_key)


def _check_body(kind: str, body: object, subject: str) -> None:
    if kind not in BODY_FIELDS:
        raise FormatError("unknown message type", field=subject)
    require_keys(body, BODY_FIELDS[kind], f"{subject}.body")
    assert isinstance(body, dict)
    if kind == "claim":
        verify_key_from_hex(body["signing_key"], f"{subject}.signing_key")
    elif kind == "announcement" and not isinstance(body["announcement"], dict):
        raise FormatError("expected an object", field=f"{subject}.announcement")
    elif kind == "shares" and not isinstance(body["shares"], list):
        raise FormatError("expected a list", field=f"{subject}.shares")
    elif kind == "complaint":
        _index(body["accused"], f"{subject}.accused")
        if body["check"] not in COMPLAINT_CHECKS:
            raise FormatError("unknown check", field=f"{subject}.check")
    elif kind == "reveal":
        _index(body["recipient"], f"{subject}.recipient")
        strict_hex(body["value"], 32, f"{subject}.value")
    elif kind == "confirmation":
        strict_hex(body["election"], 32, f"{subject}.election")


def _index(value: object, field: str) -> None:
    if not is_integer(value) or not 1 <= value <= 15:
        raise FormatError("must be a committee index", field=field)
