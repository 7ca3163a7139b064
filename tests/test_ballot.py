"""Ballots (PROTOCOL.md §7–8): encryption, proofs, verification, tracker, and tampering."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tally.ballot import make_ballot, tracker, tracker_code, verify_ballot
from tally.canonical import canonical_json, parse_json
from tally.crypto.group import ORDER
from tally.crypto.hashing import hash32
from tally.crypto.nonces import TestNonces
from tally.errors import FormatError, InvalidBallot, InvalidProof, TallyError
from tally.token import ALPHABET

from .conftest import GROUP

G = GROUP
FEW = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HEX = "0123456789abcdef"


def joint_secret(election) -> int:
    return sum(s.coefficients[0] for s in election.secrets.values()) % ORDER


def plaintexts(election, verified) -> list[list[int]]:
    """Decrypt each selection with the assembled joint secret (possible only in a test)."""
    secret = joint_secret(election)
    table = {G.base_mul(m) if m else bytes(32): m for m in range(3)}
    return [
        [table[G.sub(c.beta, G.mul(secret, c.alpha))] for c in row] for row in verified.ciphertexts
    ]


def one_hot(choice: int | None, width: int) -> list[int]:
    return [int(option == choice) for option in range(width)]


# --- round trips -------------------------------------------------------------------------------


def test_honest_ballot_verifies(context, ballot_json, voter_token_hash, election):
    verified = verify_ballot(context, ballot_json)
    assert verified.token_hash == voter_token_hash
    encryption = {
        "version": 1,
        "kind": "phieukin/encryption",
        "election": ballot_json["election"],
        "answers": [
            {
                "question": a["question"],
                "selections": [{"alpha": s["alpha"], "beta": s["beta"]} for s in a["selections"]],
            }
            for a in ballot_json["answers"]
        ],
    }
    assert verified.tracker == tracker(ballot_json) == hash32("tracker", canonical_json(encryption))
    assert verified.data == ballot_json
    assert [len(row) for row in verified.ciphertexts] == [4, 4, 2]
    assert plaintexts(election, verified) == [[0, 1, 0, 0], [0, 0, 0, 0], [1, 0]]


def test_ballot_shape(context, ballot_json, voter_token_hash):
    assert ballot_json["version"] == 1
    assert ballot_json["kind"] == "phieukin/ballot"
    assert ballot_json["election"] == context.fingerprint.hex()
    assert ballot_json["token_hash"] == voter_token_hash.hex()
    answers = ballot_json["answers"]
    assert [a["question"] for a in answers] == ["q01", "q02", "q03"]
    assert [len(a["sum_proof"]["challenges"]) for a in answers] == [1, 2, 1]
    for answer in answers:
        for selection in answer["selections"]:
            assert set(selection) == {"alpha", "beta", "proof"}
            assert len(selection["proof"]["challenges"]) == 2


def test_every_combination_of_choices(context, election, voter_token_hash):
    """Exactly one (q01, q03) and at most one with a blank (q02): all 40 ballots."""
    for number, choices in enumerate(itertools.product(range(4), [None, 0, 1, 2, 3], range(2))):
        ballot = make_ballot(context, voter_token_hash, list(choices), TestNonces(f"all-{number}"))
        verified = verify_ballot(context, parse_json(canonical_json(ballot)))
        expected = [one_hot(c, w) for c, w in zip(choices, (4, 4, 2), strict=True)]
        assert plaintexts(election, verified) == expected


def test_ballots_are_reproducible_and_distinct(context, voter_token_hash, _honest_ballot):
    again = make_ballot(context, voter_token_hash, [1, None, 0], TestNonces("ballot"))
    assert again == _honest_ballot
    other = make_ballot(context, voter_token_hash, [1, None, 0], TestNonces("ballot-2"))
    assert tracker(other) != tracker(_honest_ballot)


def test_ballot_draw_order_follows_section_7(context, _honest_ballot):
    """Per option: r, then the 0/1 proof's 3 draws; after the options, the sum proof's draws."""
    replay = TestNonces("ballot")
    draws = [replay() for _ in range(60)]
    position = 0
    for answer, question in zip(_honest_ballot["answers"], context.manifest.questions, strict=True):
        for selection in answer["selections"]:
            assert selection["alpha"] == G.base_mul(draws[position]).hex()
            position += 4  # r, then (c, u) of the simulated branch and w of the true one
        position += 2 * len(question.allowed_sums) - 1


def test_the_tracker_covers_the_ciphertexts_and_the_election_only(ballot_json):
    """Proofs and token hash are outside the tracker (an audited ballot has neither); every
    ciphertext and the election fingerprint are inside it."""
    base = tracker(ballot_json)
    other = copy.deepcopy(ballot_json)
    other["token_hash"] = "00" * 32
    other["answers"][0]["sum_proof"]["challenges"][0] = "00" * 32
    assert tracker(other) == base
    for path in (("answers", 0, "selections", 1, "alpha"), ("answers", 2, "selections", 0, "beta")):
        changed = copy.deepcopy(ballot_json)
        node = changed
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = "11" * 32
        assert tracker(changed) != base, path
    moved = copy.deepcopy(ballot_json)
    moved["election"] = "22" * 32
    assert tracker(moved) != base


def test_tracker_code(ballot_json):
    code = tracker_code(tracker(ballot_json))
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert set("".join(groups)) <= set(ALPHABET)
    assert tracker_code(bytes(32)) == "0000-0000-0000-0000"
    assert tracker_code(b"\xff" * 32) == "ZZZZ-ZZZZ-ZZZZ-ZZZZ"


@pytest.mark.parametrize(
    "choices",
    [
        [None, None, 0],  # q01 requires an answer
        [4, None, 0],  # q01 has no option 4
        [-1, None, 0],
        [0, None],  # one choice per question
        [0, None, 0, 0],
    ],
)
def test_make_ballot_refuses_impossible_choices(context, voter_token_hash, choices):
    with pytest.raises(ValueError):
        make_ballot(context, voter_token_hash, choices, TestNonces("x"))


# --- shape checks ------------------------------------------------------------------------------


def _mutations():
    def drop(key):
        return lambda b: b.pop(key)

    return {
        "version 2": (lambda b: b.update(version=2), FormatError),
        "version true": (lambda b: b.update(version=True), FormatError),
        "kind": (lambda b: b.update(kind="phieukin/event"), FormatError),
        "extra field": (lambda b: b.update(note="x"), FormatError),
        "no answers": (drop("answers"), FormatError),
        "no token": (drop("token_hash"), FormatError),
        "token short": (lambda b: b.update(token_hash="ab" * 31), FormatError),
        "token upper": (lambda b: b.update(token_hash=b["token_hash"].upper()), FormatError),
        "token not hex": (lambda b: b.update(token_hash="zz" * 32), FormatError),
        "token number": (lambda b: b.update(token_hash=7), FormatError),
        "answer missing": (lambda b: b["answers"].pop(), InvalidBallot),
        "answers reordered": (lambda b: b["answers"].reverse(), InvalidBallot),
        "answers not list": (lambda b: b.update(answers={}), InvalidBallot),
        "selection missing": (lambda b: b["answers"][0]["selections"].pop(), InvalidBallot),
        "selection extra": (
            lambda b: b["answers"][2]["selections"].append(b["answers"][2]["selections"][0]),
            InvalidBallot,
        ),
        "answer field": (lambda b: b["answers"][0].update(extra=1), FormatError),
        "selection field": (lambda b: b["answers"][0]["selections"][0].pop("beta"), FormatError),
        "proof field": (
            lambda b: b["answers"][0]["selections"][0]["proof"].pop("responses"),
            FormatError,
        ),
        "proof extra field": (
            lambda b: b["answers"][0]["selections"][0]["proof"].update(note="x"),
            FormatError,
        ),
        "sum proof extra field": (
            lambda b: b["answers"][0]["sum_proof"].update(note="x"),
            FormatError,
        ),
        "proof branches": (
            lambda b: b["answers"][0]["selections"][0]["proof"]["challenges"].pop(),
            FormatError,
        ),
        "sum branches": (
            lambda b: b["answers"][1]["sum_proof"]["challenges"].pop(),
            FormatError,
        ),
        "sum field": (lambda b: b["answers"][1].update(sum_proof={}), FormatError),
    }


@pytest.mark.parametrize("name", sorted(_mutations()))
def test_malformed_ballots_are_rejected(context, ballot_json, name):
    mutate, error = _mutations()[name]
    mutate(ballot_json)
    with pytest.raises(error):
        verify_ballot(context, ballot_json)


@pytest.mark.parametrize("bad", [None, [], "ballot", 1])
def test_non_objects_are_rejected(context, bad):
    with pytest.raises(FormatError):
        verify_ballot(context, bad)


# --- tampering (property) ----------------------------------------------------------------------


def string_leaves(value: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every (path, string) in a JSON value."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [leaf for key, item in items for leaf in string_leaves(item, (*path, key))]


def set_path(value: Any, path: tuple, new: Any) -> None:
    for key in path[:-1]:
        value = value[key]
    value[path[-1]] = new


def test_tampering_covers_every_hex_field(_honest_ballot):
    leaves = string_leaves(_honest_ballot)
    hex_leaves = [p for p, v in leaves if len(v) == 64]
    # election, token_hash; 10 selections × (α, β, 2 c, 2 v); sum proofs 1 + 2 + 1 branches × 2
    assert len(hex_leaves) == 2 + 10 * 6 + 8
    assert {p[-1] for p, v in leaves if len(v) != 64} == {"kind", "question"}


@FEW
@given(data=st.data())
def test_changing_any_hex_character_is_detected(context, _honest_ballot, data):
    leaves = [(p, v) for p, v in string_leaves(_honest_ballot) if len(v) == 64]
    path, value = data.draw(st.sampled_from(leaves), label="field")
    position = data.draw(st.integers(0, 63), label="position")
    replacement = data.draw(
        st.sampled_from([c for c in HEX + "ABCDEF" if c != value[position]]), label="char"
    )
    ballot = copy.deepcopy(_honest_ballot)
    set_path(ballot, path, value[:position] + replacement + value[position + 1 :])
    with pytest.raises(TallyError):
        verify_ballot(context, ballot)


@FEW
@given(data=st.data())
def test_changing_any_question_id_is_detected(context, _honest_ballot, data):
    position = data.draw(st.integers(0, 2), label="answer")
    new_id = data.draw(
        st.sampled_from(["q01", "q02", "q03", "q04", "Q01", ""]).filter(
            lambda q: q != _honest_ballot["answers"][position]["question"]
        ),
        label="id",
    )
    ballot = copy.deepcopy(_honest_ballot)
    ballot["answers"][position]["question"] = new_id
    with pytest.raises(InvalidBallot) as caught:
        verify_ballot(context, ballot)
    assert caught.value.check == "shape"


def test_changing_the_election_is_detected(context, ballot_json):
    ballot_json["election"] = hash32("election", b"another").hex()
    with pytest.raises(InvalidBallot) as caught:
        verify_ballot(context, ballot_json)
    assert caught.value.check == "election"


def test_changing_the_token_hash_is_detected(context, ballot_json):
    ballot_json["token_hash"] = hash32("token", "0" * 26).hex()
    with pytest.raises(InvalidProof) as caught:
        verify_ballot(context, ballot_json)
    assert caught.value.check == "challenge"
    assert caught.value.subject == "q01/0"


def test_swapping_two_selections_is_detected(context, ballot_json):
    selections = ballot_json["answers"][0]["selections"]
    selections[0], selections[1] = selections[1], selections[0]
    with pytest.raises(InvalidProof) as caught:
        verify_ballot(context, ballot_json)
    assert caught.value.subject == "q01/0"
