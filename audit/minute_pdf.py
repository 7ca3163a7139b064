"""The printable minute (biên bản kiểm phiếu): A4, in the layout party offices file.

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

The layout follows Hướng dẫn 36-HD/VPTW: a Times-style Unicode font (Liberation Serif, from the
distribution's fonts-liberation2, embedded) at 13 pt for the text; margins 20–25 mm top and
bottom, 30–35 mm left, 15–20 mm right; top left the party committee above ("ĐẢNG BỘ …"), the
cell in bold ("CHI BỘ …"), a star and the document number; top right "ĐẢNG CỘNG SẢN VIỆT NAM" in
bold, underlined, then the place name and the date in italics; the title centred in bold. The
sections (``minute_pdf_body``) give the meeting, the committee, every roster member, the rules
in words, each round, the cell's proposal; then the minute's fingerprint with a QR code and the
state of every digital signature, the closing time and the signature block "T/M BAN KIỂM
PHIẾU / TRƯỞNG BAN" with the members. No internal code is printed: levels are named in a
legend, rules by their regulation, options in words.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

import reportlab
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
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

from audit.minute_pdf_body import body_sections
from audit.minute_pdf_style import date_words, e, one_line, styles, time_words
from tally.canonical import canonical_json, parse_json
from tally.crypto.hashing import hash32
from tally.fingerprint import member_fingerprint
from tally.minute import signature_status

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {
    "PK-Serif": "LiberationSerif-Regular.ttf",
    "PK-Serif-Bold": "LiberationSerif-Bold.ttf",
    "PK-Serif-Italic": "LiberationSerif-Italic.ttf",
    "PK-Serif-BoldItalic": "LiberationSerif-BoldItalic.ttf",
    "PK-Mono": "LiberationMono-Regular.ttf",
}
LEFT_MARGIN, RIGHT_MARGIN = 30 * mm, 15 * mm
WIDTH = A4[0] - LEFT_MARGIN - RIGHT_MARGIN


class FontsMissing(RuntimeError):
    """The Liberation fonts are not installed."""


def _missing_fonts(font_dir: Path) -> None:
    missing = [name for name in FONT_FILES.values() if not (font_dir / name).is_file()]
    if missing:
        raise FontsMissing(
            f"Thiếu phông chữ Liberation ({', '.join(missing)} trong {font_dir}); cài gói "
            "fonts-liberation2 (make setup, hoặc: sudo apt-get install fonts-liberation2). "
            "Missing Liberation fonts: install Debian's fonts-liberation2."
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


def _forget_fonts() -> None:
    """Drop the fonts registered from another folder: reportlab keeps the first TrueType font
    registered under a name (and under a face name) and silently ignores later ones, so without
    this a second folder in the same process would render with the first folder's fonts."""
    for name in FONT_FILES:
        font = pdfmetrics._fonts.pop(name, None)
        if font is not None and getattr(font, "_dynamicFont", False):
            pdfmetrics._dynFaceNames.pop(font.face.name, None)


def register_fonts(font_dir: Path = FONT_DIR) -> None:
    """Register the embedded TrueType fonts of ``font_dir`` (once; asking for another folder
    replaces the fonts of the one before); a clear error if a file is missing."""
    if [font_dir] == _REGISTERED:
        return
    _missing_fonts(font_dir)
    _forget_fonts()
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


def party_unit(prefix: str, text: str) -> str:
    """``Chi bộ Phòng A`` → ``CHI BỘ PHÒNG A``; a bare name gets the prefix."""
    upper = " ".join(text.split()).upper()
    return upper if upper.startswith(prefix) else f"{prefix} {upper}".strip()


def document_number(number: str, suffix: str = "BB/CB") -> str:
    """``01`` → ``Số 01-BB/CB`` (or another document's ``suffix``); a number typed with its own
    suffix is kept as is; none leaves room to write it by hand."""
    number = " ".join(number.split())
    if not number:
        return "Số " + "&nbsp;" * 8 + f"-{suffix}"
    if "/" in number or "-" in number:
        return f"Số {e(number)}"
    return f"Số {e(number)}-{suffix}"


def party_header(left: list, locality: str, dated: str, s: dict, column: float) -> Table:
    """A party document's header (HD 36): ``left``, the issuing body's lines, in a column
    ``column`` wide; on the right "ĐẢNG CỘNG SẢN VIỆT NAM" in bold, underlined, then the place
    name and ``dated`` (``ngày … tháng … năm …``) in italics."""
    right = [
        Paragraph("<b><u>ĐẢNG CỘNG SẢN VIỆT NAM</u></b>", s["head-right"]),
        Spacer(1, 6),
        Paragraph(
            f"{e(locality)}, {dated}" if locality else dated[:1].upper() + dated[1:], s["date"]
        ),
    ]
    table = Table([[left, right]], colWidths=[column, WIDTH - column])
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


def _header(minute: dict[str, Any], s: dict) -> Table:
    meeting = minute["meeting"]
    column = 80 * mm
    left = [
        one_line(party_unit("ĐẢNG BỘ", meeting.get("committee_above", "")), column, s["head-left"]),
        one_line(party_unit("CHI BỘ", meeting["cell"]), column, s["head-left-bold"]),
        Paragraph("*", s["head-left"]),
        Paragraph(document_number(meeting.get("number", "")), s["head-left"]),
    ]
    locality = meeting.get("locality") or ""
    return party_header(left, locality, date_words(meeting["date"]), s, column)


def _qr(data: str, size: float) -> Drawing:
    widget = QrCodeWidget(data, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _fingerprint(document: dict[str, Any], number: str, s: dict) -> list:
    minute = document["minute"]
    status = signature_status(minute, document.get("server_signature"), document["signatures"])
    digest = document["digest"]
    mark = "" if status["digest"] == digest else " <b>(KHÔNG KHỚP nội dung!)</b>"
    groups = [digest[i : i + 8] for i in range(0, 64, 8)]
    grouped = " ".join(groups[:4]) + "<br/>" + " ".join(groups[4:]) + mark
    signed = [c for c in status["committee"] if c["signed"]]
    lines = [
        Paragraph(f"{number}. XÁC THỰC ĐIỆN TỬ", s["h"]),
        Paragraph("Dấu vân tay của biên bản (bản điện tử được ký số):", s["left"]),
        Paragraph(grouped, s["mono"]),
        Paragraph(
            f"Nhật ký điện tử: {minute['record']['events']} sự kiện trước biên bản. Chữ ký số "
            "của máy chủ: " + ("hợp lệ." if status["server"] else "chưa có hoặc không hợp lệ."),
            s["note"],
        ),
        Paragraph(
            f"Chữ ký số của Ban kiểm phiếu: {len(signed)}/{len(status['committee'])} — "
            + "; ".join(
                f"{e(c['name'])}: {'đã ký' if c['signed'] else 'chưa ký'}"
                for c in status["committee"]
            )
            + ".",
            s["note"],
        ),
        Paragraph("Quét mã QR để đối chiếu bản giấy với bản điện tử đã ký.", s["note"]),
    ]
    table = Table([[lines, _qr(digest, 32 * mm)]], colWidths=[WIDTH - 36 * mm, 36 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [CondPageBreak(60 * mm), table]


def _signatures(minute: dict[str, Any], s: dict) -> list:
    head = next((c for c in minute["committee"] if c["role"] == "head"), None)
    others = [c for c in minute["committee"] if c is not head]
    left: list = [Paragraph("CÁC THÀNH VIÊN", s["sign"])]
    for member in others:
        left += [Spacer(1, 18 * mm), Paragraph(e(member["name"]), s["sign-name"])]
        left += _key_line(member, s)
    right: list = [
        Paragraph("T/M BAN KIỂM PHIẾU", s["sign"]),
        Paragraph("TRƯỞNG BAN", s["sign"]),
        Paragraph("(Ký, ghi rõ họ tên)", s["sign-note"]),
        Spacer(1, 18 * mm),
        Paragraph(e(head["name"]) if head else "", s["sign-name"]),
        *(_key_line(head, s) if head else []),
    ]
    table = Table([[left, right]], colWidths=[WIDTH / 2, WIDTH / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    end = minute["meeting"].get("end_time")
    closing = Paragraph(
        "Biên bản kết thúc"
        + (f" hồi {time_words(end)}" if end else " hồi ...... giờ ......")
        + " cùng ngày, đã đọc lại cho hội nghị nghe; Ban kiểm phiếu nhất trí ký tên.",
        s["body"],
    )
    return [Spacer(1, 4), KeepTogether([closing, Spacer(1, 6), table])]


def _key_line(member: dict[str, Any], s: dict) -> list:
    """The member's key fingerprint under the signature block (PROTOCOL.md §16): the same code
    their phone and the projector showed when the committee made the key."""
    code = member_fingerprint(bytes.fromhex(member["signing_key"]))
    return [Paragraph(f"Mã khóa: <font face='PK-Mono'>{code}</font>", s["sign-note"])]


class NumberedCanvas(pdf_canvas.Canvas):
    """Prints "Trang x/y" and ``footer`` (the minute's short fingerprint, or another document's
    line) at the foot of every page."""

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
            self.setFont("PK-Serif-Italic", 9)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(LEFT_MARGIN, 10 * mm, self.footer)
            self.drawRightString(A4[0] - RIGHT_MARGIN, 10 * mm, f"Trang {self._pageNumber}/{total}")
            super().showPage()
        super().save()


def render_minute_pdf(document: dict[str, Any], font_dir: Path = FONT_DIR) -> bytes:
    """The A4 PDF of a signed minute document (``{"minute", "digest", …}``): a function of its
    canonical JSON alone (read back in that form first, so no dict order of the caller's can
    change a byte)."""
    document = parse_json(canonical_json(document))
    register_fonts(font_dir)
    minute = document["minute"]
    s = styles()
    meeting = minute["meeting"]
    story: list = [_header(minute, s), Spacer(1, 10)]
    story.append(Paragraph("BIÊN BẢN KIỂM PHIẾU", s["title"]))
    story.append(Paragraph("đánh giá, xếp loại chất lượng đảng viên", s["subtitle"]))
    story.append(Paragraph("-----", s["dash"]))
    sections, next_number = body_sections(minute, s, WIDTH)
    story += sections
    story += _fingerprint(document, next_number, s)
    story += _signatures(minute, s)
    return party_pdf(
        story,
        f"Biên bản kiểm phiếu — vân tay {document['digest'][:16]}…",
        title="Biên bản kiểm phiếu",
        author=meeting.get("cell", ""),
        subject=meeting.get("title", ""),
    )


def party_pdf(story: list, footer: str, **info: str) -> bytes:
    """``story`` laid out as a party document on A4 (the minute's margins, "Trang x/y" and
    ``footer`` at the foot of every page), with the document ``info`` (``title``, ``author``,
    ``subject``); the same story always gives the same bytes."""
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        creator="Phiếu Kín",
        invariant=1,  # no creation time or random id
        pageCompression=0,  # nor bytes that depend on the machine's zlib
        **info,
    )

    class Canvas(NumberedCanvas):
        pass

    Canvas.footer = footer
    pdf.build(story, canvasmaker=Canvas)
    return buffer.getvalue()
