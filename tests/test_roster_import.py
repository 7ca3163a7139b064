"""Roster import: CSV and XLSX, every row error in Vietnamese, nothing imported unless clean."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_server.roster_import import (
    EXAMPLES,
    HEADERS,
    RosterInvalid,
    detect_kind,
    parse_roster,
    roster_csv,
    roster_xlsx,
    template_csv,
    template_xlsx,
)
from tally.roster import Member, Membership, Suspension
from tally.rules.levels import Level

HEADER = ",".join(HEADERS)
GOOD = "Nguyễn Văn An,Chính thức,19/05/2010,Không,Không,Không,0,Không,,,"


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def errors_of(data: bytes, kind: str = "csv", **kwargs) -> list[tuple[int, str, str]]:
    with pytest.raises(RosterInvalid) as invalid:
        parse_roster(data, kind, **kwargs)
    return [(e.row, e.field, e.message) for e in invalid.value.errors]


def test_template_csv_round_trips_to_the_examples() -> None:
    assert parse_roster(template_csv(), "csv") == list(EXAMPLES)


def test_template_xlsx_round_trips_and_has_a_guide() -> None:
    data = template_xlsx()
    assert parse_roster(data, "xlsx") == list(EXAMPLES)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Danh sách", "Hướng dẫn"]
    assert [c.value for c in book["Danh sách"][1]] == list(HEADERS)


def test_a_clean_csv_with_every_column() -> None:
    row = "Trần Thị Bình,Dự bị,02/09/2025,Có,Cấp ủy,Có,3,Có,TOT,Phòng A,lãnh đạo"
    [first, second] = parse_roster(csv_of(GOOD, row), "csv")
    assert first == Member(1, "Nguyễn Văn An", Membership.OFFICIAL, date(2010, 5, 19))
    assert second == Member(
        2,
        "Trần Thị Bình",
        Membership.PROBATIONARY,
        date(2025, 9, 2),
        exempted=True,
        suspended=Suspension.COMMITTEE,
        temporary_elsewhere=True,
        sick_leave_months=3,
        disciplined=True,
        civil_servant_rating=Level.TOT,
        heads="Phòng A",
        group="lãnh đạo",
    )


def test_semicolon_csv_blank_optional_columns_and_decomposed_unicode() -> None:
    header = "Họ và tên;Loại đảng viên;Ngày kết nạp"
    name = "Lê Văn Cường"
    import unicodedata

    decomposed = unicodedata.normalize("NFD", f"{name};chính thức;1/2/2003")
    [member] = parse_roster(csv_of(decomposed, "", header=header), "csv")
    assert member.name == name and member.admitted == date(2003, 2, 1)
    assert member.sick_leave_months == 0 and member.civil_servant_rating is None


@pytest.mark.parametrize(
    ("row", "field", "where"),
    [
        (",Chính thức,19/05/2010", "name", "A «Họ và tên»: đang để trống. Cần: họ và tên"),
        ("An,Hội viên,19/05/2010", "membership", "B «Loại đảng viên»: «Hội viên» không hợp lệ"),
        ("An,Chính thức,2010/05/19", "admitted", "C «Ngày kết nạp»: «2010/05/19» không hợp lệ"),
        ("An,Chính thức,31/02/2010", "admitted", "C «Ngày kết nạp»: «31/02/2010» không phải ngày"),
        ("An,Chính thức,01/01/1920", "admitted", "C «Ngày kết nạp»: «01/01/1920» trước ngày"),
        ("An,Chính thức,,", "admitted", "C «Ngày kết nạp»: đang để trống. Cần: ngày viết"),
        ("An,Chính thức,19/05/2010,Hmm", "exempted", "D «Miễn sinh hoạt»: «Hmm» không hợp lệ"),
        ("An,Chính thức,19/05/2010,,Tạm", "suspended", "E «Đình chỉ sinh hoạt»: «Tạm» không"),
        ("An,Chính thức,19/05/2010,,,,13", "sick_leave_months", "G «Số tháng nghỉ ốm»: «13» ngoài"),
        ("An,Chính thức,19/05/2010,,,,2.5", "sick_leave_months", "G «Số tháng nghỉ ốm»: «2.5»"),
        ("An,Chính thức,19/05/2010,,,,,Đôi khi", "disciplined", "H «Bị kỷ luật trong năm»: «Đôi"),
        ("An,Chính thức,19/05/2010,,,,,,Giỏi", "civil_servant_rating", "I «Xếp loại công chức»"),
        ("An,Chính thức,19/05/2010,,,,,,,,,,,,thừa", "file", "O: có giá trị «thừa» nhưng cột"),
    ],
)
def test_each_row_error(row: str, field: str, where: str) -> None:
    """Each message names the row, the column (letter and name) and what would be accepted."""
    [(number, key, text)] = errors_of(csv_of(row))
    assert (number, key) == (2, field)
    assert text.startswith(f"Dòng 2, cột {where}"), text
    assert " Cần: " in text and text.endswith(".")


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("19/05/2010", date(2010, 5, 19)),
        ("9/5/2010", date(2010, 5, 9)),
        ("19.05.2010", date(2010, 5, 19)),
        ("2010-05-19", date(2010, 5, 19)),
        ("2010-5-9", date(2010, 5, 9)),
    ],
)
def test_each_date_form(written: str, day: date) -> None:
    [member] = parse_roster(csv_of(f"An,Chính thức,{written}"), "csv")
    assert member.admitted == day


def test_every_error_of_every_row_is_reported_and_rows_are_numbered_as_in_the_sheet() -> None:
    data = csv_of(GOOD, GOOD.replace("An", "Ba"), "", "Cư,Chính thức,7/13/2001", "Dũng,X,Y")
    errors = errors_of(data)
    assert [(r, f) for r, f, _ in errors] == [
        (5, "admitted"),
        (6, "membership"),
        (6, "admitted"),
    ]
    assert errors[0][2].startswith(
        "Dòng 5, cột C «Ngày kết nạp»: «7/13/2001» không phải ngày có thật. Cần: ngày viết "
    )


def test_duplicate_names_are_refused() -> None:
    [(row, field, message)] = errors_of(csv_of(GOOD, GOOD))
    assert (row, field) == (3, "name") and "trùng với dòng 2" in message


def test_admission_after_the_meeting_is_refused() -> None:
    [(row, field, message)] = errors_of(csv_of(GOOD), meeting_date=date(2009, 1, 1))
    assert (row, field) == (2, "admitted")
    assert message.startswith("Dòng 2, cột C «Ngày kết nạp»: «19/05/2010» sau ngày họp 01/01/2009.")


def test_header_problems() -> None:
    """A column not in the template is ignored (and reported); a row of column names without
    the required columns, or no such row at all, is refused."""
    [member] = parse_roster(csv_of(GOOD, header=HEADER + ",Ghi chú"), "csv")
    assert member.name == "Nguyễn Văn An"
    missing = errors_of(b"Ho va ten,Loai dang vien\nAn,Chinh thuc\n")
    assert missing == [
        (
            1,
            "admitted",
            "Dòng 1: thiếu cột «Ngày kết nạp» (bắt buộc). Cần: các cột «Họ và tên», «Loại đảng "
            "viên», «Ngày kết nạp» ở dòng tên cột; tệp mẫu có đủ các cột.",
        )
    ]
    [(_, field, _)] = errors_of(b"Ho ten\nAn\n")
    assert field == "header"
    [(row, field, message)] = errors_of(b"")
    assert (row, field) == (0, "file") and message.startswith("Tệp trống.")
    [(row, field, message)] = errors_of(csv_of(GOOD, header=HEADER + ",Họ và tên"))
    assert (row, field) == (1, "header") and "cột lặp lại (đã có ở cột A)" in message


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "@cmd", "-2"])
def test_csv_formulas_are_refused(cell: str) -> None:
    [(row, field, message)] = errors_of(csv_of(f"{GOOD[:-1]}{cell}"))
    assert (row, field) == (2, "heads") and "là công thức" in message
    assert message.startswith("Dòng 2, cột J «Đứng đầu tập thể»: ô là công thức")


def test_formulas_in_ignored_columns_and_title_rows_are_harmless() -> None:
    """A number column computed with =ROW()-1, a dash for "nothing" in a notes column: never
    run, never imported, so they do not stop the import."""
    data = csv_of("=ROW()-1,Nguyễn Văn An,Chính thức,19/05/2010,-", header="STT," + HEADER[:40])
    assert parse_roster(data, "csv") == parse_roster(csv_of(GOOD), "csv")
    book = openpyxl.Workbook()
    book.active.append(['=CONCATENATE("DANH SÁCH ", 2026)'])
    book.active.append(["STT", "Họ và tên", "Loại đảng viên", "Ngày kết nạp", "Ghi chú"])
    book.active.append(["=ROW()-2", "An", "Chính thức", "19/05/2010", "=1/0"])
    buffer = io.BytesIO()
    book.save(buffer)
    [member] = parse_roster(buffer.getvalue(), "xlsx")
    assert member.name == "An"


def test_csv_that_is_not_utf8_is_refused_with_advice() -> None:
    [(_, field, message)] = errors_of(csv_of(GOOD).decode().encode("utf-16"))
    assert field == "file" and "UTF-8" in message


def xlsx_of(*rows: list) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_accepts_real_dates_and_numbers() -> None:
    data = xlsx_of(["An", "Chính thức", datetime(2010, 5, 19), None, None, None, 4])
    [member] = parse_roster(data, "xlsx")
    assert member.admitted == date(2010, 5, 19) and member.sick_leave_months == 4


def test_xlsx_formulas_and_odd_types_are_refused() -> None:
    data = xlsx_of(
        ["An", "Chính thức", "19/05/2010", None, None, None, "=1+2"],
        [12345, "Chính thức", "19/05/2010"],
        ["Bình", "Chính thức", 40000],
        ["Cường", "Chính thức", "19/05/2010", True],
    )
    errors = errors_of(data, "xlsx")
    assert errors[0] == (
        2,
        "sick_leave_months",
        "Dòng 2, cột G «Số tháng nghỉ ốm»: ô là công thức «=1+2», không phải giá trị đã gõ "
        "(công thức không được chạy). Cần: số nguyên từ 0 đến 12; để trống là 0.",
    )
    assert [(r, f) for r, f, _ in errors[1:]] == [
        (3, "name"),
        (4, "admitted"),
        (5, "exempted"),
    ]
    data = xlsx_of(
        [12345, "Chính thức", "19/05/2010"],
        ["Bình", "Chính thức", 40000],
        ["Cường", "Chính thức", "19/05/2010", True],
        ["Dũng", "Chính thức", "19/05/2010", None, None, None, 2.5],
    )
    assert [(r, f) for r, f, _ in errors_of(data, "xlsx")] == [
        (2, "name"),
        (3, "admitted"),
        (4, "exempted"),
        (5, "sick_leave_months"),
    ]


def test_a_broken_xlsx_is_refused_cleanly() -> None:
    [(_, field, _)] = errors_of(b"PK\x03\x04 not really a zip", "xlsx")
    assert field == "file"


def test_detect_kind() -> None:
    xlsx = template_xlsx()
    assert detect_kind("text/csv", b"a,b") == "csv"
    assert detect_kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx)
    assert detect_kind("text/csv", xlsx) is None  # a zip sent as CSV
    assert detect_kind("image/png", b"\x89PNG") is None


names = st.text(
    alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặ ABCĐ"),
    min_size=1,
    max_size=20,
).filter(lambda s: any(c.isalpha() for c in s))

members = st.builds(
    Member,
    id=st.just(0),
    name=names,
    membership=st.sampled_from(list(Membership)),
    admitted=st.dates(date(1930, 2, 3), date(2030, 1, 1)),
    exempted=st.booleans(),
    suspended=st.sampled_from(list(Suspension)),
    temporary_elsewhere=st.booleans(),
    sick_leave_months=st.integers(0, 12),
    disciplined=st.booleans(),
    civil_servant_rating=st.none() | st.sampled_from(list(Level)),
    heads=st.none() | names,
    group=st.sampled_from(["default", "lãnh đạo", "chuyên viên"]),
)


def _normalized(roster: list[Member]) -> list[Member]:
    """Ids 1..n, names with single spaces, distinct names (the file's rules)."""
    out, seen = [], set()
    for member in roster:
        name = " ".join(member.name.split())
        heads = " ".join(member.heads.split()) if member.heads else None
        if name.casefold() in seen or not name:
            continue
        seen.add(name.casefold())
        out.append(Member(**{**member.__dict__, "id": len(out) + 1, "name": name, "heads": heads}))
    return [m for m in out if m.heads or m.heads is None]


@settings(max_examples=40, deadline=None)
@given(st.lists(members, max_size=12))
def test_export_then_import_is_the_identity(roster: list[Member]) -> None:
    roster = _normalized(roster)
    if not roster:
        return
    assert parse_roster(roster_csv(roster), "csv") == roster
    assert parse_roster(roster_xlsx(roster), "xlsx") == roster


def test_the_columns_of_the_profiles_rules() -> None:
    """A civil-service rating not yet known, QĐ 124's discipline exception, KHT years before,
    and QĐ 366's score (a decimal comma is read as a point)."""
    row = 'Lê Văn Cường,Chính thức,01/01/2010,,,,,Có,Chưa có,,,Có,2,"89,5"'
    [member] = parse_roster(csv_of(row), "csv")
    assert member.civil_servant_pending and member.civil_servant_rating is None
    assert member.disciplined and member.discipline_self_remedied
    assert (member.kht_years_before, member.score) == (2, "89.5")
    assert parse_roster(roster_csv([member]), "csv") == [member]
    for bad, field in (
        ("Lê Văn Cường,Chính thức,01/01/2010,,,,,Không,,,,Có,,", "discipline_self_remedied"),
        ("Lê Văn Cường,Chính thức,01/01/2010,,,,,,,,,,hai,", "kht_years_before"),
        ("Lê Văn Cường,Chính thức,01/01/2010,,,,,,,,,,51,", "kht_years_before"),
        ("Lê Văn Cường,Chính thức,01/01/2010,,,,,,,,,,,101", "score"),
        ("Lê Văn Cường,Chính thức,01/01/2010,,,,,,,,,,,tám mươi", "score"),
    ):
        assert [f for _, f, _ in errors_of(csv_of(bad))] == [field], bad
