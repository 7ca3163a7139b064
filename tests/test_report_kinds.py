"""The committee's report over cells that held rounds of other kinds besides the rating (a
confidence vote, the cell's self-rating, yes/no decisions; docs/RULES.md §6): on a real record
(``D1`` of ``tests/report_support.py``) each round is read from the signed minute, listed with
its people or questions, votes and outcome in the JSON, the workbook and the PDF, counted by
kind, summed by ``--merge`` — and none of them changes a member's level or the quota."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from ballot_server.cli import main
from tally.report.kind_wording import count_values, round_rows
from tally.report.kinds import add_other_round_totals, other_round_totals
from tests.minute_support import pdf_text as pdf_lines
from tests.report_support import (
    OTHER_ORGANISATION,
    cell_name,
    member_name,
    write_cell,
)


def run_report(out: Path, *files: Path, extra: tuple[str, ...] = ()) -> tuple[int, dict]:
    code = main(["report", *map(str, files), "--out", str(out), "--workers", "1", *extra])
    return code, json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_a_cell_with_a_confidence_vote_a_self_rating_and_decisions(tmp_path: Path) -> None:
    """D1 rated its 4 members (all TOT), then held a confidence vote among 6 convened (5
    present) on its secretary and two people from outside, its self-rating (score approved 3 of
    4, level TOT) and two yes/no decisions (3 of 4 yes; none yes). With A1 (XS 4/4) and A2 (XS
    3/4): 12 good → 2 places, both kept; D1's members decided TOT as proposed."""
    files = [write_cell(tmp_path, key) for key in ("A1", "A2", "D1")]
    code, data = run_report(tmp_path / "out", *files)
    assert code == 0 and all(r["counted"] for r in data["records"])
    d1 = data["records"][2]
    assert len(d1["fingerprints"]) == 4  # the rating and the three other rounds
    (group,) = data["quota"]
    assert (group["good"], group["max_excellent"]) == (12, 2)
    assert [m["name"] for m in group["kept"]] == [member_name("A1", 1), member_name("A2", 1)]
    ours = [d for d in data["decisions"] if d["cell"] == cell_name("D1")]
    assert [(d["proposed"], d["decided"]) for d in ours] == [("TOT", "TOT")] * 4
    assert data["totals"]["rated"] == 12

    (cell,) = [c for c in data["cells"] if c["cell"] == cell_name("D1")]
    confidence, own, decisions = cell["other_rounds"]
    assert [r["kind"] for r in (confidence, own, decisions)] == [
        "confidence",
        "self_rating",
        "approval",
    ]
    assert [r["round"] for r in cell["other_rounds"]] == [2, 3, 4]
    assert all(r["collected"] and r["valid"] and r["fingerprint"] for r in cell["other_rounds"])
    assert (confidence["convened"], confidence["voters"], confidence["base"]) == (6, 5, 5)
    people = confidence["subjects"]
    assert [p["name"] for p in people] == [
        f"{member_name('D1', 1)} — Bí thư chi bộ",
        "Trần Văn Ngoài — Giám đốc Sở",
        "Lê Thị Phó — Phó Giám đốc Sở",
    ]
    assert [p["votes"] for p in people] == [
        {"CAO": 2, "TN": 2, "THAP": 1},
        {"CAO": 1, "TN": 0, "THAP": 4},
        {"CAO": 1, "TN": 1, "THAP": 3},
    ]
    assert [p["flag"] for p in people] == [None, "two_thirds_low", "over_half_low"]
    assert people[1]["percent"]["THAP"] == "80,0"
    assert (own["score_total"], own["score_max"]) == ("96", "100")
    score, level = own["subjects"]
    assert (score["votes"], score["status"]) == ({"YES": 3, "NO": 1}, "approved")
    assert (level["votes"]["XS"], level["votes"]["TOT"], level["level"]) == (1, 3, "TOT")
    assert [(q["votes"]["YES"], q["status"]) for q in decisions["subjects"]] == [
        (3, "approved"),
        (0, "rejected"),
    ]
    assert data["other_round_totals"] == {
        "confidence": {
            "rounds": 1,
            "not_valid": 0,
            "people": 3,
            "over_half_low": 1,
            "two_thirds_low": 1,
        },
        "approval": {"rounds": 1, "not_valid": 0, "questions": 2, "approved": 1, "rejected": 1},
        "self_rating": {
            "cells": 1,
            "not_valid": 0,
            "score_approved": 1,
            "levels": {"XS": 0, "TOT": 1, "HT": 0, "KHT": 0},
            "unresolved": 0,
        },
        "not_summarised": 0,
    }

    book = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")
    rows = list(book["Vòng khác"].iter_rows(min_row=2, values_only=True))
    expected = [
        (c["cell"], r["round"], *row)
        for c in data["cells"]
        for r in c["other_rounds"]
        for row in round_rows(r)
    ]
    assert [(r[0], r[1], r[5], r[6], r[7]) for r in rows] == expected and len(rows) == 7
    assert rows[0][4] == "triệu tập 6, có mặt 5" and rows[3][4] == "tổng điểm 96/100"
    assert rows[1][7] == "Tín nhiệm thấp từ 2/3 trở lên" and rows[4][7] == (
        "TOT (Hoàn thành tốt nhiệm vụ)"
    )
    text = " ".join(pdf_lines((tmp_path / "out" / "report.pdf").read_bytes()).split())
    for words in (
        "CÁC VÒNG BỎ PHIẾU KHÁC CỦA CHI BỘ",
        "lấy phiếu tín nhiệm 1 lần với 3 người, trong đó tín nhiệm thấp quá 1/2 là 1, từ 2/3 "
        "trở lên là 1",
        "1 chi bộ tự đánh giá, xếp loại (hoàn thành tốt nhiệm vụ 1)",
        "Trần Văn Ngoài — Giám đốc Sở",
        "Tín nhiệm thấp quá 1/2",
        "Lấy phiếu tín nhiệm (triệu tập 6, có mặt 5)",
        "Không thông qua",
    ):
        assert words in text, words

    # rolled up: counted again from each report's cells and summed
    other = tmp_path / "other"
    assert main(["report", str(write_cell(tmp_path, "X1")), "--out", str(other)]) == 0
    summary_dir = tmp_path / "summary"
    reports = [str(tmp_path / "out" / "report.json"), str(other / "report.json")]
    assert main(["report", "--merge", *reports, "--out", str(summary_dir)]) == 0
    summary = json.loads((summary_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["other_round_totals"] == data["other_round_totals"]
    by_name = {o["organisation"]: o for o in summary["organisations"]}
    assert by_name[OTHER_ORGANISATION]["other_round_totals"]["confidence"]["rounds"] == 0
    assert "Trần Văn Ngoài" not in (summary_dir / "summary.json").read_text(encoding="utf-8")
    sheet = openpyxl.load_workbook(summary_dir / "summary.xlsx")["Vòng khác"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == (
        "Tổ chức đảng",
        "Số lần lấy phiếu tín nhiệm",
        "Số người được lấy phiếu",
        "Tín nhiệm thấp quá 1/2",
        "Tín nhiệm thấp từ 2/3",
    )
    assert rows[-1][0] == "Tổng cộng" and rows[-1][1:] == tuple(
        count_values(summary["other_round_totals"])
    )
    assert rows[-1][1:5] == (1, 3, 1, 1)
    summary_text = " ".join(pdf_lines((summary_dir / "summary.pdf").read_bytes()).split())
    assert "biểu quyết 2 nội dung, thông qua 1, không thông qua 1" in summary_text


def test_other_rounds_are_counted_by_kind_latest_self_rating_per_cell() -> None:
    """A round without a quorum is counted as held, not its people; a cell that rated itself
    twice counts with its latest level; a kind this version cannot read is counted apart."""

    def self_rating(level: str | None, valid: bool = True) -> dict:
        return {
            "kind": "self_rating",
            "collected": True,
            "valid": valid,
            "subjects": [
                {"id": "score", "status": "approved"},
                {"id": "level", "level": level, "status": "decided" if level else "unresolved"},
            ],
        }

    confidence_without_quorum = {
        "kind": "confidence",
        "collected": True,
        "valid": False,
        "subjects": [{"flag": "two_thirds_low"}],
    }
    cells = [
        {"other_rounds": [self_rating("HT"), self_rating("XS"), confidence_without_quorum]},
        {"other_rounds": [self_rating(None), {"kind": "future", "collected": False}]},
        {"other_rounds": [self_rating("KHT", valid=False)]},
    ]
    totals = other_round_totals(cells)
    assert totals["self_rating"] == {
        "cells": 3,
        "not_valid": 1,
        "score_approved": 2,
        "levels": {"XS": 1, "TOT": 0, "HT": 0, "KHT": 0},
        "unresolved": 1,
    }
    assert totals["confidence"] == {
        "rounds": 1,
        "not_valid": 1,
        "people": 0,
        "over_half_low": 0,
        "two_thirds_low": 0,
    }
    assert totals["not_summarised"] == 1
    doubled = add_other_round_totals([totals, totals])
    assert doubled["self_rating"]["levels"]["XS"] == 2 and doubled["not_summarised"] == 2
