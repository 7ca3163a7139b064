"""Homomorphic aggregation (PROTOCOL.md §9): the encrypted tally of the accepted ballots.

The aggregate of an option is the component-wise sum of its ciphertexts over every ballot, which
encrypts that option's number of votes. Ballots are never decrypted one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tally.canonical import check_header, is_integer
from tally.crypto.elgamal import Ciphertext, add_ciphertexts
from tally.errors import FormatError
from tally.manifest import ElectionContext

AGGREGATE_KIND = "phieukin/aggregate"


@dataclass(frozen=True)
class Aggregate:
    """The encrypted tally: per question, per option, the sum of the ballots' ciphertexts."""

    ciphertexts: tuple[tuple[Ciphertext, ...], ...]
    ballot_count: int

    def to_json(self, context: ElectionContext) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": AGGREGATE_KIND,
            "election": context.fingerprint.hex(),
            "ballot_count": self.ballot_count,
            "questions": [
                {"question": q.id, "options": [c.to_json() for c in row]}
                for q, row in zip(context.manifest.questions, self.ciphertexts, strict=True)
            ],
        }

    @classmethod
    def from_json(cls, context: ElectionContext, data: object) -> Aggregate:
        """Load an aggregate; its points may be the identity only where no ballot was cast."""
        aggregate = check_header(data, AGGREGATE_KIND, "aggregate")
        if aggregate.get("election") != context.fingerprint.hex():
            raise FormatError("bound to another election", field="aggregate.election")
        count = aggregate.get("ballot_count")
        if not is_integer(count) or count < 0:
            raise FormatError("must be a non-negative integer", field="aggregate.ballot_count")
        rows = aggregate.get("questions")
        questions = context.manifest.questions
        if not isinstance(rows, list) or len(rows) != len(questions):
            raise FormatError("one entry per question", field="aggregate.questions")
        parsed = []
        for question, row in zip(questions, rows, strict=True):
            subject = f"aggregate {question.id}"
            if not isinstance(row, dict) or row.get("question") != question.id:
                raise FormatError("questions must follow the manifest", field=subject)
            options = row.get("options")
            if not isinstance(options, list) or len(options) != len(question.options):
                raise FormatError("one ciphertext per option", field=subject)
            if count == 0:
                parsed.append(tuple(_zero(context, o, subject) for o in options))
            else:
                parsed.append(
                    tuple(Ciphertext.from_json(context.group, o, subject) for o in options)
                )
        return cls(tuple(parsed), count)


def _zero(context: ElectionContext, data: object, subject: str) -> Ciphertext:
    identity = context.group.identity.hex()
    if data != {"alpha": identity, "beta": identity}:
        raise FormatError("an empty tally is the identity", field=subject)
    return Ciphertext(context.group.identity, context.group.identity)


def aggregate_ballots(
    context: ElectionContext, ballots: Sequence[Sequence[Sequence[Ciphertext]]]
) -> Aggregate:
    """Sum the ciphertexts of verified ballots (each: per question, per option)."""
    group = context.group
    rows = []
    for q, question in enumerate(context.manifest.questions):
        rows.append(
            tuple(
                add_ciphertexts(group, (ballot[q][o] for ballot in ballots))
                for o in range(len(question.options))
            )
        )
    return Aggregate(tuple(rows), len(ballots))
