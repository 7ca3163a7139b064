"""Roster files as cells really arrive: a CSV and an XLSX with title rows above the column names,
columns of their own (number, birth date, position, notes), each accepted date form, and a bad
version with one problem per row. Shared by the parser, API and chair page tests."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl

TITLES = [
    ["ĐẢNG BỘ SỞ KẾ HOẠCH VÀ ĐẦU TƯ"],
    ["CHI BỘ PHÒNG HÀNH CHÍNH – TỔNG HỢP"],
    [],
    ["DANH SÁCH ĐẢNG VIÊN ĐÁNH GIÁ, XẾP LOẠI NĂM 2026"],
]
HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "loại đảng viên",  # another case
    "Ngày kết nạp",
    "Chức vụ",
    "Mien sinh hoat",  # typed without diacritics
    "Ghi chú",
]
HEADER_ROW = len(TITLES) + 1  # 5: the row of column names as the spreadsheet numbers it
IGNORED = {"A": "STT", "C": "Ngày sinh", "F": "Chức vụ", "H": "Ghi chú"}
# (name, admission written as text, admission in the XLSX, expected date): every date form
GOOD = [
    ("Nguyễn Văn An", "19/05/2010", datetime(2010, 5, 19), date(2010, 5, 19)),
    ("Trần Thị Bình", "02.09.2015", "02.09.2015", date(2015, 9, 2)),
    ("Lê Minh Cường", "2025-03-26", "2025-03-26", date(2025, 3, 26)),
    ("Phạm Thu Dung", "7/1/2001", datetime(2001, 1, 7), date(2001, 1, 7)),
]
# one problem per row: (row values after the name, the column's letter, the key, words it names)
BAD = [
    ("Hoàng Quốc Em", "Chính thức", "31/02/2010", "", "E", "admitted", "31/02/2010"),
    ("Vũ Thị Giang", "Chính thức", "2010/05/19", "", "E", "admitted", "2010/05/19"),
    ("Đặng Văn Hải", "Hội viên", "01/01/2000", "", "D", "membership", "Hội viên"),
    ("Bùi Thị Hạnh", "Chính thức", "01/01/2001", "Hmm", "G", "exempted", "Hmm"),
]


def _row(number: int, name: str, kind: str, admitted: object, exempted: str) -> list[object]:
    return [number, name, "12/03/1975", kind, admitted, "Chuyên viên", exempted, ""]


def good_rows(xlsx: bool) -> list[list[object]]:
    return [
        _row(i, name, "Chính thức" if i != 3 else "Dự bị", in_xlsx if xlsx else text, "Không")
        for i, (name, text, in_xlsx, _) in enumerate(GOOD, start=1)
    ]


def bad_rows() -> list[list[object]]:
    start = len(GOOD) + 1
    return [
        _row(start + i, name, kind, admitted, exempted)
        for i, (name, kind, admitted, exempted, *_) in enumerate(BAD)
    ]


def csv_file(rows: list[list[object]]) -> bytes:
    """Semicolon-separated with a BOM and CRLF, as a Vietnamese Excel saves «CSV UTF-8»."""
    lines = [";".join("" if v is None else str(v) for v in row) for row in [*TITLES, HEADER, *rows]]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_file(rows: list[list[object]]) -> bytes:
    """A workbook with merged title cells, real date cells (formatted DD/MM/YYYY) and numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DS dang vien"
    for title in TITLES:
        sheet.append(title)
    for number in (1, 2, 4):
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=8)
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster_file(kind: str, *, bad: bool = False) -> bytes:
    """The good members (and, with ``bad``, the bad rows after them) as a CSV or XLSX file."""
    rows = good_rows(kind == "xlsx") + (bad_rows() if bad else [])
    return xlsx_file(rows) if kind == "xlsx" else csv_file(rows)
