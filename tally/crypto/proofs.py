"""Zero-knowledge proofs with strong Fiat–Shamir (PROTOCOL.md §5, §7, §9).

- ``RangeProof``: a disjunctive Chaum–Pedersen proof that an ElGamal ciphertext encrypts one of
  a small list of values (0/1 per option; the allowed sum per question).
- ``ChallengeResponse``: the (c, v) pair of a Schnorr proof of knowledge of a discrete log and of a
  Chaum–Pedersen proof of equal discrete logs (decryption shares).

Every challenge hashes a domain tag, the election binding, the whole statement and the
commitments. All proofs are stored in challenge form; the verifier recomputes the commitments
and the challenge. Each ``make_*`` has its ``verify_*``, which raises ``InvalidProof``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import Ristretto255
from tally.crypto.hashing import Part, hash_to_scalar
from tally.crypto.nonces import NonceSource
from tally.errors import FormatError, InvalidProof


@dataclass(frozen=True)
class ProofBinding:
    """What a ballot proof is bound to: the election fingerprint hₑ, the token hash, a label."""

    election: bytes
    token_hash: bytes
    label: str


# --- range proof (disjunctive Chaum–Pedersen) ----------------------------------------------


@dataclass(frozen=True)
class RangeProof:
    """Challenges cᵢ and responses vᵢ, one per allowed value mᵢ."""

    challenges: tuple[int, ...]
    responses: tuple[int, ...]

    def to_json(self) -> dict[str, list[str]]:
        return {
            "challenges": [Ristretto255.scalar_to_hex(c) for c in self.challenges],
            "responses": [Ristretto255.scalar_to_hex(v) for v in self.responses],
        }

    @classmethod
    def from_json(
        cls, group: Ristretto255, data: object, branches: int, subject: str
    ) -> RangeProof:
        """Load a proof with exactly ``branches`` challenges and responses."""
        if not isinstance(data, dict):
            raise FormatError("expected an object with challenges and responses", field=subject)
        challenges, responses = data.get("challenges"), data.get("responses")
        for name, values in (("challenges", challenges), ("responses", responses)):
            if not isinstance(values, list) or len(values) != branches:
                raise FormatError(f"expected {branches} {name}", field=subject)
        return cls(
            tuple(group.scalar_from_hex(c, f"{subject}.challenges") for c in challenges),  # type: ignore[union-attr]
            tuple(group.scalar_from_hex(v, f"{subject}.responses") for v in responses),  # type: ignore[union-attr]
        )


def _range_challenge(
    key: bytes,
    ciphertext: Ciphertext,
    allowed: Sequence[int],
    binding: ProofBinding,
    commitments: Sequence[bytes],
) -> int:
    return hash_to_scalar(
        "range-proof",
        binding.election,
        binding.token_hash,
        binding.label,
        key,
        ciphertext.alpha,
        ciphertext.beta,
        len(allowed),
        *allowed,
        *commitments,
    )


def make_range_proof(
    group: Ristretto255,
    key: bytes,
    ciphertext: Ciphertext,
    nonce: int,
    value: int,
    allowed: Sequence[int],
    binding: ProofBinding,
    nonces: NonceSource,
) -> RangeProof:
    """Prove that ``ciphertext`` (made with ``nonce``) encrypts ``value`` ∈ ``allowed``.

    Simulated branch i: random cᵢ, uᵢ; aᵢ = uᵢG, bᵢ = uᵢK + cᵢ(mᵢ − m_τ)G, vᵢ = uᵢ + cᵢr.
    True branch τ: random w; a_τ = wG, b_τ = wK; c_τ = c − Σ cᵢ, v_τ = w + c_τ r.
    """
    order = group.order
    true_index = list(allowed).index(value)
    challenges: list[int] = [0] * len(allowed)
    responses: list[int] = [0] * len(allowed)
    commitments: list[bytes] = []
    witness = 0
    for index, candidate in enumerate(allowed):
        if index == true_index:
            witness = nonces()
            commitments += [group.base_mul(witness), group.mul(witness, key)]
            continue
        challenge, blind = nonces(), nonces()
        challenges[index] = challenge
        responses[index] = (blind + challenge * nonce) % order
        b = group.mul(blind, key)
        shift = challenge * (candidate - value) % order
        if shift:
            b = group.add(b, group.base_mul(shift))
        commitments += [group.base_mul(blind), b]
    total = _range_challenge(key, ciphertext, allowed, binding, commitments)
    true_challenge = (total - sum(challenges)) % order
    challenges[true_index] = true_challenge
    responses[true_index] = (witness + true_challenge * nonce) % order
    return RangeProof(tuple(challenges), tuple(responses))


def verify_range_proof(
    group: Ristretto255,
    key: bytes,
    ciphertext: Ciphertext,
    allowed: Sequence[int],
    proof: RangeProof,
    binding: ProofBinding,
    subject: str,
) -> None:
    """Check aᵢ = vᵢG − cᵢα, bᵢ = vᵢK − cᵢ(β − mᵢG) and Σ cᵢ = Hs(…); raise ``InvalidProof``."""
    if len(proof.challenges) != len(allowed) or len(proof.responses) != len(allowed):
        raise InvalidProof("shape", subject, "one challenge and response per allowed value")
    alpha, beta = ciphertext.alpha, ciphertext.beta
    mul, base_mul, sub = group.mul, group.base_mul, group.sub
    commitments: list[bytes] = []
    for candidate, challenge, response in zip(
        allowed, proof.challenges, proof.responses, strict=True
    ):
        shifted = sub(beta, base_mul(candidate)) if candidate else beta
        commitments.append(sub(base_mul(response), mul(challenge, alpha)))
        commitments.append(sub(mul(response, key), mul(challenge, shifted)))
    expected = _range_challenge(key, ciphertext, allowed, binding, commitments)
    if sum(proof.challenges) % group.order != expected:
        raise InvalidProof("challenge", subject)


# --- Schnorr and Chaum–Pedersen --------------------------------------------------------------


@dataclass(frozen=True)
class ChallengeResponse:
    """A proof in challenge form: the challenge c and the response v."""

    challenge: int
    response: int

    def to_json(self) -> dict[str, str]:
        return {
            "challenge": Ristretto255.scalar_to_hex(self.challenge),
            "response": Ristretto255.scalar_to_hex(self.response),
        }

    @classmethod
    def from_json(cls, group: Ristretto255, data: object, subject: str) -> ChallengeResponse:
        if not isinstance(data, dict):
            raise FormatError("expected an object with challenge and response", field=subject)
        return cls(
            group.scalar_from_hex(data.get("challenge"), f"{subject}.challenge"),
            group.scalar_from_hex(data.get("response"), f"{subject}.response"),
        )


def make_schnorr_proof(
    group: Ristretto255,
    tag: str,
    statement: Sequence[Part],
    secret: int,
    nonces: NonceSource,
) -> ChallengeResponse:
    """Prove knowledge of ``secret`` with ``statement[-1] = secret·G``.

    h = uG, c = Hs(tag, statement…, h), v = u + c·secret.
    """
    witness = nonces()
    commitment = group.base_mul(witness)
    challenge = hash_to_scalar(tag, *statement, commitment)
    return ChallengeResponse(challenge, (witness + challenge * secret) % group.order)


def verify_schnorr_proof(
    group: Ristretto255,
    tag: str,
    statement: Sequence[Part],
    public: bytes,
    proof: ChallengeResponse,
    subject: str,
) -> None:
    """Recompute h = vG − c·public and check c = Hs(tag, statement…, h)."""
    commitment = group.sub(group.base_mul(proof.response), group.mul(proof.challenge, public))
    if hash_to_scalar(tag, *statement, commitment) != proof.challenge:
        raise InvalidProof("challenge", subject)


def make_equality_proof(
    group: Ristretto255,
    tag: str,
    statement: Sequence[Part],
    base: bytes,
    secret: int,
    nonces: NonceSource,
) -> ChallengeResponse:
    """Chaum–Pedersen: prove log_G(secret·G) = log_base(secret·base).

    a = wG, b = w·base, c = Hs(tag, statement…, a, b), v = w + c·secret.
    """
    witness = nonces()
    a, b = group.base_mul(witness), group.mul(witness, base)
    challenge = hash_to_scalar(tag, *statement, a, b)
    return ChallengeResponse(challenge, (witness + challenge * secret) % group.order)


def verify_equality_proof(
    group: Ristretto255,
    tag: str,
    statement: Sequence[Part],
    base: bytes,
    public: bytes,
    result: bytes,
    proof: ChallengeResponse,
    subject: str,
) -> None:
    """Recompute a = vG − c·public, b = v·base − c·result and check the challenge."""
    c, v = proof.challenge, proof.response
    a = group.sub(group.base_mul(v), group.mul(c, public))
    b = group.sub(group.mul(v, base), group.mul(c, result))
    if hash_to_scalar(tag, *statement, a, b) != c:
        raise InvalidProof("challenge", subject)
