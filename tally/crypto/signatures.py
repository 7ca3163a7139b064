"""Ed25519 signatures with a stated purpose (PROTOCOL.md §10), through libsodium (PyNaCl).

What is signed is ``enc("phieukin.v1.sign." + purpose) ‖ enc(digest)``, so a signature made for
one purpose (an event, a minute) can never be taken for a signature on anything else.
Verification raises ``InvalidSignature`` rather than returning a bool.
"""

from __future__ import annotations

from nacl.bindings import crypto_core_ed25519_is_valid_point
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from tally.crypto.hashing import encode_parts
from tally.errors import InvalidPoint, InvalidSignature

SIGNATURE_PREFIX = "phieukin.v1.sign."


def signing_message(purpose: str, digest: bytes) -> bytes:
    """The bytes an Ed25519 signature covers: enc(prefix + purpose) ‖ enc(digest)."""
    return encode_parts(SIGNATURE_PREFIX + purpose, digest)


def signing_key_from_seed(seed: bytes) -> SigningKey:
    return SigningKey(seed)


def verify_key_from_hex(text: object, subject: str) -> VerifyKey:
    """A received Ed25519 public key: 64 lowercase hex, canonical, not of small order."""
    if (
        not isinstance(text, str)
        or len(text) != 64
        or any(ch not in "0123456789abcdef" for ch in text)
    ):
        raise InvalidPoint("expected 64 lowercase hex characters", field=subject)
    raw = bytes.fromhex(text)
    if not crypto_core_ed25519_is_valid_point(raw):
        raise InvalidPoint("not a valid Ed25519 public key", field=subject)
    return VerifyKey(raw)


def sign(key: SigningKey, purpose: str, digest: bytes) -> bytes:
    return key.sign(signing_message(purpose, digest)).signature


def verify_signature(
    key: VerifyKey, purpose: str, digest: bytes, signature: object, subject: str
) -> None:
    """Check ``signature`` (hex) on ``digest`` for ``purpose``; raise ``InvalidSignature``."""
    try:
        raw = bytes.fromhex(signature) if isinstance(signature, str) else b""
        if len(raw) != 64 or raw.hex() != signature:
            raise ValueError
        key.verify(signing_message(purpose, digest), raw)
    except (BadSignatureError, ValueError):
        raise InvalidSignature("signature", subject) from None
