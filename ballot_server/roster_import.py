"""Importing the roster from CSV or XLSX, and the downloadable template.

The file has one header row in Vietnamese and one member per row. Every row is validated and
every problem is reported with its row number as the spreadsheet shows it ("Dòng 7: …"); nothing
is imported unless the whole file is clean. Formulas, error cells and values of an unexpected
type are refused rather than interpreted, and the file size, the unpacked size of an XLSX and
the number of rows are limited.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tally.errors import RuleInputError
from tally.roster import Member, Membership, Suspension
from tally.rules.inputs import DEFAULT_GROUP, MAX_SICK_LEAVE_MONTHS, parse_score
from tally.rules.levels import LEVEL_TITLES, Level

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1000
MAX_CELL_CHARS = 200
MAX_XLSX_UNPACKED = 30_000_000
EARLIEST_ADMISSION = date(1930, 2, 3)  # the Party's founding

YES = ("có", "x")
NO = ("không", "")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    label: str  # as written in a row message: "Dòng 7: <label> …"
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "Họ và tên", "họ và tên", required=True),
    Column("membership", "Loại đảng viên", "loại đảng viên", required=True),
    Column("admitted", "Ngày kết nạp", "ngày kết nạp", required=True),
    Column("exempted", "Miễn sinh hoạt", "miễn sinh hoạt"),
    Column("suspended", "Đình chỉ sinh hoạt", "đình chỉ sinh hoạt"),
    Column("temporary_elsewhere", "Sinh hoạt tạm thời nơi khác", "sinh hoạt tạm thời nơi khác"),
    Column("sick_leave_months", "Số tháng nghỉ ốm", "số tháng nghỉ ốm"),
    Column("disciplined", "Bị kỷ luật trong năm", "bị kỷ luật trong năm"),
    Column("civil_servant_rating", "Xếp loại công chức", "xếp loại công chức"),
    Column("heads", "Đứng đầu tập thể", "đứng đầu tập thể"),
    Column("group", "Nhóm chức danh", "nhóm chức danh"),
    Column(
        "discipline_self_remedied",
        "Kỷ luật đã tự phát hiện và khắc phục xong",
        "kỷ luật đã tự phát hiện, khắc phục xong",
    ),
    Column("kht_years_before", "Số năm liền trước KHT", "số năm liền trước xếp loại KHT"),
    Column("score", "Điểm đánh giá (thang 100)", "điểm đánh giá"),
)
HEADERS = tuple(c.header for c in COLUMNS)

EXAMPLES: tuple[Member, ...] = (
    Member(1, "Nguyễn Văn An", Membership.OFFICIAL, date(2010, 5, 19), heads="Phòng Tổng hợp"),
    Member(2, "Trần Thị Bình", Membership.OFFICIAL, date(2015, 9, 2), sick_leave_months=3),
    Member(3, "Lê Minh Cường", Membership.PROBATIONARY, date(2025, 3, 26)),
)

_MEMBERSHIP = {"chính thức": Membership.OFFICIAL, "dự bị": Membership.PROBATIONARY}
_SUSPENSION = {
    "không": Suspension.NONE,
    "": Suspension.NONE,
    "có": Suspension.PARTY,
    "đảng": Suspension.PARTY,
    "cấp ủy": Suspension.COMMITTEE,
}
_SUSPENSION_TEXT = {
    Suspension.NONE: "Không",
    Suspension.PARTY: "Có",
    Suspension.COMMITTEE: "Cấp ủy",
}
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    """One problem in the file: its row (1 is the header), the column key, the message."""

    row: int
    field: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "message": self.message}


class RosterInvalid(Exception):
    """The file has problems; ``errors`` lists every one of them."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} problems in the roster")
        self.errors = list(errors)


class _Bad(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _fold(text: str) -> str:
    """Case- and space-insensitive comparison key in NFC (Vietnamese may arrive decomposed)."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


# --- reading one cell ---------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip()
        if len(text) > MAX_CELL_CHARS:
            raise _Bad(f"quá dài (tối đa {MAX_CELL_CHARS} ký tự)")
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
            raise _Bad("có ký tự điều khiển không hợp lệ")
        return text
    raise _Bad("phải là chữ, không phải số hay ngày")


def _name(value: object) -> str:
    name = " ".join(_text(value).split())
    if not name:
        raise _Bad("không được để trống")
    if not any(ch.isalpha() for ch in name):
        raise _Bad("không hợp lệ")
    return name


def _membership(value: object) -> Membership:
    text = _fold(_text(value))
    if text not in _MEMBERSHIP:
        raise _Bad("không hợp lệ (cần «Chính thức» hoặc «Dự bị»)")
    return _MEMBERSHIP[text]


def _date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise _Bad("không hợp lệ (cần dạng DD/MM/YYYY)")
        value = value.date()
    if isinstance(value, date):
        day = value
    else:
        try:
            text = _text(value)
        except _Bad:
            raise _Bad("không hợp lệ (cần dạng DD/MM/YYYY)") from None
        match = _DATE.fullmatch(text)
        if not text:
            raise _Bad("không được để trống (cần dạng DD/MM/YYYY)")
        if match is None:
            raise _Bad("không hợp lệ (cần dạng DD/MM/YYYY)")
        try:
            day = date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            raise _Bad("không có thật (cần dạng DD/MM/YYYY)") from None
    if day < EARLIEST_ADMISSION:
        raise _Bad("trước ngày thành lập Đảng (03/02/1930)")
    return day


def _yes_no(value: object) -> bool:
    text = _fold(_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise _Bad("không hợp lệ (cần «Có» hoặc «Không», hoặc để trống)")


def _suspension(value: object) -> Suspension:
    text = _fold(_text(value))
    if text not in _SUSPENSION:
        raise _Bad("không hợp lệ (cần «Không», «Có» (đình chỉ sinh hoạt đảng) hoặc «Cấp ủy»)")
    return _SUSPENSION[text]


def _months(value: object) -> int:
    if isinstance(value, bool):
        raise _Bad("phải là số nguyên")
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad("phải là số nguyên")
        value = int(value)
    if isinstance(value, int):
        months = value
    else:
        text = _text(value)
        if not text:
            return 0
        if not text.isdecimal() or not text.isascii():
            raise _Bad(f"phải là số nguyên từ 0 đến {MAX_SICK_LEAVE_MONTHS}")
        months = int(text)
    if not 0 <= months <= MAX_SICK_LEAVE_MONTHS:
        raise _Bad(f"phải là số nguyên từ 0 đến {MAX_SICK_LEAVE_MONTHS}")
    return months


_LEVEL_NAMES = {_fold(level.value): level for level in Level} | {
    _fold(title): level for level, title in LEVEL_TITLES.items()
}


PENDING = ("chua co", "chưa có", "cho", "chờ")


def _rating(value: object) -> Level | str | None:
    text = _fold(_text(value))
    if not text:
        return None
    if text in {_fold(p) for p in PENDING}:
        return "pending"
    if text not in _LEVEL_NAMES:
        raise _Bad("không hợp lệ (cần XS, TOT, HT, KHT, «Chưa có» hoặc để trống)")
    return _LEVEL_NAMES[text]


MAX_KHT_YEARS = 50


def _years(value: object) -> int:
    text = _text(value) if not isinstance(value, int | float) else str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text:
        return 0
    if isinstance(value, bool) or not text.isdecimal() or not text.isascii():
        raise _Bad(f"phải là số nguyên từ 0 đến {MAX_KHT_YEARS}")
    years = int(text)
    if years > MAX_KHT_YEARS:
        raise _Bad(f"phải là số nguyên từ 0 đến {MAX_KHT_YEARS}")
    return years


def _score(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Bad("không hợp lệ (cần số điểm từ 0 đến 100)")
    text = str(value).strip().replace(",", ".")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    try:
        return parse_score(int(text) if text.isdecimal() else text, "score").text
    except RuleInputError:
        raise _Bad("không hợp lệ (cần số điểm từ 0 đến 100, tối đa hai chữ số thập phân)") from None


def _optional(value: object) -> str | None:
    text = " ".join(_text(value).split())
    return text or None


PARSERS: dict[str, Callable[[object], Any]] = {
    "name": _name,
    "membership": _membership,
    "admitted": _date,
    "exempted": _yes_no,
    "suspended": _suspension,
    "temporary_elsewhere": _yes_no,
    "sick_leave_months": _months,
    "disciplined": _yes_no,
    "civil_servant_rating": _rating,
    "heads": _optional,
    "group": lambda value: _optional(value) or DEFAULT_GROUP,
    "discipline_self_remedied": _yes_no,
    "kht_years_before": _years,
    "score": _score,
}


# --- reading the file -----------------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterInvalid(
            [RowError(0, "file", "Tệp không phải UTF-8: hãy lưu bằng «CSV UTF-8».")]
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise RosterInvalid([RowError(0, "file", f"Tệp CSV hỏng: {error}.")]) from None
    out: list[tuple[int, list[object]]] = []
    errors: list[RowError] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise RosterInvalid([RowError(0, "file", f"Quá nhiều dòng (tối đa {MAX_ROWS}).")])
        if any(cell.startswith(_FORMULA_START) for cell in row):
            errors.append(
                RowError(number, "file", f"Dòng {number}: có ô bắt đầu bằng = + - @ (công thức).")
            )
        out.append((number, list(row)))
    if errors:
        raise RosterInvalid(errors)
    return out


def _xlsx_rows(data: bytes) -> list[tuple[int, list[object]]]:
    import openpyxl  # imported here: only XLSX imports need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise RosterInvalid([RowError(0, "file", "Tệp XLSX hỏng hoặc không phải XLSX.")]) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise RosterInvalid([RowError(0, "file", "Tệp XLSX quá lớn khi giải nén.")])
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise RosterInvalid([RowError(0, "file", "Không đọc được tệp XLSX.")]) from None
    try:
        sheet = book.worksheets[0]
        out: list[tuple[int, list[object]]] = []
        errors: list[RowError] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                break
            values: list[object] = []
            for cell in row:
                kind = getattr(cell, "data_type", "n")
                if kind == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    errors.append(
                        RowError(number, "file", f"Dòng {number}: có công thức; hãy nhập giá trị.")
                    )
                elif kind == "e":
                    errors.append(RowError(number, "file", f"Dòng {number}: có ô lỗi."))
                values.append(cell.value)
            out.append((number, values))
        if errors:
            raise RosterInvalid(errors)
        return out
    except RosterInvalid:
        raise
    except Exception:  # a sheet is read lazily: broken XML or a corrupt member shows up here
        raise RosterInvalid([RowError(0, "file", "Không đọc được tệp XLSX.")]) from None
    finally:
        book.close()


def _blank(values: Iterable[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def parse_roster(data: bytes, kind: str, meeting_date: date | None = None) -> list[Member]:
    """The members in the file (ids 1, 2, … in row order), or ``RosterInvalid`` with every
    problem. ``kind`` is ``"csv"`` or ``"xlsx"``; a ``meeting_date`` also refuses admission
    dates after it."""
    rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    rows = [(n, r) for n, r in rows if not _blank(r)]
    if not rows:
        raise RosterInvalid([RowError(1, "file", "Tệp trống: cần dòng tiêu đề và danh sách.")])
    header_row, header = rows[0]
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    wanted = {_fold(c.header): c for c in COLUMNS}
    for position, cell in enumerate(header):
        title = _fold(cell) if isinstance(cell, str) else ""
        if not title:
            continue
        column = wanted.get(title)
        if column is None:
            errors.append(RowError(header_row, "header", f"Dòng {header_row}: cột lạ «{cell}»."))
        elif column.key in positions:
            errors.append(
                RowError(header_row, "header", f"Dòng {header_row}: cột «{cell}» bị lặp.")
            )
        else:
            positions[column.key] = position
    for column in COLUMNS:
        if column.required and column.key not in positions:
            errors.append(
                RowError(header_row, column.key, f"Dòng {header_row}: thiếu cột «{column.header}».")
            )
    if errors:
        raise RosterInvalid(errors)
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise RosterInvalid([RowError(0, "file", f"Quá nhiều dòng (tối đa {MAX_ROWS}).")])
    members: list[Member] = []
    seen_names: dict[str, int] = {}
    for number, row in body:
        values: dict[str, Any] = {}
        for column in COLUMNS:
            position = positions.get(column.key)
            raw = row[position] if position is not None and position < len(row) else None
            try:
                values[column.key] = PARSERS[column.key](raw)
            except _Bad as bad:
                errors.append(
                    RowError(number, column.key, f"Dòng {number}: {column.label} {bad.message}.")
                )
        extra = [v for i, v in enumerate(row) if i not in positions.values() and not _blank([v])]
        if extra:
            errors.append(RowError(number, "file", f"Dòng {number}: có giá trị ngoài các cột."))
        if "admitted" in values and meeting_date is not None and values["admitted"] > meeting_date:
            errors.append(
                RowError(number, "admitted", f"Dòng {number}: ngày kết nạp sau ngày họp.")
            )
        if "name" in values:
            key = _fold(values["name"])
            if key in seen_names:
                errors.append(
                    RowError(
                        number,
                        "name",
                        f"Dòng {number}: họ và tên trùng với dòng {seen_names[key]} "
                        "(thêm chi tiết để phân biệt).",
                    )
                )
            seen_names.setdefault(key, number)
        if values.get("discipline_self_remedied") and not values.get("disciplined"):
            errors.append(
                RowError(
                    number,
                    "discipline_self_remedied",
                    f"Dòng {number}: chỉ ghi «đã tự phát hiện, khắc phục» khi bị kỷ luật "
                    "trong năm.",
                )
            )
        if len(values) == len(COLUMNS) and not errors:
            pending = values["civil_servant_rating"] == "pending"
            if pending:
                values["civil_servant_rating"] = None
            members.append(Member(id=len(members) + 1, civil_servant_pending=pending, **values))
    if errors:
        raise RosterInvalid(errors)
    return members


# --- writing: the template and exports ------------------------------------------------------------


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


GUIDE = (
    ("Cột", "Cách điền"),
    ("Họ và tên", "Bắt buộc; không trùng nhau."),
    ("Loại đảng viên", "«Chính thức» hoặc «Dự bị»."),
    ("Ngày kết nạp", "Bắt buộc, dạng DD/MM/YYYY (ví dụ 19/05/2010)."),
    ("Miễn sinh hoạt", "«Có» hoặc «Không» (để trống là Không)."),
    ("Đình chỉ sinh hoạt", "«Không», «Có» (đình chỉ sinh hoạt đảng) hoặc «Cấp ủy»."),
    ("Sinh hoạt tạm thời nơi khác", "«Có» hoặc «Không»."),
    ("Số tháng nghỉ ốm", "Số nguyên 0–12 trong năm."),
    ("Bị kỷ luật trong năm", "«Có» hoặc «Không»."),
    (
        "Xếp loại công chức",
        "XS, TOT, HT, KHT; «Chưa có» nếu là công chức, viên chức mà chưa có kết quả năm nay "
        "(giữ lại, xếp loại sau); hoặc để trống.",
    ),
    ("Đứng đầu tập thể", "Tên tập thể người này đứng đầu, hoặc để trống."),
    ("Nhóm chức danh", "Nhóm chức danh tương đương (cho tỷ lệ xuất sắc), hoặc để trống."),
    (
        "Kỷ luật đã tự phát hiện và khắc phục xong",
        "«Có» nếu bị kỷ luật trong năm nhưng đã tự phát hiện và khắc phục xong hậu quả "
        "(Quy định 124-QĐ/TW, 366-QĐ/TW); để trống là Không.",
    ),
    ("Số năm liền trước KHT", "Số năm liền ngay trước năm nay xếp loại KHT (0 nếu không)."),
    (
        "Điểm đánh giá (thang 100)",
        "Theo Quy định 366-QĐ/TW: tổng điểm 0–100 (có thể có phần thập phân), hoặc để trống.",
    ),
)


def roster_xlsx(members: Iterable[Member]) -> bytes:
    """The members as an XLSX workbook: the list on the first sheet (all cells text), a guide
    on the second."""
    import openpyxl
    from openpyxl.styles import Font

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
    for line in GUIDE:
        guide.append(list(line))
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    return roster_csv(EXAMPLES)


def template_xlsx() -> bytes:
    return roster_xlsx(EXAMPLES)


def detect_kind(content_type: str, data: bytes) -> str | None:
    """``"xlsx"``, ``"csv"`` or ``None`` from the declared type and the file's first bytes."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx" if content_type in (XLSX_TYPE, "application/octet-stream", "") else None
    if content_type in (CSV_TYPE, "text/plain", "application/vnd.ms-excel"):
        return "csv"
    return None
