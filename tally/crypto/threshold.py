"""Threshold arithmetic (PROTOCOL.md §9): Lagrange coefficients and small discrete logs."""

from __future__ import annotations

from collections.abc import Collection

from tally.crypto.group import IDENTITY, Ristretto255


def lagrange_coefficient(group: Ristretto255, index: int, indices: Collection[int]) -> int:
    """λⱼ = Π_{i ∈ S, i ≠ j} i / (i − j) mod ℓ: the weight of share j when interpolating at 0."""
    numerator, denominator = 1, 1
    for other in indices:
        if other != index:
            numerator = numerator * other % group.order
            denominator = denominator * (other - index) % group.order
    return numerator * pow(denominator, -1, group.order) % group.order


class DiscreteLogTable:
    """Counts from plaintext points: the table {mG: m} for m in 0..maximum, built once."""

    def __init__(self, group: Ristretto255, maximum: int) -> None:
        self.maximum = maximum
        self._table: dict[bytes, int] = {}
        point = IDENTITY
        for m in range(maximum + 1):
            self._table[point] = m
            point = group.add(point, group.generator)

    def find(self, point: bytes) -> int | None:
        """The m in 0..maximum with mG = ``point``, or None if there is none."""
        return self._table.get(point)
