"""The rules of the other secret ballots (docs/RULES.md §6): the confidence vote, yes/no
decisions and the cell's self-rating, at their boundaries, through ``decide_json`` and the
``phieukin rules decide`` command (the ``"kind"`` field; absent, the rating is unchanged)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tally.errors import RuleInputError
from tally.rules import decide_json
from tests.test_rules_cli import run_in_process


def confidence(low: int, *, high: int = 0, convened: int = 24, present: int = 18, **extra) -> dict:
    """One person with ``low`` "tín nhiệm thấp" votes, the rest of ``present`` ballots at TN."""
    votes = {"CAO": high, "TN": present - high - low, "THAP": low}
    return {
        "kind": "confidence",
        "convened": convened,
        "present": present,
        "subjects": [{"id": "a", "votes": votes}],
        **extra,
    }


def flag_of(request: dict) -> str | None:
    return decide_json(request)["subjects"][0]["flag"]


@pytest.mark.parametrize(
    ("low", "present", "flag"),
    [
        (9, 18, None),  # exactly one half: not flagged
        (10, 18, "over_half_low"),  # just over half
        (11, 18, "over_half_low"),  # just under two thirds
        (12, 18, "two_thirds_low"),  # exactly two thirds
        (18, 18, "two_thirds_low"),
        (10, 21, None),  # 10 of 21 is under half
        (11, 21, "over_half_low"),
        (13, 21, "over_half_low"),  # 13/21 < 2/3
        (14, 21, "two_thirds_low"),  # 14/21 = 2/3 exactly
        (0, 18, None),
    ],
)
def test_low_confidence_flags_at_exactly_one_half_and_two_thirds(
    low: int, present: int, flag: str | None
) -> None:
    assert flag_of(confidence(low, present=present, convened=present)) == flag


def test_each_flag_carries_its_consequence_in_words() -> None:
    for low, words in ((10, "có thể xin thôi giữ chức vụ"), (12, "không chờ hết nhiệm kỳ")):
        subject = decide_json(confidence(low))["subjects"][0]
        assert words in subject["trace"][-1]
        assert subject["steps"][-1]["values"]["flag"] == subject["flag"]
    none = decide_json(confidence(9))["subjects"][0]
    assert "không quá 1/2" in none["trace"][-1]


@pytest.mark.parametrize(
    ("convened", "present", "valid", "required"),
    [
        (24, 16, True, 16),
        (24, 15, False, 16),
        (25, 17, True, 17),
        (25, 16, False, 17),
        (3, 2, True, 2),
    ],
)
def test_quorum_is_exactly_two_thirds_of_those_convened(
    convened: int, present: int, valid: bool, required: int
) -> None:
    out = decide_json(confidence(0, convened=convened, present=present))
    assert (out["valid"], out["quorum_required"]) == (valid, required)
    subject = out["subjects"][0]
    if not valid:
        assert subject["flag"] is None
        assert [s["code"] for s in subject["steps"]] == ["convened_quorum"]
        assert "không có giá trị" in subject["trace"][0]


def test_the_base_is_the_ballots_cast_or_those_convened() -> None:
    # 10 low of 18 ballots is over half; of 24 convened it is not
    ballots = decide_json(confidence(10, convened=24, present=18))
    convened = decide_json(confidence(10, convened=24, present=18, options={"base": "convened"}))
    assert (ballots["base"], ballots["subjects"][0]["flag"]) == (18, "over_half_low")
    assert (convened["base"], convened["subjects"][0]["flag"]) == (24, None)
    # ballots received, not those present, are the ballots cast; a blank answer stays in the base
    request = confidence(8, present=18, ballots=16)
    request["subjects"][0]["votes"] = {"CAO": 0, "TN": 7, "THAP": 8}
    out = decide_json(request)
    assert out["base"] == 16 and out["subjects"][0]["flag"] is None  # 8 of 16 is one half
    votes = out["subjects"][0]["steps"][1]["values"]
    assert (votes["blank"], votes["ballots"]) == (1, 16)


def approval(yes: int, no: int = 0, **extra) -> dict:
    roll = extra.pop("roll", {"official": 20, "excluded": 0, "present": 18, "ballots": 18})
    return {
        "kind": "approval",
        "roll": roll,
        "subjects": [{"id": "q", "votes": {"YES": yes, "NO": no}}],
        **extra,
    }


def test_approval_needs_more_than_half_of_the_base_exactly_half_is_rejected() -> None:
    assert decide_json(approval(10, 8))["subjects"][0]["status"] == "rejected"  # 10 of 20
    assert decide_json(approval(11, 7))["subjects"][0]["status"] == "approved"
    out = decide_json(approval(10, 8))
    assert (out["base"], out["quorum_required"], out["valid"]) == (20, 14, True)
    assert "cần ≥ 11" in out["subjects"][0]["trace"][-1]


def test_approval_base_options_and_quorum() -> None:
    present = approval(9, 9, options={"base": "present"})
    assert decide_json(present)["subjects"][0]["status"] == "rejected"  # 9 of 18
    assert (
        decide_json(approval(10, 8, options={"base": "present"}))["subjects"][0]["status"]
        == "approved"
    )
    valid_only = approval(9, 8, options={"base": "valid_for_person"})  # 9 of the 17 who answered
    assert decide_json(valid_only)["subjects"][0]["status"] == "approved"
    below = approval(13, 0, roll={"official": 20, "excluded": 0, "present": 13})
    out = decide_json(below)
    assert (out["valid"], out["subjects"][0]["status"]) == (False, "rejected")
    assert out["subjects"][0]["steps"][-1]["rule"] == "approval.no_quorum"
    half = approval(
        11,
        0,
        roll={"official": 20, "excluded": 0, "present": 11},
        options={"quorum": "more_than_half"},
    )
    assert decide_json(half)["valid"] is True


def test_self_rating_approves_the_score_and_rates_the_cell_without_a_quota() -> None:
    request = {
        "kind": "self_rating",
        "roll": {"official": 20, "excluded": 0, "present": 18, "ballots": 18},
        "score": {"YES": 10, "NO": 8},
        "level": {"XS": 11, "TOT": 7, "HT": 0, "KHT": 0},
    }
    out = decide_json(request)
    assert set(out) == {"kind", "valid", "base", "quorum_required", "score", "level"}
    assert out["score"]["status"] == "rejected"  # exactly half of the base 20
    assert (out["level"]["level"], out["level"]["quota"]) == ("XS", None)
    assert "quota" not in [s["code"] for s in out["level"]["steps"]]
    # the same majority rules as for members, over the same base
    member = decide_json(
        {"roll": request["roll"], "subjects": [{"id": "level", "votes": request["level"]}]}
    )["subjects"][0]
    assert [s for s in member["steps"] if s["code"] != "quota"] == out["level"]["steps"]
    present = decide_json({**request, "options": {"base": "present"}})
    assert present["score"]["status"] == "approved"  # 10 of 18 present


def test_a_collective_subject_takes_no_quota_and_no_member_facts() -> None:
    roll = {"official": 10, "excluded": 0, "present": 10}
    votes = {"XS": 10, "TOT": 0, "HT": 0, "KHT": 0}
    out = decide_json(
        {
            "roll": roll,
            "subjects": [
                {"id": "cell", "votes": votes, "collective": True},
                {"id": "a", "votes": votes},
            ],
        }
    )
    assert [s["quota"] for s in out["subjects"]] == [None, "kept"]
    assert out["quota"][0]["good"] == 1
    with pytest.raises(RuleInputError) as error:
        decide_json(
            {
                "roll": roll,
                "subjects": [{"id": "c", "votes": votes, "collective": True, "group": "x"}],
            }
        )
    assert error.value.field == "subjects[0].collective"


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"kind": "election"}, "kind"),
        ({**confidence(1), "convened": 0}, "convened"),
        ({**confidence(1), "present": 25}, "present"),
        ({**confidence(1), "ballots": 19}, "ballots"),
        ({**confidence(1), "options": {"base": "present"}}, "options.base"),
        ({**confidence(1), "roll": {}}, "roll"),
        (
            {**confidence(1), "subjects": [{"id": "a", "votes": {"CAO": -1, "TN": 0, "THAP": 0}}]},
            "subjects[0].votes.CAO",
        ),
        (
            {**confidence(1), "subjects": [{"id": "a", "votes": {"CAO": 19, "TN": 0, "THAP": 0}}]},
            "subjects[0].votes",
        ),
        ({**approval(1), "options": {"base": "ballots"}}, "options.base"),
        ({**approval(1), "subjects": [{"id": "q", "votes": {"YES": 1}}]}, "subjects[0].votes.NO"),
        (
            {**approval(1), "subjects": [{"id": "q", "votes": {"YES": 1, "NO": 0}}] * 2},
            "subjects[1].id",
        ),
        (
            {
                "kind": "self_rating",
                "roll": {"official": 5, "excluded": 0, "present": 5},
                "score": {"YES": 1, "NO": 0},
            },
            "level",
        ),
        (
            {
                "kind": "self_rating",
                "roll": {"official": 5, "excluded": 0, "present": 5},
                "score": {"YES": 1, "NO": 0},
                "level": {"XS": 6, "TOT": 0, "HT": 0, "KHT": 0},
            },
            "level",
        ),
    ],
)
def test_invalid_input_names_the_field(request_: dict, field: str) -> None:
    with pytest.raises(RuleInputError) as error:
        decide_json(request_)
    assert error.value.field == field


def test_the_command_takes_each_kind_and_exits_2_naming_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(confidence(12)), encoding="utf-8")
    code, out, err = run_in_process(["rules", "decide", str(path)], monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert set(answer) == {"kind", "valid", "base", "quorum_required", "subjects"}
    assert set(answer["subjects"][0]) == {"id", "votes", "flag", "trace", "steps"}
    assert answer["subjects"][0]["flag"] == "two_thirds_low"
    code, out, _ = run_in_process(
        ["rules", "decide", "-"], json.dumps(approval(11, 7)), monkeypatch
    )
    assert code == 0 and json.loads(out)["subjects"][0]["status"] == "approved"
    bad = {**approval(1), "subjects": [{"id": "q", "votes": {"YES": "1", "NO": 0}}]}
    code, out, err = run_in_process(["rules", "decide", "-"], json.dumps(bad), monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith("phieukin rules decide: invalid input: subjects[0].votes.YES:")
    rating = {
        "kind": "rating",
        "roll": {"official": 3, "excluded": 0, "present": 3},
        "subjects": [{"id": "a", "votes": {"XS": 2, "TOT": 1, "HT": 0, "KHT": 0}}],
    }
    plain = {key: value for key, value in rating.items() if key != "kind"}
    assert decide_json(rating) == decide_json(plain)  # "kind": "rating" is the rating, unchanged
