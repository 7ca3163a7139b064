"""Sources of secret scalars (nonces): the operating system, or a reproducible test stream.

Functions that need randomness take a ``NonceSource`` so that the test vectors of
PROTOCOL.md §12 can replay the exact draw order in both implementations.
"""

from __future__ import annotations

import secrets
from typing import Protocol

from tally.crypto.group import ORDER
from tally.crypto.hashing import hash_to_scalar


class NonceSource(Protocol):
    """Anything that returns a fresh scalar on each call."""

    def __call__(self) -> int: ...


def system_nonce() -> int:
    """A uniformly random scalar: 64 bytes from the operating system, reduced."""
    return int.from_bytes(secrets.token_bytes(64), "little") % ORDER


class TestNonces:
    """The deterministic stream ``Hs("test-rng", seed, i)``, i = 0, 1, … — for vectors only."""

    __test__ = False  # not a pytest test class

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.count = 0

    def __call__(self) -> int:
        value = hash_to_scalar("test-rng", self.seed, self.count)
        self.count += 1
        return value
