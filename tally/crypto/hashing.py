"""Domain-separated hashing (PROTOCOL.md §2): ``H``, ``H32`` and ``Hs`` over SHA-512.

Every part is length-prefixed, so no two different lists of parts hash alike, and every use has
its own tag, so a hash made for one purpose is never accepted for another.
"""

from __future__ import annotations

from nacl.bindings import crypto_hash_sha512

from tally.crypto.group import ORDER

PREFIX = "phieukin.v1."
Part = bytes | str | int


def encode_part(part: Part) -> bytes:
    """``enc(x)``: the 4-byte big-endian length, then the bytes of ``x``."""
    if isinstance(part, bool):
        raise TypeError("booleans are not hash parts")
    if isinstance(part, bytes):
        data = part
    elif isinstance(part, str):
        data = part.encode("utf-8")
    elif isinstance(part, int):
        if not 0 <= part < 2**64:
            raise ValueError("integer hash parts must be in 0 .. 2^64 − 1")
        data = part.to_bytes(8, "big")
    else:
        raise TypeError(f"cannot hash a {type(part).__name__}")
    return len(data).to_bytes(4, "big") + data


def encode_parts(*parts: Part) -> bytes:
    """The concatenation of ``enc`` over ``parts``."""
    return b"".join(encode_part(part) for part in parts)


def hash_full(tag: str, *parts: Part) -> bytes:
    """``H(tag, parts…)``: 64 bytes of SHA-512 over the tagged, length-prefixed parts."""
    return crypto_hash_sha512(encode_part(PREFIX + tag) + encode_parts(*parts))


def hash32(tag: str, *parts: Part) -> bytes:
    """``H32``: the first 32 bytes of ``H`` (fingerprints, token hashes, trackers, events)."""
    return hash_full(tag, *parts)[:32]


def hash_to_scalar(tag: str, *parts: Part) -> int:
    """``Hs``: ``H`` read as a little-endian integer and reduced modulo the group order."""
    return int.from_bytes(hash_full(tag, *parts), "little") % ORDER
