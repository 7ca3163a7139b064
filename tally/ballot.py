"""Encrypted ballots: make, verify, tracker (PROTOCOL.md §7–8).

A ballot has one ElGamal ciphertext per option of every question, a range proof that each is 0
or 1, and a sum proof per question that the selections add up to an allowed number. Every proof
is bound to the election fingerprint and to the ballot's token hash.

The tracker hashes only the ballot's *encryption* (the election and the ciphertexts), not its
proofs or token hash: the phone shows it before the voter decides to cast or to audit the
ballot, and an audited ballot (``tally/audited.py``), which carries nothing derived from the
token, has the same tracker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tally.canonical import canonical_json, check_header, require_keys, strict_hex
from tally.crypto.elgamal import Ciphertext, add_ciphertexts, encrypt
from tally.crypto.hashing import hash32
from tally.crypto.nonces import NonceSource
from tally.crypto.proofs import ProofBinding, RangeProof, make_range_proof, verify_range_proof
from tally.errors import FormatError, InvalidBallot
from tally.fingerprint import short_code
from tally.manifest import ElectionContext, Question

BALLOT_KIND = "phieukin/ballot"
ENCRYPTION_KIND = "phieukin/encryption"
SELECTION_VALUES = (0, 1)
_BALLOT_KEYS = frozenset({"version", "kind", "election", "token_hash", "answers"})
_ANSWER_KEYS = frozenset({"question", "selections", "sum_proof"})
_SELECTION_KEYS = frozenset({"alpha", "beta", "proof"})
_PROOF_KEYS = frozenset({"challenges", "responses"})


@dataclass(frozen=True)
class VerifiedBallot:
    """A ballot whose every proof has been checked, with its parsed ciphertexts."""

    tracker: bytes
    token_hash: bytes
    ciphertexts: tuple[tuple[Ciphertext, ...], ...]  # per question, per option
    data: dict[str, Any]


def selection_label(question_id: str, option: int) -> str:
    return f"{question_id}/{option}"


def sum_label(question_id: str) -> str:
    return f"{question_id}/sum"


@dataclass(frozen=True)
class EncryptedBallot:
    """A ballot and the encryption nonces r of its selections (per question, per option): what
    the phone keeps until the voter casts the ballot (nonces forgotten) or audits it (nonces
    revealed), with the option indices each question selects (sorted)."""

    data: dict[str, Any]
    nonces: tuple[tuple[int, ...], ...]
    selected: tuple[tuple[int, ...], ...]


Choice = int | None | Sequence[int]
"""Per question: the chosen option index, ``None`` for a blank answer, or (where
``max_selections`` allows more than one) the list of chosen option indices."""


def selected_options(question: Question, choice: Choice) -> frozenset[int]:
    """The option indices a choice selects; ``ValueError`` if the question does not allow it."""
    chosen = [] if choice is None else [choice] if isinstance(choice, int) else list(choice)
    if not all(isinstance(c, int) and not isinstance(c, bool) for c in chosen):
        raise ValueError(f"question {question.id}: option indices must be integers")
    picked = frozenset(chosen)
    if len(picked) != len(chosen) or not all(0 <= c < len(question.options) for c in picked):
        raise ValueError(f"question {question.id} has no such options: {chosen}")
    if not question.min_selections <= len(picked) <= question.max_selections:
        raise ValueError(
            f"question {question.id} needs {question.min_selections} to "
            f"{question.max_selections} options, got {len(picked)}"
        )
    return picked


def make_ballot(
    context: ElectionContext,
    token_hash: bytes,
    choices: Sequence[Choice],
    nonces: NonceSource,
) -> dict[str, Any]:
    """Encrypt ``choices`` (per question: an option index, None for blank, or a list of
    indices where more than one may be chosen)."""
    return encrypt_ballot(context, token_hash, choices, nonces).data


def encrypt_ballot(
    context: ElectionContext,
    token_hash: bytes,
    choices: Sequence[Choice],
    nonces: NonceSource,
) -> EncryptedBallot:
    """Encrypt ``choices`` as ``make_ballot`` does and keep the encryption nonces (for an
    audit)."""
    group, key, election = context.group, context.joint_key, context.fingerprint
    questions = context.manifest.questions
    if len(choices) != len(questions):
        raise ValueError(f"expected {len(questions)} choices, got {len(choices)}")
    answers, kept, selected = [], [], []
    for question, choice in zip(questions, choices, strict=True):
        picked = selected_options(question, choice)
        selected.append(tuple(sorted(picked)))
        selections, ciphertexts, drawn, total_nonce = [], [], [], 0
        for option in range(len(question.options)):
            message = int(option in picked)
            nonce = nonces()
            ciphertext = encrypt(group, key, message, nonce)
            binding = ProofBinding(election, token_hash, selection_label(question.id, option))
            proof = make_range_proof(
                group, key, ciphertext, nonce, message, SELECTION_VALUES, binding, nonces
            )
            selections.append({**ciphertext.to_json(), "proof": proof.to_json()})
            ciphertexts.append(ciphertext)
            drawn.append(nonce)
            total_nonce = (total_nonce + nonce) % group.order
        kept.append(tuple(drawn))
        total = add_ciphertexts(group, ciphertexts)
        sum_proof = make_range_proof(
            group,
            key,
            total,
            total_nonce,
            len(picked),
            question.allowed_sums,
            ProofBinding(election, token_hash, sum_label(question.id)),
            nonces,
        )
        answers.append(
            {"question": question.id, "selections": selections, "sum_proof": sum_proof.to_json()}
        )
    data = {
        "version": 1,
        "kind": BALLOT_KIND,
        "election": election.hex(),
        "token_hash": token_hash.hex(),
        "answers": answers,
    }
    return EncryptedBallot(data, tuple(kept), tuple(selected))


def encryption(ballot: object) -> dict[str, Any]:
    """The part of a ballot (or of an audited ballot) that its tracker covers:
    ``{"version", "kind": "phieukin/encryption", "election", "answers": [{"question",
    "selections": [{"alpha", "beta"}, …]}, …]}``. Raises ``FormatError`` on another shape."""
    if not isinstance(ballot, dict) or not isinstance(ballot.get("answers"), list):
        raise FormatError("expected an object with answers", field="ballot")
    answers = []
    for answer in ballot["answers"]:
        if not isinstance(answer, dict) or not isinstance(answer.get("selections"), list):
            raise FormatError("expected answers with selections", field="ballot.answers")
        selections = []
        for selection in answer["selections"]:
            if not isinstance(selection, dict):
                raise FormatError("expected selection objects", field="ballot.answers")
            selections.append({"alpha": selection.get("alpha"), "beta": selection.get("beta")})
        answers.append({"question": answer.get("question"), "selections": selections})
    return {
        "version": 1,
        "kind": ENCRYPTION_KIND,
        "election": ballot.get("election"),
        "answers": answers,
    }


def tracker(ballot: object) -> bytes:
    """``H32("tracker", canonical(encryption(ballot)))``: the same for a ballot and for the
    audited ballot that opens it."""
    return hash32("tracker", canonical_json(encryption(ballot)))


def ballot_hash(canonical: bytes) -> bytes:
    """``H32("ballot", canonical(ballot))``: the whole ballot as accepted, proofs and token hash
    included (the tracker covers only its encryption). Logged with the ballot, so the record
    and the server's own tables are bound to the exact bytes that were accepted."""
    return hash32("ballot", canonical)


def tracker_code(tracker_value: bytes) -> str:
    """The human form of a tracker: its first 10 bytes as 16 base-32 characters, in fours."""
    return short_code(tracker_value)


def verify_ballot(context: ElectionContext, ballot: object) -> VerifiedBallot:
    """Check a received ballot completely; raise ``FormatError``, ``InvalidBallot`` or
    ``InvalidProof`` (naming the question and option) on the first failure."""
    data = require_keys(check_header(ballot, BALLOT_KIND, "ballot"), _BALLOT_KEYS, "ballot")
    group, key = context.group, context.joint_key
    election = context.fingerprint
    if data.get("election") != election.hex():
        raise InvalidBallot("election", "ballot", "bound to another election")
    token_hash = strict_hex(data.get("token_hash"), 32, "ballot.token_hash")
    answers = data.get("answers")
    questions = context.manifest.questions
    if not isinstance(answers, list) or len(answers) != len(questions):
        raise InvalidBallot("shape", "ballot", f"expected {len(questions)} answers")
    parsed = []
    for question, answer in zip(questions, answers, strict=True):
        subject = f"ballot answer {question.id}"
        require_keys(answer, _ANSWER_KEYS, subject)
        if answer.get("question") != question.id:
            raise InvalidBallot("shape", subject, "answers must follow the manifest order")
        selections = answer.get("selections")
        if not isinstance(selections, list) or len(selections) != len(question.options):
            raise InvalidBallot("shape", subject, f"expected {len(question.options)} selections")
        ciphertexts = []
        for option, selection in enumerate(selections):
            label = selection_label(question.id, option)
            require_keys(selection, _SELECTION_KEYS, label)
            require_keys(selection["proof"], _PROOF_KEYS, f"{label}.proof")
            ciphertext = Ciphertext.from_json(group, selection, label)
            proof = RangeProof.from_json(group, selection.get("proof"), 2, f"{label}.proof")
            verify_range_proof(
                group,
                key,
                ciphertext,
                SELECTION_VALUES,
                proof,
                ProofBinding(election, token_hash, label),
                label,
            )
            ciphertexts.append(ciphertext)
        label = sum_label(question.id)
        allowed = question.allowed_sums
        require_keys(answer["sum_proof"], _PROOF_KEYS, label)
        sum_proof = RangeProof.from_json(group, answer.get("sum_proof"), len(allowed), label)
        verify_range_proof(
            group,
            key,
            add_ciphertexts(group, ciphertexts),
            allowed,
            sum_proof,
            ProofBinding(election, token_hash, label),
            label,
        )
        parsed.append(tuple(ciphertexts))
    return VerifiedBallot(tracker(data), token_hash, tuple(parsed), data)
