"""Exponential ElGamal over ristretto255 (PROTOCOL.md §7, §9).

``(α, β) = (rG, rK + mG)`` encrypts the small integer ``m`` under the key ``K``. Ciphertexts add
component-wise, which adds their plaintexts: that is what lets the committee decrypt only the
tally, never a single ballot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tally.crypto.group import IDENTITY, Ristretto255
from tally.errors import FormatError


@dataclass(frozen=True)
class Ciphertext:
    """An exponential-ElGamal ciphertext: ``alpha = rG`` (α) and ``beta = rK + mG`` (β)."""

    alpha: bytes
    beta: bytes

    def to_json(self) -> dict[str, str]:
        return {"alpha": self.alpha.hex(), "beta": self.beta.hex()}

    @classmethod
    def from_json(cls, group: Ristretto255, data: object, subject: str) -> Ciphertext:
        """Load and validate both components (each a non-identity group element)."""
        if not isinstance(data, dict):
            raise FormatError("expected an object with alpha and beta", field=subject)
        return cls(
            group.point_from_hex(data.get("alpha"), f"{subject}.alpha"),
            group.point_from_hex(data.get("beta"), f"{subject}.beta"),
        )


ZERO_CIPHERTEXT = Ciphertext(IDENTITY, IDENTITY)


def encrypt(group: Ristretto255, key: bytes, message: int, nonce: int) -> Ciphertext:
    """Encrypt ``message`` under ``key`` with the secret ``nonce`` r."""
    alpha = group.base_mul(nonce)
    beta = group.mul(nonce, key)
    if message:
        beta = group.add(beta, group.base_mul(message))
    return Ciphertext(alpha, beta)


def add_ciphertexts(group: Ristretto255, ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The component-wise sum, which encrypts the sum of the plaintexts."""
    items = list(ciphertexts)
    return Ciphertext(
        group.sum(c.alpha for c in items),
        group.sum(c.beta for c in items),
    )
