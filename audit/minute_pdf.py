"""The printable minute (biên bản kiểm phiếu): A4, in the layout of party documents.

Rendered only from the signed minute document — ``{"minute", "digest", "server_signature",
"signatures"}`` as the log holds it (``tally.minute_log.minute_document``), ``GET /api/minute``
returns it and ``minute.json`` holds it — so the same PDF comes out of the running server,
``phieukin minute DIR`` and the exported record.

The rendering is deterministic, byte for byte: no time, no random document id (``invariant``), and
no compression (so the bytes do not depend on the zlib the machine has). The verifier therefore
renders the signed minute again and compares bytes (docs/RECORD.md, "The printed minute"); this
module lives in ``audit`` so that the verifier has it, and the server prints with it. The same
bytes come out wherever the same version of reportlab and the same font files are used;
``renderer()`` names both, the ``minute-pdf`` event logs them, and the verifier says so when its
own differ instead of calling the PDF forged.

The layout follows Hướng dẫn 36-HD/VPTW: top left the party committee above ("ĐẢNG BỘ …"), the
cell in bold ("CHI BỘ …"), a star and the document number; top right "ĐẢNG CỘNG SẢN VIỆT NAM"
in bold, underlined, then the place and date in italics; the title centred in bold. The contents
are those of BRIEF §3; the last section prints the minute's fingerprint (the digest everyone
signs) with a QR code of it and the state of every digital signature, then the signature block
"T/M BAN KIỂM PHIẾU / TRƯỞNG BAN" and the members.

Fonts: DejaVu Serif and Sans (Debian's fonts-dejavu-core, installed by ``make setup``), embedded
in the PDF, which cover every Vietnamese letter.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tally.crypto.hashing import hash32
from tally.minute import level_title, signature_status

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "PK-Serif": "DejaVuSerif.ttf",
    "PK-Serif-Bold": "DejaVuSerif-Bold.ttf",
    "PK-Serif-Italic": "DejaVuSerif-Italic.ttf",
    "PK-Serif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
    "PK-Cond": "DejaVuSerifCondensed.ttf",
    "PK-Cond-Bold": "DejaVuSerifCondensed-Bold.ttf",
    "PK-Mono": "DejaVuSansMono.ttf",
}
LEVEL_CODES = ("XS", "TOT", "HT", "KHT")
EXCLUSION_OPTION_TEXT = {
    "roll": "đảng viên chính thức trừ số được trừ theo Điều lệ",
    "present": "đảng viên chính thức có mặt",
    "valid_for_person": "số phiếu có đánh giá người đó (trừ phiếu để trống)",
}
QUORUM_TEXT = {"two_thirds": "ít nhất 2/3", "more_than_half": "hơn một nửa"}
INK = colors.HexColor("#111111")
RED = colors.HexColor("#b00020")


class FontsMissing(RuntimeError):
    """The DejaVu fonts are not installed."""


def _missing_fonts(font_dir: Path) -> None:
    missing = [name for name in FONT_FILES.values() if not (font_dir / name).is_file()]
    if missing:
        raise FontsMissing(
            f"Thiếu phông chữ DejaVu ({', '.join(missing)} trong {font_dir}); cài gói "
            "fonts-dejavu-core (make setup, hoặc: sudo apt-get install fonts-dejavu-core). "
            "Missing DejaVu fonts: install Debian's fonts-dejavu-core."
        )


@cache
def renderer(font_dir: Path = FONT_DIR) -> dict[str, str]:
    """What the bytes of a rendering depend on besides the minute: ``{"reportlab": version,
    "fonts": H32("minute-fonts", file name, file bytes, …)}`` over ``FONT_FILES`` in order."""
    _missing_fonts(font_dir)
    parts: list[str | bytes] = []
    for file in FONT_FILES.values():
        parts += [file, (font_dir / file).read_bytes()]
    return {"reportlab": reportlab.Version, "fonts": hash32("minute-fonts", *parts).hex()}


_REGISTERED: list[Path] = []


def register_fonts(font_dir: Path = FONT_DIR) -> None:
    """Register the embedded TrueType fonts of ``font_dir`` (once, until another folder is
    asked for: reportlab keeps one font per name); a clear error if a file is missing."""
    if [font_dir] == _REGISTERED:
        return
    _missing_fonts(font_dir)
    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_dir / file)))
    _REGISTERED[:] = [font_dir]
    pdfmetrics.registerFontFamily(
        "PK-Serif",
        normal="PK-Serif",
        bold="PK-Serif-Bold",
        italic="PK-Serif-Italic",
        boldItalic="PK-Serif-BoldItalic",
    )
    pdfmetrics.registerFontFamily(
        "PK-Cond", normal="PK-Cond", bold="PK-Cond-Bold", italic="PK-Cond", boldItalic="PK-Cond"
    )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="PK-Serif", fontSize=11, leading=15, textColor=INK)
    return {
        "body": ParagraphStyle("body-j", parent=base, alignment=TA_JUSTIFY, spaceAfter=3),
        "left": base,
        "head-left": ParagraphStyle(
            "hl", parent=base, alignment=TA_CENTER, fontSize=10, leading=13.5
        ),
        "head-right": ParagraphStyle("hr", parent=base, alignment=TA_CENTER, fontSize=12.5),
        "date": ParagraphStyle(
            "date", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Italic", fontSize=11
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            alignment=TA_CENTER,
            fontName="PK-Serif-Bold",
            fontSize=15,
            leading=20,
            spaceBefore=10,
        ),
        "subtitle": ParagraphStyle(
            "sub", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Bold", fontSize=12
        ),
        "h": ParagraphStyle(
            "h", parent=base, fontName="PK-Serif-Bold", fontSize=11.5, spaceBefore=8, spaceAfter=3
        ),
        "item": ParagraphStyle("item", parent=base, leftIndent=14, firstLineIndent=-8),
        "cell": ParagraphStyle("cell", parent=base, fontName="PK-Cond", fontSize=8.5, leading=10),
        "cell-c": ParagraphStyle(
            "cellc", parent=base, fontName="PK-Cond", fontSize=8.5, leading=10, alignment=TA_CENTER
        ),
        "th": ParagraphStyle(
            "th",
            parent=base,
            fontName="PK-Cond-Bold",
            fontSize=8.5,
            leading=10,
            alignment=TA_CENTER,
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=9.5, leading=12.5, leftIndent=14),
        "mono": ParagraphStyle(
            "mono", parent=base, fontName="PK-Mono", fontSize=10, leading=13, leftIndent=14
        ),
        "sign": ParagraphStyle(
            "sign", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Bold", fontSize=11.5
        ),
        "sign-name": ParagraphStyle(
            "signname", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Bold"
        ),
        "sign-note": ParagraphStyle(
            "signnote", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Italic", fontSize=9
        ),
    }


def _e(text: object) -> str:
    return escape(str(text or ""))


def _upper(text: str) -> str:
    return " ".join(text.split()).upper()


def _party_unit(prefix: str, text: str) -> str:
    """``Chi bộ Phòng A`` → ``CHI BỘ PHÒNG A``; a bare name gets the prefix."""
    upper = _upper(text)
    return upper if upper.startswith(prefix) else f"{prefix} {upper}".strip()


def date_words(iso: str) -> str:
    """``2026-12-15`` → ``ngày 15 tháng 12 năm 2026`` (HD 36: day and month below 10 with 0
    for days 1–9 and months 1–2)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return _e(iso)
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm_ = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {dd} tháng {mm_} năm {day.year}"


def _header(minute: dict[str, Any], s: dict[str, ParagraphStyle]) -> Table:
    meeting = minute["meeting"]
    number = meeting.get("number") or "&nbsp;" * 8
    left = [
        Paragraph(_e(_party_unit("ĐẢNG BỘ", meeting.get("committee_above", ""))), s["head-left"]),
        Paragraph(f"<b>{_e(_party_unit('CHI BỘ', meeting['cell']))}</b>", s["head-left"]),
        Paragraph("*", s["head-left"]),
        Paragraph(f"Số {_e(number) if meeting.get('number') else number}-BB/CB", s["head-left"]),
    ]
    place = meeting.get("place") or ""
    right = [
        Paragraph("<b><u>ĐẢNG CỘNG SẢN VIỆT NAM</u></b>", s["head-right"]),
        Spacer(1, 6),
        Paragraph(
            f"{_e(place)}, {date_words(meeting['date'])}" if place else date_words(meeting["date"]),
            s["date"],
        ),
    ]
    table = Table([[left, right]], colWidths=[84 * mm, 76 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _intro(minute: dict[str, Any], s: dict[str, ParagraphStyle]) -> list:
    meeting = minute["meeting"]
    when = date_words(meeting["date"])
    if meeting.get("time"):
        hours, minutes = meeting["time"].split(":")
        when = f"{when}, hồi {int(hours)} giờ {minutes}"
    place = f", tại {_e(meeting['place'])}" if meeting.get("place") else ""
    text = (
        f"Hôm nay, {when}{place}, {_e(meeting['cell'])} tiến hành "
        f"{_e(meeting['title'][:1].lower() + meeting['title'][1:])}."
    )
    parts = [Paragraph(text, s["body"])]
    if meeting.get("purpose"):
        parts.append(Paragraph(f"Nội dung bỏ phiếu: {_e(meeting['purpose'])}.", s["body"]))
    people = []
    if meeting.get("chair"):
        people.append(f"Chủ trì: {_e(meeting['chair'])}")
    if meeting.get("secretary"):
        people.append(f"thư ký: {_e(meeting['secretary'])}")
    if people:
        parts.append(Paragraph("; ".join(people) + ".", s["body"]))
    return parts


def _committee(minute: dict[str, Any], s: dict[str, ParagraphStyle]) -> list:
    parts = [Paragraph("I. BAN KIỂM PHIẾU", s["h"])]
    parts.append(
        Paragraph(
            f"Hội nghị đã bầu Ban kiểm phiếu gồm {len(minute['committee'])} đồng chí "
            f"(giải mã kết quả cần {minute['threshold']} đồng chí):",
            s["body"],
        )
    )
    for member in minute["committee"]:
        role = "Trưởng ban" if member["role"] == "head" else "Thành viên"
        line = f"{member['index']}. Đồng chí {_e(member['name'])} — {role}."
        parts.append(Paragraph(line, s["item"]))
    return parts


def _names(entries: list[dict[str, Any]], s: dict[str, ParagraphStyle]) -> list:
    return [Paragraph(f"– Đồng chí {_e(e['name'])}: {_e(e['text'])}.", s["note"]) for e in entries]


def _roll(minute: dict[str, Any], s: dict[str, ParagraphStyle]) -> list:
    roll = minute["roll"]
    parts = [Paragraph("II. TÌNH HÌNH ĐẢNG VIÊN", s["h"])]
    parts.append(
        Paragraph(
            f"1. Tổng số đảng viên của chi bộ: <b>{roll['members']}</b> "
            f"(chính thức {roll['official']}, dự bị {roll['probationary']}).",
            s["item"],
        )
    )
    excluded = roll["excluded"]
    parts.append(
        Paragraph(
            f"2. Số đảng viên chính thức không tính vào cơ sở theo Điều lệ: <b>{len(excluded)}</b>"
            + (":" if excluded else "."),
            s["item"],
        )
    )
    parts += _names(excluded, s)
    parts.append(
        Paragraph(
            f"3. Cơ sở tính (số đảng viên chính thức trừ số được trừ): <b>{roll['base']}</b> "
            f"= {roll['official']} − {len(excluded)}.",
            s["item"],
        )
    )
    parts.append(
        Paragraph(
            f"4. Số đảng viên có mặt: <b>{roll['present']}</b> (chính thức "
            f"{roll['present_official']}, dự bị {roll['present_probationary']}); số đảng viên "
            f"chính thức có mặt được bỏ phiếu: <b>{roll['voters']}</b>.",
            s["item"],
        )
    )
    absent = roll["absent"]
    parts.append(
        Paragraph(
            f"5. Số đảng viên vắng mặt: <b>{len(absent)}</b>" + (":" if absent else "."),
            s["item"],
        )
    )
    parts += _names(absent, s)
    met = "đủ" if roll["quorum_met"] else "KHÔNG ĐỦ"
    parts.append(
        Paragraph(
            f"6. Túc số: cần {QUORUM_TEXT.get(roll['quorum'], roll['quorum'])} cơ sở tính, tức "
            f"ít nhất {roll['quorum_required']} đảng viên chính thức có mặt; có mặt "
            f"{roll['voters']} → <b>{met}</b>.",
            s["item"],
        )
    )
    not_rated = roll["not_rated"]
    parts.append(
        Paragraph(
            f"7. Số đảng viên được đánh giá, xếp loại: <b>{roll['rated']}</b>; không đánh giá, "
            f"xếp loại: <b>{len(not_rated)}</b>" + (":" if not_rated else "."),
            s["item"],
        )
    )
    parts += _names(not_rated, s)
    return parts


def _votes_table(rnd: dict[str, Any], s: dict[str, ParagraphStyle]) -> Table:
    header = [
        Paragraph("TT", s["th"]),
        Paragraph("Họ và tên", s["th"]),
        *[Paragraph(f"{code}<br/>số phiếu<br/>(% cơ sở)", s["th"]) for code in LEVEL_CODES],
        Paragraph("Để trống", s["th"]),
        Paragraph("Mức theo phiếu", s["th"]),
        Paragraph("Mức đề xuất", s["th"]),
    ]
    rows = [header]
    flagged = []
    for position, subject in enumerate(rnd["subjects"], start=1):
        votes, pct = subject["votes"], subject["percent_of_base"]
        level = subject["level"] or "—"
        mark = ""
        if subject["status"] == "unresolved":
            level, mark = "Chưa xác định", " (1)"
        elif subject["quota"] in ("over", "tie"):
            mark = " (2)"
        if subject["adjustments"] and not mark:
            mark = " (*)"
        if mark:
            flagged.append(position)
        rows.append(
            [
                Paragraph(str(position), s["cell-c"]),
                Paragraph(_e(subject["name"]), s["cell"]),
                *[
                    Paragraph(f"{votes[code]}<br/>({pct[code]}%)", s["cell-c"])
                    for code in LEVEL_CODES
                ],
                Paragraph(f"{subject['blank']}<br/>({pct['blank']}%)", s["cell-c"]),
                Paragraph(_e(subject["vote_level"] or "—"), s["cell-c"]),
                Paragraph(f"<b>{_e(level)}</b>{mark}", s["cell-c"]),
            ]
        )
    widths = [8 * mm, 41 * mm, 15 * mm, 15 * mm, 15 * mm, 15 * mm, 15 * mm, 15 * mm, 21 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, INK),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(style))
    return table


def _round(rnd: dict[str, Any], multiple: bool, s: dict[str, ParagraphStyle]) -> list:
    suffix = f" — VÒNG {rnd['round']}" if multiple else ""
    title = f"III. KẾT QUẢ KIỂM PHIẾU{suffix}"
    parts: list = [CondPageBreak(60 * mm), Paragraph(title, s["h"])]
    issued = rnd["tokens_issued"] - rnd["cancelled_tokens"]
    parts.append(
        Paragraph(
            f"1. Số phiếu phát ra: <b>{issued}</b>"
            + (
                f" (đã tạo {rnd['tokens_issued']} mã phiếu, hủy {rnd['cancelled_tokens']} "
                "mã dư hoặc hỏng trước khi phát)"
                if rnd["cancelled_tokens"]
                else ""
            )
            + f"; số phiếu thu về: <b>{rnd['ballots']}</b>; số phiếu không sử dụng: "
            f"<b>{rnd['unused_tokens']}</b>. Tất cả phiếu thu về đều hợp lệ (mỗi phiếu được máy "
            "chủ kiểm tra chứng minh mật mã trước khi nhận).",
            s["item"],
        )
    )
    base_text = EXCLUSION_OPTION_TEXT.get(rnd["base_option"], rnd["base_option"])
    valid = (
        "cuộc bỏ phiếu hợp lệ"
        if rnd["valid"]
        else "KHÔNG ĐỦ TÚC SỐ — cuộc bỏ phiếu không hợp lệ, không xác định mức cho ai"
    )
    parts.append(
        Paragraph(
            f"2. Cơ sở tính tỷ lệ: <b>{rnd['base']}</b> ({base_text}); {valid}. Kết quả từng "
            "đồng chí (số phiếu và tỷ lệ % so với cơ sở tính):",
            s["item"],
        )
    )
    parts.append(Spacer(1, 3))
    parts.append(_votes_table(rnd, s))
    parts.append(Spacer(1, 4))
    notes = []
    for position, subject in enumerate(rnd["subjects"], start=1):
        for adjustment in subject["adjustments"]:
            if adjustment["rule"].startswith("quota."):
                continue
            notes.append(
                Paragraph(
                    f"(*) {position}. {_e(subject['name'])}: {_e(adjustment['text'])} "
                    f"[quy tắc {_e(adjustment['rule'])}].",
                    s["note"],
                )
            )
    if notes:
        parts.append(Paragraph("3. Điều chỉnh sau bỏ phiếu (hạn mức), theo quy định:", s["item"]))
        parts += notes
    quota_lines = []
    for group in rnd["quota"]:
        over = ", ".join(_e(x["name"]) for x in group["over"]) or "không"
        tied = ", ".join(_e(x["name"]) for x in group["tied"]) or "không"
        kept = ", ".join(_e(x["name"]) for x in group["kept"]) or "không"
        label = "" if group["group"] == "default" else f" nhóm «{_e(group['group'])}»"
        quota_lines.append(
            Paragraph(
                f"(2) Tỷ lệ XS{label}: {group['good']} đồng chí đạt TOT trở lên, tối đa "
                f"{group['max_excellent']} XS. Giữ XS: {kept}. Vượt tỷ lệ (đề xuất TOT): "
                f"{over}. Hoà ở ranh giới (bỏ phiếu vòng sau, chương trình không phá hoà): "
                f"{tied}.",
                s["note"],
            )
        )
    if quota_lines:
        parts.append(Paragraph("4. Tỷ lệ hoàn thành xuất sắc nhiệm vụ (đề xuất):", s["item"]))
        parts += quota_lines
    parts.append(
        Paragraph(
            f"5. Trường hợp chưa xác định được mức (chuyển cấp ủy cấp trên): "
            f"<b>{len(rnd['unresolved'])}</b>" + (":" if rnd["unresolved"] else "."),
            s["item"],
        )
    )
    for entry in rnd["unresolved"]:
        parts.append(
            Paragraph(f"(1) Đồng chí {_e(entry['name'])}: {_e(entry['reason'])}.", s["note"])
        )
    flags = [
        subject
        for subject in rnd["subjects"]
        if subject["quota"] in ("over", "tie") or subject["status"] == "unresolved"
    ]
    summary = {code: 0 for code in LEVEL_CODES}
    for subject in rnd["subjects"]:
        if subject["level"] in summary:
            summary[subject["level"]] += 1
    parts.append(
        Paragraph(
            "6. Tổng hợp mức đề xuất: "
            + "; ".join(f"{level_title(code)}: <b>{n}</b>" for code, n in summary.items())
            + f"; chưa xác định: <b>{len(rnd['unresolved'])}</b>"
            + (f"; có {len(flags)} trường hợp cần lưu ý (đánh dấu (1), (2))." if flags else "."),
            s["item"],
        )
    )
    parts.append(
        Paragraph(
            f"Dấu vân tay khóa bầu cử của vòng: <font face='PK-Mono' size='8'>"
            f"{rnd['fingerprint']}</font>",
            s["note"],
        )
    )
    return parts


def _profile(minute: dict[str, Any], s: dict[str, ParagraphStyle]) -> list:
    profile = minute["profile"]
    options = profile["options"]
    thresholds = options["thresholds"]
    threshold_text = ", ".join(
        f"{code} {'≥ 2/3' if thresholds[code] == '2/3' else '> 1/2'}" for code in LEVEL_CODES
    )
    return [
        Paragraph("IV. QUY ĐỊNH ÁP DỤNG", s["h"]),
        Paragraph(
            f"Bộ quy tắc <b>{_e(profile['label'])}</b>: "
            f"{_e(profile['title'])}. Cơ sở tính: {_e(options['base'])}; túc số: "
            f"{QUORUM_TEXT.get(options['quorum'], options['quorum'])} cơ sở; cộng dồn từ mức "
            f"cao xuống: {'có' if options['cumulative'] else 'không'}; ngưỡng: "
            f"{threshold_text}; tỷ lệ XS tính trên số đạt TOT "
            f"{'trở lên' if options['good_includes_excellent'] else '(không tính XS)'}.",
            s["body"],
        ),
    ]


def _qr(data: str, size: float) -> Drawing:
    widget = QrCodeWidget(data, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _fingerprint(document: dict[str, Any], s: dict[str, ParagraphStyle]) -> list:
    minute = document["minute"]
    status = signature_status(minute, document.get("server_signature"), document["signatures"])
    digest = document["digest"]
    if status["digest"] != digest:
        digest_line = f"{digest} <font color='#b00020'>(KHÔNG KHỚP nội dung!)</font>"
    else:
        digest_line = digest
    groups = [digest_line[i : i + 8] for i in range(0, 64, 8)]
    grouped = " ".join(groups[:4]) + "<br/>" + " ".join(groups[4:]) + digest_line[64:]
    signed = [c for c in status["committee"] if c["signed"]]
    lines = [
        Paragraph("V. XÁC THỰC ĐIỆN TỬ", s["h"]),
        Paragraph(
            "Dấu vân tay của biên bản (mã băm H32 của minute.json, bản được ký số):", s["left"]
        ),
        Paragraph(grouped, s["mono"]),
        Spacer(1, 3),
        Paragraph(
            f"Bản ghi sự kiện: {minute['record']['events']} sự kiện, sự kiện cuối trước biên "
            f"bản <font face='PK-Mono' size='8'>{minute['record']['head_hash'][:32]}…</font>",
            s["note"],
        ),
        Paragraph(
            "Chữ ký số của máy chủ: "
            + ("<b>hợp lệ</b>" if status["server"] else "<b>chưa có / không hợp lệ</b>"),
            s["note"],
        ),
        Paragraph(
            f"Chữ ký số của Ban kiểm phiếu: <b>{len(signed)}/{len(status['committee'])}</b> — "
            + "; ".join(
                f"{_e(c['name'])}: {'đã ký' if c['signed'] else 'chưa ký'}"
                for c in status["committee"]
            )
            + ".",
            s["note"],
        ),
        Paragraph(
            "Quét mã QR để đối chiếu bản giấy với bản ghi đã ký (phieukin verify).",
            s["sign-note"],
        ),
    ]
    table = Table([[lines, _qr(digest, 34 * mm)]], colWidths=[124 * mm, 36 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table]


def _signatures(minute: dict[str, Any], s: dict[str, ParagraphStyle]) -> list:
    head = next((c for c in minute["committee"] if c["role"] == "head"), None)
    others = [c for c in minute["committee"] if c is not head]
    left: list = [Paragraph("CÁC THÀNH VIÊN", s["sign"])]
    for member in others:
        left += [Spacer(1, 16 * mm), Paragraph(_e(member["name"]), s["sign-name"])]
    right: list = [
        Paragraph("T/M BAN KIỂM PHIẾU", s["sign"]),
        Paragraph("TRƯỞNG BAN", s["sign"]),
        Paragraph("(Ký, ghi rõ họ tên)", s["sign-note"]),
        Spacer(1, 16 * mm),
        Paragraph(_e(head["name"]) if head else "", s["sign-name"]),
    ]
    table = Table([[left, right]], colWidths=[78 * mm, 82 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    closing = Paragraph(
        "Biên bản lập xong"
        + (
            f" hồi {int(minute['meeting']['time'][:2])} giờ {minute['meeting']['time'][3:]}"
            if minute["meeting"].get("time")
            else ""
        )
        + " cùng ngày, đã đọc lại cho hội nghị nghe; Ban kiểm phiếu nhất trí ký tên.",
        s["body"],
    )
    return [Spacer(1, 4), KeepTogether([closing, Spacer(1, 6), table])]


class _NumberedCanvas(pdf_canvas.Canvas):
    """Prints "Trang x/y" and the short fingerprint at the foot of every page."""

    footer = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self.setFont("PK-Serif-Italic", 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(30 * mm, 10 * mm, self.footer)
            self.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Trang {self._pageNumber}/{total}")
            super().showPage()
        super().save()


def render_minute_pdf(document: dict[str, Any], font_dir: Path = FONT_DIR) -> bytes:
    """The A4 PDF of a signed minute document (``{"minute", "digest", …}``)."""
    register_fonts(font_dir)
    minute = document["minute"]
    s = _styles()
    buffer = io.BytesIO()
    meeting = minute["meeting"]
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title="Biên bản kiểm phiếu",
        author=meeting.get("cell", ""),
        subject=meeting.get("title", ""),
        creator="Phiếu Kín",
        invariant=1,  # no creation time or random id: the same minute gives the same bytes
        pageCompression=0,  # nor bytes that depend on the machine's zlib
    )
    story: list = [_header(minute, s), Spacer(1, 8)]
    story.append(Paragraph("BIÊN BẢN KIỂM PHIẾU", s["title"]))
    story.append(Paragraph("đánh giá, xếp loại chất lượng đảng viên", s["subtitle"]))
    story.append(Paragraph("-----", ParagraphStyle("dash", parent=s["subtitle"], spaceAfter=8)))
    story += _intro(minute, s)
    story += _committee(minute, s)
    story += _roll(minute, s)
    multiple = len(minute["rounds"]) > 1
    for rnd in minute["rounds"]:
        story += _round(rnd, multiple, s)
    story += _profile(minute, s)
    story.append(CondPageBreak(55 * mm))
    story += _fingerprint(document, s)
    story += _signatures(minute, s)

    footer = f"Biên bản kiểm phiếu — {meeting.get('cell', '')} — vân tay {document['digest'][:16]}…"

    class Canvas(_NumberedCanvas):
        pass

    Canvas.footer = footer
    pdf.build(story, canvasmaker=Canvas)
    return buffer.getvalue()
