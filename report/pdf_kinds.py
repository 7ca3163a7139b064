"""The printed report's section on the other rounds the cells held: confidence votes, the cells'
self-ratings, yes/no decisions (docs/REPORT.md §9, item VI).

A sentence with the counts over every counted cell (``other_round_totals`` of the report's
JSON), then one table row per person or question, each round's kind and facts on its first
row — worded by ``tally.report.kind_wording``, Vietnamese only like the rest of the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from report.pdf_sections import ROMAN, grid, heading, paragraph
from tally.report.kind_wording import kind_words, round_facts, round_rows
from tally.rules.wording import LEVEL_WORDS


def totals_sentence(totals: Mapping[str, Any]) -> str:
    """The other rounds counted by kind (``other_round_totals``), only the kinds held."""
    parts = []
    confidence = totals["confidence"]
    if confidence["rounds"]:
        parts.append(
            f"lấy phiếu tín nhiệm {confidence['rounds']} lần với {confidence['people']} người, "
            f"trong đó tín nhiệm thấp quá 1/2 là {confidence['over_half_low']}, từ 2/3 trở lên "
            f"là {confidence['two_thirds_low']}"
        )
    own = totals["self_rating"]
    if own["cells"]:
        levels = [
            f"{LEVEL_WORDS['vi'][code].lower()} {count}"
            for code, count in own["levels"].items()
            if count
        ]
        if own["unresolved"]:
            levels.append(f"chưa xác định {own['unresolved']}")
        levels_text = ", ".join(levels) or "không có giá trị"
        parts.append(
            f"{own['cells']} chi bộ tự đánh giá, xếp loại ({levels_text}), "
            f"{own['score_approved']} chi bộ thông qua tổng điểm tự chấm"
        )
    approval = totals["approval"]
    if approval["rounds"]:
        parts.append(
            f"biểu quyết {approval['questions']} nội dung, thông qua {approval['approved']}, "
            f"không thông qua {approval['rejected']}"
        )
    if totals["not_summarised"]:
        parts.append(f"{totals['not_summarised']} vòng thuộc loại phiên bản này chưa tóm tắt")
    return "Các chi bộ đã " + "; ".join(parts) + "." if parts else ""


def other_rounds_section(report: Mapping[str, Any], s: dict, width: float, n: int) -> list:
    """Rounds of other kinds the cells held; nothing when none did."""
    listed = [(c["cell"], r) for c in report["cells"] for r in c["other_rounds"]]
    if not listed:
        return []
    rows: list[list[Any]] = []
    for cell, entry in listed:
        facts = round_facts(entry) if entry["collected"] else ""
        kind = kind_words(entry["kind"]) + (f" ({facts})" if facts else "")
        for position, (name, votes, outcome) in enumerate(round_rows(entry)):
            lead = [cell, str(entry["round"]), kind] if position == 0 else ["", "", ""]
            rows.append([*lead, name, votes, outcome])
    out: list = heading(f"{ROMAN[n]}. CÁC VÒNG BỎ PHIẾU KHÁC CỦA CHI BỘ", s)
    sentence = totals_sentence(report["other_round_totals"])
    if sentence:
        out.append(paragraph(sentence, s["item"]))
    out.append(
        grid(
            s,
            ["Chi bộ", "Vòng", "Loại", "Người / nội dung", "Số phiếu", "Kết quả"],
            rows,
            [
                0.14 * width,
                0.06 * width,
                0.18 * width,
                0.2 * width,
                0.24 * width,
                width - 0.82 * width,
            ],
        )
    )
    return out
