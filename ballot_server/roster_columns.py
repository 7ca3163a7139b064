"""The roster file's columns and how one cell of each is read.

Each column has its heading in the template, a label, and what it accepts in Vietnamese and
English: every message about a cell says what would have been accepted there. A cell parser
returns the value or raises ``CellProblem`` with the problem in both languages; the row and
column are added by the file reader (``roster_import``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tally.errors import RuleInputError
from tally.roster import Membership, Suspension
from tally.rules.inputs import DEFAULT_GROUP, MAX_SICK_LEAVE_MONTHS, parse_score
from tally.rules.levels import LEVEL_TITLES, Level

MAX_CELL_CHARS = 200
MAX_KHT_YEARS = 50
EARLIEST_ADMISSION = date(1930, 2, 3)  # the Party's founding
YES = ("có", "x")
NO = ("không", "")
PENDING = ("chua co", "chưa có", "cho", "chờ")


@dataclass(frozen=True)
class Column:
    """A column of the template: ``header`` as written in the file; ``accepts_vi``/``_en`` say
    what a cell of it may hold."""

    key: str
    header: str
    accepts_vi: str
    accepts_en: str
    required: bool = False


_YES_NO = (
    "«Có» hoặc «Không» (x là Có; để trống là Không)",
    "«Có» (yes) or «Không» (no); x is yes, empty is no",
)
_TEXT = (
    f"chữ, tối đa {MAX_CELL_CHARS} ký tự, hoặc để trống",
    f"text of at most {MAX_CELL_CHARS} characters, or empty",
)
COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "Họ và tên",
        "họ và tên, không trùng với dòng khác",
        "the full name, not the same as on another row",
        required=True,
    ),
    Column(
        "membership",
        "Loại đảng viên",
        "«Chính thức» hoặc «Dự bị»",
        "«Chính thức» (full member) or «Dự bị» (probationary)",
        required=True,
    ),
    Column(
        "admitted",
        "Ngày kết nạp",
        "ngày viết 19/05/2010, 19.05.2010 hoặc 2010-05-19, hoặc ô kiểu Ngày của bảng tính; "
        "không trước 03/02/1930, không sau ngày họp",
        "a date written 19/05/2010, 19.05.2010 or 2010-05-19, or a spreadsheet date cell; "
        "not before 03/02/1930 nor after the meeting",
        required=True,
    ),
    Column("exempted", "Miễn sinh hoạt", *_YES_NO),
    Column(
        "suspended",
        "Đình chỉ sinh hoạt",
        "«Không», «Có» (đình chỉ sinh hoạt đảng) hoặc «Cấp ủy»; để trống là Không",
        "«Không» (no), «Có» (suspended from Party activity) or «Cấp ủy» (from the committee); "
        "empty is no",
    ),
    Column("temporary_elsewhere", "Sinh hoạt tạm thời nơi khác", *_YES_NO),
    Column(
        "sick_leave_months",
        "Số tháng nghỉ ốm",
        f"số nguyên từ 0 đến {MAX_SICK_LEAVE_MONTHS}; để trống là 0",
        f"a whole number from 0 to {MAX_SICK_LEAVE_MONTHS}; empty is 0",
    ),
    Column("disciplined", "Bị kỷ luật trong năm", *_YES_NO),
    Column(
        "civil_servant_rating",
        "Xếp loại công chức",
        "XS, TOT, HT, KHT, «Chưa có» hoặc để trống",
        "XS, TOT, HT, KHT, «Chưa có» (not known yet) or empty",
    ),
    Column("heads", "Đứng đầu tập thể", *_TEXT),
    Column("group", "Nhóm chức danh", *_TEXT),
    Column(
        "discipline_self_remedied",
        "Kỷ luật đã tự phát hiện và khắc phục xong",
        "«Có» (chỉ khi bị kỷ luật trong năm) hoặc «Không»; để trống là Không",
        "«Có» (yes, only when disciplined this year) or «Không» (no); empty is no",
    ),
    Column(
        "kht_years_before",
        "Số năm liền trước KHT",
        f"số nguyên từ 0 đến {MAX_KHT_YEARS}; để trống là 0",
        f"a whole number from 0 to {MAX_KHT_YEARS}; empty is 0",
    ),
    Column(
        "score",
        "Điểm đánh giá (thang 100)",
        "số điểm từ 0 đến 100, tối đa hai chữ số thập phân (89,5 hoặc 89.5), hoặc để trống",
        "a score from 0 to 100 with at most two decimals (89,5 or 89.5), or empty",
    ),
)
HEADERS = tuple(c.header for c in COLUMNS)
BY_KEY = {c.key: c for c in COLUMNS}


class CellProblem(Exception):
    """What is wrong with one cell, in Vietnamese and English (without row or column)."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


def fold(text: str) -> str:
    """Case- and space-insensitive comparison key in NFC (Vietnamese may arrive decomposed)."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def shown(value: object) -> str:
    """A cell's value as a message quotes it: short, on one line."""
    if isinstance(value, datetime):
        text = value.strftime("%d/%m/%Y %H:%M")
    elif isinstance(value, date):
        text = value.strftime("%d/%m/%Y")
    else:
        text = " ".join(str(value).split())
    return f"«{text[:40]}…»" if len(text) > 40 else f"«{text}»"


def _not_accepted(value: object) -> CellProblem:
    return CellProblem(f"{shown(value)} không hợp lệ", f"{shown(value)} is not accepted")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip()
        if len(text) > MAX_CELL_CHARS:
            raise CellProblem(
                f"quá dài ({len(text)} ký tự)", f"is too long ({len(text)} characters)"
            )
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
            raise CellProblem("có ký tự điều khiển", "holds control characters")
        return text
    raise CellProblem(
        f"là số hoặc ngày {shown(value)}, không phải chữ",
        f"is the number or date {shown(value)}, not text",
    )


def _name(value: object) -> str:
    name = " ".join(_text(value).split())
    if not name:
        raise CellProblem("đang để trống", "is empty")
    if not any(ch.isalpha() for ch in name):
        raise _not_accepted(name)
    return name


_MEMBERSHIP = {"chính thức": Membership.OFFICIAL, "dự bị": Membership.PROBATIONARY}


def _membership(value: object) -> Membership:
    text = _text(value)
    if not text:
        raise CellProblem("đang để trống", "is empty")
    if fold(text) not in _MEMBERSHIP:
        raise _not_accepted(text)
    return _MEMBERSHIP[fold(text)]


_DATE_FORMS = (
    (re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")),
    (re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})")),
    (re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")),
)


def _date(value: object) -> date:
    """A date cell of the spreadsheet (at midnight), or text in one of the three forms."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise CellProblem(f"{shown(value)} có cả giờ", f"{shown(value)} has a time of day")
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise CellProblem(
            f"là số {shown(value)}, không phải ngày (hãy định dạng ô là Ngày)",
            f"is the number {shown(value)}, not a date (format the cell as a date)",
        )
    else:
        text = _text(value)
        if not text:
            raise CellProblem("đang để trống", "is empty")
        match = next((m for form in _DATE_FORMS if (m := form.fullmatch(text))), None)
        if match is None:
            raise _not_accepted(text)
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise CellProblem(
                f"{shown(text)} không phải ngày có thật", f"{shown(text)} is not a real date"
            ) from None
    if day < EARLIEST_ADMISSION:
        raise CellProblem(
            f"{shown(day)} trước ngày thành lập Đảng",
            f"{shown(day)} is before the Party's founding",
        )
    return day


def _yes_no(value: object) -> bool:
    text = _text(value)
    if fold(text) in YES:
        return True
    if fold(text) in NO:
        return False
    raise _not_accepted(text)


_SUSPENSION = {
    "không": Suspension.NONE,
    "": Suspension.NONE,
    "có": Suspension.PARTY,
    "đảng": Suspension.PARTY,
    "cấp ủy": Suspension.COMMITTEE,
}


def _suspension(value: object) -> Suspension:
    text = _text(value)
    if fold(text) not in _SUSPENSION:
        raise _not_accepted(text)
    return _SUSPENSION[fold(text)]


def _whole_number(value: object, maximum: int) -> int:
    """A whole number 0..maximum from a number cell or its digits; empty is 0."""
    if isinstance(value, bool):
        raise _not_accepted(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise _not_accepted(value)
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = _text(value)
        if not text:
            return 0
        if not text.isdecimal() or not text.isascii():
            raise _not_accepted(text)
        number = int(text)
    if not 0 <= number <= maximum:
        raise CellProblem(f"{shown(number)} ngoài khoảng", f"{shown(number)} is out of range")
    return number


_LEVEL_NAMES = {fold(level.value): level for level in Level} | {
    fold(title): level for level, title in LEVEL_TITLES.items()
}


def _rating(value: object) -> Level | str | None:
    text = _text(value)
    if not text:
        return None
    if fold(text) in {fold(p) for p in PENDING}:
        return "pending"
    if fold(text) not in _LEVEL_NAMES:
        raise _not_accepted(text)
    return _LEVEL_NAMES[fold(text)]


def _score(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _not_accepted(value)
    text = str(value).strip().replace(",", ".")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    try:
        return parse_score(int(text) if text.isdecimal() else text, "score").text
    except RuleInputError:
        raise _not_accepted(value) from None


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
    "sick_leave_months": lambda value: _whole_number(value, MAX_SICK_LEAVE_MONTHS),
    "disciplined": _yes_no,
    "civil_servant_rating": _rating,
    "heads": _optional,
    "group": lambda value: _optional(value) or DEFAULT_GROUP,
    "discipline_self_remedied": _yes_no,
    "kht_years_before": lambda value: _whole_number(value, MAX_KHT_YEARS),
    "score": _score,
}
