"""Fingerprints people compare by eye (PROTOCOL.md §16).

One format on every surface — the member's phone, the projector, the chair's page, the voter's
page, the printed minute and ``phieukin trustee``: the first 10 bytes of a 32-byte value as 16
Crockford base-32 characters in four groups of four (``7K2D-QW3X-9PZ1-ABCD``). The receipt code
of a ballot (§8) is the same format.
"""

from __future__ import annotations

from tally.crypto.hashing import hash32
from tally.token import base32_encode

CODE_BYTES = 10


def short_code(value: bytes) -> str:
    """``7K2D-QW3X-9PZ1-ABCD``: the first 10 bytes of ``value`` in base-32, in groups of four."""
    text = base32_encode(value[:CODE_BYTES])
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def member_fingerprint(signing_key: bytes) -> str:
    """A committee member's key fingerprint: ``code(H32("member-key", K))`` of the 32-byte Ed25519
    public key the member's device claimed the link with and announced."""
    return short_code(hash32("member-key", signing_key))


def election_code(fingerprint: bytes) -> str:
    """The election fingerprint hₑ as people see it (projector, voter page, committee phones)."""
    return short_code(fingerprint)
