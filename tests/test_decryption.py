"""Aggregation and t-of-n threshold decryption of the tally (PROTOCOL.md §9)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest

from tally.aggregate import Aggregate, aggregate_ballots
from tally.ballot import make_ballot, verify_ballot
from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import IDENTITY, ORDER
from tally.crypto.nonces import TestNonces
from tally.crypto.threshold import DiscreteLogTable, lagrange_coefficient
from tally.decryption import (
    DecryptionShare,
    combine_decryption_shares,
    make_decryption_share,
    verify_decryption_share,
)
from tally.errors import FormatError, InvalidDecryption
from tally.token import base32_encode, token_hash

from .conftest import GROUP, Ceremony, subsets_of_at_least

G = GROUP

CHOICES = [
    [0, None, 0],
    [1, 1, 0],
    [1, None, 1],
    [3, 1, 0],
    [1, 0, 1],
    [2, None, 0],
]
EXPECTED = ((1, 3, 1, 1), (1, 2, 0, 0), (4, 2))


@dataclass(frozen=True)
class Tally:
    election: Ceremony
    aggregate: Aggregate
    shares: dict[int, DecryptionShare]


def cast_and_aggregate(election: Ceremony, choices) -> Aggregate:
    context = election.context
    verified = []
    for number, choice in enumerate(choices):
        voter = token_hash(base32_encode(number.to_bytes(16, "big")))
        ballot = make_ballot(context, voter, choice, TestNonces(f"voter-{number}"))
        verified.append(verify_ballot(context, ballot))
    return aggregate_ballots(context, [v.ciphertexts for v in verified])


def decryption_shares(election: Ceremony, aggregate: Aggregate) -> dict[int, DecryptionShare]:
    return {
        j: make_decryption_share(
            election.context, j, election.secret_shares[j], aggregate, TestNonces(f"dec-{j}")
        )
        for j in election.indices
    }


@pytest.fixture(scope="module", params=["election", "election_3of3"])
def tally(request) -> Tally:
    election = request.getfixturevalue(request.param)
    aggregate = cast_and_aggregate(election, CHOICES)
    return Tally(election, aggregate, decryption_shares(election, aggregate))


# --- aggregation -------------------------------------------------------------------------------


def test_aggregate_is_the_sum_of_ciphertexts(tally):
    aggregate = tally.aggregate
    assert aggregate.ballot_count == len(CHOICES)
    assert [len(row) for row in aggregate.ciphertexts] == [4, 4, 2]
    secret = sum(s.coefficients[0] for s in tally.election.secrets.values()) % ORDER
    for row, counts in zip(aggregate.ciphertexts, EXPECTED, strict=True):
        for ciphertext, count in zip(row, counts, strict=True):
            assert G.sub(ciphertext.beta, G.mul(secret, ciphertext.alpha)) == G.base_mul(count)


def test_aggregate_json_round_trip(tally):
    context = tally.election.context
    data = copy.deepcopy(tally.aggregate.to_json(context))
    assert data["kind"] == "phieukin/aggregate"
    assert data["election"] == context.fingerprint.hex()
    assert Aggregate.from_json(context, data) == tally.aggregate


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(election="00" * 32),
        lambda d: d.update(ballot_count=-1),
        lambda d: d.update(ballot_count=True),
        lambda d: d["questions"].pop(),
        lambda d: d["questions"].reverse(),
        lambda d: d["questions"][0]["options"].pop(),
        lambda d: d.update(kind="phieukin/ballot"),
    ],
)
def test_malformed_aggregates_are_rejected(tally, edit):
    context = tally.election.context
    data = copy.deepcopy(tally.aggregate.to_json(context))
    edit(data)
    with pytest.raises(FormatError):
        Aggregate.from_json(context, data)


def test_empty_aggregate_must_be_the_identity(tally):
    context = tally.election.context
    data = copy.deepcopy(tally.aggregate.to_json(context))
    data["ballot_count"] = 0
    with pytest.raises(FormatError):
        Aggregate.from_json(context, data)


# --- decryption --------------------------------------------------------------------------------


def test_every_share_verifies_and_round_trips(tally):
    context = tally.election.context
    for j, share in tally.shares.items():
        verify_decryption_share(context, share, tally.aggregate)
        data = copy.deepcopy(share.to_json(context))
        assert data["trustee"] == j
        assert len(data["shares"]) == 10
        loaded = DecryptionShare.from_json(context, data)
        assert loaded == share
        verify_decryption_share(context, loaded, tally.aggregate)


def test_every_subset_of_at_least_t_trustees_recovers_the_counts(tally):
    context = tally.election.context
    subsets = subsets_of_at_least(tally.election.indices, tally.election.threshold)
    assert len(subsets) == (4 if tally.election.threshold == 2 else 1)
    for subset in subsets:
        shares = [tally.shares[j] for j in subset]
        assert combine_decryption_shares(context, tally.aggregate, shares) == EXPECTED
        reordered = list(reversed(shares))
        assert combine_decryption_shares(context, tally.aggregate, reordered) == EXPECTED


def test_fewer_than_t_trustees_cannot_decrypt(tally):
    context = tally.election.context
    t = tally.election.threshold
    for subset in subsets_of_at_least(tally.election.indices, 1):
        if len(subset) < t:
            with pytest.raises(InvalidDecryption) as caught:
                combine_decryption_shares(
                    context, tally.aggregate, [tally.shares[j] for j in subset]
                )
            assert caught.value.check == "threshold"
    with pytest.raises(InvalidDecryption) as caught:
        combine_decryption_shares(context, tally.aggregate, [])
    assert caught.value.check == "threshold"


def test_a_count_above_the_ballot_count_is_an_error_not_a_guess(tally):
    context = tally.election.context
    understated = Aggregate(tally.aggregate.ciphertexts, ballot_count=2)  # q03/0 has 4 votes
    shares = [tally.shares[j] for j in tally.election.indices]
    with pytest.raises(InvalidDecryption) as caught:
        combine_decryption_shares(context, understated, shares)
    assert caught.value.check == "count"
    assert caught.value.subject == "q01/1"


def test_decryption_draw_order(election):
    """§12: one w per question and option, in manifest order."""
    aggregate = cast_and_aggregate(election, CHOICES[:1])
    share = make_decryption_share(
        election.context, 1, election.secret_shares[1], aggregate, TestNonces("w")
    )
    replay = TestNonces("w")
    s_1 = election.secret_shares[1]
    for proofs in share.proofs:
        for proof in proofs:
            assert proof.response == (replay() + proof.challenge * s_1) % ORDER


def test_empty_tally_decrypts_to_zero_through_json(election):
    """No ballots: every aggregate and every Dⱼ is the identity, and the counts are all 0."""
    context = election.context
    aggregate = aggregate_ballots(context, [])
    assert aggregate.ballot_count == 0
    assert all(c == Ciphertext(IDENTITY, IDENTITY) for row in aggregate.ciphertexts for c in row)
    aggregate = Aggregate.from_json(context, copy.deepcopy(aggregate.to_json(context)))
    shares = []
    for j in (1, 2):
        share = make_decryption_share(
            context, j, election.secret_shares[j], aggregate, TestNonces(f"e{j}")
        )
        share = DecryptionShare.from_json(context, copy.deepcopy(share.to_json(context)))
        verify_decryption_share(context, share, aggregate)
        shares.append(share)
    assert combine_decryption_shares(context, aggregate, shares) == ((0,) * 4, (0,) * 4, (0,) * 2)


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(trustee="1"),
        lambda d: d.update(trustee=True),
        lambda d: d.update(election="00" * 32),
        lambda d: d["shares"].pop(),
        lambda d: d["shares"].reverse(),
        lambda d: d["shares"][0].update(option=1),
        lambda d: d["shares"][0].update(proof=None),
        lambda d: d.update(version=2),
    ],
)
def test_malformed_decryption_shares_are_rejected(tally, edit):
    context = tally.election.context
    data = copy.deepcopy(tally.shares[1].to_json(context))
    edit(data)
    with pytest.raises(FormatError):
        DecryptionShare.from_json(context, data)


# --- threshold arithmetic ----------------------------------------------------------------------


def test_lagrange_coefficients_interpolate_at_zero():
    coefficients = (11, 22, 33)  # P(x) = 11 + 22x + 33x²
    points = {x: (11 + 22 * x + 33 * x * x) % ORDER for x in (1, 2, 3, 4, 5)}
    for subset in [(1, 2, 3), (2, 4, 5), (1, 3, 5), (1, 2, 3, 4, 5)]:
        value = sum(lagrange_coefficient(G, j, subset) * points[j] for j in subset) % ORDER
        assert value == coefficients[0]
    assert lagrange_coefficient(G, 1, (1,)) == 1
    assert lagrange_coefficient(G, 1, (1, 2)) == 2
    assert lagrange_coefficient(G, 2, (1, 2)) == ORDER - 1


def test_discrete_log_table():
    table = DiscreteLogTable(G, 5)
    assert table.find(IDENTITY) == 0
    assert [table.find(G.base_mul(m)) for m in range(6)] == list(range(6))
    assert table.find(G.base_mul(6)) is None
    assert table.find(G.base_mul(ORDER - 1)) is None
