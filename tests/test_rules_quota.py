"""The excellent quota per group (docs/RULES.md §4.6): 20% rounded down, small groups, ranking,
ties, and the exclusive reading (the cap holds on the final proposal)."""

from __future__ import annotations

import pytest

from tally.rules import decide_json
from tally.rules.profiles import QuotaRule
from tally.rules.quota import max_excellent

PRESENT = 20


def xs(xs_votes: int, tot_votes: int = 0) -> dict[str, int]:
    """Votes that give XS (xs_votes > 10 of 20)."""
    return {"XS": xs_votes, "TOT": tot_votes, "HT": 0, "KHT": 0}


GOOD = {"XS": 2, "TOT": 16, "HT": 2, "KHT": 0}
COMPLETE = {"XS": 0, "TOT": 2, "HT": 16, "KHT": 2}


def run(subjects: list[dict], **top: object) -> dict:
    return decide_json(
        {
            "roll": {"official": PRESENT, "excluded": 0, "present": PRESENT},
            "subjects": subjects,
            **top,
        }
    )


def by_id(out: dict) -> dict[str, dict]:
    return {subject["id"]: subject for subject in out["subjects"]}


@pytest.mark.parametrize(
    ("good", "limit"),
    [(0, 1), (1, 1), (4, 1), (5, 1), (9, 1), (10, 2), (14, 2), (15, 3), (25, 5), (29, 5), (30, 6)],
)
def test_max_excellent(good: int, limit: int) -> None:
    assert max_excellent(good, QuotaRule()) == limit


def test_four_good_all_excellent_keeps_one() -> None:
    out = run([{"id": f"m{i}", "votes": xs(18 - i, 2)} for i in range(4)])
    group = out["quota"][0]
    assert (group["good"], group["max_excellent"]) == (4, 1)
    assert group["kept"] == ["m0"] and group["over"] == ["m1", "m2", "m3"] and group["tied"] == []
    subjects = by_id(out)
    assert subjects["m0"]["level"] == "XS" and subjects["m0"]["quota"] == "kept"
    for other in ("m1", "m2", "m3"):
        assert subjects[other]["vote_level"] == "XS"
        assert subjects[other]["level"] == "TOT" and subjects[other]["quota"] == "over"
        assert any("vượt tỷ lệ" in line for line in subjects[other]["trace"])
    assert any("dưới 5 người đạt TOT trở lên: 4" in line for line in subjects["m0"]["trace"])


def test_five_good_keeps_one() -> None:
    subjects = [{"id": "a", "votes": xs(15)}, {"id": "b", "votes": xs(12)}]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(3)]
    group = run(subjects)["quota"][0]
    assert (group["good"], group["max_excellent"], group["kept"], group["over"]) == (
        5,
        1,
        ["a"],
        ["b"],
    )


def test_ten_good_keeps_two_ranked_by_excellent_then_good_votes() -> None:
    subjects = [
        {"id": "a", "votes": xs(12, 2)},
        {"id": "b", "votes": xs(12, 6)},
        {"id": "c", "votes": xs(16, 0)},
    ]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(7)]
    out = run(subjects)
    group = out["quota"][0]
    assert (group["good"], group["max_excellent"]) == (10, 2)
    assert group["kept"] == ["c", "b"] and group["over"] == ["a"]
    assert any("20% × 10, làm tròn xuống" in line for line in by_id(out)["c"]["trace"])


def test_tie_at_the_boundary_is_flagged_and_never_broken() -> None:
    subjects = [
        {"id": "a", "votes": xs(16)},
        {"id": "b", "votes": xs(13, 3)},
        {"id": "c", "votes": xs(13, 3)},
        {"id": "d", "votes": xs(11)},
    ]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(6)]
    out = run(subjects)
    group = out["quota"][0]
    assert group["max_excellent"] == 2
    assert (group["kept"], group["tied"], group["over"]) == (["a"], ["b", "c"], ["d"])
    result = by_id(out)
    for tied in ("b", "c"):
        assert result[tied]["level"] == "XS" and result[tied]["quota"] == "tie"
        assert any("không phá hoà" in line for line in result[tied]["trace"])
    assert result["d"]["level"] == "TOT" and result["d"]["quota"] == "over"


def test_equal_xs_votes_are_separated_by_good_or_better_votes() -> None:
    subjects = [{"id": "a", "votes": xs(13, 1)}, {"id": "b", "votes": xs(13, 3)}]
    group = run(subjects)["quota"][0]
    assert (group["kept"], group["over"], group["tied"]) == (["b"], ["a"], [])


def test_ties_away_from_the_boundary_are_not_flagged() -> None:
    subjects = [{"id": f"x{i}", "votes": xs(14)} for i in range(2)]
    subjects += [{"id": "low1", "votes": xs(11)}, {"id": "low2", "votes": xs(11)}]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(6)]
    group = run(subjects)["quota"][0]
    assert (group["kept"], group["tied"], group["over"]) == (["x0", "x1"], [], ["low1", "low2"])


def test_everyone_tied_with_a_limit_of_one() -> None:
    group = run([{"id": c, "votes": xs(12)} for c in "abc"])["quota"][0]
    assert (group["kept"], group["tied"], group["over"]) == ([], ["a", "b", "c"], [])


def test_within_quota_all_kept() -> None:
    subjects = [{"id": "a", "votes": xs(15)}] + [{"id": f"g{i}", "votes": GOOD} for i in range(4)]
    out = run(subjects)
    assert out["quota"][0]["kept"] == ["a"]
    assert by_id(out)["a"]["quota"] == "kept"
    assert by_id(out)["g0"]["quota"] is None


def test_groups_are_separate() -> None:
    subjects = [
        {"id": "lead1", "votes": xs(15), "group": "lãnh đạo"},
        {"id": "lead2", "votes": xs(14), "group": "lãnh đạo"},
        {"id": "staff1", "votes": xs(13), "group": "chuyên viên"},
        {"id": "staff2", "votes": COMPLETE, "group": "chuyên viên"},
    ]
    out = run(subjects)
    groups = {g["group"]: g for g in out["quota"]}
    assert list(groups) == ["lãnh đạo", "chuyên viên"]
    assert groups["lãnh đạo"]["kept"] == ["lead1"] and groups["lãnh đạo"]["over"] == ["lead2"]
    assert groups["chuyên viên"]["good"] == 1 and groups["chuyên viên"]["kept"] == ["staff1"]


def test_good_without_the_excellent_option() -> None:
    subjects = [{"id": c, "votes": xs(18 - i)} for i, c in enumerate("abc")]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(7)]
    default = run(subjects)["quota"][0]
    assert (default["good"], default["max_excellent"], default["over"]) == (10, 2, ["c"])
    without = run(subjects, options={"good_includes_excellent": False})["quota"][0]
    # 10 at TOT or better; keeping 2 would leave 8 at TOT, and 2 > 20% of 8: one is kept
    assert (without["good"], without["max_excellent"], without["over"]) == (10, 1, ["b", "c"])


def test_caps_apply_before_the_quota_ranking() -> None:
    """A subject capped below XS takes no XS place and does not push others over."""
    subjects = [
        {"id": "a", "votes": xs(17), "sick_leave_months": 3},
        {"id": "b", "votes": xs(16)},
        {"id": "c", "votes": xs(12)},
    ]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(7)]
    out = run(subjects)
    group = out["quota"][0]
    # a is capped to HT: not XS, not good; b and c are the XS candidates; good = 9 → max 1
    assert group["good"] == 9 and group["max_excellent"] == 1
    assert group["kept"] == ["b"] and group["over"] == ["c"]
    result = by_id(out)
    assert result["a"]["level"] == "HT" and result["a"]["quota"] is None


def test_a_head_capped_to_good_still_counts_as_good() -> None:
    subjects = [{"id": "head", "votes": xs(19), "heads": "cell"}, {"id": "b", "votes": xs(12)}]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(8)]
    out = run(subjects, collectives={"cell": "TOT"})
    group = out["quota"][0]
    assert (group["good"], group["max_excellent"], group["kept"], group["over"]) == (
        10,
        2,
        ["b"],
        [],
    )
    assert by_id(out)["head"]["level"] == "TOT"


def test_not_rated_and_unresolved_take_no_part_in_the_quota() -> None:
    subjects = [
        {"id": "a", "votes": xs(15)},
        {"id": "new", "not_rated": "admitted_under_6_months"},
        {"id": "u", "votes": {"XS": 5, "TOT": 5, "HT": 0, "KHT": 0}},
    ]
    out = run(subjects)
    group = out["quota"][0]
    assert group["good"] == 1 and group["kept"] == ["a"]
    result = by_id(out)
    assert result["new"]["trace"] == ["Không xếp loại: kết nạp chưa đủ 6 tháng"]
    assert result["u"]["status"] == "unresolved"


# --- the exclusive reading: the cap holds on the final proposal --------------------------------


@pytest.mark.parametrize(
    ("excellent", "good_only", "kept"),
    [(3, 9, 2), (4, 14, 3), (1, 4, 1), (2, 4, 1), (2, 10, 2), (7, 35, 7), (8, 35, 7)],
)
def test_exclusive_reading_caps_the_final_proposal(
    excellent: int, good_only: int, kept: int
) -> None:
    """At most 20% of those finally proposed at TOT: ⌊G/6⌋ of the G at TOT or better."""
    subjects = [{"id": f"x{i}", "votes": xs(19 - i, 1)} for i in range(excellent)]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(good_only)]
    out = run(subjects, options={"good_includes_excellent": False})
    group = out["quota"][0]
    assert group["good"] == excellent + good_only
    assert group["max_excellent"] == kept and len(group["kept"]) == kept
    final_xs = sum(1 for s in out["subjects"] if s["level"] == "XS")
    final_tot = sum(1 for s in out["subjects"] if s["level"] == "TOT")
    assert final_xs == kept and final_xs + final_tot == excellent + good_only
    # the cap holds on the final proposal, and no place is withheld
    assert final_xs <= max(1 if final_tot < 5 else final_tot // 5, 0)
    one_more_tot = final_tot - 1
    assert kept == excellent or kept + 1 > (1 if one_more_tot < 5 else one_more_tot // 5)


def test_exclusive_reading_worded_as_a_share_of_the_final_tot() -> None:
    subjects = [{"id": f"x{i}", "votes": xs(19 - i, 1)} for i in range(3)]
    subjects += [{"id": f"g{i}", "votes": GOOD} for i in range(9)]
    out = run(subjects, options={"good_includes_excellent": False})
    line = next(t for t in by_id(out)["x0"]["trace"] if t.startswith("Tỷ lệ XS"))
    assert "tối đa 2 sao cho số XS không quá 20% số đề xuất TOT" in line
    assert "(12 đạt TOT trở lên: 2 XS, 10 TOT)" in line
    inclusive = run(subjects)
    line = next(t for t in by_id(inclusive)["x0"]["trace"] if t.startswith("Tỷ lệ XS"))
    assert "tối đa 2 = 20% × 12, làm tròn xuống (12 đạt TOT trở lên)" in line


@pytest.mark.parametrize("good", range(0, 40))
def test_exclusive_limit_is_the_largest_that_holds(good: int) -> None:
    rule = QuotaRule()
    limit = max_excellent(good, rule, good_includes_excellent=False)
    assert limit <= good
    if good >= 6:
        assert limit == good // 6
    elif good:
        assert limit == 1
