"""Reading a roster file (CSV or XLSX) into numbered rows of cell values, and its problems.

Rows keep the number the spreadsheet shows (1 is the first line of the file, whatever it holds),
so a message can be found in the file. A formula or an error cell is never evaluated: it arrives
as ``NotAValue``, which is refused in a column that is imported and harmless in one that is
ignored (a number column computed with =ROW()-5 is common). Oversized or malformed files are
refused here; the unpacked size of an XLSX and the number of rows are limited.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass

MAX_ROWS = 1000
MAX_TITLE_ROWS = 20
MAX_FILLED_ROWS = MAX_ROWS + MAX_TITLE_ROWS + 1  # members, title rows above them, the header
MAX_XLSX_UNPACKED = 30_000_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Rows = list[tuple[int, list[object]]]


@dataclass(frozen=True)
class RowError:
    """One problem or notice about the file: its row as the spreadsheet numbers it (0 for the
    whole file), the column key (or ``header``/``file``), the column's letter when there is one,
    and the message in Vietnamese and English."""

    row: int
    field: str
    message: str
    message_en: str
    column: str | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class RosterInvalid(Exception):
    """The file has problems; ``errors`` lists every one of them; ``notices`` what would have
    been ignored (title rows, columns not in the template)."""

    def __init__(self, errors: Sequence[RowError], notices: Sequence[RowError] = ()) -> None:
        super().__init__(f"{len(errors)} problems in the roster")
        self.errors = list(errors)
        self.notices = list(notices)


@dataclass(frozen=True)
class NotAValue:
    """A cell that holds no typed value: a formula (``=…``, or in a CSV anything starting with
    ``= + - @`` that a spreadsheet would run), or a spreadsheet error such as ``#REF!``."""

    text: str
    error: bool = False


def file_error(vi: str, en: str) -> RosterInvalid:
    return RosterInvalid([RowError(0, "file", vi, en)])


def column_letter(position: int) -> str:
    """The spreadsheet's name of the column at 0-based ``position``: A, B, …, Z, AA, …"""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _too_many() -> RosterInvalid:
    return file_error(
        f"Quá nhiều dòng (tối đa {MAX_ROWS}).", f"Too many rows (at most {MAX_ROWS})."
    )


def csv_rows(data: bytes) -> Rows:
    """The rows with a value of a UTF-8 CSV file (comma or semicolon separated, as Excel writes
    either)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error(
            "Tệp không phải UTF-8: hãy lưu bằng «CSV UTF-8» (hoặc gửi tệp XLSX).",
            "The file is not UTF-8: save it as «CSV UTF-8» (or send the XLSX file).",
        ) from None
    # title rows above the column names may have no separator at all: judge by the fullest line
    lines = text.split("\n", MAX_TITLE_ROWS + 2)[: MAX_TITLE_ROWS + 2]
    fullest = {mark: max(line.count(mark) for line in lines) for mark in ";,"}
    delimiter = ";" if fullest[";"] > fullest[","] else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise file_error(f"Tệp CSV hỏng: {error}.", f"The CSV file is broken: {error}.") from None
    out: Rows = []
    for number, row in enumerate(rows, start=1):
        if blank(row):
            continue
        if len(out) >= MAX_FILLED_ROWS:
            raise _too_many()
        out.append((number, [NotAValue(c) if c.startswith(_FORMULA_START) else c for c in row]))
    return out


def xlsx_rows(data: bytes) -> Rows:
    """The rows with a value of the first sheet of an XLSX workbook; date cells arrive as
    datetimes."""
    import openpyxl  # imported here: only XLSX imports need it

    unreadable = file_error(
        "Không đọc được tệp XLSX (hỏng, hoặc không phải XLSX).",
        "The XLSX file cannot be read (broken, or not XLSX).",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise unreadable from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise file_error("Tệp XLSX quá lớn khi giải nén.", "The XLSX file is too large unpacked.")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise unreadable from None
    try:
        return _sheet_rows(book.worksheets[0])
    except RosterInvalid:
        raise
    except Exception:  # a sheet is read lazily: broken XML or a corrupt member shows up here
        raise unreadable from None
    finally:
        book.close()


def _sheet_rows(sheet) -> Rows:
    out: Rows = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if len(out) >= MAX_FILLED_ROWS:
            raise _too_many()
        values: list[object] = []
        for cell in row:
            kind = getattr(cell, "data_type", "n")
            if kind == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                values.append(NotAValue(str(cell.value)))
            elif kind == "e":
                values.append(NotAValue(str(cell.value), error=True))
            else:
                values.append(cell.value)
        if not blank(values):
            out.append((number, values))
    return out


def blank(values: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
