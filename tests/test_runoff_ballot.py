"""Runoff ballots in the Python core: a question whose options are the tied members, each voter
choosing up to ``max_selections`` (docs/PROTOCOL.md §4, §7), checked against the shared vectors."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tally.ballot import make_ballot, selected_options, verify_ballot
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import TestNonces
from tally.errors import FormatError, TallyError
from tally.manifest import ElectionContext, Manifest

DATA = json.loads((Path(__file__).parent / "vectors" / "runoff_ballot.json").read_text("utf-8"))


def context() -> ElectionContext:
    return ElectionContext.from_json(
        RISTRETTO255, Manifest.from_json(DATA["manifest"]), DATA["election"]
    )


def test_vectors_verify_and_the_overfull_ballot_is_refused() -> None:
    ctx = context()
    question = ctx.manifest.questions[0]
    assert question.allowed_sums == (0, 1, 2)
    assert question.option_titles == ("Nguyễn Văn An", "Trần Thị Bình", "Lê Đức Cường")
    for entry in DATA["ballots"]:
        assert verify_ballot(ctx, entry["ballot"]).tracker.hex() == entry["tracker"]
    for refused in DATA["refused"]:
        with pytest.raises(TallyError):
            verify_ballot(ctx, refused["ballot"])


@pytest.mark.parametrize("choice", [[0, 1, 2], [1, 1], [3], [-1], [True]])
def test_choices_the_question_does_not_allow(choice: object) -> None:
    ctx = context()
    with pytest.raises(ValueError, match="question xs-1"):
        make_ballot(ctx, bytes(32), [choice], TestNonces("bad"))
    with pytest.raises(ValueError):
        selected_options(ctx.manifest.questions[0], choice)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"max_selections": 4}, "max_selections"),
        ({"min_selections": 3, "max_selections": 2}, "max_selections"),
        ({"option_titles": ["A", "B"]}, "option_titles"),
        ({"option_titles": ["A", "", "C"]}, "option_titles"),
        ({"options": ["q01", "q01", "q03"]}, "options"),
        ({"options": [f"m{i}" for i in range(101)], "option_titles": None}, "options"),
    ],
)
def test_manifest_limits(change: dict, field: str) -> None:
    data = copy.deepcopy(DATA["manifest"])
    data["questions"][0].update(change)
    if data["questions"][0].get("option_titles") is None:
        data["questions"][0].pop("option_titles", None)
    with pytest.raises(FormatError) as caught:
        Manifest.from_json(data)
    assert field in str(caught.value)
