"""Which records the committee's report counts, which organisation it is for, and the roll-up's
checks of the reports it is given (``tally.report.selection``, ``tally.report.rollup``)."""

from __future__ import annotations

import copy

import pytest

from tally.errors import ReportError
from tally.report.document import make_report
from tally.report.rollup import rollup
from tally.report.selection import choose_organisation, select_records
from tests.test_report_quota import cell, goods, member

ORGANISATION = "Đảng bộ Ví dụ"


def check(file: str, cell_name: str, verdict: str = "final", **more: object) -> dict:
    """One record's check as the report's workers return it."""
    organisation = more.get("organisation", ORGANISATION)
    collected = cell(cell_name, member(1, "XS", 4, 0, 4), *goods(cell_name, 3, 4))
    return {
        "file": file,
        "verdict": verdict,
        "findings": [] if verdict == "final" else [f"check.{verdict} — record: detail"],
        "head": more.get("head", f"{file}-head"),
        "fingerprints": ["f" * 64],
        "cell": cell_name,
        "organisation": organisation,
        "collected": more.get("collected", collected if verdict == "final" else None),
        "problem": more.get("problem"),
    }


def test_only_final_records_of_the_organisation_count_each_other_with_its_reason():
    checks = [
        check("a.zip", "A"),
        check("b.zip", "B", "unsound"),
        check("c.zip", "C", "interim"),
        check("d.zip", "D", "unchecked"),
        {**check("e.zip", "E"), "verdict": "unreadable", "head": None, "collected": None},
        check("f.zip", "F", organisation="Đảng bộ Khác"),
        check("a-again.zip", "A", head="a.zip-head"),
        check("g.zip", "G", collected=None, problem="minute: lacks 'proposal'"),
    ]
    records, cells = select_records(checks, ORGANISATION)
    reasons = {r["file"]: r["reason"] for r in records}
    assert reasons == {
        "a.zip": None,
        "b.zip": "unsound",
        "c.zip": "interim",
        "d.zip": "unchecked",
        "e.zip": "unreadable",
        "f.zip": "other_organisation",
        "a-again.zip": "duplicate",
        "g.zip": "not_collected",
    }
    assert [c["cell"] for c in cells] == ["A"] and cells[0]["head"] == "a.zip-head"
    assert [r["counted"] for r in records] == [True] + [False] * 7
    other = next(r for r in records if r["file"] == "f.zip")
    assert other["verified"] is True and "Đảng bộ Khác" in other["findings"][-1]
    assert "a.zip" in next(r for r in records if r["file"] == "a-again.zip")["findings"][-1]


def test_two_final_records_of_one_cell_count_neither():
    records, cells = select_records(
        [check("a1.zip", "Chi bộ A"), check("a2.zip", "chi bộ  a"), check("b.zip", "B")],
        ORGANISATION,
    )
    assert [c["cell"] for c in cells] == ["B"]
    assert [r["reason"] for r in records] == ["same_cell", "same_cell", None]


def test_the_organisation_is_the_one_named_or_the_one_every_final_record_names():
    checks = [check("a.zip", "A"), check("b.zip", "B", organisation="đảng ủy ví  dụ")]
    assert choose_organisation(checks, None) == ORGANISATION
    assert choose_organisation(checks, "  Đảng bộ   Khác ") == "Đảng bộ Khác"
    mixed = [*checks, check("c.zip", "C", organisation="Đảng bộ Khác")]
    with pytest.raises(ReportError) as refused:
        choose_organisation(mixed, None)
    assert "--organisation" in str(refused.value) and "c.zip: «Đảng bộ Khác»" in str(refused.value)
    with pytest.raises(ReportError, match="--organisation"):
        choose_organisation([check("a.zip", "A", organisation="")], None)
    assert choose_organisation([check("a.zip", "A", "interim")], None) == ORGANISATION
    unreadable = {**check("b.zip", "B"), "verdict": "unreadable", "organisation": None}
    with pytest.raises(ReportError, match="no readable record"):
        choose_organisation([unreadable], None)


def _report(organisation: str, *cells: dict) -> dict:
    records = [
        {
            "file": f"{c['cell']}.zip",
            "cell": c["cell"],
            "head": f"{organisation}/{c['cell']}",
            "verified": True,
            "findings": [],
            "counted": True,
            "reason": None,
        }
        for c in cells
    ]
    return make_report(organisation, records, list(cells))


def test_the_roll_up_sums_counts_and_recomputes_shares():
    one = _report("Đảng bộ Một", cell("A", member(1, "XS", 4, 0, 4), *goods("A", 3, 4)))
    two = _report("Đảng bộ Hai", cell("B", *goods("B", 5, 5, start=1)))
    summary = rollup([("one.json", one), ("two.json", two)])
    assert summary["kind"] == "phieukin/report-summary"
    assert summary["totals"]["levels"] == {"XS": 1, "TOT": 8, "HT": 0, "KHT": 0}
    assert summary["totals"]["excellent_share_of_good"] == "11,1%"  # 1/9, not the mean of 25 and 0
    assert [o["totals"]["rated"] for o in summary["organisations"]] == [4, 5]
    assert "Member" not in str(summary)  # no member's name


def test_the_roll_up_refuses_edited_totals_duplicates_and_foreign_files():
    one = _report("Đảng bộ Một", cell("A", member(1, "XS", 4, 0, 4), *goods("A", 3, 4)))
    edited = copy.deepcopy(one)
    edited["totals"]["levels"]["XS"] = 0
    with pytest.raises(ReportError, match=r"edited\.json.*totals\.levels"):
        rollup([("edited.json", edited)])
    again = copy.deepcopy(one)
    again["organisation"] = "đảng ủy một"
    with pytest.raises(ReportError, match="two reports"):
        rollup([("one.json", one), ("again.json", again)])
    renamed = copy.deepcopy(one)
    renamed["organisation"] = "Đảng bộ Hai"
    with pytest.raises(ReportError, match=r"counted in one\.json and renamed\.json"):
        rollup([("one.json", one), ("renamed.json", renamed)])
    with pytest.raises(ReportError, match="version 1"):
        rollup([("x.json", {"kind": "phieukin/record", "version": 1})])
    broken = copy.deepcopy(one)
    del broken["decisions"]
    with pytest.raises(ReportError, match="missing or wrong"):
        rollup([("broken.json", broken)])
