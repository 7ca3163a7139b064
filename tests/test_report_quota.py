"""The organisation's binding quota across cells (``tally.report``), on hand-made proposals.

Each case is worked by hand in its docstring; the records-based tests
(``test_report_records.py``) show the same rules on real meetings.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from tally.errors import CellError, ReportError
from tally.report.cell import collect_cell
from tally.report.decide import decide_all
from tally.report.document import make_report, organisation_rule, proposals_of
from tally.report.kind_wording import other_round_words
from tally.report.kinds import collect_other_rounds
from tally.report.names import organisation_key, same_organisation
from tally.report.org_quota import organisation_quota
from tally.report.wording import render_json_steps, short_reason
from tally.rules.profiles import QuotaRule

RULE = QuotaRule()


def member(
    number: int, level: str | None, xs: int, tot: int, base: int, **more: object
) -> dict[str, object]:
    """A member of a cell's proposal as ``tally.report.cell.collect_cell`` gives it."""
    return {
        "id": f"m{number:03d}",
        "name": f"Member {number}",
        "group": more.get("group", "default"),
        "proposed": level,
        "status": more.get("status", "decided" if level else "unresolved"),
        "cell_quota": more.get("cell_quota", "kept" if level == "XS" else None),
        "votes": {"XS": xs, "TOT": tot, "HT": base - xs - tot, "KHT": 0},
        "blank": 0,
        "base": base,
        "rounds": [1],
        "steps": [],
    }


def cell(name: str, *members: dict[str, object], reading: str = "inclusive") -> dict:
    return {
        "cell": name,
        "organisation": "Đảng bộ Ví dụ",
        "date": "2026-12-15",
        "locality": "Hà Nội",
        "profile": "qd366-hd43 v2",
        "reading": reading,
        "quota_rule": {"share": "1/5", "small_group_below": 5, "small_group_max": 1},
        "rating_round": 1,
        "rounds": [1],
        "members": list(members),
        "not_rated": [],
        "other_rounds": [],
    }


def goods(name: str, count: int, base: int, start: int = 2) -> list[dict[str, object]]:
    return [member(start + i, "TOT", 0, base, base) for i in range(count)]


def outcome_of(cells: list[dict]):
    proposals = proposals_of(cells)
    rule, inclusive = organisation_rule(cells)
    outcomes = organisation_quota(proposals, rule, inclusive)
    return outcomes, decide_all(proposals, outcomes)


def names(part) -> list[str]:
    return [f"{p.member.cell}/{p.member.id}" for p in part]


def test_each_cell_within_its_quota_the_organisation_over():
    """Three cells of 4 good members with one XS each: each within (fewer than 5 → at most 1).
    The organisation has 12 good → floor(12 / 5) = 2. Ranked by shares: A 4/4, B 3/4 (good 4/4),
    C 3/4 (good 3/4) → C is over: decided TOT, one level lower."""
    cells = [
        cell("A", member(1, "XS", 4, 0, 4), *goods("A", 3, 4)),
        cell("B", member(1, "XS", 3, 1, 4), *goods("B", 3, 4)),
        cell("C", member(1, "XS", 3, 0, 4), *goods("C", 3, 4)),
    ]
    (group,), decisions = outcome_of(cells)
    assert (group.good, group.max_excellent) == (12, 2)
    assert names(group.kept) == ["A/m001", "B/m001"]
    assert names(group.over) == ["C/m001"]
    decided = {f"{d.proposal.member.cell}/{d.proposal.member.id}": d for d in decisions}
    assert decided["C/m001"].decided == "TOT" and decided["C/m001"].proposal.proposed == "XS"
    assert decided["A/m001"].decided == "XS"
    assert all(d.decided == "TOT" for key, d in decided.items() if key.endswith("m002"))


def test_the_organisation_within_while_a_cell_is_not():
    """A cell of 4 with one XS (25% of its good, allowed: fewer than 5) beside a cell of 8 TOT:
    the organisation has 12 good → 2 places, one candidate: kept."""
    cells = [cell("A", member(1, "XS", 3, 1, 4), *goods("A", 3, 4)), cell("B", *goods("B", 8, 8))]
    (group,), decisions = outcome_of(cells)
    assert names(group.kept) == ["A/m001"] and not group.over and not group.tied
    assert [d.decided for d in decisions].count("XS") == 1


def test_shares_of_each_cell_base_rank_never_raw_counts():
    """5 XS votes of 8 (62.5%) rank below 3 of 4 (75%), though 5 > 3."""
    cells = [
        cell("Big", member(1, "XS", 5, 3, 8), *goods("Big", 3, 8)),
        cell("Small", member(1, "XS", 3, 1, 4), *goods("Small", 0, 4)),
    ]
    (group,), _ = outcome_of(cells)
    assert group.max_excellent == 1  # 5 good: floor(1) = 1
    assert names(group.kept) == ["Small/m001"] and names(group.over) == ["Big/m001"]


def test_equal_shares_of_different_bases_tie_at_the_boundary_and_are_never_broken():
    """3/4 and 6/8 XS with every vote good: equal keys (3/4, 1) at the boundary of 2 places
    with 4/4 above them → both tied, one place left for the committee; no level decided."""
    cells = [
        cell("A", member(1, "XS", 4, 0, 4), *goods("A", 3, 4)),
        cell("B", member(1, "XS", 3, 1, 4), *goods("B", 3, 4)),
        cell("C", member(1, "XS", 6, 2, 8), *goods("C", 3, 8)),
    ]
    (group,), decisions = outcome_of(cells)
    assert (group.good, group.max_excellent, group.places) == (12, 2, 1)
    assert names(group.kept) == ["A/m001"]
    assert sorted(names(group.tied)) == ["B/m001", "C/m001"] and not group.over
    tied = [d for d in decisions if d.status == "tied"]
    assert len(tied) == 2 and all(d.decided is None for d in tied)
    assert group.place(group.tied[0]) == group.place(group.tied[1]) == 2


def test_a_tie_wholly_inside_the_quota_is_not_flagged():
    cells = [
        cell("A", member(1, "XS", 3, 1, 4), *goods("A", 6, 4)),
        cell("B", member(1, "XS", 6, 2, 8), *goods("B", 3, 8)),
    ]
    (group,), _ = outcome_of(cells)
    assert group.max_excellent == 2 and len(group.kept) == 2 and not group.tied


def test_the_committee_never_raises_a_cell_proposal():
    """A member the cell's own quota put at TOT stays TOT although the organisation has room;
    the group lists them for the committee's information and counts them in G."""
    lowered = member(2, "TOT", 4, 1, 5, cell_quota="over")
    cells = [
        cell("A", member(1, "XS", 5, 0, 5), lowered, *goods("A", 3, 5, start=3)),
        cell("B", *goods("B", 10, 10)),
    ]
    (group,), decisions = outcome_of(cells)
    assert group.good == 15 and group.max_excellent == 3
    assert names(group.kept) == ["A/m001"] and names(group.lowered_by_cells) == ["A/m002"]
    assert next(d for d in decisions if d.proposal.member.id == "m002").decided == "TOT"


def test_groups_of_equivalent_positions_are_separate_and_named_alike_across_cells():
    """Leaders (labelled "Lãnh đạo" in A, "lãnh  ĐẠO" in B: one group) have 2 good → 1 place;
    everyone else (the default group) 6 good → 1 place."""
    cells = [
        cell("A", member(1, "XS", 4, 0, 4, group="Lãnh đạo"), *goods("A", 3, 4)),
        cell(
            "B",
            member(1, "XS", 3, 1, 4, group="lãnh  ĐẠO"),
            member(2, "XS", 4, 0, 4),
            *goods("B", 2, 4, start=3),
        ),
    ]
    outcomes, _ = outcome_of(cells)
    by_group = {o.group: o for o in outcomes}
    assert set(by_group) == {"Lãnh đạo", "default"}
    assert by_group["Lãnh đạo"].good == 2 and by_group["Lãnh đạo"].max_excellent == 1
    assert names(by_group["Lãnh đạo"].kept) == ["A/m001"]
    assert names(by_group["Lãnh đạo"].over) == ["B/m001"]
    assert by_group["default"].good == 6 and names(by_group["default"].kept) == ["B/m002"]


def test_the_exclusive_reading_caps_the_final_proposal():
    """12 good under the exclusive reading: the largest X with X ≤ 20% of (12 − X) is 2."""
    cells = [
        cell(
            name,
            member(1, "XS", 4, 0, 4),
            *goods(name, 3, 4),
            reading="exclusive",
        )
        for name in ("A", "B", "C")
    ]
    (group,), _ = outcome_of(cells)
    assert group.max_excellent == 2 and not group.good_includes_excellent
    assert len(group.tied) == 3  # all three 4/4: tied for 2 places


def test_unresolved_and_pending_members_get_no_level_and_take_no_place():
    cells = [
        cell(
            "A",
            member(1, None, 1, 1, 4, status="unresolved"),
            member(2, None, 3, 1, 4, status="pending"),
            *goods("A", 4, 4, start=3),
        )
    ]
    (group,), decisions = outcome_of(cells)
    assert group.good == 4 and not group.ranking
    statuses = {d.proposal.member.id: (d.status, d.decided) for d in decisions}
    assert statuses["m001"] == ("unresolved", None) and statuses["m002"] == ("pending", None)


def test_cells_that_count_good_differently_need_the_reading_given():
    cells = [
        cell("A", member(1, "XS", 4, 0, 4), reading="inclusive"),
        cell("B", member(1, "XS", 4, 0, 4), reading="exclusive"),
    ]
    with pytest.raises(ReportError, match="--reading"):
        organisation_rule(cells)
    rule, inclusive = organisation_rule(cells, "exclusive")
    assert rule.share == Fraction(1, 5) and inclusive is False


def test_cells_with_different_quota_rules_are_refused():
    other = cell("B", member(1, "XS", 4, 0, 4))
    other["quota_rule"] = {"share": "1/4", "small_group_below": 5, "small_group_max": 1}
    with pytest.raises(ReportError, match="quota"):
        organisation_rule([cell("A", member(1, "XS", 4, 0, 4)), other])


def test_the_report_document_has_the_contract_and_worded_reasons():
    cells = [
        cell("A", member(1, "XS", 4, 0, 4), *goods("A", 3, 4)),
        cell("B", member(1, "XS", 3, 1, 4), *goods("B", 3, 4)),
        cell("C", member(1, "XS", 3, 0, 4), *goods("C", 3, 4)),
    ]
    report = make_report("Đảng bộ Ví dụ", [], cells)
    assert {"version", "kind", "organisation", "records", "quota", "decisions", "totals"} <= set(
        report
    )
    assert report["totals"]["levels"] == {"XS": 2, "TOT": 10, "HT": 0, "KHT": 0}
    assert report["totals"]["rated"] == 12 and report["totals"]["excellent_share_of_good"] == (
        "16,7%"
    )
    over = next(d for d in report["decisions"] if d["decided"] != d["proposed"])
    assert over["member"] == {"cell": "C", "id": "m001", "name": "Member 1"}
    assert "vượt tỷ lệ của đảng bộ" in over["trace"][1]
    english = render_json_steps(over["steps"], "en")
    assert "over the organisation's quota" in english[1] and "3/4 = 75.0%" in english[1]
    assert "vượt tỷ lệ" in short_reason(over["steps"])
    assert all(code in over["trace"][1] for code in ("3/4", "tối đa 2"))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Đảng bộ Sở Tài chính", "đảng ủy sở tài  chính", True),
        ("Đảng bộ Sở Tài chính", "Sở Tài chính", True),
        ("Đảng uỷ Sở Tài chính", "ĐẢNG BỘ SỞ TÀI CHÍNH", True),
        ("Đảng bộ Sở Tài chính", "Đảng bộ Sở Y tế", False),
        ("", "", False),
    ],
)
def test_organisation_names_compare_as_documented(a: str, b: str, same: bool) -> None:
    assert same_organisation(a, b) is same
    assert (organisation_key(a) == organisation_key(b)) is (same or not a)


def test_rounds_of_other_kinds_are_listed_never_dropped():
    sections = [
        {"round": 1, "kind": "rating"},
        {"round": 2, "kind": "runoff"},
        {"round": 3, "kind": "a-kind-of-the-future", "fingerprint": "ab"},
    ]
    listed = collect_other_rounds(sections)
    assert listed == [
        {"round": 3, "kind": "a-kind-of-the-future", "fingerprint": "ab", "collected": False}
    ]
    assert "chưa tóm tắt" in other_round_words(listed[0])
    assert "does not summarise" in other_round_words(listed[0], "en")


def minute_of(subjects: list[dict], rated: list[dict]) -> dict:
    """The parts of a signed minute ``collect_cell`` reads."""
    return {
        "meeting": {"cell": "Chi bộ A", "committee_above": "Đảng bộ Ví dụ", "date": "2026-12-15"},
        "profile": {"label": "qd366-hd43 v2", "options": {"good_includes_excellent": False}},
        "proposal": {"rounds": [1], "subjects": subjects},
        "rounds": [{"round": 1, "kind": "rating", "subjects": rated}],
        "roll": {"not_rated": [], "not_on_ballot": [{"name": "B", "text": "vắng cả năm"}]},
    }


def test_a_cell_is_read_from_its_minute_with_groups_from_the_rule_input():
    decided = {
        "id": "m1",
        "name": "A",
        "level": "XS",
        "status": "decided",
        "quota": "kept",
        "rounds": [1],
        "steps": [],
    }
    not_rated = {
        "id": "m2",
        "name": "C",
        "level": None,
        "status": "not_rated",
        "quota": None,
        "rounds": [1],
        "steps": [
            {"code": "not_rated", "rule": "not_rated.exempted", "values": {"reason": "exempted"}}
        ],
    }
    facts = {"id": "m1", "votes": {"XS": 3, "TOT": 1, "HT": 0, "KHT": 0}, "blank": 0, "base": 4}
    inputs = {1: {"subjects": [{"id": "m1", "group": "Lãnh đạo"}, {"id": "m2"}]}}
    cell = collect_cell(minute_of([decided, not_rated], [facts]), inputs)
    (member,) = cell["members"]
    assert (member["group"], member["proposed"], member["base"]) == ("Lãnh đạo", "XS", 4)
    assert member["votes"]["XS"] == 3 and cell["reading"] == "exclusive"
    assert cell["quota_rule"] == {"share": "1/5", "small_group_below": 5, "small_group_max": 1}
    assert [(n["name"], n["reason"]) for n in cell["not_rated"]] == [
        ("B", "not_on_ballot"),
        ("C", "exempted"),
    ]
    broken = minute_of([decided], [])
    with pytest.raises(CellError, match="minute"):
        collect_cell(broken, inputs)
    unknown = minute_of([decided], [facts])
    unknown["profile"] = {"label": "no-such-profile v9"}
    with pytest.raises(CellError, match="profile"):
        collect_cell(unknown, inputs)
