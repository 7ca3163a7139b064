"""The runoff at the quota boundary (docs/RULES.md §4.7) as the rule engine decides it, and the
consolidated proposal across rounds.

The two scenarios of the issue that found the bug: quota 3 with one member kept and 3 tied for
2 places (the old runoff kept 1); quota 2 with one kept and 10 tied for 1 place (the old runoff
kept 2, proposing 3 excellent out of 11 good).
"""

from __future__ import annotations

from typing import Any

import pytest

from tally.errors import RuleInputError
from tally.rules import decide_json
from tally.rules.consolidate import consolidate, runoff_input

ROLL = {"official": 20, "excluded": 0, "present": 20}


def votes(xs: int, tot: int = 0, ht: int = 0, kht: int = 0) -> dict[str, int]:
    return {"XS": xs, "TOT": tot, "HT": ht, "KHT": kht}


def rating_round(kept: int, tied: int, good_only: int) -> dict[str, Any]:
    subjects = [{"id": f"k{i}", "votes": votes(20 - i)} for i in range(kept)]
    subjects += [{"id": f"t{i}", "votes": votes(15, 5)} for i in range(tied)]
    subjects += [{"id": f"g{i}", "votes": votes(2, 18)} for i in range(good_only)]
    request = {"roll": ROLL, "subjects": subjects}
    return {"round": 1, "input": request, "output": decide_json(request)}


def runoff_round(rounds: list[dict[str, Any]], chosen: dict[str, int], number: int) -> dict:
    proposal = consolidate(rounds)
    request = runoff_input(proposal, rounds[0]["input"], {**ROLL, "ballots": 19}, chosen)
    return {"round": number, "input": request, "output": decide_json(request)}


def test_three_tied_for_two_places_two_are_kept() -> None:
    first = rating_round(kept=1, tied=3, good_only=11)  # 15 good → quota 3
    group = first["output"]["quota"][0]
    assert (group["max_excellent"], group["kept"], group["tied"]) == (3, ["k0"], ["t0", "t1", "t2"])
    second = runoff_round([first], {"t0": 12, "t1": 10, "t2": 4}, 2)
    result = second["output"]["quota"][0]
    assert result["places"] == 2 and result["kept_before"] == ["k0"]
    assert (result["kept"], result["over"], result["tied"]) == (["t0", "t1"], ["t2"], [])
    proposal = consolidate([first, second])
    levels = {s["id"]: s["level"] for s in proposal["subjects"]}
    assert sum(1 for level in levels.values() if level == "XS") == 3  # no place withheld
    assert levels["t2"] == "TOT"
    assert proposal["quota"][0]["kept"] == ["k0", "t0", "t1"]
    assert proposal["quota"][0]["over"] == ["t2"] and proposal["quota"][0]["tied"] == []


def test_ten_tied_for_one_place_one_is_kept() -> None:
    first = rating_round(kept=1, tied=10, good_only=0)  # 11 good → quota 2
    assert first["output"]["quota"][0]["max_excellent"] == 2
    chosen = {f"t{i}": (9 if i == 4 else 1) for i in range(10)}
    second = runoff_round([first], chosen, 2)
    result = second["output"]["quota"][0]
    assert result["places"] == 1 and result["kept"] == ["t4"] and result["tied"] == []
    proposal = consolidate([first, second])
    excellent = [s["id"] for s in proposal["subjects"] if s["level"] == "XS"]
    assert excellent == ["k0", "t4"]  # 2 of 11 good, never 3
    trace = next(s for s in second["output"]["subjects"] if s["id"] == "t4")["trace"]
    assert any("còn 1 chỗ cho 10 đồng chí bằng phiếu" in line for line in trace)
    assert any("tỷ lệ tối đa 2 XS (11 đạt TOT trở lên)" in line for line in trace)


def test_a_tie_in_the_runoff_is_flagged_again_and_a_second_runoff_fills_the_place() -> None:
    first = rating_round(kept=1, tied=3, good_only=11)
    second = runoff_round([first], {"t0": 11, "t1": 7, "t2": 7}, 2)
    result = second["output"]["quota"][0]
    assert (result["kept"], result["tied"], result["over"]) == (["t0"], ["t1", "t2"], [])
    tied = {s["id"]: s for s in second["output"]["subjects"]}
    assert tied["t1"]["quota"] == "tie" and tied["t1"]["level"] == "XS"
    assert any("không phá hoà" in line for line in tied["t1"]["trace"])
    third = runoff_round([first, second], {"t1": 3, "t2": 12}, 3)
    assert third["input"]["runoff"]["groups"][0]["kept"] == ["k0", "t0"]
    assert third["output"]["quota"][0]["places"] == 1
    proposal = consolidate([first, second, third])
    assert [s["id"] for s in proposal["subjects"] if s["level"] == "XS"] == ["k0", "t0", "t2"]
    t1 = next(s for s in proposal["subjects"] if s["id"] == "t1")
    assert (t1["level"], t1["quota"], t1["rounds"]) == ("TOT", "over", [1, 2, 3])
    assert t1["steps"][-1] == {
        "code": "final",
        "rule": "final",
        "values": {"level": "TOT", "status": "decided"},
    }


def test_runoff_without_quorum_decides_nothing() -> None:
    first = rating_round(kept=1, tied=3, good_only=11)
    request = runoff_input(
        consolidate([first]), first["input"], {**ROLL, "present": 10}, {"t0": 5, "t1": 1, "t2": 0}
    )
    out = decide_json(request)
    assert out["valid"] is False
    assert out["quota"][0]["tied"] == ["t0", "t1", "t2"] and out["quota"][0]["kept"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["runoff"]["groups"][0].update(kept=["k0", "x", "y"]), "runoff.groups[0].kept"),
        (lambda r: r.update(subjects=r["subjects"][:1]), "runoff.groups[0]"),
        (lambda r: r["subjects"][0].update(group="other"), "subjects[0]"),
        (lambda r: r["subjects"][0].update(id="k0"), "subjects[0]"),
        (lambda r: r["subjects"][0]["votes"].update(XS=20), "subjects[0].votes.XS"),
        (lambda r: r["subjects"][0]["votes"].update(TOT=1), "subjects[0].votes.TOT"),
        (lambda r: r["subjects"][0].update(disciplined=True), "subjects[0].disciplined"),
        (lambda r: r.update(collectives={"a": "XS"}), "collectives"),
        (
            lambda r: r["runoff"]["groups"][0].update(max_excellent=30),
            "runoff.groups[0].max_excellent",
        ),
        (lambda r: r["runoff"].update(groups=[]), "runoff.groups"),
    ],
)
def test_runoff_input_is_checked(change: Any, field: str) -> None:
    first = rating_round(kept=1, tied=3, good_only=11)
    request = runoff_input(
        consolidate([first]), first["input"], {**ROLL, "ballots": 19}, {"t0": 5, "t1": 5, "t2": 5}
    )
    change(request)
    with pytest.raises(RuleInputError) as caught:
        decide_json(request)
    assert caught.value.field == field


def test_choices_beyond_the_places_are_refused() -> None:
    first = rating_round(kept=1, tied=3, good_only=11)  # 2 places, 19 ballots: at most 38
    request = runoff_input(
        consolidate([first]), first["input"], {**ROLL, "ballots": 19}, {"t0": 19, "t1": 19, "t2": 1}
    )
    with pytest.raises(RuleInputError, match="at most 38"):
        decide_json(request)
