"""Writing the roster in the import format: the downloadable template (CSV and XLSX) and exports.

What the template writes, ``parse_roster`` reads back to the same members (a property test holds
the two together). The XLSX template has a second sheet that explains each column, built from the
same column descriptions the import's messages use.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from ballot_server.roster_columns import COLUMNS, HEADERS
from tally.roster import Member, Membership, Suspension
from tally.rules.inputs import DEFAULT_GROUP

EXAMPLES: tuple[Member, ...] = (
    Member(1, "Nguyễn Văn An", Membership.OFFICIAL, date(2010, 5, 19), heads="Phòng Tổng hợp"),
    Member(2, "Trần Thị Bình", Membership.OFFICIAL, date(2015, 9, 2), sick_leave_months=3),
    Member(3, "Lê Minh Cường", Membership.PROBATIONARY, date(2025, 3, 26)),
)
_SUSPENSION_TEXT = {
    Suspension.NONE: "Không",
    Suspension.PARTY: "Có",
    Suspension.COMMITTEE: "Cấp ủy",
}


def _cells(member: Member) -> list[str]:
    return [
        member.name,
        "Chính thức" if member.official else "Dự bị",
        member.admitted.strftime("%d/%m/%Y"),
        "Có" if member.exempted else "Không",
        _SUSPENSION_TEXT[member.suspended],
        "Có" if member.temporary_elsewhere else "Không",
        str(member.sick_leave_months),
        "Có" if member.disciplined else "Không",
        "Chưa có"
        if member.civil_servant_pending
        else ""
        if member.civil_servant_rating is None
        else member.civil_servant_rating.value,
        member.heads or "",
        "" if member.group == DEFAULT_GROUP else member.group,
        "Có" if member.discipline_self_remedied else "Không",
        str(member.kht_years_before),
        member.score or "",
    ]


def roster_csv(members: Iterable[Member]) -> bytes:
    """The members as a CSV file in the import format (UTF-8 with BOM, so Excel reads it)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for member in members:
        writer.writerow(_cells(member))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


_NOTES = {  # what the guide says of a column besides what it accepts: (Vietnamese, English)
    "civil_servant_rating": (
        "«Chưa có» nếu là công chức, viên chức mà chưa có kết quả năm nay (giữ lại, xếp loại sau).",
        "«Chưa có» for a civil servant whose result of the year is not known yet (kept back, "
        "rated later).",
    ),
    "heads": ("Tên tập thể người này đứng đầu.", "The collective this member heads."),
    "group": (
        "Nhóm chức danh tương đương (cho tỷ lệ xuất sắc).",
        "The group of equivalent positions (for the excellence quota).",
    ),
    "discipline_self_remedied": (
        "Bị kỷ luật trong năm nhưng đã tự phát hiện và khắc phục xong hậu quả (Quy định "
        "124-QĐ/TW, 366-QĐ/TW).",
        "Disciplined this year but found and remedied it on their own (Regulations 124-QĐ/TW, "
        "366-QĐ/TW).",
    ),
    "kht_years_before": (
        "Số năm liền ngay trước năm nay xếp loại KHT.",
        "Consecutive years just before this one rated KHT.",
    ),
    "score": ("Tổng điểm theo Quy định 366-QĐ/TW.", "The total under Regulation 366-QĐ/TW."),
}
GUIDE_FOOTER = (
    (
        "Dòng tiêu đề",
        "Có thể có vài dòng tiêu đề phía trên dòng tên cột; các cột khác (STT, ngày sinh, "
        "ghi chú…) được bỏ qua và báo lại khi nhập.",
        "Title rows may stand above the row of column names; other columns (number, birth "
        "date, notes…) are ignored and listed when importing.",
    ),
)


def guide_rows() -> list[tuple[str, str, str]]:
    """The guide sheet: each column, how to fill it in (Vietnamese), and in English."""
    rows = [("Cột", "Cách điền", "How to fill in")]
    for column in COLUMNS:
        vi, en = _NOTES.get(column.key, ("", ""))
        if column.required:
            vi, en = "Bắt buộc.", "Required."
        rows.append(
            (
                column.header,
                f"{vi} Cần: {column.accepts_vi}.".strip(),
                f"{en} Accepted: {column.accepts_en}.".strip(),
            )
        )
    return [*rows, *GUIDE_FOOTER]


def roster_xlsx(members: Iterable[Member]) -> bytes:
    """The members as an XLSX workbook: the list on the first sheet (all cells text), a guide
    on the second."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for member in members:
        sheet.append(_cells(member))
    for index, header in enumerate(HEADERS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(header) + 4)
        for cell in sheet[letter]:
            cell.number_format = "@"
    guide = book.create_sheet("Hướng dẫn")
    for line in guide_rows():
        guide.append(list(line))
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 30), ("B", 70), ("C", 70)):
        guide.column_dimensions[letter].width = width
        for cell in guide[letter]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    """The CSV template: the header row and three example members."""
    return roster_csv(EXAMPLES)


def template_xlsx() -> bytes:
    """The XLSX template: the same list, and the guide sheet."""
    return roster_xlsx(EXAMPLES)
