"""The committee's report and the roll-up as XLSX workbooks (openpyxl), written from the JSON
document alone so the two always say the same (a test reads the workbook back and compares).

Every data sheet has its column headings on row 1 and one row per item below, in the JSON's
order; levels are written as their codes (``XS``, ``TOT``, ``HT``, ``KHT``), named in full on
the first sheet. Headings and sentences are Vietnamese, or English with ``lang="en"``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from tally.report.kind_wording import (
    count_headings,
    count_values,
    kind_words,
    round_facts,
    round_rows,
)
from tally.report.statistics import LEVEL_CODES
from tally.report.wording import (
    reason_words,
    render_json_steps,
    status_words,
)
from tally.rules.wording import level_words

HEADINGS = {
    "vi": {
        "about": "Báo cáo",
        "statistics": "Thống kê",
        "decisions": "Quyết định",
        "quota": "Tỷ lệ XS",
        "ranking": "Xếp thứ tự",
        "records": "Hồ sơ",
        "not_rated": "Không xếp loại",
        "other_rounds": "Vòng khác",
        "organisations": "Tổ chức đảng",
        "cell": "Chi bộ",
        "organisation": "Tổ chức đảng",
        "rated": "Số được đánh giá",
        "unresolved": "Chưa xác định mức",
        "not_rated_count": "Không xếp loại",
        "share_of_good": "XS / (XS + TOT)",
        "total": "Tổng cộng",
        "id": "Mã",
        "name": "Họ và tên",
        "group": "Nhóm chức danh",
        "proposed": "Chi bộ đề xuất",
        "decided": "Quyết định",
        "status": "Tình trạng",
        "reason": "Lý do",
        "good": "Số đạt TOT trở lên",
        "max_excellent": "Tối đa XS",
        "candidates": "Số được đề xuất XS",
        "kept": "Giữ XS",
        "over": "Vượt tỷ lệ (TOT)",
        "tied": "Bằng tỷ lệ ở ranh giới",
        "places": "Chỗ còn lại",
        "place": "Thứ tự",
        "xs_share": "Phiếu XS / cơ sở tính",
        "good_share": "Phiếu TOT trở lên / cơ sở tính",
        "mark": "Kết quả",
        "file": "Tệp",
        "head": "Đầu nhật ký",
        "verdict": "Kết luận kiểm tra",
        "verified": "Hồ sơ hoàn tất, hợp lệ",
        "counted": "Được tính",
        "findings": "Phát hiện",
        "round": "Vòng",
        "kind": "Loại",
        "fingerprint": "Dấu vân tay",
        "summary": "Tóm tắt",
        "votes": "Số phiếu",
        "yes": "có",
        "no": "không",
        "date": "Ngày",
        "rule": "Cách xếp thứ tự",
        "reading": "Cách hiểu «hoàn thành tốt»",
        "share": "Tỷ lệ tối đa",
        "legend": "Các mức",
    },
    "en": {
        "about": "Report",
        "statistics": "Statistics",
        "decisions": "Decisions",
        "quota": "XS quota",
        "ranking": "Ranking",
        "records": "Records",
        "not_rated": "Not rated",
        "other_rounds": "Other rounds",
        "organisations": "Organisations",
        "cell": "Cell",
        "organisation": "Organisation",
        "rated": "Rated",
        "unresolved": "No level decided",
        "not_rated_count": "Not rated",
        "share_of_good": "XS / (XS + TOT)",
        "total": "Total",
        "id": "Id",
        "name": "Name",
        "group": "Group of positions",
        "proposed": "Cell's proposal",
        "decided": "Decision",
        "status": "Status",
        "reason": "Reason",
        "good": "At TOT or better",
        "max_excellent": "XS at most",
        "candidates": "Proposed XS",
        "kept": "Keep XS",
        "over": "Over the quota (TOT)",
        "tied": "Tied at the boundary",
        "places": "Places left",
        "place": "Place",
        "xs_share": "XS votes / base",
        "good_share": "TOT-or-better votes / base",
        "mark": "Outcome",
        "file": "File",
        "head": "Log head",
        "verdict": "Verdict",
        "verified": "Final and sound",
        "counted": "Counted",
        "findings": "Findings",
        "round": "Round",
        "kind": "Kind",
        "fingerprint": "Fingerprint",
        "summary": "Summary",
        "votes": "Votes",
        "yes": "yes",
        "no": "no",
        "date": "Date",
        "rule": "Ranking",
        "reading": "Reading of 'good'",
        "share": "Largest share",
        "legend": "Levels",
    },
}


def _words(lang: str) -> dict[str, str]:
    return HEADINGS["en" if lang == "en" else "vi"]


def _sheet(book: Any, title: str, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(title)
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for column in sheet.columns:
        width = max(len(str(c.value or "").split("\n")[0]) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 80)
        for cell in column[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _names(members: Sequence[Mapping[str, str]]) -> str:
    return "; ".join(f"{m['name']} ({m['cell']})" for m in members)


def _count_row(label: str, counts: Mapping[str, Any]) -> list[Any]:
    row: list[Any] = [label, counts["rated"]]
    for code in LEVEL_CODES:
        row += [counts["levels"][code], counts["shares"][code]]
    return [*row, counts["unresolved"], counts["not_rated"], counts["excellent_share_of_good"]]


def _count_headings(first: str, w: Mapping[str, str]) -> list[str]:
    headings = [first, w["rated"]]
    for code in LEVEL_CODES:
        headings += [code, f"{code} %"]
    return [*headings, w["unresolved"], w["not_rated_count"], w["share_of_good"]]


def _save(book: Any) -> bytes:
    del book[book.sheetnames[0]]  # the empty sheet openpyxl starts with
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _about(report: Mapping[str, Any], w: Mapping[str, str], lang: str) -> list[list[Any]]:
    rule = report["rule"]
    rows: list[list[Any]] = [
        [w["organisation"], report["organisation"]],
        [w["date"], report.get("date", "")],
        [w["rule"], rule["ranking"]],
        [w["reading"], rule["reading"]],
        [w["share"], rule["share"]],
    ]
    return rows + [[w["legend"] + f": {code}", level_words(code, lang)] for code in LEVEL_CODES]


def report_workbook(report: Mapping[str, Any], lang: str = "vi") -> bytes:
    """The workbook of a committee's report (``tally.report.document.make_report``)."""
    import openpyxl

    w = _words(lang)
    yes_no = {True: w["yes"], False: w["no"]}
    book = openpyxl.Workbook()
    _sheet(book, w["about"], ["", ""], _about(report, w, lang))
    _sheet(
        book,
        w["statistics"],
        _count_headings(w["cell"], w),
        [_count_row(s["cell"], s) for s in report["statistics"]]
        + [_count_row(w["total"], report["totals"])],
    )
    _sheet(
        book,
        w["decisions"],
        [w[k] for k in ("cell", "id", "name", "group", "proposed", "decided", "status", "reason")],
        [
            [
                d["cell"],
                d["member"]["id"],
                d["member"]["name"],
                d["group"],
                d["proposed"],
                d["decided"],
                status_words(d["status"], lang),
                "\n".join(render_json_steps(d["steps"], lang)),
            ]
            for d in report["decisions"]
        ],
    )
    _sheet(
        book,
        w["quota"],
        [w[k] for k in ("group", "good", "max_excellent", "candidates", "kept", "over", "tied")]
        + [w["places"]],
        [
            [
                q["group"],
                q["good"],
                q["max_excellent"],
                q["candidates"],
                _names(q["kept"]),
                _names(q["over"]),
                _names(q["tied"]),
                q["places"],
            ]
            for q in report["quota"]
        ],
    )
    _sheet(
        book,
        w["ranking"],
        [w[k] for k in ("group", "place", "cell", "id", "name", "xs_share", "good_share", "mark")],
        [
            [
                q["group"],
                r["place"],
                r["member"]["cell"],
                r["member"]["id"],
                r["member"]["name"],
                r["XS"],
                r["TOT_or_better"],
                r["mark"],
            ]
            for q in report["quota"]
            for r in q["ranking"]
        ],
    )
    _sheet(
        book,
        w["records"],
        [w[k] for k in ("file", "cell", "head", "verdict", "verified", "counted", "reason")]
        + [w["findings"]],
        [
            [
                r["file"],
                r["cell"],
                r["head"],
                r["verdict"],
                yes_no[r["verified"]],
                yes_no[r["counted"]],
                reason_words(r["reason"], lang) if r["reason"] else "",
                "\n".join(r["findings"]),
            ]
            for r in report["records"]
        ],
    )
    _sheet(
        book,
        w["not_rated"],
        [w["cell"], w["name"], w["reason"]],
        [[c["cell"], n["name"], n["text"]] for c in report["cells"] for n in c["not_rated"]],
    )
    _sheet(
        book,
        w["other_rounds"],
        [w[k] for k in ("cell", "round", "kind", "fingerprint", "summary", "name", "votes")]
        + [w["mark"]],
        [
            [
                c["cell"],
                r["round"],
                kind_words(r["kind"], lang),
                r["fingerprint"],
                round_facts(r, lang) if r["collected"] else "",
                *row,
            ]
            for c in report["cells"]
            for r in c["other_rounds"]
            for row in round_rows(r, lang)
        ],
    )
    return _save(book)


def summary_workbook(summary: Mapping[str, Any], lang: str = "vi") -> bytes:
    """The workbook of a roll-up of organisations' reports (``tally.report.rollup``)."""
    import openpyxl

    w = _words(lang)
    book = openpyxl.Workbook()
    _sheet(
        book,
        w["statistics"],
        _count_headings(w["organisation"], w),
        [_count_row(o["organisation"], o["totals"]) for o in summary["organisations"]]
        + [_count_row(w["total"], summary["totals"])],
    )
    _sheet(
        book,
        w["records"],
        [w["organisation"], w["file"], w["cell"], w["head"]],
        [
            [o["organisation"], o["file"], r["cell"], r["head"]]
            for o in summary["organisations"]
            for r in o["records"]
        ],
    )
    _sheet(
        book,
        w["other_rounds"],
        [w["organisation"], *count_headings(lang)],
        [
            [o["organisation"], *count_values(o["other_round_totals"])]
            for o in summary["organisations"]
        ]
        + [[w["total"], *count_values(summary["other_round_totals"])]],
    )
    return _save(book)
