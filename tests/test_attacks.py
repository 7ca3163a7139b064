"""Attacks: every malicious object is built with the real primitives, and each test asserts the
specific exception and check that stops it.

Forged proofs are *validly structured*: they come out of ``make_range_proof`` (or the other
``make_*`` functions) run on a false statement — a cheating list of allowed values, a value the
ciphertext does not hold, a secret that is not the trustee's — so only the check under test can
catch them. Control tests show the same builders produce objects that verify when honest.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import rbcl
from nacl.signing import SigningKey

from tally.aggregate import Aggregate, aggregate_ballots
from tally.ballot import make_ballot, selection_label, sum_label, verify_ballot
from tally.crypto import ceremony
from tally.crypto.elgamal import Ciphertext, add_ciphertexts, encrypt
from tally.crypto.group import ORDER
from tally.crypto.nonces import NonceSource, TestNonces
from tally.crypto.proofs import (
    ChallengeResponse,
    ProofBinding,
    RangeProof,
    make_range_proof,
    make_schnorr_proof,
)
from tally.decryption import (
    DecryptionShare,
    combine_decryption_shares,
    make_decryption_share,
    verify_decryption_share,
)
from tally.errors import (
    FormatError,
    InvalidBallot,
    InvalidDecryption,
    InvalidPoint,
    InvalidProof,
    InvalidScalar,
    InvalidShare,
)
from tally.eventlog import make_event, verify_log
from tally.manifest import ElectionContext, Manifest
from tally.token import token_hash

from .conftest import GROUP, OTHER_TOKEN, manifest_json

G = GROUP
P = 2**255 - 19  # the field prime of Curve25519
MINUS_ONE = ORDER - 1  # the plaintext −1


# --- a ballot builder that can lie -------------------------------------------------------------


def lying_proof(key, ciphertext, nonce, value, allowed, binding, nonces) -> RangeProof:
    """An honest proof when ``value`` is allowed; otherwise the best a cheater can do.

    A small out-of-range value is proved against a cheating list (the true statement with the
    value in place of the last allowed one). −1, too large to hash as an allowed value, is proved
    as if the ciphertext held ``allowed[0]``, with the real nonce.
    """
    if value in allowed:
        return make_range_proof(G, key, ciphertext, nonce, value, allowed, binding, nonces)
    if value < 2**32:
        cheat = (*allowed[:-1], value)
        return make_range_proof(G, key, ciphertext, nonce, value, cheat, binding, nonces)
    return make_range_proof(G, key, ciphertext, nonce, allowed[0], allowed, binding, nonces)


def build_ballot(
    context: ElectionContext,
    voter: bytes,
    plaintexts: Sequence[Sequence[int]],
    nonces: NonceSource,
    *,
    tweak: Callable[[str, Ciphertext], Ciphertext] = lambda label, c: c,
) -> dict[str, Any]:
    """Lay out a ballot exactly like ``make_ballot`` but for arbitrary per-option plaintexts."""
    key = context.joint_key
    answers = []
    for question, values in zip(context.manifest.questions, plaintexts, strict=True):
        selections, ciphertexts, total_nonce = [], [], 0
        for option, value in enumerate(values):
            label = selection_label(question.id, option)
            nonce = nonces()
            ciphertext = tweak(label, encrypt(G, key, value, nonce))
            binding = ProofBinding(context.fingerprint, voter, label)
            proof = lying_proof(key, ciphertext, nonce, value, (0, 1), binding, nonces)
            selections.append({**ciphertext.to_json(), "proof": proof.to_json()})
            ciphertexts.append(ciphertext)
            total_nonce = (total_nonce + nonce) % ORDER
        total = add_ciphertexts(G, ciphertexts)
        binding = ProofBinding(context.fingerprint, voter, sum_label(question.id))
        total_value = sum(values) % ORDER
        sum_proof = lying_proof(
            key, total, total_nonce, total_value, question.allowed_sums, binding, nonces
        )
        answers.append(
            {"question": question.id, "selections": selections, "sum_proof": sum_proof.to_json()}
        )
    return {
        "version": 1,
        "kind": "phieukin/ballot",
        "election": context.fingerprint.hex(),
        "token_hash": voter.hex(),
        "answers": answers,
    }


HONEST = [[0, 1, 0, 0], [0, 0, 0, 0], [1, 0]]


def expect_proof_failure(context, ballot, subject: str) -> None:
    with pytest.raises(InvalidProof) as caught:
        verify_ballot(context, ballot)
    assert caught.value.check == "challenge"
    assert caught.value.subject == subject


def test_control_the_builder_makes_valid_ballots(context, voter_token_hash):
    ballot = build_ballot(context, voter_token_hash, HONEST, TestNonces("control"))
    verify_ballot(context, ballot)
    # and it lays the ballot out exactly as make_ballot does
    assert ballot == make_ballot(context, voter_token_hash, [1, None, 0], TestNonces("control"))


# --- out-of-range votes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_question", "subject"),
    [
        ([2, 0, 0, 0], "q01/0"),  # sum 2: the sum proof is forged as well
        ([0, 2, MINUS_ONE, 0], "q01/1"),  # 2 − 1: the sum is an honest 1
    ],
)
def test_option_encrypting_two(context, voter_token_hash, first_question, subject):
    ballot = build_ballot(
        context, voter_token_hash, [first_question, *HONEST[1:]], TestNonces("two")
    )
    expect_proof_failure(context, ballot, subject)


def test_option_encrypting_minus_one(context, voter_token_hash):
    """1 + 1 − 1 = 1: every proof but the −1 option's is honest, the sum proof included."""
    ballot = build_ballot(
        context, voter_token_hash, [[1, 1, MINUS_ONE, 0], *HONEST[1:]], TestNonces("minus")
    )
    expect_proof_failure(context, ballot, "q01/2")


def test_minus_one_on_an_optional_question(context, voter_token_hash):
    """On an at-most-one question, 1 − 1 = 0 passes as a blank unless the 0/1 proof stops it."""
    ballot = build_ballot(
        context, voter_token_hash, [HONEST[0], [1, MINUS_ONE, 0, 0], HONEST[2]], TestNonces("m")
    )
    expect_proof_failure(context, ballot, "q02/1")


@pytest.mark.parametrize(
    ("plaintexts", "subject"),
    [
        ([[1, 1, 0, 0], *HONEST[1:]], "q01/sum"),  # exactly one: V = [1]
        ([HONEST[0], [0, 1, 0, 1], HONEST[2]], "q02/sum"),  # at most one: V = [0, 1]
        ([*HONEST[:2], [1, 1]], "q03/sum"),
        ([[0, 0, 0, 0], *HONEST[1:]], "q01/sum"),  # a blank where one answer is required
    ],
)
def test_question_with_a_wrong_number_of_selections(context, voter_token_hash, plaintexts, subject):
    """Every 0/1 proof is honest; only the sum proof (forged on a cheating list) is false."""
    ballot = build_ballot(context, voter_token_hash, plaintexts, TestNonces("sum"))
    expect_proof_failure(context, ballot, subject)


# --- forged, reused and replayed proofs --------------------------------------------------------


def test_wrong_challenge_with_the_same_challenge_sum(context, ballot_json):
    """Shift weight between the branches' challenges: Σcᵢ is unchanged, the commitments are not."""
    proof = ballot_json["answers"][0]["selections"][3]["proof"]
    c0, c1 = (G.scalar_from_hex(c) for c in proof["challenges"])
    proof["challenges"] = [G.scalar_to_hex((c0 + 1) % ORDER), G.scalar_to_hex((c1 - 1) % ORDER)]
    expect_proof_failure(context, ballot_json, "q01/3")


def test_proof_copied_from_another_selection(context, ballot_json):
    selections = ballot_json["answers"][0]["selections"]
    selections[0]["proof"] = copy.deepcopy(selections[2]["proof"])  # both encrypt 0
    expect_proof_failure(context, ballot_json, "q01/0")


def test_selection_copied_from_another_option(context, ballot_json):
    selections = ballot_json["answers"][1]["selections"]
    selections[3] = copy.deepcopy(selections[2])  # same ciphertext, proof bound to "q02/2"
    expect_proof_failure(context, ballot_json, "q02/3")


def test_proof_copied_from_another_ballot(context, ballot_json, voter_token_hash):
    other = make_ballot(context, voter_token_hash, [1, None, 0], TestNonces("other-ballot"))
    ballot_json["answers"][0]["selections"][0]["proof"] = other["answers"][0]["selections"][0][
        "proof"
    ]
    expect_proof_failure(context, ballot_json, "q01/0")


def test_selection_copied_from_another_voters_ballot(context, ballot_json):
    other = make_ballot(context, token_hash(OTHER_TOKEN), [1, None, 0], TestNonces("other-voter"))
    ballot_json["answers"][2]["selections"][1] = other["answers"][2]["selections"][1]
    expect_proof_failure(context, ballot_json, "q03/1")


def test_sum_proof_copied_from_another_ballot(context, ballot_json, voter_token_hash):
    other = make_ballot(context, voter_token_hash, [1, None, 0], TestNonces("other-sum"))
    ballot_json["answers"][0]["sum_proof"] = other["answers"][0]["sum_proof"]
    expect_proof_failure(context, ballot_json, "q01/sum")


@pytest.fixture(scope="module")
def same_key_other_election(election) -> ElectionContext:
    """Another round with the *same* joint key: only the fingerprint hₑ tells them apart."""
    other = Manifest.from_json(manifest_json(meeting="cb-2027-01"))
    context = ElectionContext.from_announcements(G, other, list(election.announcements.values()))
    assert context.joint_key == election.context.joint_key
    assert context.fingerprint != election.context.fingerprint
    return context


def test_ballot_replayed_into_another_election(same_key_other_election, ballot_json):
    with pytest.raises(InvalidBallot) as caught:
        verify_ballot(same_key_other_election, ballot_json)
    assert caught.value.check == "election"


def test_proofs_replayed_under_another_election_fingerprint(same_key_other_election, ballot_json):
    ballot_json["election"] = same_key_other_election.fingerprint.hex()
    expect_proof_failure(same_key_other_election, ballot_json, "q01/0")


def test_ballot_replayed_under_another_token(context, ballot_json):
    ballot_json["token_hash"] = token_hash(OTHER_TOKEN).hex()
    expect_proof_failure(context, ballot_json, "q01/0")


# --- malformed group elements ------------------------------------------------------------------

ED25519_TORSION = [
    "0100000000000000000000000000000000000000000000000000000000000000",  # Ed25519 identity
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 2
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8, x < 0
    "0000000000000000000000000000000000000000000000000000000000000080",  # order 4 / 00…80
]


def _le(value: int) -> str:
    return value.to_bytes(32, "little").hex()


def _off_curve() -> str:
    """A non-negative, reduced s that is not the encoding of any ristretto255 point."""
    for i in range(100):
        candidate = bytearray(hashlib.sha256(b"off-curve %d" % i).digest())
        candidate[0] &= 0xFE  # even: non-negative
        candidate[31] &= 0x3F  # well below p
        if not rbcl.crypto_core_ristretto255_is_valid_point(bytes(candidate)):
            return candidate.hex()
    raise AssertionError("no off-curve candidate")


GENERATOR_S = int.from_bytes(G.generator, "little")
HIGH_BIT_GENERATOR = (G.generator[:31] + bytes([G.generator[31] | 0x80])).hex()

BAD_POINTS = {
    **{f"ed25519 torsion {i}": text for i, text in enumerate(ED25519_TORSION)},
    "identity": "00" * 32,
    "s = p": _le(P),
    "s = p + 1": _le(P + 1),
    "s = p + 2": _le(P + 2),
    "negative s (p − s_G)": _le(P - GENERATOR_S),
    "generator with bit 255 set": HIGH_BIT_GENERATOR,
    "off curve": _off_curve(),
    "uppercase": G.generator.hex().upper(),
    "31 bytes": G.generator.hex()[:62],
    "33 bytes": G.generator.hex() + "00",
    "not hex": "g" + G.generator.hex()[1:],
    "spaces": " " + G.generator.hex()[1:],
    "number": 5,
    "none": None,
    "bytes": G.generator,
}


@pytest.mark.parametrize("name", sorted(BAD_POINTS))
def test_malformed_points_are_rejected(name):
    with pytest.raises(InvalidPoint) as caught:
        G.point_from_hex(BAD_POINTS[name], "subject")
    assert caught.value.field == "subject"


def test_identity_is_rejected_by_its_own_check():
    with pytest.raises(InvalidPoint, match="identity"):
        G.point_from_hex("00" * 32)


def test_good_points_are_accepted():
    assert G.point_from_hex(G.generator.hex()) == G.generator
    assert G.point_from_hex(G.base_mul(ORDER - 1).hex()) == G.base_mul(ORDER - 1)


@pytest.mark.parametrize("name", ["identity", "ed25519 torsion 2", "s = p + 1", "off curve"])
@pytest.mark.parametrize("field", ["alpha", "beta"])
def test_malformed_points_in_a_ballot(context, ballot_json, name, field):
    ballot_json["answers"][1]["selections"][2][field] = BAD_POINTS[name]
    with pytest.raises(InvalidPoint) as caught:
        verify_ballot(context, ballot_json)
    assert caught.value.field == f"q02/2.{field}"


def test_non_canonical_point_with_valid_proofs_is_rejected(context, voter_token_hash):
    """The bundled libsodium decodes s with bit 255 set as if it were clear; proofs made over
    such an encoding verify arithmetically, so only the canonical-encoding check refuses it."""

    def set_high_bit(label, ciphertext):
        if label != "q01/1":
            return ciphertext
        alpha = ciphertext.alpha[:31] + bytes([ciphertext.alpha[31] | 0x80])
        return Ciphertext(alpha, ciphertext.beta)

    ballot = build_ballot(context, voter_token_hash, HONEST, TestNonces("hb"), tweak=set_high_bit)
    with pytest.raises(InvalidPoint) as caught:
        verify_ballot(context, ballot)
    assert caught.value.field == "q01/1.alpha"


BAD_SCALARS = {
    "ℓ": _le(ORDER),
    "ℓ + 1": _le(ORDER + 1),
    "2^256 − 1": "ff" * 32,
    "uppercase": _le(0xABCDEF).upper(),
    "31 bytes": _le(1)[:62],
    "number": 1,
}


@pytest.mark.parametrize("name", sorted(BAD_SCALARS))
def test_malformed_scalars_are_rejected(name):
    with pytest.raises(InvalidScalar):
        G.scalar_from_hex(BAD_SCALARS[name], "subject")


@pytest.mark.parametrize("field", ["challenges", "responses"])
def test_unreduced_proof_scalar_is_rejected_not_reduced(context, ballot_json, field):
    """v + ℓ would pass every equation (arithmetic is mod ℓ): only the range check refuses it."""
    proof = ballot_json["answers"][2]["selections"][0]["proof"]
    value = G.scalar_from_hex(proof[field][1])
    proof[field][1] = _le(value + ORDER)
    with pytest.raises(InvalidScalar) as caught:
        verify_ballot(context, ballot_json)
    assert caught.value.field == f"q03/0.proof.{field}"


# --- threshold decryption ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tally(election):
    context = election.context
    ballots = [
        verify_ballot(context, make_ballot(context, token_hash(t), c, TestNonces(t)))
        for t, c in [("0" * 26, [0, 1, 0]), ("1" * 25 + "0", [1, None, 1])]
    ]
    aggregate = aggregate_ballots(context, [b.ciphertexts for b in ballots])
    shares = {
        j: make_decryption_share(
            context, j, election.secret_shares[j], aggregate, TestNonces(f"d{j}")
        )
        for j in election.indices
    }
    return aggregate, shares


def _with_proof(share: DecryptionShare, q: int, o: int, proof: ChallengeResponse):
    proofs = [list(row) for row in share.proofs]
    proofs[q][o] = proof
    return dataclasses.replace(share, proofs=tuple(tuple(row) for row in proofs))


def test_control_decryption(election, tally):
    aggregate, shares = tally
    for share in shares.values():
        verify_decryption_share(election.context, share, aggregate)
    counts = combine_decryption_shares(election.context, aggregate, [shares[1], shares[3]])
    assert counts == ((1, 1, 0, 0), (0, 1, 0, 0), (1, 1))


def test_decryption_share_with_a_bad_proof(election, tally):
    aggregate, shares = tally
    proof = shares[2].proofs[1][3]
    bad = _with_proof(shares[2], 1, 3, ChallengeResponse(proof.challenge, (proof.response + 1)))
    with pytest.raises(InvalidProof) as caught:
        verify_decryption_share(election.context, bad, aggregate)
    assert caught.value.check == "challenge"
    assert caught.value.subject == "decryption share of trustee 2, q02/3"


def test_decryption_share_with_a_wrong_point(election, tally):
    """Dⱼ moved by G: with Dⱼ off by one vote, the honest proof no longer fits the statement."""
    aggregate, shares = tally
    points = [list(row) for row in shares[1].shares]
    points[0][0] = G.add(points[0][0], G.generator)
    bad = dataclasses.replace(shares[1], shares=tuple(tuple(row) for row in points))
    with pytest.raises(InvalidProof) as caught:
        verify_decryption_share(election.context, bad, aggregate)
    assert caught.value.subject == "decryption share of trustee 1, q01/0"


def test_decryption_share_from_a_wrong_key(election, tally):
    """A well-formed share and proof made with a secret that is not s₂: the proof is checked
    against K₂ from the commitments, so it fails."""
    aggregate, _ = tally
    wrong_secret = (election.secret_shares[2] + 1) % ORDER
    forged = make_decryption_share(election.context, 2, wrong_secret, aggregate, TestNonces("w"))
    with pytest.raises(InvalidProof) as caught:
        verify_decryption_share(election.context, forged, aggregate)
    assert caught.value.check == "challenge"
    assert caught.value.subject == "decryption share of trustee 2, q01/0"


def test_decryption_share_relabelled_to_another_trustee(election, tally):
    aggregate, shares = tally
    relabelled = dataclasses.replace(shares[1], trustee=2)
    with pytest.raises(InvalidProof):
        verify_decryption_share(election.context, relabelled, aggregate)


def test_decryption_share_for_another_aggregate(election, tally):
    aggregate, shares = tally
    other = Aggregate(tuple(reversed(aggregate.ciphertexts[:2])) + aggregate.ciphertexts[2:], 2)
    with pytest.raises(InvalidProof):
        verify_decryption_share(election.context, shares[1], other)


def test_decryption_share_against_a_changed_beta(election, tally):
    """B is part of the statement: a share cannot be carried over to an aggregate with another B."""
    aggregate, shares = tally
    rows = [list(row) for row in aggregate.ciphertexts]
    rows[0][0] = Ciphertext(rows[0][0].alpha, G.add(rows[0][0].beta, G.generator))
    changed = Aggregate(tuple(tuple(row) for row in rows), aggregate.ballot_count)
    with pytest.raises(InvalidProof) as caught:
        verify_decryption_share(election.context, shares[1], changed)
    assert caught.value.subject == "decryption share of trustee 1, q01/0"


def test_decryption_share_replayed_under_another_election(same_key_other_election, tally):
    """Same keys, same aggregate, another fingerprint hₑ: the proofs do not carry over."""
    aggregate, shares = tally
    with pytest.raises(InvalidProof) as caught:
        verify_decryption_share(same_key_other_election, shares[2], aggregate)
    assert caught.value.check == "challenge"


@pytest.mark.parametrize("index", [0, 4, -1, 99])
def test_decryption_share_from_outside_the_committee(election, tally, index):
    aggregate, shares = tally
    outsider = dataclasses.replace(shares[3], trustee=index)
    with pytest.raises(InvalidDecryption) as caught:
        verify_decryption_share(election.context, outsider, aggregate)
    assert caught.value.check == "trustee"
    with pytest.raises(InvalidDecryption) as caught:
        combine_decryption_shares(election.context, aggregate, [shares[1], outsider])
    assert caught.value.check == "trustee"


def test_decryption_share_from_outside_the_committee_in_json(election, tally):
    aggregate, shares = tally
    data = shares[3].to_json(election.context)
    data["trustee"] = 4
    loaded = DecryptionShare.from_json(election.context, data)
    with pytest.raises(InvalidDecryption) as caught:
        verify_decryption_share(election.context, loaded, aggregate)
    assert caught.value.check == "trustee"


def test_duplicated_trustee(election, tally):
    """Two copies of one share are not two trustees: refused as duplicates, not counted to t."""
    aggregate, shares = tally
    with pytest.raises(InvalidDecryption) as caught:
        combine_decryption_shares(election.context, aggregate, [shares[1], shares[1]])
    assert caught.value.check == "distinct"
    with pytest.raises(InvalidDecryption) as caught:
        combine_decryption_shares(election.context, aggregate, [shares[1], shares[2], shares[1]])
    assert caught.value.check == "distinct"


def test_fewer_than_t_shares(election, tally):
    aggregate, shares = tally
    with pytest.raises(InvalidDecryption) as caught:
        combine_decryption_shares(election.context, aggregate, [shares[2]])
    assert caught.value.check == "threshold"


# --- key ceremony ------------------------------------------------------------------------------


def test_share_that_does_not_match_the_commitments(election):
    """Trustee 1 sends trustee 2 a value from a different polynomial, correctly encrypted."""
    mh = election.manifest.hash
    honest = election.secrets[1]
    cheat = dataclasses.replace(honest, coefficients=(honest.coefficients[0], 7))
    share = ceremony.make_encrypted_share(G, mh, cheat, election.announcements[2], TestNonces("c"))
    with pytest.raises(InvalidShare) as caught:
        ceremony.open_share(G, mh, election.secrets[2], share, election.announcements[1])
    assert caught.value.check == "commitments"
    assert caught.value.subject == "share from trustee 1 to trustee 2"
    control = ceremony.make_encrypted_share(
        G, mh, honest, election.announcements[2], TestNonces("c")
    )
    ceremony.open_share(G, mh, election.secrets[2], control, election.announcements[1])


def test_share_encrypted_for_the_wrong_recipient(election):
    """Addressed to trustee 3 but encrypted to trustee 2's key: trustee 3 cannot open it."""
    mh = election.manifest.hash
    misdirected = dataclasses.replace(
        election.announcements[3], encryption_key=election.announcements[2].encryption_key
    )
    share = ceremony.make_encrypted_share(
        G, mh, election.secrets[1], misdirected, TestNonces("wrong")
    )
    assert share.recipient == 3
    with pytest.raises(InvalidShare) as caught:
        ceremony.open_share(G, mh, election.secrets[3], share, election.announcements[1])
    assert caught.value.check == "decryption"


def test_share_readdressed_to_another_recipient(election):
    """The AEAD key and data bind sender and recipient: relabelling a share breaks it."""
    mh = election.manifest.hash
    share = dataclasses.replace(election.shares[1, 2], recipient=3)
    with pytest.raises(InvalidShare) as caught:
        ceremony.open_share(G, mh, election.secrets[3], share, election.announcements[1])
    assert caught.value.check == "decryption"


@pytest.mark.parametrize("part", ["ciphertext", "ephemeral"])
def test_tampered_share(election, part):
    mh = election.manifest.hash
    share = election.shares[3, 1]
    if part == "ciphertext":
        tampered = dataclasses.replace(
            share, ciphertext=bytes([share.ciphertext[0] ^ 1]) + share.ciphertext[1:]
        )
    else:
        tampered = dataclasses.replace(share, ephemeral=G.add(share.ephemeral, G.generator))
    with pytest.raises(InvalidShare) as caught:
        ceremony.open_share(G, mh, election.secrets[1], tampered, election.announcements[3])
    assert caught.value.check == "decryption"


def test_announcement_with_a_bad_coefficient_proof(election):
    announcement = election.announcements[1]
    first, second = announcement.coefficient_proofs
    for proofs, subject in [
        ((second, first), "trustee 1, coefficient 0"),  # swapped between coefficients
        (
            (first, ChallengeResponse(second.challenge, second.response + 1)),
            "trustee 1, coefficient 1",
        ),
    ]:
        bad = dataclasses.replace(announcement, coefficient_proofs=proofs)
        with pytest.raises(InvalidProof) as caught:
            ceremony.verify_announcement(G, election.manifest.hash, bad, 2)
        assert (caught.value.check, caught.value.subject) == ("challenge", subject)


def test_rogue_key_commitment_cannot_be_proved(election):
    """Trustee 3 publishes A₃,₀ = T − A₁,₀ − A₂,₀ to make the joint key a T it knows. It cannot
    know log A₃,₀, so its best proof (one for T's secret) fails."""
    mh = election.manifest.hash
    target_secret = 424242
    others = G.sum(election.announcements[i].commitments[0] for i in (1, 2))
    rogue = G.sub(G.base_mul(target_secret), others)
    fake_proof = make_schnorr_proof(
        G, "coefficient-proof", (mh, 3, 0, rogue), target_secret, TestNonces("rogue")
    )
    announcement = election.announcements[3]
    bad = dataclasses.replace(
        announcement,
        commitments=(rogue, *announcement.commitments[1:]),
        coefficient_proofs=(fake_proof, *announcement.coefficient_proofs[1:]),
    )
    with pytest.raises(InvalidProof) as caught:
        ceremony.verify_announcement(G, mh, bad, 2)
    assert (caught.value.check, caught.value.subject) == ("challenge", "trustee 3, coefficient 0")


@pytest.mark.parametrize("variant", ["another point", "one trustee left out"])
def test_election_whose_joint_key_is_not_the_sum_of_commitments(election, variant):
    data = copy.deepcopy(election.context.to_json())
    if variant == "another point":
        data["joint_key"] = G.add(election.context.joint_key, G.generator).hex()
    else:
        commitments = [bytes.fromhex(t["commitments"][0]) for t in data["trustees"][:2]]
        data["joint_key"] = G.sum(commitments).hex()
    with pytest.raises(FormatError) as caught:
        ElectionContext.from_json(G, election.manifest, data)
    assert caught.value.field == "joint_key"


# --- the event log -----------------------------------------------------------------------------

LOG_KEY = SigningKey(bytes(range(32)))


def _log(count: int = 5) -> list[dict]:
    entries, previous = [], None
    for n in range(count):
        previous = make_event(previous, "test", {"n": n}, LOG_KEY)
        entries.append(copy.deepcopy(previous.to_json()))
    return entries


def _findings(entries) -> list[tuple[str, str]]:
    return [(f.check, f.subject) for f in verify_log(entries, LOG_KEY.verify_key)]


def test_control_log():
    assert _findings(_log()) == []


def test_log_with_a_removed_event():
    entries = _log()
    del entries[2]
    findings = _findings(entries)
    assert ("chain", "event 2") in findings
    assert findings == [("sequence", "event 2"), ("chain", "event 2"), ("sequence", "event 3")]


def test_log_with_a_removed_event_and_renumbered_successors():
    """Renumbering and re-chaining the later events needs the server key: signatures fail."""
    entries = _log()
    del entries[2]
    entries[2]["event"]["seq"] = 2
    entries[2]["event"]["prev"] = entries[1]["hash"]
    findings = _findings(entries)
    assert ("hash", "event 2") in findings
    assert ("signature", "event 2") in findings
    assert all(subject != "event 0" and subject != "event 1" for _, subject in findings)


def test_log_with_reordered_events():
    entries = _log()
    entries[1], entries[2] = entries[2], entries[1]
    findings = _findings(entries)
    assert ("sequence", "event 1") in findings
    assert ("sequence", "event 2") in findings
    assert {check for check, _ in findings} == {"sequence", "chain"}


def test_log_with_an_edited_body():
    entries = _log()
    entries[2]["event"]["body"]["n"] = 99
    findings = _findings(entries)
    assert ("hash", "event 2") in findings
    assert findings == [
        ("hash", "event 2"),
        ("signature", "event 2"),
        ("chain", "event 3"),
    ]


def test_log_with_an_edited_body_and_recomputed_hash():
    from tally.eventlog import event_hash

    entries = _log()
    entries[2]["event"]["body"]["n"] = 99
    entries[2]["hash"] = event_hash(entries[2]["event"]).hex()
    assert _findings(entries) == [("signature", "event 2"), ("chain", "event 3")]


def test_log_with_a_forged_signature():
    """A signature on exactly the right message, by a key that is not the server's."""
    from tally.crypto.signatures import signing_message
    from tally.eventlog import SIGNATURE_PURPOSE

    entries = _log()
    forger = SigningKey(bytes(32))
    message = signing_message(SIGNATURE_PURPOSE, bytes.fromhex(entries[3]["hash"]))
    entries[3]["signature"] = forger.sign(message).signature.hex()
    assert _findings(entries) == [("signature", "event 3")]


def test_log_signature_moved_from_another_event():
    entries = _log()
    entries[3]["signature"] = entries[2]["signature"]
    assert _findings(entries) == [("signature", "event 3")]
