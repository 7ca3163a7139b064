"""The sections of the committee's printed report: the records, the quota per group, the
decision table, the statistics, those with no level and those not rated (the other rounds are
``report.pdf_kinds``) — rendered from the report's JSON (steps worded by
``tally.report.wording``), in the minute's typography (``audit.minute_pdf_style``: Liberation
Serif, 13 pt text, 10 pt tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer

from audit.minute_pdf_style import e, table
from tally.report.statistics import LEVEL_CODES
from tally.report.wording import (
    group_words,
    reason_words,
    short_reason,
    status_words,
)
from tally.rules.wording import LEVEL_WORDS

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
VERDICT_WORDS = {
    "final": "hoàn tất, hợp lệ",
    "unsound": "không hợp lệ",
    "interim": "chưa hoàn tất",
    "unchecked": "chưa kiểm tra được hết",
    "unreadable": "không đọc được",
}
MARK_WORDS = {"kept": "giữ XS", "over": "vượt tỷ lệ → TOT", "tie": "bằng tỷ lệ ở ranh giới"}


def heading(text: str, s: dict) -> list:
    """A section heading kept with the start of its section (never alone at a page's foot)."""
    return [CondPageBreak(40 * mm), paragraph(text, s["h"])]


def paragraph(text: str, style: Any) -> Paragraph:
    return Paragraph(text, style)


def grid(s: dict, headings: list[str], rows: list[list[Any]], widths: list[float]) -> Any:
    head = [paragraph(h, s["th"]) for h in headings]
    body = [
        [c if isinstance(c, Paragraph) else paragraph(e(c), s["cell"]) for c in row] for row in rows
    ]
    return table([head, *body], widths)


def records_section(report: Mapping[str, Any], s: dict, width: float, n: int) -> list:
    """Every record given: the cell, its log head, the verdict, counted or why not."""
    rows = []
    for position, record in enumerate(report["records"], start=1):
        head = (record["head"] or "")[:16]
        head = e(f"{head[:8]} {head[8:]}")
        why = "được tính" if record["counted"] else reason_words(record["reason"])
        rows.append(
            [
                str(position),
                record["cell"] or record["file"],
                paragraph(f"<font name='PK-Mono' size='8'>{head}</font>", s["cell"]),
                VERDICT_WORDS.get(str(record["verdict"]), str(record["verdict"])),
                why,
            ]
        )
    out: list = [
        *heading(f"{ROMAN[n]}. HỒ SƠ CÁC CHI BỘ", s),
        paragraph(
            "Mỗi hồ sơ điện tử đã được kiểm tra độc lập như lệnh <i>phieukin verify</i>; chỉ hồ sơ "
            "hoàn tất, hợp lệ của đảng bộ được tính. Đầu nhật ký (16 ký tự đầu) để đối chiếu từng "
            "số liệu với hồ sơ của chi bộ.",
            s["note"],
        ),
        grid(
            s,
            ["TT", "Chi bộ", "Đầu nhật ký", "Kết luận kiểm tra", "Tính vào báo cáo"],
            rows,
            [9 * mm, 0.3 * width, 0.2 * width, 0.2 * width, width - 9 * mm - 0.7 * width],
        ),
    ]
    for record in report["records"]:
        if record["counted"] or not record["findings"]:
            continue
        checks = sorted({finding.split(" — ")[0] for finding in record["findings"]})
        shown = ", ".join(checks[:6]) + (", …" if len(checks) > 6 else "")
        out.append(
            paragraph(
                f"– {e(record['cell'] or record['file'])}: các kiểm tra nêu vấn đề "
                f"(chi tiết trong report.json): {e(shown)}.",
                s["note"],
            )
        )
    return out


def quota_section(report: Mapping[str, Any], s: dict, width: float, n: int) -> list:
    """Per group: how many are good or better, the limit, and the ranking across cells."""
    rule = report["rule"]
    share = rule["share"]
    out: list = [
        *heading(f"{ROMAN[n]}. TỶ LỆ HOÀN THÀNH XUẤT SẮC NHIỆM VỤ TRONG ĐẢNG BỘ", s),
        paragraph(
            f"Số hoàn thành xuất sắc nhiệm vụ không quá {e(_percent(share))} số hoàn thành tốt "
            "nhiệm vụ trở lên trong toàn đảng bộ, theo từng nhóm chức danh tương đương; dưới "
            f"{rule['small_group_below']} người thì tối đa {rule['small_group_max']}. Xếp thứ tự "
            "theo tỷ lệ trên cơ sở tính của từng chi bộ: trước hết tỷ lệ phiếu XS, sau đó tỷ lệ "
            "phiếu TOT trở lên; bằng nhau ở ranh giới thì đảng ủy xem xét (chương trình không phá "
            "hoà).",
            s["note"],
        ),
    ]
    if not report["quota"]:
        out.append(
            paragraph("Không có đảng viên nào được đề xuất hoàn thành tốt trở lên.", s["note"])
        )
    for group in report["quota"]:
        left = f"; còn {group['places']} chỗ cho các đồng chí bằng tỷ lệ." if group["tied"] else "."
        out.append(
            paragraph(
                f"{e(group_words(group['group'])).capitalize()}: {group['good']} đồng chí đạt TOT "
                f"trở lên, tối đa {group['max_excellent']} XS; {group['candidates']} đồng chí "
                f"được chi bộ đề xuất XS" + left,
                s["left"],
            )
        )
        rows = [
            [
                str(r["place"]),
                r["member"]["name"],
                r["member"]["cell"],
                r["XS"],
                r["TOT_or_better"],
                MARK_WORDS.get(str(r["mark"]), ""),
            ]
            for r in group["ranking"]
        ]
        if rows:
            out.append(
                grid(
                    s,
                    ["TT", "Họ và tên", "Chi bộ", "XS / cơ sở", "TOT+ / cơ sở", "Kết quả"],
                    rows,
                    [
                        9 * mm,
                        0.27 * width,
                        0.27 * width,
                        0.13 * width,
                        0.13 * width,
                        width - 9 * mm - 0.8 * width,
                    ],
                )
            )
        out.append(Spacer(1, 4))
    return out


def _percent(share: str) -> str:
    numerator, denominator = (int(x) for x in share.split("/"))
    tenths = numerator * 1000 // denominator
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10}%"


def decisions_section(report: Mapping[str, Any], s: dict, width: float, n: int) -> list:
    """The decision table: cell, member, the cell's proposal, the decision, the reason."""
    rows = [
        [
            str(position),
            decision["cell"],
            decision["member"]["name"],
            decision["proposed"] or "—",
            decision["decided"] or "—",
            paragraph(e(short_reason(decision["steps"])), s["cell"]),
        ]
        for position, decision in enumerate(report["decisions"], start=1)
    ]
    return [
        *heading(f"{ROMAN[n]}. QUYẾT ĐỊNH XẾP LOẠI", s),
        grid(
            s,
            ["TT", "Chi bộ", "Họ và tên", "Chi bộ đề xuất", "Quyết định", "Lý do"],
            rows,
            [
                9 * mm,
                0.19 * width,
                0.2 * width,
                0.1 * width,
                0.1 * width,
                width - 9 * mm - 0.59 * width,
            ],
        ),
    ]


def _count_cells(label: str, counts: Mapping[str, Any]) -> list[str]:
    row = [label, str(counts["rated"])]
    for code in LEVEL_CODES:
        row.append(f"{counts['levels'][code]} ({counts['shares'][code]})")
    return [
        *row,
        str(counts["unresolved"]),
        str(counts["not_rated"]),
        counts["excellent_share_of_good"],
    ]


def statistics_section(report: Mapping[str, Any], s: dict, width: float, n: int) -> list:
    """Counts and shares per level, per cell and in total, and the sentence reports quote."""
    totals = report["totals"]
    rows = [_count_cells(c["cell"], c) for c in report["statistics"]]
    rows.append([paragraph(f"<b>{e(x)}</b>", s["cell"]) for x in _count_cells("Tổng cộng", totals)])
    level_width = 0.12 * width
    out: list = [
        *heading(f"{ROMAN[n]}. THỐNG KÊ KẾT QUẢ XẾP LOẠI", s),
        grid(
            s,
            [
                "Chi bộ",
                "Số được đánh giá",
                *LEVEL_CODES,
                "Chưa xác định",
                "Không xếp loại",
                "XS / TOT+",
            ],
            rows,
            [
                0.2 * width,
                0.08 * width,
                *([level_width] * 4),
                0.08 * width,
                0.08 * width,
                width - 0.92 * width,
            ],
        ),
        Spacer(1, 4),
        paragraph(
            f"Tổng số đảng viên được đánh giá: {totals['rated']}; xếp loại hoàn thành tốt nhiệm "
            f"vụ trở lên là {totals['good_or_better']}, trong đó hoàn thành xuất sắc nhiệm vụ là "
            f"{totals['levels']['XS']}, bằng {totals['excellent_share_of_good']}; hoàn thành "
            f"nhiệm vụ {totals['levels']['HT']}; không hoàn thành nhiệm vụ "
            f"{totals['levels']['KHT']}; chưa xác định mức {totals['unresolved']}; không xếp loại "
            f"{totals['not_rated']}.",
            s["item"],
        ),
        paragraph(
            "Ghi chú: "
            + "; ".join(f"{code}: {LEVEL_WORDS['vi'][code]}" for code in LEVEL_CODES)
            + "; tỷ lệ mỗi mức tính trên số được đánh giá; XS / TOT+ là tỷ lệ hoàn thành xuất sắc "
            "trên số hoàn thành tốt trở lên.",
            s["note"],
        ),
    ]
    return out


def pending_section(report: Mapping[str, Any], s: dict, n: int) -> list:
    """Members with no decided level, and members not rated, each with the reason."""
    out: list = heading(f"{ROMAN[n]}. CHƯA XÁC ĐỊNH MỨC VÀ KHÔNG XẾP LOẠI", s)
    open_cases = [d for d in report["decisions"] if d["decided"] is None]
    for decision in open_cases:
        out.append(
            paragraph(
                f"– {e(decision['member']['name'])} ({e(decision['cell'])}): "
                f"{e(status_words(decision['status']))}.",
                s["note"],
            )
        )
    for cell in report["cells"]:
        for entry in cell["not_rated"]:
            out.append(
                paragraph(
                    f"– {e(entry['name'])} ({e(cell['cell'])}): không xếp loại — "
                    f"{e(entry['text'])}.",
                    s["note"],
                )
            )
    if len(out) == 2:
        out.append(paragraph("Không có.", s["note"]))
    return out
