"""Base, quorum and the majority rule (docs/RULES.md §4.2–4.4): boundaries, options, cases."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tally.rules import Threshold, decide_json, meets, required
from tally.rules.arithmetic import percent_text


def votes(xs: int = 0, tot: int = 0, ht: int = 0, kht: int = 0) -> dict[str, int]:
    return {"XS": xs, "TOT": tot, "HT": ht, "KHT": kht}


def decide_one(
    subject_votes: dict[str, int],
    *,
    official: int = 20,
    excluded: int = 0,
    present: int = 20,
    options: dict | None = None,
) -> dict:
    data: dict = {
        "roll": {"official": official, "excluded": excluded, "present": present},
        "subjects": [{"id": "a", "votes": subject_votes}],
    }
    if options is not None:
        data["options"] = options
    return decide_json(data)["subjects"][0]


# --- exact arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "base", "met"),
    [(10, 20, False), (11, 20, True), (5, 11, False), (6, 11, True), (0, 0, False)],
)
def test_more_than_half_is_strict(count: int, base: int, met: bool) -> None:
    assert meets(count, base, Threshold.MORE_THAN_HALF) is met


@pytest.mark.parametrize(
    ("count", "base", "met"),
    [(14, 21, True), (13, 21, False), (14, 20, True), (13, 20, False), (2, 3, True), (1, 3, False)],
)
def test_two_thirds_means_at_least_two_thirds(count: int, base: int, met: bool) -> None:
    assert meets(count, base, Threshold.TWO_THIRDS) is met


def test_required_is_the_smallest_count_that_meets() -> None:
    for base in range(1, 60):
        for threshold in Threshold:
            need = required(base, threshold)
            assert meets(need, base, threshold)
            assert not meets(need - 1, base, threshold)


def test_percent_text_uses_a_decimal_comma_and_rounds_half_up() -> None:
    assert percent_text(12, 20) == "60,0%"
    assert percent_text(2, 3) == "66,7%"
    assert percent_text(1, 8) == "12,5%"
    assert percent_text(1, 16) == "6,3%"  # 6.25 rounds half up


def test_thresholds_agree_with_fractions() -> None:
    for base in range(1, 30):
        for count in range(base + 1):
            share = Fraction(count, base)
            assert meets(count, base, Threshold.MORE_THAN_HALF) is (share > Fraction(1, 2))
            assert meets(count, base, Threshold.TWO_THIRDS) is (share >= Fraction(2, 3))


# --- the vote level ---------------------------------------------------------------------------


def test_trace_example_twelve_of_twenty() -> None:
    result = decide_one(votes(xs=12, tot=8))
    assert result["vote_level"] == "XS"
    assert "XS: 12/20 phiếu (60,0%) > 1/2 cơ sở 20 → đạt" in result["trace"]


def test_exactly_half_is_not_a_majority() -> None:
    result = decide_one(votes(xs=10, tot=0, ht=0, kht=10))
    # XS 10/20 is exactly half: not XS; TOT-or-better is also 10, HT-or-better 10; KHT-or-better 20.
    assert result["vote_level"] == "KHT"
    assert "XS: 10/20 phiếu (50,0%) không > 1/2 cơ sở 20 (cần ≥ 11)" in result["trace"]


def test_cumulative_from_the_highest_level_down() -> None:
    result = decide_one(votes(xs=8, tot=2, ht=1, kht=9))
    assert result["vote_level"] == "HT"  # 8, 10 not > 10; 11 > 10
    assert result["status"] == "decided"
    assert "HT trở lên (XS+TOT+HT): 11/20 phiếu (55,0%) > 1/2 cơ sở 20 → đạt" in result["trace"]


def test_non_cumulative_needs_one_level_alone() -> None:
    counts = votes(xs=8, tot=8, ht=4)
    assert decide_one(counts)["vote_level"] == "TOT"
    alone = decide_one(counts, options={"cumulative": False})
    assert alone["status"] == "unresolved"
    assert alone["vote_level"] is None and alone["level"] is None
    assert decide_one(votes(tot=11, ht=9), options={"cumulative": False})["level"] == "TOT"


def test_unresolved_when_no_level_reaches_the_threshold() -> None:
    result = decide_one(votes(xs=5, tot=3, ht=1, kht=1), present=20)  # 10 answered, 10 blank
    assert result["status"] == "unresolved"
    assert result["level"] is None
    assert any("chưa xác định" in line for line in result["trace"])
    assert result["trace"][-1] == "Mức đề xuất: chưa xác định"


def test_per_level_threshold_two_thirds_for_excellent() -> None:
    options = {"thresholds": {"XS": "2/3"}}
    assert decide_one(votes(xs=13, tot=7), options=options)["vote_level"] == "TOT"
    assert decide_one(votes(xs=14, tot=6), options=options)["vote_level"] == "XS"
    # exactly two thirds meets "2/3"
    exact = decide_one(votes(xs=14, tot=7), official=21, present=21, options=options)
    assert exact["vote_level"] == "XS"
    assert any("14/21 phiếu (66,7%) ≥ 2/3 cơ sở 21" in line for line in exact["trace"])
    below = decide_one(votes(xs=13, tot=8), official=21, present=21, options=options)
    assert below["vote_level"] == "TOT"
    assert any("< 2/3 cơ sở 21 (cần ≥ 14)" in line for line in below["trace"])


def test_per_level_threshold_applies_to_the_cumulative_count() -> None:
    options = {"thresholds": {"TOT": "2/3"}}
    assert decide_one(votes(xs=6, tot=7, ht=7), options=options)["vote_level"] == "HT"
    assert decide_one(votes(xs=6, tot=8, ht=6), options=options)["vote_level"] == "TOT"


# --- the base ---------------------------------------------------------------------------------


def test_base_roll_is_official_minus_excluded() -> None:
    result = decide_one(votes(xs=10, tot=6), official=22, excluded=2, present=16)
    assert "Cơ sở tính: 20 = 22 đảng viên chính thức − 2 được trừ theo Điều lệ" in result["trace"]
    assert result["vote_level"] == "TOT"  # XS 10 not > 10 of 20


def test_the_base_can_change_the_result() -> None:
    counts = votes(xs=9, tot=7)
    assert decide_one(counts, official=20, present=16)["vote_level"] == "TOT"
    assert (
        decide_one(counts, official=20, present=16, options={"base": "present"})["vote_level"]
        == "XS"
    )


def test_blank_answers_count_against_the_person_except_with_valid_for_person() -> None:
    counts = votes(xs=10)  # 10 of 20 present left this subject blank
    assert decide_one(counts)["status"] == "unresolved"
    per_person = decide_one(counts, options={"base": "valid_for_person"})
    assert per_person["vote_level"] == "XS"
    assert (
        "Cơ sở tính: 10 phiếu có đánh giá đồng chí này (= 20 có mặt − 10 để trống)"
        in per_person["trace"]
    )


def test_valid_for_person_with_every_answer_blank_is_unresolved() -> None:
    result = decide_one(votes(), options={"base": "valid_for_person", "thresholds": {"XS": "2/3"}})
    assert result["status"] == "unresolved"


def test_output_base_follows_the_option() -> None:
    data = {
        "roll": {"official": 22, "excluded": 2, "present": 18},
        "subjects": [{"id": "a", "votes": votes(xs=18)}],
    }
    assert decide_json(data)["base"] == 20
    for option in ("present", "valid_for_person"):
        assert decide_json({**data, "options": {"base": option}})["base"] == 18


# --- the quorum -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "present", "valid", "needed"),
    [
        (20, 14, True, 14),
        (20, 13, False, 14),
        (21, 14, True, 14),
        (21, 13, False, 14),
        (3, 2, True, 2),
        (3, 1, False, 2),
        (1, 1, True, 1),
        (1, 0, False, 1),
    ],
)
def test_quorum_two_thirds_boundaries(base: int, present: int, valid: bool, needed: int) -> None:
    data = {
        "roll": {"official": base + 2, "excluded": 2, "present": present},
        "subjects": [{"id": "a", "votes": votes(xs=present)}],
    }
    out = decide_json(data)
    assert (out["valid"], out["quorum_required"]) == (valid, needed)


@pytest.mark.parametrize(
    ("base", "present", "valid", "needed"),
    [
        (20, 11, True, 11),
        (20, 10, False, 11),
        (21, 11, True, 11),
        (21, 10, False, 11),
    ],
)
def test_quorum_more_than_half(base: int, present: int, valid: bool, needed: int) -> None:
    data = {
        "options": {"quorum": "more_than_half"},
        "roll": {"official": base, "excluded": 0, "present": present},
        "subjects": [{"id": "a", "votes": votes(xs=present)}],
    }
    out = decide_json(data)
    assert (out["valid"], out["quorum_required"]) == (valid, needed)


def test_below_quorum_no_level_for_anyone() -> None:
    data = {
        "roll": {"official": 20, "excluded": 0, "present": 13},
        "subjects": [
            {"id": "a", "votes": votes(xs=13)},
            {"id": "b", "votes": votes(tot=13), "disciplined": True},
            {"id": "c", "not_rated": "exempted"},
        ],
    }
    out = decide_json(data)
    assert out["valid"] is False
    assert out["quota"] == []
    rated = out["subjects"][:2]
    assert all(
        s["status"] == "unresolved"
        and s["level"] is None
        and s["vote_level"] is None
        and s["quota"] is None
        for s in rated
    )
    assert "không hợp lệ" in rated[0]["trace"][0]
    assert out["subjects"][2]["status"] == "not_rated"


def test_quorum_is_measured_on_the_roll_even_when_the_base_is_present() -> None:
    data = {
        "options": {"base": "present"},
        "roll": {"official": 20, "excluded": 0, "present": 13},
        "subjects": [{"id": "a", "votes": votes(xs=13)}],
    }
    out = decide_json(data)
    assert out["valid"] is False
    assert out["base"] == 13 and out["quorum_required"] == 14
