"""The printed minute's section of a round of another kind: the confidence vote, yes/no decisions
and the cell's self-rating (its score sheet item by item, then both results).

Rendered from the minute object's section of the round (``tally.minute_kinds``) and its rule
steps (``tally.rules.wording``), in the party layout of the rest of the minute
(``minute_pdf_style``); no internal code is printed.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table

from audit.minute_pdf_style import LEVELS, e, table
from tally.minute_kinds import KIND_TITLES
from tally.rules.trace import step_from_json
from tally.rules.wording import LEVEL_WORDS, render_step

CONFIDENCE_COLUMNS = (("CAO", "Tín nhiệm cao"), ("TN", "Tín nhiệm"), ("THAP", "Tín nhiệm thấp"))
FLAG_WORDS = {
    "over_half_low": "Tín nhiệm thấp quá 1/2",
    "two_thirds_low": "Tín nhiệm thấp từ 2/3 trở lên",
}
CONFIDENCE_BASIS = (
    "Căn cứ: Quy định số 96-QĐ/TW ngày 02/02/2023 của Bộ Chính trị về việc lấy phiếu tín nhiệm "
    "đối với chức vụ lãnh đạo, quản lý trong hệ thống chính trị."
)
STATUS_WORDS = {"approved": "Thông qua", "rejected": "Không thông qua"}


def kind_title(rnd: dict[str, Any]) -> str:
    """``Vòng 2 (lấy phiếu tín nhiệm)``."""
    return f"Vòng {rnd['round']} ({KIND_TITLES[rnd['kind']]})"


def _points(text: str) -> str:
    return str(text).replace(".", ",")


def _cell(count: int, share: str, s: dict) -> Paragraph:
    return Paragraph(f"{count} ({share}%)", s["cell-c"])


def _head(s: dict, *labels: str) -> list:
    return [Paragraph(label, s["th"]) for label in labels]


def _sentence(step: dict[str, Any]) -> str:
    return e(render_step(step_from_json(step), "vi"))


def _count_line(rnd: dict[str, Any], who: str) -> Paragraph:
    issued = rnd["tokens_issued"] - rnd["cancelled_tokens"]
    return (
        f"Số phiếu phát ra: <b>{issued}</b>"
        + (f" (hủy {rnd['cancelled_tokens']} mã dư hoặc hỏng)" if rnd["cancelled_tokens"] else "")
        + f"; số phiếu thu về: <b>{rnd['ballots']}</b>, đều hợp lệ (mỗi phiếu được kiểm tra chứng "
        f"minh mật mã trước khi nhận); số phiếu không sử dụng: <b>{rnd['unused_tokens']}</b>; "
        f"số {who} có mặt nhưng không bỏ phiếu: <b>{rnd['not_cast']}</b>."
    )


def _confidence(rnd: dict[str, Any], s: dict, width: float) -> list:
    met = "đủ" if rnd["valid"] else "<b>KHÔNG ĐỦ — việc lấy phiếu tín nhiệm không có giá trị</b>"
    base = (
        f"số phiếu thu về ({rnd['base']})"
        if rnd["base_option"] == "ballots"
        else f"số người được triệu tập ({rnd['base']})"
    )
    parts: list = [
        Paragraph(_count_line(rnd, "người được triệu tập"), s["item"]),
        Paragraph(
            f"Số người được triệu tập: <b>{rnd['convened']}</b>; có mặt: <b>{rnd['voters']}</b>; "
            f"cần ít nhất hai phần ba số người được triệu tập, tức {rnd['quorum_required']} "
            f"người → {met}. Tỷ lệ tính trên {base}.",
            s["item"],
        ),
    ]
    widths = [8 * mm, 0.0] + [20 * mm] * 4 + [30 * mm]
    widths[1] = width - sum(widths)
    rows = [
        _head(
            s,
            "TT",
            "Họ và tên, chức vụ",
            *(w for _, w in CONFIDENCE_COLUMNS),
            "Để trống",
            "Kết quả",
        )
    ]
    for position, subject in enumerate(rnd["subjects"], start=1):
        rows.append(
            [
                Paragraph(str(position), s["cell-c"]),
                Paragraph(e(subject["name"]), s["cell"]),
                *(
                    _cell(subject["votes"][k], subject["percent"][k], s)
                    for k, _ in CONFIDENCE_COLUMNS
                ),
                _cell(subject["blank"], subject["percent"]["blank"], s),
                Paragraph(e(FLAG_WORDS.get(subject["flag"] or "", "—")), s["cell-c"]),
            ]
        )
    parts += [Spacer(1, 2), table(rows, widths), Spacer(1, 3)]
    for subject in rnd["subjects"]:
        if subject["flag"]:
            low = next(step for step in subject["steps"] if step["code"] == "confidence_low")
            parts.append(
                Paragraph(f"– Đồng chí {e(subject['name'])}: {_sentence(low)}.", s["note"])
            )
    parts.append(Paragraph(CONFIDENCE_BASIS, s["item"]))
    return parts


def _answers_table(subjects: list[dict[str, Any]], s: dict, width: float, label: str) -> Table:
    widths = [8 * mm, 0.0, 24 * mm, 24 * mm, 22 * mm, 28 * mm]
    widths[1] = width - sum(widths)
    rows = [_head(s, "TT", label, "Tán thành", "Không tán thành", "Để trống", "Kết quả")]
    for position, subject in enumerate(subjects, start=1):
        rows.append(
            [
                Paragraph(str(position), s["cell-c"]),
                Paragraph(e(subject["name"]), s["cell"]),
                _cell(subject["votes"]["YES"], subject["percent"]["YES"], s),
                _cell(subject["votes"]["NO"], subject["percent"]["NO"], s),
                _cell(subject["blank"], subject["percent"]["blank"], s),
                Paragraph(f"<b>{STATUS_WORDS[subject['status']]}</b>", s["cell-c"]),
            ]
        )
    return table(rows, widths)


def _reasons(subject: dict[str, Any], s: dict, codes: tuple[str, ...]) -> list:
    return [
        Paragraph(f"– {e(subject['name'])}: {_sentence(step)}.", s["note"])
        for step in subject["steps"]
        if step["code"] in codes
    ]


def _approval(rnd: dict[str, Any], s: dict, width: float) -> list:
    parts: list = [Paragraph(_count_line(rnd, "đảng viên chính thức"), s["item"])]
    if not rnd["valid"]:
        parts.append(
            Paragraph("<b>Không đủ túc số: không nội dung nào được thông qua.</b>", s["item"])
        )
    parts.append(
        Paragraph(
            "Mỗi nội dung được thông qua khi số phiếu tán thành quá một nửa cơ sở tính; "
            "mỗi ô: số phiếu (tỷ lệ % so với cơ sở tính).",
            s["item"],
        )
    )
    parts += [Spacer(1, 2), _answers_table(rnd["subjects"], s, width, "Nội dung biểu quyết")]
    parts.append(Spacer(1, 3))
    for subject in rnd["subjects"]:
        parts += _reasons(subject, s, ("approval_votes", "approval"))
    return parts


def _sheet(sheet: dict[str, Any], s: dict, width: float) -> list:
    widths = [8 * mm, 0.0, 22 * mm, 22 * mm, 20 * mm, 20 * mm]
    widths[1] = width - sum(widths)
    rows = [_head(s, "TT", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Điểm trừ", "Điểm đạt")]
    for position, criterion in enumerate(sheet["criteria"], start=1):
        rows.append(
            [
                Paragraph(str(position), s["cell-c"]),
                Paragraph(e(criterion["title"]), s["cell"]),
                *(
                    Paragraph(_points(criterion[key]), s["cell-c"])
                    for key in ("max", "points", "deducted", "net")
                ),
            ]
        )
    parts: list = [
        Paragraph("a) Bảng điểm tự đánh giá (dự thảo của chi ủy):", s["item"]),
        table(rows, widths),
        Spacer(1, 3),
    ]
    titles = [c["title"] for c in sheet["criteria"]]
    if sheet["deductions"]:
        parts.append(
            Paragraph(
                "Điểm trừ (0,5 điểm cho mỗi 5% chỉ tiêu không đạt, tối đa 2 điểm mỗi chỉ tiêu):",
                s["item"],
            )
        )
    for item in sheet["deductions"]:
        parts.append(
            Paragraph(
                f"– {e(item['target'])} (tiêu chí {item['criterion'] + 1}: "
                f"{e(titles[item['criterion']])}): không đạt {_points(item['shortfall_percent'])}% "
                f"→ trừ {_points(item['points'])} điểm; lý do: {e(item['reason'])}; trách nhiệm: "
                f"{e(item['responsible'])}.",
                s["note"],
            )
        )
    if sheet["bonuses"]:
        parts.append(Paragraph("Điểm cộng (tối đa 2 điểm mỗi thành tích):", s["item"]))
    for item in sheet["bonuses"]:
        parts.append(
            Paragraph(
                f"– {e(item['achievement'])}: cộng {_points(item['points'])} điểm; lý do: "
                f"{e(item['reason'])}; trách nhiệm: {e(item['responsible'])}.",
                s["note"],
            )
        )
    parts.append(
        Paragraph(
            f"Tổng điểm: {_points(sheet['criteria_total'])} điểm tự chấm − "
            f"{_points(sheet['deductions_total'])} điểm trừ + {_points(sheet['bonuses_total'])} "
            f"điểm cộng = <b>{_points(sheet['total'])}</b> điểm (thang "
            f"{_points(sheet['max_total'])} điểm); dự thảo đề xuất mức: "
            f"{e(LEVEL_WORDS['vi'][sheet['proposed_level']])}.",
            s["item"],
        )
    )
    return parts


def _cell_level(level: dict[str, Any], s: dict, width: float) -> Table:
    widths = [0.0] + [18 * mm] * 4 + [18 * mm, 16 * mm, 26 * mm]
    widths[0] = width - sum(widths)
    cumulated = [f"{code}<br/><i>cộng dồn</i>" for code in LEVELS[1:]]
    rows = [_head(s, "Xếp loại chi bộ", "XS", *cumulated, "Để trống", "Theo phiếu", "Kết quả")]
    cells = []
    for code in LEVELS:
        text = f"{level['votes'][code]} ({level['percent'][code]}%)"
        if code != "XS":
            text += (
                f"<br/><i>{level['cumulative'][code]} ({level['cumulative_percent'][code]}%)</i>"
            )
        cells.append(Paragraph(text, s["cell-c"]))
    result = level["level"] if level["status"] == "decided" else "Chưa xác định"
    rows.append(
        [
            Paragraph("Số phiếu (tỷ lệ %)", s["cell"]),
            *cells,
            _cell(level["blank"], level["percent"]["blank"], s),
            Paragraph(e(level["vote_level"] or "—"), s["cell-c"]),
            Paragraph(f"<b>{e(result)}</b>", s["cell-c"]),
        ]
    )
    return table(rows, widths)


def _self_rating(rnd: dict[str, Any], s: dict, width: float) -> list:
    score, level = rnd["subjects"]
    parts: list = [Paragraph(_count_line(rnd, "đảng viên chính thức"), s["item"])]
    parts += _sheet(rnd["score_sheet"], s, width)
    parts.append(Paragraph("b) Kết quả biểu quyết tổng điểm:", s["item"]))
    parts += [_answers_table([score], s, width, "Nội dung"), Spacer(1, 3)]
    parts += _reasons(score, s, ("approval_votes", "approval"))
    parts.append(CondPageBreak(40 * mm))
    parts.append(
        Paragraph(f"c) Kết quả bỏ phiếu xếp loại chi bộ (cơ sở tính {level['base']}):", s["item"])
    )
    parts += [_cell_level(level, s, width), Spacer(1, 3)]
    if level["status"] == "decided":
        words = f"<b>{e(LEVEL_WORDS['vi'][level['level']])}</b>"
    else:
        words = "<b>chưa xác định</b> (không mức nào đạt ngưỡng; chuyển cấp ủy cấp trên xem xét)"
    parts.append(Paragraph(f"Chi bộ tự xếp loại: {words}.", s["item"]))
    return parts


def kind_round(rnd: dict[str, Any], s: dict, width: float) -> list:
    """The flowables of a round of another kind, after its title."""
    if rnd["kind"] == "confidence":
        return _confidence(rnd, s, width)
    if rnd["kind"] == "approval":
        return _approval(rnd, s, width)
    return _self_rating(rnd, s, width)
