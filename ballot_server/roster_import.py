"""Importing the roster from CSV or XLSX.

Real rosters have title rows above the row of column names and columns of their own (number,
birth date, position, notes). The row of column names is found among the first rows; rows above
it are reported and skipped; columns that are not in the template are reported and ignored (but a
column name that nearly matches one of the template's is an error, so a misspelt column is never
dropped silently). Column names match without regard to case, spacing or diacritics.

Every row is validated and every problem is reported with its row number and column letter as
the spreadsheet shows them, what is wrong and what would be accepted, in Vietnamese and English
("Dòng 7, cột E «Ngày kết nạp»: … Cần: …"). Nothing is imported unless the whole file is clean.

The file's reading (``roster_sheet``), the columns and cells (``roster_columns``) and the template
(``roster_template``) are separate modules; their names used elsewhere are exported here too.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ballot_server.roster_columns import BY_KEY, COLUMNS, HEADERS, PARSERS, CellProblem, Column
from ballot_server.roster_columns import fold as _fold
from ballot_server.roster_columns import shown as _shown
from ballot_server.roster_sheet import (
    MAX_ROWS,
    MAX_TITLE_ROWS,
    NotAValue,
    RosterInvalid,
    RowError,
    Rows,
    column_letter,
    csv_rows,
    xlsx_rows,
)
from ballot_server.roster_template import (
    EXAMPLES,
    roster_csv,
    roster_xlsx,
    template_csv,
    template_xlsx,
)
from tally.roster import Member

__all__ = [
    "COLUMNS",
    "CSV_TYPE",
    "EXAMPLES",
    "HEADERS",
    "XLSX_TYPE",
    "RosterFile",
    "RosterInvalid",
    "RowError",
    "detect_kind",
    "parse_roster",
    "read_roster",
    "roster_csv",
    "roster_xlsx",
    "template_csv",
    "template_xlsx",
]

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEAR_MISS = 0.85  # a column name this similar to a template column is a misspelling, not extra
# other names real rosters give to a template's column
ALIASES = {
    "name": ("Họ tên", "Họ và tên đảng viên", "Họ tên đảng viên"),
    "admitted": ("Ngày vào Đảng", "Ngày kết nạp Đảng", "Ngày kết nạp vào Đảng"),
}
_REQUIRED = ", ".join(f"«{c.header}»" for c in COLUMNS if c.required)


@dataclass(frozen=True)
class RosterFile:
    """The members of a clean file (ids 1, 2, … in row order) and what was skipped in it."""

    members: list[Member]
    notices: list[RowError] = field(default_factory=list)


def heading_key(text: str) -> str:
    """A column name without case, spacing, diacritics or a trailing ``:``/``*``."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return re.sub(r"[\s:*]+$", "", _fold(plain.replace("đ", "d").replace("Đ", "D")))


_KNOWN = {heading_key(c.header): c for c in COLUMNS} | {
    heading_key(alias): BY_KEY[key] for key, aliases in ALIASES.items() for alias in aliases
}


def _known(cell: object) -> Column | None:
    return _KNOWN.get(heading_key(cell)) if isinstance(cell, str) else None


def _find_header(rows: Rows) -> int:
    """The index in ``rows`` of the row of column names: the first of the first rows that names
    at least two of the template's columns."""
    for index, (_, row) in enumerate(rows[: MAX_TITLE_ROWS + 1]):
        if sum(1 for cell in row if _known(cell) is not None) >= 2:
            return index
    raise RosterInvalid(
        [
            RowError(
                0,
                "header",
                f"Không tìm thấy dòng tên cột trong {MAX_TITLE_ROWS + 1} dòng có nội dung đầu "
                f"tiên. Cần: một dòng có các cột {_REQUIRED} (như tệp mẫu).",
                f"No row of column names among the first {MAX_TITLE_ROWS + 1} rows that hold "
                f"anything. Accepted: a row with the columns {_REQUIRED} (as in the template).",
            )
        ]
    )


class _Header:
    """The columns found in the row of column names, with the errors and notices about it."""

    def __init__(self, number: int, row: list[object]) -> None:
        self.number = number
        self.positions: dict[str, int] = {}
        self.titles: dict[int, str] = {}
        self.errors: list[RowError] = []
        self.notices: list[RowError] = []
        for position, cell in enumerate(row):
            text = cell.text if isinstance(cell, NotAValue) else cell
            title = " ".join(str(text).split()) if text is not None else ""
            if title:
                self.titles[position] = title
                self._place(position, title, _known(cell))
        for column in COLUMNS:
            if column.required and column.key not in self.positions:
                self.errors.append(
                    RowError(
                        number,
                        column.key,
                        f"Dòng {number}: thiếu cột «{column.header}» (bắt buộc). Cần: các cột "
                        f"{_REQUIRED} ở dòng tên cột; tệp mẫu có đủ các cột.",
                        f"Row {number}: the column «{column.header}» is missing (required). "
                        f"Accepted: the columns {_REQUIRED} in the row of column names; the "
                        "template has every column.",
                    )
                )

    def where(self, position: int) -> str:
        return f"cột {column_letter(position)} «{self.titles[position]}»"

    def where_en(self, position: int) -> str:
        return f"column {column_letter(position)} «{self.titles[position]}»"

    def _place(self, position: int, title: str, column: Column | None) -> None:
        number, letter = self.number, column_letter(position)
        if column is not None and column.key in self.positions:
            first = column_letter(self.positions[column.key])
            self.errors.append(
                RowError(
                    number,
                    "header",
                    f"Dòng {number}, {self.where(position)}: cột lặp lại (đã có ở cột {first}). "
                    "Cần: mỗi cột một lần; xóa một trong hai.",
                    f"Row {number}, {self.where_en(position)}: a repeated column (already in "
                    f"column {first}). Accepted: each column once; delete one of them.",
                    letter,
                )
            )
        elif column is not None:
            self.positions[column.key] = position
        elif (near := self._near(title)) is not None:
            self.errors.append(
                RowError(
                    number,
                    "header",
                    f"Dòng {number}, {self.where(position)}: tên cột gần giống «{near.header}» "
                    f"nhưng không khớp. Cần: viết đúng «{near.header}» như tệp mẫu, hoặc xóa cột.",
                    f"Row {number}, {self.where_en(position)}: the name is close to "
                    f"«{near.header}» but does not match. Accepted: «{near.header}» exactly as in "
                    "the template, or delete the column.",
                    letter,
                )
            )
        else:
            self.notices.append(
                RowError(
                    number,
                    "header",
                    f"Dòng {number}, {self.where(position)}: cột không có trong tệp mẫu — bỏ "
                    "qua, không nhập.",
                    f"Row {number}, {self.where_en(position)}: not a column of the template — "
                    "ignored, not imported.",
                    letter,
                )
            )

    def _near(self, title: str) -> Column | None:
        key = heading_key(title)
        for known, column in _KNOWN.items():
            if difflib.SequenceMatcher(None, key, known).ratio() >= NEAR_MISS:
                return column
        return None


def _title_notice(numbers: list[int], header: int) -> RowError:
    listed = ", ".join(str(n) for n in numbers)
    return RowError(
        numbers[0],
        "header",
        f"Dòng {listed}: tiêu đề ở trên dòng tên cột (dòng {header}) — bỏ qua.",
        f"Row {listed}: titles above the row of column names (row {header}) — ignored.",
    )


def _not_a_value(cell: NotAValue) -> CellProblem:
    if cell.error:
        return CellProblem(
            f"ô báo lỗi {_shown(cell.text)}, không có giá trị",
            f"the cell shows the error {_shown(cell.text)}, not a value",
        )
    return CellProblem(
        f"ô là công thức {_shown(cell.text)}, không phải giá trị đã gõ (công thức không được chạy)",
        f"the cell is the formula {_shown(cell.text)}, not a typed value (formulas are not run)",
    )


class _Rows:
    """The members read from the rows below the header, with every problem found."""

    def __init__(self, header: _Header, meeting_date: date | None) -> None:
        self.header, self.meeting_date = header, meeting_date
        self.errors: list[RowError] = []
        self.members: list[Member] = []
        self.names: dict[str, int] = {}

    def error(self, number: int, column: Column, problem: CellProblem) -> None:
        position = self.header.positions.get(column.key)
        if position is None:  # an optional column the file does not have: its default failed
            where, where_en, letter = f"«{column.header}»", f"«{column.header}»", None
        else:
            where, where_en = self.header.where(position), self.header.where_en(position)
            letter = column_letter(position)
        self.errors.append(
            RowError(
                number,
                column.key,
                f"Dòng {number}, {where}: {problem.vi}. Cần: {column.accepts_vi}.",
                f"Row {number}, {where_en}: {problem.en}. Accepted: {column.accepts_en}.",
                letter,
            )
        )

    def read(self, number: int, row: list[object]) -> None:
        values: dict[str, Any] = {}
        clean = True
        for column in COLUMNS:
            position = self.header.positions.get(column.key)
            raw = row[position] if position is not None and position < len(row) else None
            try:
                if isinstance(raw, NotAValue):
                    raise _not_a_value(raw)
                values[column.key] = PARSERS[column.key](raw)
            except CellProblem as problem:
                self.error(number, column, problem)
                clean = False
        self._unnamed_cells(number, row)
        clean = self._across_columns(number, values) and clean
        if clean and not self.errors:
            pending = values["civil_servant_rating"] == "pending"
            if pending:
                values["civil_servant_rating"] = None
            self.members.append(
                Member(id=len(self.members) + 1, civil_servant_pending=pending, **values)
            )

    def _unnamed_cells(self, number: int, row: list[object]) -> None:
        for position, value in enumerate(row):
            if position in self.header.titles or value is None:
                continue
            if isinstance(value, str) and not value.strip():
                continue
            letter = column_letter(position)
            quoted = _shown(value.text if isinstance(value, NotAValue) else value)
            self.errors.append(
                RowError(
                    number,
                    "file",
                    f"Dòng {number}, cột {letter}: có giá trị {quoted} nhưng cột không có "
                    f"tên ở dòng tên cột (dòng {self.header.number}). Cần: đặt tên cột như tệp "
                    "mẫu, hoặc xóa giá trị.",
                    f"Row {number}, column {letter}: holds {quoted} but the column has no "
                    f"name in the row of column names (row {self.header.number}). Accepted: name "
                    "the column as in the template, or delete the value.",
                    letter,
                )
            )

    def _across_columns(self, number: int, values: dict[str, Any]) -> bool:
        """Checks between cells of the row and with earlier rows; ``False`` if one fails."""
        clean = True
        if "name" in values:
            key = _fold(values["name"])
            if key in self.names:
                self.error(
                    number,
                    BY_KEY["name"],
                    CellProblem(
                        f"{_shown(values['name'])} trùng với dòng {self.names[key]} (thêm chi "
                        "tiết để phân biệt)",
                        f"{_shown(values['name'])} is the same as on row {self.names[key]} "
                        "(add a detail to tell them apart)",
                    ),
                )
                clean = False
            self.names.setdefault(key, number)
        admitted = values.get("admitted")
        if admitted is not None and self.meeting_date is not None and admitted > self.meeting_date:
            when = self.meeting_date.strftime("%d/%m/%Y")
            self.error(
                number,
                BY_KEY["admitted"],
                CellProblem(
                    f"{_shown(admitted)} sau ngày họp {when}",
                    f"{_shown(admitted)} is after the meeting's date {when}",
                ),
            )
            clean = False
        if values.get("discipline_self_remedied") and values.get("disciplined") is False:
            self.error(
                number,
                BY_KEY["discipline_self_remedied"],
                CellProblem(
                    "«Có» nhưng cột «Bị kỷ luật trong năm» không ghi «Có»",
                    "«Có» but the column «Bị kỷ luật trong năm» does not say «Có»",
                ),
            )
            clean = False
        return clean


def read_roster(data: bytes, kind: str, meeting_date: date | None = None) -> RosterFile:
    """The members in the file and the notices about what was skipped, or ``RosterInvalid``
    with every problem (and the notices). ``kind`` is ``"xlsx"`` or else CSV; a
    ``meeting_date`` also refuses admission dates after it."""
    rows = xlsx_rows(data) if kind == "xlsx" else csv_rows(data)
    if not rows:
        raise RosterInvalid(
            [
                RowError(
                    0,
                    "file",
                    f"Tệp trống. Cần: dòng tên cột ({_REQUIRED}…) và mỗi đảng viên một dòng.",
                    f"The file is empty. Accepted: a row of column names ({_REQUIRED}…) and one "
                    "row per member.",
                )
            ]
        )
    at = _find_header(rows)
    header = _Header(*rows[at])
    notices = ([_title_notice([n for n, _ in rows[:at]], header.number)] if at else []) + (
        header.notices
    )
    if header.errors:
        raise RosterInvalid(header.errors, notices)
    body = rows[at + 1 :]
    if len(body) > MAX_ROWS:
        raise RosterInvalid(
            [
                RowError(
                    0,
                    "file",
                    f"Quá nhiều dòng ({len(body)}). Cần: tối đa {MAX_ROWS} đảng viên.",
                    f"Too many rows ({len(body)}). Accepted: at most {MAX_ROWS} members.",
                )
            ],
            notices,
        )
    reader = _Rows(header, meeting_date)
    for number, row in body:
        reader.read(number, row)
    if reader.errors:
        raise RosterInvalid(reader.errors, notices)
    return RosterFile(reader.members, notices)


def parse_roster(data: bytes, kind: str, meeting_date: date | None = None) -> list[Member]:
    """The members in the file (``read_roster`` without the notices)."""
    return read_roster(data, kind, meeting_date).members


def detect_kind(content_type: str, data: bytes) -> str | None:
    """``"xlsx"``, ``"csv"`` or ``None`` from the declared type and the file's first bytes."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx" if content_type in (XLSX_TYPE, "application/octet-stream", "") else None
    if content_type in (CSV_TYPE, "text/plain", "application/vnd.ms-excel"):
        return "csv"
    return None
