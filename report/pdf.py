"""The committee's report and the roll-up as printed A4 documents, in the party layout.

The layout follows Hướng dẫn 36-HD/VPTW as the minute does (``audit.minute_pdf``: the same
Liberation Serif fonts, embedded, the same margins, styles and page footer): top left the party
organisation above (when given) and the issuing committee in bold ("ĐẢNG ỦY …"), a star and
the document number ("Số …-BC/ĐU"); top right "ĐẢNG CỘNG SẢN VIỆT NAM" in bold, underlined,
then the place name and the date in italics; the title centred in bold; the sections
(``report.pdf_sections``); at the end the recipients and the signature block of the
organisation office (docs/REPORT.md §9). Rendered from the report's JSON alone, with no time or
random id in the file (the same JSON gives the same bytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from audit.minute_pdf import (
    FONT_DIR,
    WIDTH,
    document_number,
    party_header,
    party_pdf,
    party_unit,
    register_fonts,
)
from audit.minute_pdf_style import date_words, e, one_line, styles
from report.pdf_kinds import other_rounds_section, totals_sentence
from report.pdf_sections import (
    decisions_section,
    pending_section,
    quota_section,
    records_section,
    statistics_section,
)
from tally.report.names import ORGANISATION_PREFIXES

PLAIN = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
]


def committee_line(organisation: str, upper: bool = True) -> str:
    """``Đảng bộ Sở Tài chính`` → ``ĐẢNG ỦY SỞ TÀI CHÍNH``: the committee that issues the
    report (``upper=False``: the name alone as written, ``Sở Tài chính``)."""
    name = " ".join(organisation.split())
    for prefix in ORGANISATION_PREFIXES:
        if name.casefold().startswith(prefix):
            name = name[len(prefix) :]
            break
    return party_unit("ĐẢNG ỦY", name) if upper else name


def header(facts: Mapping[str, str], s: dict) -> Table:
    """The party document's header: the issuing committee left, the party and date right."""
    column = 85 * mm
    left: list = []
    if facts.get("above"):
        left.append(one_line(party_unit("ĐẢNG BỘ", facts["above"]), column, s["head-left"]))
    left += [
        one_line(committee_line(facts["organisation"]), column, s["head-left-bold"]),
        Paragraph("*", s["head-left"]),
        Paragraph(document_number(facts.get("number", ""), "BC/ĐU"), s["head-left"]),
    ]
    dated = date_words(facts["date"]) if facts.get("date") else "ngày ... tháng ... năm ......"
    return party_header(left, facts.get("locality") or "", dated, s, column)


def signature(s: dict, recipients: list[str]) -> list:
    """Recipients on the left; the organisation office's signature block on the right."""
    left: list = [Paragraph("<b><i>Nơi nhận:</i></b>", s["note"])]
    left += [Paragraph(f"- {e(line)}", s["note"]) for line in recipients]
    right: list = [
        Paragraph("T/L ĐẢNG ỦY", s["sign"]),
        Paragraph("VĂN PHÒNG ĐẢNG ỦY", s["sign"]),
        Paragraph("(Ký, ghi rõ họ tên)", s["sign-note"]),
        Spacer(1, 22 * mm),
    ]
    table = Table([[left, right]], colWidths=[WIDTH / 2, WIDTH / 2])
    table.setStyle(TableStyle(PLAIN))
    return [Spacer(1, 8), KeepTogether([table])]


def _build(story: list, title: str, footer: str, font_dir: Path) -> bytes:
    register_fonts(font_dir)
    return party_pdf(story, footer, title=title)


def _year(report: Mapping[str, Any], facts: Mapping[str, str]) -> str:
    years = sorted(str(c.get("date", ""))[:4] for c in report.get("cells", []) if c.get("date"))
    return years[-1] if years else str(facts.get("date", ""))[:4]


def render_report_pdf(
    report: Mapping[str, Any], facts: Mapping[str, str], font_dir: Path = FONT_DIR
) -> bytes:
    """The printed report. ``facts``: ``organisation``, ``date`` (ISO), ``locality``,
    ``number``, ``above`` (the organisation above, optional)."""
    register_fonts(font_dir)
    s = styles()
    facts = {**facts, "organisation": report["organisation"]}
    counted = sum(1 for r in report["records"] if r["counted"])
    year = _year(report, facts)
    committee = e("Đảng ủy " + committee_line(report["organisation"], upper=False))
    story: list = [
        header(facts, s),
        Spacer(1, 10),
        Paragraph("BÁO CÁO", s["title"]),
        Paragraph(
            "kết quả đánh giá, xếp loại chất lượng đảng viên" + (f" năm {year}" if year else ""),
            s["subtitle"],
        ),
        Paragraph("-----", s["dash"]),
        Paragraph(
            f"Căn cứ hồ sơ điện tử kết quả bỏ phiếu kín đánh giá, xếp loại đảng viên của "
            f"{counted} chi bộ trực thuộc (đã kiểm tra độc lập), {committee} tổng hợp đề xuất "
            "của các chi bộ, áp dụng tỷ lệ hoàn thành xuất sắc nhiệm vụ trong toàn đảng bộ và "
            "báo cáo kết quả như sau:",
            s["item"],
        ),
    ]
    story += records_section(report, s, WIDTH, 0)
    story += quota_section(report, s, WIDTH, 1)
    story += decisions_section(report, s, WIDTH, 2)
    story += statistics_section(report, s, WIDTH, 3)
    story += pending_section(report, s, 4)
    story += other_rounds_section(report, s, WIDTH, 5)
    story += signature(
        s, ["Cấp ủy cấp trên (để báo cáo),", "Các chi bộ trực thuộc,", "Lưu Văn phòng Đảng ủy."]
    )
    footer = f"Báo cáo xếp loại đảng viên — {report['organisation']}"
    return _build(story, "Báo cáo kết quả xếp loại đảng viên", footer, font_dir)


def render_summary_pdf(
    summary: Mapping[str, Any], facts: Mapping[str, str], font_dir: Path = FONT_DIR
) -> bytes:
    """The printed roll-up: counts and shares per level, per organisation and in total."""
    register_fonts(font_dir)
    s = styles()
    facts = {"organisation": "", **facts}
    organisations = summary["organisations"]
    report_like = {
        "statistics": [{"cell": o["organisation"], **o["totals"]} for o in organisations],
        "totals": summary["totals"],
    }
    table_part = statistics_section(report_like, s, WIDTH, 0)
    table_part[1] = Paragraph("THỐNG KÊ THEO TỔ CHỨC ĐẢNG", s["h"])
    story: list = [
        header(facts, s),
        Spacer(1, 10),
        Paragraph("BÁO CÁO TỔNG HỢP", s["title"]),
        Paragraph("kết quả đánh giá, xếp loại chất lượng đảng viên", s["subtitle"]),
        Paragraph("-----", s["dash"]),
        Paragraph(
            f"Tổng hợp từ báo cáo của {len(summary['organisations'])} tổ chức đảng "
            f"({sum(len(o['records']) for o in summary['organisations'])} hồ sơ chi bộ):",
            s["item"],
        ),
        *table_part,
    ]
    others = totals_sentence(summary["other_round_totals"])
    if others:
        story.append(Paragraph(others, s["item"]))
    story += signature(s, ["Cấp ủy cấp trên (để báo cáo),", "Lưu Văn phòng."])
    title = "Báo cáo tổng hợp kết quả xếp loại đảng viên"
    return _build(story, title, "Báo cáo tổng hợp", font_dir)
