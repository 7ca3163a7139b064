"""Every exception the election library raises, in one place.

A failed verification raises rather than returning ``False``, so it cannot be ignored by accident.
Each exception names the check that failed and the subject it concerns; messages never contain a
secret, a nonce or a plaintext vote.
"""

from __future__ import annotations


class TallyError(Exception):
    """Base class of every error raised by the election library."""


class EncodingError(TallyError):
    """A serialized value (hex, point, scalar, JSON) is malformed or not canonical."""

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class InvalidPoint(EncodingError):
    """A received group element is not a canonical, non-identity ristretto255 encoding."""


class InvalidScalar(EncodingError):
    """A received scalar is not a canonical little-endian integer below the group order."""


class FormatError(TallyError):
    """A serialized object has an unknown version or kind, or the wrong shape."""

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class VerificationError(TallyError):
    """A check on a proof, key, share or record failed; names the check and the subject."""

    def __init__(self, check: str, subject: str, detail: str = "") -> None:
        self.check = check
        self.subject = subject
        self.detail = detail
        text = f"check {check!r} failed for {subject}"
        super().__init__(f"{text}: {detail}" if detail else text)


class InvalidProof(VerificationError):
    """A zero-knowledge proof does not verify."""


class InvalidBallot(VerificationError):
    """A ballot does not match its election: wrong fingerprint, shape or binding."""


class InvalidAudit(VerificationError):
    """An audited ballot does not open to the choices it claims, or does not fit its election."""


class InvalidShare(VerificationError):
    """A key-ceremony share fails to decrypt or does not match the sender's commitments."""


class InvalidDecryption(VerificationError):
    """Decryption shares cannot be combined: too few, duplicated, unknown trustee, or no count."""


class InvalidSignature(VerificationError):
    """An Ed25519 signature does not verify under the key it claims."""


class InvalidLog(VerificationError):
    """The event log's chain, order, hashes or signatures do not check out."""


class InvalidMessage(VerificationError):
    """A committee member's signed ceremony message is malformed or its signature fails."""


class DecryptionRefused(VerificationError):
    """A committee device's check before decrypting failed; ``check`` is the named reason of
    PROTOCOL.md §15 (``aggregate.sum``, ``round.keys``, …) shown to the member."""


class RuleInputError(TallyError, ValueError):
    """Input to the rule engine is malformed or inconsistent; ``field`` names the field at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class ReportError(FormatError):
    """The records or reports given cannot make the committee's report: they name different
    organisations, count with different quota rules, or a report is not one this program
    wrote; ``field`` names the input at fault."""


class CellError(ReportError):
    """A cell's minute does not hold what the committee's report needs."""
