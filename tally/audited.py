"""Audited (spoiled) ballots: Benaloh's cast-or-audit check of the phone (PROTOCOL.md §8.1).

After the review the phone encrypts the ballot and shows its tracker; the voter then either casts
it or audits it. An audited ballot reveals, for every selection, the encryption nonce ``r`` and
which options the voter chose, so anyone can recompute each ciphertext
``(α, β) = (rG, rK + mG)`` and see what the phone really encrypted. It is never counted, and it
carries nothing derived from the token (no token hash, no proofs bound to it): it must not be
linkable to the voter, since it shows the voter's intended choices.

``open_ballot`` makes the audited ballot from an ``EncryptedBallot``; ``verify_audited_ballot``
checks it against the election and returns its tracker and the choices it opens to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tally.ballot import EncryptedBallot, tracker
from tally.canonical import check_header, is_integer, require_keys
from tally.errors import InvalidAudit
from tally.manifest import ElectionContext

AUDITED_KIND = "phieukin/audited-ballot"
_KEYS = frozenset({"version", "kind", "election", "answers"})
_ANSWER_KEYS = frozenset({"question", "selected", "selections"})
_SELECTION_KEYS = frozenset({"alpha", "beta", "nonce"})


@dataclass(frozen=True)
class OpenedBallot:
    """A checked audited ballot: its tracker and, per question, the chosen option indices."""

    tracker: bytes
    selected: tuple[tuple[int, ...], ...]


def open_ballot(context: ElectionContext, encrypted: EncryptedBallot) -> dict[str, Any]:
    """The audited ballot of ``encrypted``: its ciphertexts with their nonces and the choices."""
    group = context.group
    answers = []
    for answer, nonces, selected in zip(
        encrypted.data["answers"], encrypted.nonces, encrypted.selected, strict=True
    ):
        answers.append(
            {
                "question": answer["question"],
                "selected": list(selected),
                "selections": [
                    {"alpha": s["alpha"], "beta": s["beta"], "nonce": group.scalar_to_hex(r)}
                    for s, r in zip(answer["selections"], nonces, strict=True)
                ],
            }
        )
    return {
        "version": 1,
        "kind": AUDITED_KIND,
        "election": encrypted.data["election"],
        "answers": answers,
    }


def verify_audited_ballot(context: ElectionContext, audited: object) -> OpenedBallot:
    """Check that every ciphertext of ``audited`` opens, with its nonce, to the choices it
    claims: ``α = rG`` and ``β = rK + mG`` with ``m = 1`` exactly for the selected options.

    Raises ``FormatError`` for a malformed object and ``InvalidAudit`` naming the check
    (``election``, ``shape``, ``selected``, ``nonce``, ``alpha``, ``opening``) and the question.
    """
    data = require_keys(check_header(audited, AUDITED_KIND, "audited ballot"), _KEYS, "audited")
    group, key = context.group, context.joint_key
    if data["election"] != context.fingerprint.hex():
        raise InvalidAudit("election", "audited ballot", "bound to another election")
    answers, questions = data["answers"], context.manifest.questions
    if not isinstance(answers, list) or len(answers) != len(questions):
        raise InvalidAudit("shape", "audited ballot", f"expected {len(questions)} answers")
    opened = []
    for question, answer in zip(questions, answers, strict=True):
        subject = f"audited ballot, {question.id}"
        require_keys(answer, _ANSWER_KEYS, subject)
        selections, selected = answer["selections"], answer["selected"]
        if answer["question"] != question.id or not isinstance(selections, list):
            raise InvalidAudit("shape", subject, "answers must follow the manifest order")
        if len(selections) != len(question.options):
            raise InvalidAudit("shape", subject, f"expected {len(question.options)} selections")
        if (
            not isinstance(selected, list)
            or not all(is_integer(i) and 0 <= i < len(question.options) for i in selected)
            or selected != sorted(set(selected))
        ):
            raise InvalidAudit("selected", subject, "not a sorted list of option indices")
        if len(selected) not in question.allowed_sums:
            raise InvalidAudit("selected", subject, f"{len(selected)} options chosen")
        for option, selection in enumerate(selections):
            label = f"{subject}/{option}"
            require_keys(selection, _SELECTION_KEYS, label)
            nonce = group.scalar_from_hex(selection["nonce"], f"{label}.nonce")
            if nonce == 0:
                raise InvalidAudit("nonce", label, "a zero nonce encrypts nothing")
            if selection["alpha"] != group.base_mul(nonce).hex():
                raise InvalidAudit("alpha", label, "alpha is not rG for the revealed nonce")
            beta = group.mul(nonce, key)
            if option in selected:
                beta = group.add(beta, group.generator)
            if selection["beta"] != beta.hex():
                raise InvalidAudit("opening", label, "beta does not open to the claimed choice")
        opened.append(tuple(selected))
    return OpenedBallot(tracker(data), tuple(opened))
