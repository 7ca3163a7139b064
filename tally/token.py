"""Voting tokens (PROTOCOL.md §6): 128 random bits as 26 Crockford base-32 characters.

The token itself is printed on a card and travels only in the URL fragment: it never crosses the
network. What the phone sends is derived from it: the token's signing key
``seed = H32("token-key", normalized token)`` (Ed25519), whose public key is the token's public
identity, and ``token_hash = H32("token", public key)``, which the server stores and the record
commits to. A ballot submission is signed with the token's key, so it proves possession of the
token without revealing anything that could be used again.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from nacl.signing import SigningKey

from tally.crypto.hashing import hash32
from tally.errors import EncodingError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TOKEN_BYTES = 16
TOKEN_LENGTH = 26  # ceil(128 / 5)
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def base32_encode(data: bytes) -> str:
    """Crockford base-32, most significant bit first, the last group zero-padded, no padding."""
    bits = len(data) * 8
    value = int.from_bytes(data, "big") << (-bits % 5)
    count = -(-bits // 5)
    return "".join(ALPHABET[(value >> (5 * (count - 1 - i))) & 31] for i in range(count))


def generate_token() -> str:
    """A fresh token from the operating system's randomness."""
    return base32_encode(secrets.token_bytes(TOKEN_BYTES))


def normalize_token(text: str) -> str:
    """Remove spaces and dashes, upper-case, read O as 0 and I, L as 1; check the alphabet."""
    normalized = "".join(text.split()).replace("-", "").upper().translate(_ALIASES)
    if len(normalized) != TOKEN_LENGTH or any(ch not in ALPHABET for ch in normalized):
        raise EncodingError(f"a token has {TOKEN_LENGTH} base-32 characters", field="token")
    if ALPHABET.index(normalized[-1]) & 0b11:
        raise EncodingError("not a canonical token (padding bits set)", field="token")
    return normalized


def token_signing_key(token: str) -> SigningKey:
    """The token's Ed25519 signing key, from the seed ``H32("token-key", normalized token)``."""
    return SigningKey(hash32("token-key", normalize_token(token)))


def token_key(token: str) -> bytes:
    """The token's public identity: the 32-byte Ed25519 public key of its signing key."""
    return token_signing_key(token).verify_key.encode()


def key_token_hash(key: bytes) -> bytes:
    """``H32("token", token key)``: the token hash of a token's public key."""
    return hash32("token", key)


def token_hash(token: str) -> bytes:
    """``H32("token", token key)``: what the server stores and the record commits to."""
    return key_token_hash(token_key(token))


def token_set_commitment(token_hashes: Sequence[bytes]) -> bytes:
    """``H32("token-set", h₁, h₂, …, h_k)``: each token hash a 32-byte part, in ascending
    order, no repeats (PROTOCOL.md §6); logged when voting opens."""
    if list(token_hashes) != sorted(set(token_hashes)) or any(len(h) != 32 for h in token_hashes):
        raise EncodingError("token hashes must be 32 bytes each, sorted, unique", field="tokens")
    return hash32("token-set", *token_hashes)
