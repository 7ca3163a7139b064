"""The prime-order group ristretto255 (PROTOCOL.md §1), through libsodium.

Points are kept as their 32-byte canonical encodings (libsodium works on encodings), scalars as
Python integers modulo ``order``. Every point received from outside goes through
``point_from_hex`` exactly once; after that, multiplications need no further check because every
valid ristretto255 encoding is an element of the prime-order group.

The group is a value: code that needs it receives a ``Ristretto255`` instance (usually from the
election context) instead of reaching for a module global.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import rbcl

from tally.errors import InvalidPoint, InvalidScalar

ORDER = 2**252 + 27742317777372353535851937790883648493
IDENTITY = bytes(32)
_HEX_DIGITS = frozenset("0123456789abcdef")


def _is_hex64(text: object) -> bool:
    return isinstance(text, str) and len(text) == 64 and set(text) <= _HEX_DIGITS


@dataclass(frozen=True)
class Ristretto255:
    """ristretto255 with the operations the protocol needs; ``0·P`` is defined as the identity."""

    order: int = ORDER
    identity: bytes = IDENTITY
    generator: bytes = field(
        default_factory=lambda: rbcl.crypto_scalarmult_ristretto255_base((1).to_bytes(32, "little"))
    )

    # --- encodings -------------------------------------------------------------------------

    def point_from_hex(self, text: object, subject: str = "point") -> bytes:
        """Decode and validate a received point: canonical, on the group, not the identity."""
        if not _is_hex64(text):
            raise InvalidPoint("expected 64 lowercase hex characters", field=subject)
        encoding = bytes.fromhex(text)  # type: ignore[arg-type]
        if encoding == IDENTITY:
            raise InvalidPoint("the identity element is not accepted", field=subject)
        # The bundled libsodium ignores bit 255 when decoding (RFC 9496 requires s < p), so
        # without this check 00…80 would pass as a second encoding of the identity.
        if encoding[31] & 0x80 or not rbcl.crypto_core_ristretto255_is_valid_point(encoding):
            raise InvalidPoint("not a canonical ristretto255 encoding", field=subject)
        return encoding

    @staticmethod
    def point_to_hex(point: bytes) -> str:
        """Encode a point for JSON."""
        return point.hex()

    def scalar_from_hex(self, text: object, subject: str = "scalar") -> int:
        """Decode and validate a received scalar: canonical little-endian, below the order."""
        if not _is_hex64(text):
            raise InvalidScalar("expected 64 lowercase hex characters", field=subject)
        value = int.from_bytes(bytes.fromhex(text), "little")  # type: ignore[arg-type]
        if value >= self.order:
            raise InvalidScalar("not reduced below the group order", field=subject)
        return value

    @staticmethod
    def scalar_to_hex(scalar: int) -> str:
        """Encode a scalar for JSON."""
        return scalar.to_bytes(32, "little").hex()

    @staticmethod
    def scalar_bytes(scalar: int) -> bytes:
        """The 32-byte little-endian encoding of a reduced scalar (for hashing)."""
        return scalar.to_bytes(32, "little")

    # --- arithmetic ------------------------------------------------------------------------

    def mul(self, scalar: int, point: bytes) -> bytes:
        """``scalar · point``; the identity when either is zero."""
        scalar %= self.order
        if scalar == 0 or point == IDENTITY:
            return IDENTITY
        return rbcl.crypto_scalarmult_ristretto255(scalar.to_bytes(32, "little"), point)

    def base_mul(self, scalar: int) -> bytes:
        """``scalar · G`` with libsodium's fixed-base tables."""
        scalar %= self.order
        if scalar <= 1:
            return self.generator if scalar else IDENTITY
        return rbcl.crypto_scalarmult_ristretto255_base(scalar.to_bytes(32, "little"))

    @staticmethod
    def add(left: bytes, right: bytes) -> bytes:
        """``left + right``."""
        return rbcl.crypto_core_ristretto255_add(left, right)

    @staticmethod
    def sub(left: bytes, right: bytes) -> bytes:
        """``left − right``."""
        return rbcl.crypto_core_ristretto255_sub(left, right)

    def sum(self, points: Iterable[bytes]) -> bytes:
        """The sum of ``points`` (the identity for none)."""
        total = IDENTITY
        add = rbcl.crypto_core_ristretto255_add
        for point in points:
            total = point if total == IDENTITY else add(total, point)
        return total

    def linear_combination(self, terms: Iterable[tuple[int, bytes]]) -> bytes:
        """``Σ sᵢ·Pᵢ`` for (scalar, point) pairs."""
        return self.sum(self.mul(scalar, point) for scalar, point in terms)


RISTRETTO255 = Ristretto255()
