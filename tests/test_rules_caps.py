"""Caps after the vote (docs/RULES.md §4.5): each recorded in the trace with its rule and
numbers."""

from __future__ import annotations

import pytest

from tally.rules import decide_json
from tally.rules.caps import apply_caps
from tally.rules.inputs import Subject
from tally.rules.levels import LEVELS, Level
from tally.rules.profiles import get_profile

EXCELLENT = {"XS": 15, "TOT": 5, "HT": 0, "KHT": 0}


def decide_subject(collectives: dict[str, str] | None = None, **fields: object) -> dict:
    subject = {"id": "a", "votes": EXCELLENT, **fields}
    data: dict = {"roll": {"official": 20, "excluded": 0, "present": 20}, "subjects": [subject]}
    if collectives is not None:
        data["collectives"] = collectives
    return decide_json(data)["subjects"][0]


def test_disciplined_is_not_complete() -> None:
    result = decide_subject(disciplined=True)
    assert (result["vote_level"], result["level"]) == ("XS", "KHT")
    assert "Hạn mức (bị kỷ luật trong năm → KHT): XS → KHT" in result["trace"]


@pytest.mark.parametrize(("months", "level"), [(0, "XS"), (2, "XS"), (3, "HT"), (12, "HT")])
def test_sick_leave_three_months_or_more_is_at_most_complete(months: int, level: str) -> None:
    result = decide_subject(sick_leave_months=months)
    assert result["level"] == level
    if months >= 3:
        assert f"Hạn mức (nghỉ ốm {months} tháng ≥ 3 tháng → tối đa HT): XS → HT" in result["trace"]
    else:
        assert not any("nghỉ ốm" in line for line in result["trace"])


@pytest.mark.parametrize(
    ("rating", "level"), [("XS", "XS"), ("TOT", "TOT"), ("HT", "TOT"), ("KHT", "TOT")]
)
def test_civil_servant_below_excellent_is_at_most_good(rating: str, level: str) -> None:
    result = decide_subject(civil_servant_rating=rating)
    assert result["level"] == level
    has_line = any("công chức, viên chức" in line for line in result["trace"])
    assert has_line is (rating != "XS")


@pytest.mark.parametrize("collective", ["XS", "TOT", "HT", "KHT"])
def test_head_is_not_above_the_collective(collective: str) -> None:
    result = decide_subject(collectives={"chi-uy": collective}, heads="chi-uy")
    assert result["level"] == collective
    assert any(
        f"người đứng đầu tập thể «chi-uy» xếp loại {collective}" in line for line in result["trace"]
    )


def test_a_cap_that_changes_nothing_is_still_recorded() -> None:
    low = {"XS": 0, "TOT": 0, "HT": 15, "KHT": 5}
    data = {
        "roll": {"official": 20, "excluded": 0, "present": 20},
        "subjects": [{"id": "a", "votes": low, "sick_leave_months": 5}],
    }
    result = decide_json(data)["subjects"][0]
    assert result["level"] == "HT"
    assert "Hạn mức (nghỉ ốm 5 tháng ≥ 3 tháng → tối đa HT): giữ HT" in result["trace"]


def test_several_caps_apply_in_order_and_the_lowest_wins() -> None:
    result = decide_subject(
        collectives={"to-1": "TOT"},
        heads="to-1",
        sick_leave_months=4,
        civil_servant_rating="TOT",
        disciplined=True,
    )
    assert result["level"] == "KHT"
    cap_lines = [line for line in result["trace"] if line.startswith("Hạn mức")]
    assert len(cap_lines) == 4
    assert cap_lines[0].endswith("XS → KHT")
    assert all(line.endswith("giữ KHT") for line in cap_lines[1:])


def test_caps_never_raise_a_level() -> None:
    profile = get_profile(None)
    for level in LEVELS:
        for ceiling in LEVELS:
            subject = Subject(id="a", civil_servant_rating=Level.HT, heads="c", sick_leave_months=3)
            capped = apply_caps(level, subject, {"c": ceiling}, profile)
            assert capped.level.rank <= level.rank
            assert capped.level.rank <= ceiling.rank


def test_unresolved_subject_keeps_no_level_and_lists_pending_caps() -> None:
    data = {
        "roll": {"official": 20, "excluded": 0, "present": 20},
        "subjects": [
            {"id": "a", "votes": {"XS": 4, "TOT": 3, "HT": 2, "KHT": 1}, "disciplined": True}
        ],
    }
    result = decide_json(data)["subjects"][0]
    assert result["status"] == "unresolved" and result["level"] is None
    assert any(
        line.startswith("Lưu ý cho cấp trên: hạn mức (bị kỷ luật") for line in result["trace"]
    )


def test_trace_ends_with_the_proposed_level() -> None:
    result = decide_subject(sick_leave_months=3)
    assert result["trace"][-1] == "Mức đề xuất: HT (Hoàn thành nhiệm vụ)"
