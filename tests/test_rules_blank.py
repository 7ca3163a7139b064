"""Blank answers ("Không đánh giá") apart from members who cast no ballot, and the per-meeting
option ``blank_allowed`` (docs/RULES.md §3, §4.2)."""

from __future__ import annotations

import pytest

from tally.errors import RuleInputError
from tally.rules import decide_json


def one(votes: dict[str, int], roll: dict[str, int], **options: object) -> dict:
    request = {"roll": roll, "subjects": [{"id": "a", "votes": votes}]}
    if options:
        request["options"] = options
    return decide_json(request)["subjects"][0]


VOTES = {"XS": 9, "TOT": 3, "HT": 1, "KHT": 0}  # 13 levels given


def test_blank_answers_and_missing_ballots_are_told_apart() -> None:
    result = one(VOTES, {"official": 20, "excluded": 0, "present": 18, "ballots": 16})
    step = next(s for s in result["steps"] if s["code"] == "votes")
    assert step["values"]["blank"] == 3  # 16 ballots, 13 gave a level
    assert step["values"]["not_cast"] == 2  # 18 present, 16 ballots
    assert (
        "Phiếu: XS 9, TOT 3, HT 1, KHT 0; không đánh giá (để trống) 3; 16 phiếu thu về trên 18 "
        "có mặt; 2 người không bỏ phiếu" in result["trace"]
    )


def test_without_ballots_blank_is_present_minus_levels() -> None:
    result = one(VOTES, {"official": 20, "excluded": 0, "present": 18})
    step = next(s for s in result["steps"] if s["code"] == "votes")
    assert (step["values"]["blank"], step["values"]["not_cast"]) == (5, None)


@pytest.mark.parametrize(("base", "level"), [("roll", "TOT"), ("present", "XS")])
def test_a_blank_counts_against_the_person(base: str, level: str) -> None:
    votes = {"XS": 10, "TOT": 4, "HT": 0, "KHT": 0}  # 2 blank of 16 ballots
    roll = {"official": 20, "excluded": 0, "present": 18, "ballots": 16}
    assert one(votes, roll, base=base)["level"] == level


def test_valid_for_person_leaves_out_blanks_and_missing_ballots() -> None:
    votes = {"XS": 8, "TOT": 4, "HT": 0, "KHT": 0}
    roll = {"official": 20, "excluded": 0, "present": 18, "ballots": 16}
    result = one(votes, roll, base="valid_for_person")
    assert result["level"] == "XS"  # 8 of 12 > 1/2
    assert (
        "Cơ sở tính: 12 phiếu có đánh giá đồng chí này (= 18 có mặt − 4 để trống − 2 không bỏ "
        "phiếu)" in result["trace"]
    )


@pytest.mark.parametrize(
    ("roll", "votes", "field"),
    [
        ({"official": 20, "excluded": 0, "present": 18, "ballots": 19}, VOTES, "roll.ballots"),
        ({"official": 20, "excluded": 0, "present": 18, "ballots": -1}, VOTES, "roll.ballots"),
        ({"official": 20, "excluded": 0, "present": 18, "ballots": 12}, VOTES, "subjects[0].votes"),
    ],
)
def test_ballots_are_checked(roll: dict, votes: dict, field: str) -> None:
    with pytest.raises(RuleInputError) as caught:
        one(votes, roll)
    assert caught.value.field == field


def test_blank_allowed_is_an_option_printed_back() -> None:
    roll = {"official": 20, "excluded": 0, "present": 18}
    assert one(VOTES, roll, blank_allowed=False)["level"] == one(VOTES, roll)["level"]
    with pytest.raises(RuleInputError) as caught:
        one(VOTES, roll, blank_allowed="no")
    assert caught.value.field == "options.blank_allowed"
