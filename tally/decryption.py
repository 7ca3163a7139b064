"""Threshold decryption of the tally (PROTOCOL.md §9).

Each trustee j publishes Dⱼ = sⱼA for every aggregate (A, B) with a Chaum–Pedersen proof that
log_G Kⱼ = log_A Dⱼ. Any t valid shares give D = Σ λⱼDⱼ = sA, the plaintext point M = B − D = mG,
and the count m. A share with a bad proof, a share from outside the committee, and fewer than t
shares are each refused with their own error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tally.aggregate import Aggregate
from tally.canonical import check_header, is_integer
from tally.crypto.elgamal import Ciphertext
from tally.crypto.nonces import NonceSource
from tally.crypto.proofs import ChallengeResponse, make_equality_proof, verify_equality_proof
from tally.crypto.threshold import DiscreteLogTable, lagrange_coefficient
from tally.errors import FormatError, InvalidDecryption
from tally.manifest import ElectionContext

SHARE_KIND = "phieukin/decryption-share"
PROOF_TAG = "decryption-proof"


@dataclass(frozen=True)
class DecryptionShare:
    """Trustee ``trustee``'s partial decryptions Dⱼ of every aggregate, with proofs."""

    trustee: int
    shares: tuple[tuple[bytes, ...], ...]  # per question, per option
    proofs: tuple[tuple[ChallengeResponse, ...], ...]

    def to_json(self, context: ElectionContext) -> dict[str, Any]:
        entries = []
        for q, question in enumerate(context.manifest.questions):
            for o in range(len(question.options)):
                entries.append(
                    {
                        "question": question.id,
                        "option": o,
                        "share": self.shares[q][o].hex(),
                        "proof": self.proofs[q][o].to_json(),
                    }
                )
        return {
            "version": 1,
            "kind": SHARE_KIND,
            "election": context.fingerprint.hex(),
            "trustee": self.trustee,
            "shares": entries,
        }

    @classmethod
    def from_json(cls, context: ElectionContext, data: object) -> DecryptionShare:
        """Load a decryption share and validate its shape and every group element."""
        share = check_header(data, SHARE_KIND, "decryption share")
        trustee = share.get("trustee")
        if not is_integer(trustee):
            raise FormatError("must be an integer", field="decryption share.trustee")
        if share.get("election") != context.fingerprint.hex():
            raise FormatError("bound to another election", field="decryption share.election")
        entries = share.get("shares")
        questions = context.manifest.questions
        expected = [(q.id, o) for q in questions for o in range(len(q.options))]
        if not isinstance(entries, list) or len(entries) != len(expected):
            raise FormatError("one share per option", field="decryption share.shares")
        group = context.group
        points, proofs = [], []
        for (qid, option), entry in zip(expected, entries, strict=True):
            subject = f"trustee {trustee}, {qid}/{option}"
            if (
                not isinstance(entry, dict)
                or not is_integer(entry.get("option"))
                or (entry.get("question"), entry.get("option")) != (qid, option)
            ):
                raise FormatError("shares must follow the manifest order", field=subject)
            raw = entry.get("share")
            # Dⱼ = sⱼA is the identity for an empty tally (A is); the proof checks Dⱼ = sⱼA.
            identity = raw == group.identity.hex()
            points.append(group.identity if identity else group.point_from_hex(raw, subject))
            proofs.append(ChallengeResponse.from_json(group, entry.get("proof"), subject))
        return cls(trustee, _by_question(questions, points), _by_question(questions, proofs))


def _by_question(questions: Sequence, flat: list) -> tuple:
    rows, start = [], 0
    for question in questions:
        rows.append(tuple(flat[start : start + len(question.options)]))
        start += len(question.options)
    return tuple(rows)


def _statement(
    context: ElectionContext,
    trustee: int,
    label: str,
    public: bytes,
    ciphertext: Ciphertext,
    share: bytes,
) -> tuple:
    """(hₑ, j, label, Kⱼ, A, B, Dⱼ): the statement hashed by the proof's challenge."""
    return (context.fingerprint, trustee, label, public, ciphertext.alpha, ciphertext.beta, share)


def make_decryption_share(
    context: ElectionContext,
    trustee: int,
    secret_share: int,
    aggregate: Aggregate,
    nonces: NonceSource,
) -> DecryptionShare:
    """Compute Dⱼ = sⱼA for every aggregate, each with its Chaum–Pedersen proof."""
    group = context.group
    public = group.base_mul(secret_share)
    shares, proofs = [], []
    for question, row in zip(context.manifest.questions, aggregate.ciphertexts, strict=True):
        row_shares, row_proofs = [], []
        for option, ciphertext in enumerate(row):
            share = group.mul(secret_share, ciphertext.alpha)
            label = f"{question.id}/{option}"
            statement = _statement(context, trustee, label, public, ciphertext, share)
            proof = make_equality_proof(
                group, PROOF_TAG, statement, ciphertext.alpha, secret_share, nonces
            )
            row_shares.append(share)
            row_proofs.append(proof)
        shares.append(tuple(row_shares))
        proofs.append(tuple(row_proofs))
    return DecryptionShare(trustee, tuple(shares), tuple(proofs))


def verify_decryption_share(
    context: ElectionContext, share: DecryptionShare, aggregate: Aggregate
) -> None:
    """Check every proof of a trustee's share; raise ``InvalidDecryption`` or ``InvalidProof``."""
    if not 1 <= share.trustee <= context.manifest.committee_size:
        raise InvalidDecryption("trustee", f"trustee {share.trustee}", "not on the committee")
    group = context.group
    public = context.public_share(share.trustee)
    for question, row, points, proofs in zip(
        context.manifest.questions,
        aggregate.ciphertexts,
        share.shares,
        share.proofs,
        strict=True,
    ):
        for option, (ciphertext, point, proof) in enumerate(zip(row, points, proofs, strict=True)):
            label = f"{question.id}/{option}"
            if point == group.identity and ciphertext.alpha != group.identity:
                raise InvalidDecryption("identity", f"trustee {share.trustee}, {label}")
            statement = _statement(context, share.trustee, label, public, ciphertext, point)
            verify_equality_proof(
                group,
                PROOF_TAG,
                statement,
                ciphertext.alpha,
                public,
                point,
                proof,
                f"decryption share of trustee {share.trustee}, {label}",
            )


def combine_decryption_shares(
    context: ElectionContext, aggregate: Aggregate, shares: Sequence[DecryptionShare]
) -> tuple[tuple[int, ...], ...]:
    """Combine verified shares of at least t distinct trustees into the counts.

    Returns per question, per option, the number of votes. The caller verifies each share first
    (``verify_decryption_share``); this function checks the set of trustees and the counts.
    """
    indices = [s.trustee for s in shares]
    if len(set(indices)) != len(indices):
        raise InvalidDecryption("distinct", "decryption shares", "a trustee appears twice")
    for index in indices:
        if not 1 <= index <= context.manifest.committee_size:
            raise InvalidDecryption("trustee", f"trustee {index}", "not on the committee")
    threshold = context.manifest.threshold
    if len(indices) < threshold:
        raise InvalidDecryption(
            "threshold", "decryption shares", f"{len(indices)} of the {threshold} needed"
        )
    group = context.group
    weights = [lagrange_coefficient(group, i, indices) for i in indices]
    table = DiscreteLogTable(group, aggregate.ballot_count)
    counts = []
    for q, (question, row) in enumerate(
        zip(context.manifest.questions, aggregate.ciphertexts, strict=True)
    ):
        row_counts = []
        for o, ciphertext in enumerate(row):
            combined = group.linear_combination(
                (weight, share.shares[q][o]) for weight, share in zip(weights, shares, strict=True)
            )
            count = table.find(group.sub(ciphertext.beta, combined))
            if count is None:
                raise InvalidDecryption(
                    "count", f"{question.id}/{o}", f"no count in 0..{aggregate.ballot_count}"
                )
            row_counts.append(count)
        counts.append(tuple(row_counts))
    return tuple(counts)
