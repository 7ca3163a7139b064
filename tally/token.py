"""Voting tokens (PROTOCOL.md §6): 128 random bits as 26 Crockford base-32 characters.

Only the token hash ``H32("token", normalized token)`` is ever stored by the server or put in the
record; the token itself is printed on a card and travels in the URL fragment.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

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


def token_hash(token: str) -> bytes:
    """H32("token", normalized token as ASCII)."""
    return hash32("token", normalize_token(token))


def token_set_commitment(token_hashes: Sequence[bytes]) -> bytes:
    """``H32("token-set", h₁, h₂, …, h_k)``: each token hash a 32-byte part, in ascending
    order, no repeats (PROTOCOL.md §6); logged when voting opens."""
    if list(token_hashes) != sorted(set(token_hashes)) or any(len(h) != 32 for h in token_hashes):
        raise EncodingError("token hashes must be 32 bytes each, sorted, unique", field="tokens")
    return hash32("token-set", *token_hashes)
