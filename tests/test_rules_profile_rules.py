"""Where the profiles differ because the regulations differ (docs/RULES.md §2), one test per rule:
HD 21's civil-service KHT, the civil-service rating not yet known, QĐ 124's discipline exception
and two KHT years, QĐ 366's 100-point score, and who is rated in each era."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tally.errors import RuleInputError
from tally.roster import Member, Membership, not_rated_reason
from tally.rules import PROFILES, decide_json

ROLL = {"official": 20, "excluded": 0, "present": 20}
EXCELLENT = {"XS": 16, "TOT": 4, "HT": 0, "KHT": 0}


def decide(profile: str, **subject: Any) -> dict[str, Any]:
    out = decide_json(
        {
            "profile": profile,
            "roll": ROLL,
            "subjects": [{"id": "a", "votes": subject.pop("votes", EXCELLENT), **subject}],
        }
    )
    return out["subjects"][0]


def rules(result: dict[str, Any]) -> list[str]:
    return [step["rule"] for step in result["steps"]]


@pytest.mark.parametrize(("profile", "level"), [("qd132-hd21", "KHT"), ("qd124-hd25", "TOT")])
def test_civil_service_kht_is_kht_only_under_hd21(profile: str, level: str) -> None:
    result = decide(profile, civil_servant_rating="KHT")
    assert result["level"] == level
    expected = "cap.civil_servant_kht" if level == "KHT" else "cap.civil_servant"
    assert expected in rules(result)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_civil_service_rating_not_yet_known_holds_the_decision(profile: str) -> None:
    result = decide(profile, civil_servant_rating="pending")
    assert result["status"] == "pending"
    assert (result["vote_level"], result["level"], result["quota"]) == ("XS", None, None)
    assert "civil_servant.pending" in rules(result)
    assert result["trace"][-1].startswith("Mức đề xuất: chưa xác định (giữ lại chờ kết quả")


def test_a_pending_member_takes_no_quota_place() -> None:
    subjects = [{"id": "p", "votes": EXCELLENT, "civil_servant_rating": "pending"}]
    subjects += [{"id": "x", "votes": {"XS": 15, "TOT": 5, "HT": 0, "KHT": 0}}]
    subjects += [
        {"id": f"g{i}", "votes": {"XS": 0, "TOT": 18, "HT": 2, "KHT": 0}} for i in range(3)
    ]
    out = decide_json({"roll": ROLL, "subjects": subjects})
    assert out["quota"][0]["good"] == 4 and out["quota"][0]["kept"] == ["x"]


@pytest.mark.parametrize(
    ("profile", "level"), [("qd132-hd21", "KHT"), ("qd124-hd25", "XS"), ("qd366-hd43", "XS")]
)
def test_discipline_exception_for_a_fault_found_and_remedied(profile: str, level: str) -> None:
    result = decide(profile, disciplined=True, discipline_self_remedied=True)
    assert result["level"] == level
    if level == "XS":
        assert any(step["code"] == "cap_waived" for step in result["steps"])
        assert any("tự phát hiện và khắc phục xong hậu quả" in t for t in result["trace"])
    assert decide(profile, disciplined=True)["level"] == "KHT"


def test_remedied_without_discipline_is_an_input_error() -> None:
    with pytest.raises(RuleInputError) as caught:
        decide("qd124-hd25", discipline_self_remedied=True)
    assert caught.value.field == "subjects[0].discipline_self_remedied"


@pytest.mark.parametrize(
    ("profile", "years", "level"),
    [
        ("qd124-hd25", 2, "KHT"),
        ("qd124-hd25", 1, "XS"),
        ("qd366-hd43", 3, "KHT"),
        ("qd132-hd21", 2, "XS"),
    ],
)
def test_two_kht_years_before(profile: str, years: int, level: str) -> None:
    result = decide(profile, kht_years_before=years)
    assert result["level"] == level
    assert ("cap.kht_years" in rules(result)) is (level == "KHT")


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (95, "XS"),
        (90, "XS"),
        ("89.5", "TOT"),
        (75, "TOT"),
        (70, "TOT"),
        ("69.99", "HT"),
        (50, "HT"),
        (49, "KHT"),
        (0, "KHT"),
    ],
)
def test_qd366_score_caps_the_level(score: object, level: str) -> None:
    result = decide("qd366-hd43", score=score)
    assert result["level"] == level
    step = next(s for s in result["steps"] if s["rule"] == "cap.score")
    assert step["values"]["score"] == str(score)
    assert step["values"]["ceiling"] == level


def test_a_member_scored_75_cannot_be_proposed_excellent() -> None:
    result = decide("qd366-hd43", score=75)
    assert (result["vote_level"], result["level"]) == ("XS", "TOT")
    assert (
        "Hạn mức (điểm đánh giá 75/100, mức từ 70 điểm → tối đa TOT): XS → TOT" in result["trace"]
    )


@pytest.mark.parametrize(
    ("profile", "score", "field"),
    [
        ("qd124-hd25", 80, "subjects[0].score"),
        ("qd366-hd43", 101, "subjects[0].score"),
        ("qd366-hd43", "80,5", "subjects[0].score"),
        ("qd366-hd43", 80.5, "subjects[0].score"),
        ("qd366-hd43", True, "subjects[0].score"),
    ],
)
def test_bad_scores_are_refused(profile: str, score: object, field: str) -> None:
    with pytest.raises(RuleInputError) as caught:
        decide(profile, score=score)
    assert caught.value.field == field


def test_newly_admitted_members_are_rated_under_hd21_only() -> None:
    member = Member(1, "An", Membership.OFFICIAL, admitted=date(2025, 9, 1))
    meeting = date(2025, 12, 10)
    months = {name: p.min_months_since_admission for name, p in PROFILES.items()}
    assert not_rated_reason(member, meeting, months["qd132-hd21"]) is None
    assert not_rated_reason(member, meeting, months["qd124-hd25"]) is not None
    assert not_rated_reason(member, meeting, months["qd366-hd43"]) is not None


def test_each_profile_cites_its_own_regulation() -> None:
    cites = {name: p.citation("cap.disciplined") for name, p in PROFILES.items()}
    assert "21-HD/BTCTW" in cites["qd132-hd21"]
    assert "124-QĐ/TW, Điều 12, khoản 4, điểm 4.3" in cites["qd124-hd25"]
    assert "366-QĐ/TW" in cites["qd366-hd43"]
    assert "Điều 11" in PROFILES["qd366-hd43"].citation("cap.score")
    for profile in PROFILES.values():
        for rule in (
            "quorum.two_thirds",
            "majority.cumulative.XS",
            "quota.over",
            "runoff.kept",
            "cap.head",
            "cap.sick_leave",
            "not_rated.exempted",
            "base.roll",
        ):
            assert profile.citation(rule), (profile.name, rule)
