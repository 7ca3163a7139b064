"""The printed minute's typography: Liberation Serif 13 pt for the text (Hướng dẫn
36-HD/VPTW asks for a Times-style Unicode font at 13–14 pt), 10 pt in tables so that nine columns
fit an A4 page, names kept on one line, and the Vietnamese ways of writing dates and times."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

INK = colors.HexColor("#111111")
LEVELS = ("XS", "TOT", "HT", "KHT")
MEMBERSHIP = {"official": "Chính thức", "probationary": "Dự bị"}


def e(text: object) -> str:
    """Escape text for a reportlab paragraph."""
    return escape(str(text or ""))


def date_words(iso: str) -> str:
    """``2026-12-15`` → ``ngày 15 tháng 12 năm 2026`` (HD 36: day and month below 10 with 0
    for days 1–9 and months 1–2)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return e(iso)
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm_ = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {dd} tháng {mm_} năm {day.year}"


def time_words(hhmm: str) -> str:
    """``14:05`` → ``14 giờ 05``."""
    hours, minutes = hhmm.split(":")
    return f"{int(hours)} giờ {minutes}"


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the minute (13 pt text, 10 pt tables)."""
    base = ParagraphStyle("body", fontName="PK-Serif", fontSize=13, leading=17, textColor=INK)
    cell = ParagraphStyle("cell", parent=base, fontSize=10, leading=12)
    return {
        "body": ParagraphStyle("body-j", parent=base, alignment=TA_JUSTIFY, spaceAfter=3),
        "left": base,
        "head-left": ParagraphStyle("hl", parent=base, alignment=TA_CENTER, leading=16),
        "head-left-bold": ParagraphStyle(
            "hlb", parent=base, alignment=TA_CENTER, leading=16, fontName="PK-Serif-Bold"
        ),
        "head-right": ParagraphStyle("hr", parent=base, alignment=TA_CENTER, fontSize=14),
        "date": ParagraphStyle(
            "date", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Italic"
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            alignment=TA_CENTER,
            fontName="PK-Serif-Bold",
            fontSize=15,
            leading=20,
            spaceBefore=8,
        ),
        "subtitle": ParagraphStyle(
            "sub", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Bold", fontSize=14
        ),
        "dash": ParagraphStyle("dash", parent=base, alignment=TA_CENTER, spaceAfter=8),
        "h": ParagraphStyle(
            "h", parent=base, fontName="PK-Serif-Bold", spaceBefore=8, spaceAfter=3
        ),
        "item": ParagraphStyle(
            "item", parent=base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=2
        ),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=12, leading=15, leftIndent=8 * mm, alignment=TA_JUSTIFY
        ),
        "mono": ParagraphStyle(
            "mono", parent=base, fontName="PK-Mono", fontSize=11, leading=14, leftIndent=8 * mm
        ),
        "cell": cell,
        "cell-c": ParagraphStyle("cellc", parent=cell, alignment=TA_CENTER),
        "th": ParagraphStyle(
            "th", parent=cell, fontName="PK-Serif-Bold", fontSize=9.5, alignment=TA_CENTER
        ),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Bold"),
        "sign-name": ParagraphStyle(
            "signname", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Bold"
        ),
        "sign-note": ParagraphStyle(
            "signnote", parent=base, alignment=TA_CENTER, fontName="PK-Serif-Italic", fontSize=12
        ),
    }


def one_line(text: str, width: float, style: ParagraphStyle, minimum: float = 7) -> Paragraph:
    """``text`` in ``style``, made smaller if needed so that it fits ``width`` on one line."""
    size = style.fontSize
    while size > minimum and stringWidth(text, style.fontName, size) > width:
        size -= 0.25
    fitted = ParagraphStyle(f"{style.name}-{size}", parent=style, fontSize=size, leading=size * 1.2)
    return Paragraph(e(text), fitted)


def table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, INK),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table
