"""Cast-or-audit and proof of token possession in the election library (PROTOCOL.md §6.1, §8.1).

An audited ballot opens every ciphertext with its nonce; the check must catch an opening that
claims a choice other than the one encrypted (the phone lying about what it encrypted), and it
must carry nothing derived from the token. A submission proves possession of the token by a
signature that is useless for any other ballot or token.
"""

from __future__ import annotations

import copy

import pytest

from tally.audited import AUDITED_KIND, open_ballot, verify_audited_ballot
from tally.ballot import encrypt_ballot, tracker, verify_ballot
from tally.canonical import canonical_json, parse_json
from tally.crypto.nonces import TestNonces
from tally.errors import (
    FormatError,
    InvalidAudit,
    InvalidBallot,
    InvalidPoint,
    InvalidScalar,
    InvalidSignature,
)
from tally.manifest import Manifest, runoff_manifest_json
from tally.submission import make_submission, submission_token_hash, verify_possession
from tally.token import token_hash, token_key

from .conftest import OTHER_TOKEN, TOKEN, run_ceremony

CHOICES = [2, None, 1]


@pytest.fixture(scope="module")
def encrypted(context):
    return encrypt_ballot(context, token_hash(TOKEN), CHOICES, TestNonces("audit"))


@pytest.fixture
def audited(context, encrypted):
    return parse_json(canonical_json(open_ballot(context, encrypted)))


def test_an_audited_ballot_opens_to_its_choices_and_has_the_ballots_tracker(
    context, encrypted, audited
):
    opened = verify_audited_ballot(context, audited)
    assert opened.selected == ((2,), (), (1,))
    assert (
        opened.tracker == tracker(encrypted.data) == verify_ballot(context, encrypted.data).tracker
    )
    assert audited["kind"] == AUDITED_KIND and audited["version"] == 1


def test_an_audited_ballot_carries_nothing_derived_from_the_token(context, encrypted, audited):
    text = canonical_json(audited).decode()
    assert "token" not in text
    for derived in (token_hash(TOKEN).hex(), token_key(TOKEN).hex(), TOKEN):
        assert derived not in text
    # no proof either: the proofs hash the token hash
    assert all(
        set(s) == {"alpha", "beta", "nonce"} for a in audited["answers"] for s in a["selections"]
    )


def test_every_choice_opens(context):
    for number, choices in enumerate([[0, 0, 0], [3, 3, 1], [1, None, 0], [0, 2, 1]]):
        made = encrypt_ballot(context, token_hash(TOKEN), choices, TestNonces(f"open-{number}"))
        opened = verify_audited_ballot(context, open_ballot(context, made))
        assert opened.selected == tuple(() if c is None else (c,) for c in choices)


def test_a_phone_that_encrypted_another_choice_is_caught(context, audited):
    """The page encrypted option 2 for q01 but claims the voter's option 0."""
    lying = copy.deepcopy(audited)
    lying["answers"][0]["selected"] = [0]
    with pytest.raises(InvalidAudit) as caught:
        verify_audited_ballot(context, lying)
    assert caught.value.check == "opening" and "q01/0" in caught.value.subject


def test_a_blank_claimed_where_a_level_was_encrypted_is_caught(context, audited):
    lying = copy.deepcopy(audited)
    lying["answers"][2]["selected"] = [0]
    with pytest.raises(InvalidAudit) as caught:
        verify_audited_ballot(context, lying)
    assert caught.value.check == "opening"


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (lambda a: a.update(election="00" * 32), "election"),
        (lambda a: a["answers"].pop(), "shape"),
        (lambda a: a["answers"].reverse(), "shape"),
        (lambda a: a["answers"][0]["selections"].pop(), "shape"),
        (lambda a: a["answers"][0].update(selected=[0, 2]), "selected"),  # two levels
        (lambda a: a["answers"][0].update(selected=[]), "selected"),  # blank not allowed
        (lambda a: a["answers"][0].update(selected=[4]), "selected"),
        (lambda a: a["answers"][0].update(selected=[True]), "selected"),
        (lambda a: a["answers"][1].update(selected=[1, 1]), "selected"),
        (lambda a: a["answers"][0]["selections"][1].update(nonce="00" * 32), "nonce"),
        (lambda a: a["answers"][0]["selections"][1].update(nonce="01" + "00" * 31), "alpha"),
        (lambda a: a["answers"][0]["selections"][3].update(alpha="22" * 32), "alpha"),
        (lambda a: a["answers"][0]["selections"].reverse(), "opening"),
    ],
)
def test_tampering_is_named(context, audited, change, check):
    change(audited)
    with pytest.raises(InvalidAudit) as caught:
        verify_audited_ballot(context, audited)
    assert caught.value.check == check


def test_swapped_ciphertexts_with_their_nonces_change_the_tracker(context, audited):
    """Swapping two selections keeps each opening valid only if the claim follows; either way
    the tracker is no longer the one the phone showed."""
    before = verify_audited_ballot(context, audited).tracker
    swapped = copy.deepcopy(audited)
    row = swapped["answers"][0]["selections"]
    row[0], row[2] = row[2], row[0]
    swapped["answers"][0]["selected"] = [0]
    after = verify_audited_ballot(context, swapped)
    assert after.tracker != before and after.selected[0] == (0,)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda a: a.update(kind="phieukin/ballot"), FormatError),
        (lambda a: a.update(version=2), FormatError),
        (lambda a: a.update(token_hash="00" * 32), FormatError),
        (lambda a: a["answers"][0]["selections"][0].update(nonce="x"), InvalidScalar),
        (lambda a: a["answers"][0]["selections"][0].update(nonce="ff" * 32), InvalidScalar),
        (lambda a: a["answers"][0]["selections"][0].update(proof={}), FormatError),
    ],
)
def test_malformed_audited_ballots_are_refused(context, audited, change, error):
    change(audited)
    with pytest.raises(error):
        verify_audited_ballot(context, audited)


# --- proof of possession -------------------------------------------------------------------


def test_a_submission_proves_possession_and_hides_the_token(context, encrypted):
    submission = make_submission(TOKEN, encrypted.data)
    assert set(submission) == {"ballot", "token_key", "signature"}
    assert TOKEN not in canonical_json(submission).decode()
    digest = submission_token_hash(submission["token_key"])
    assert digest == token_hash(TOKEN) == bytes.fromhex(encrypted.data["token_hash"])
    verify_possession(
        digest, submission["token_key"], submission["signature"], tracker(encrypted.data), "b"
    )


def test_a_signature_is_good_for_its_ballot_only(context, encrypted):
    submission = make_submission(TOKEN, encrypted.data)
    other = encrypt_ballot(context, token_hash(TOKEN), [0, 0, 0], TestNonces("other")).data
    with pytest.raises(InvalidSignature):
        verify_possession(
            token_hash(TOKEN), submission["token_key"], submission["signature"], tracker(other), "b"
        )


def test_another_tokens_key_or_signature_is_refused(context, encrypted):
    mine = make_submission(TOKEN, encrypted.data)
    theirs = make_submission(OTHER_TOKEN, encrypted.data)
    digest, ballot_tracker = token_hash(TOKEN), tracker(encrypted.data)
    with pytest.raises(InvalidBallot) as caught:
        verify_possession(digest, theirs["token_key"], theirs["signature"], ballot_tracker, "b")
    assert caught.value.check == "token_hash"
    with pytest.raises(InvalidSignature):
        verify_possession(digest, mine["token_key"], theirs["signature"], ballot_tracker, "b")


@pytest.mark.parametrize("key", ["", "zz" * 32, "00" * 32, "AB" * 32, "01" + "00" * 31])
def test_malformed_token_keys_are_refused(key):
    with pytest.raises((FormatError, InvalidPoint)):
        verify_possession(bytes(32), key, "00" * 64, bytes(32), "b")
    if len(key) != 64 or key != key.lower() or not all(c in "0123456789abcdef" for c in key):
        with pytest.raises(FormatError):
            submission_token_hash(key)


def test_a_runoff_ballot_with_several_choices_opens_to_all_of_them() -> None:
    """A runoff question lets the voter tick up to the places left: the audit opens every one."""
    manifest = Manifest.from_json(
        runoff_manifest_json(
            {"id": "cb-2026-12", "title": "Họp chi bộ"},
            [("t01", "Bằng phiếu", [("m01", "An"), ("m02", "Bình"), ("m03", "Cường")], 2)],
            ["Ủy viên 1", "Ủy viên 2", "Ủy viên 3"],
            threshold=2,
            round_number=2,
        )
    )
    context = run_ceremony(manifest, seed="runoff-audit").context
    for choice, expected in (([2, 0], (0, 2)), (None, ()), ([1], (1,))):
        sealed = encrypt_ballot(context, token_hash(TOKEN), [choice], TestNonces(f"r{choice}"))
        audited = open_ballot(context, sealed)
        assert audited["answers"][0]["selected"] == list(expected)
        assert verify_audited_ballot(context, audited).selected == (expected,)
    lying = copy.deepcopy(audited)
    lying["answers"][0]["selected"] = [1, 2]  # claims one more name than was ticked
    with pytest.raises(InvalidAudit) as caught:
        verify_audited_ballot(context, lying)
    assert caught.value.check == "opening"
