"""Roster files as chairs have them: title rows, columns of their own, every date form, and
messages that say where and what would be accepted — parsed, and posted to the real route."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from ballot_server.roster_import import (
    CSV_TYPE,
    XLSX_TYPE,
    RosterInvalid,
    RowError,
    parse_roster,
    read_roster,
    template_csv,
    template_xlsx,
)
from tally.roster import Membership
from tests.roster_files import BAD, GOOD, HEADER_ROW, IGNORED, TITLES, roster_file
from tests.server_support import CHAIR_SECRET, make_app

BEARER = {"Authorization": f"Bearer {CHAIR_SECRET}"}
TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def only_error(data: bytes, kind: str = "csv") -> RowError:
    """The one problem the file has (the test fails if it has none or several)."""
    with pytest.raises(RosterInvalid) as invalid:
        parse_roster(data, kind)
    [error] = invalid.value.errors
    return error


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_title_rows_and_unknown_columns_are_reported_and_skipped(kind: str) -> None:
    roster = read_roster(roster_file(kind), kind)
    assert [(m.name, m.admitted) for m in roster.members] == [(g[0], g[3]) for g in GOOD]
    assert [m.membership for m in roster.members] == [
        Membership.OFFICIAL,
        Membership.OFFICIAL,
        Membership.PROBATIONARY,
        Membership.OFFICIAL,
    ]
    assert not any(m.exempted for m in roster.members)  # «Mien sinh hoat» was read, not ignored
    titles, *columns = roster.notices
    assert (titles.row, titles.field) == (1, "header")
    assert (
        titles.message == f"Dòng 1, 2, 4: tiêu đề ở trên dòng tên cột (dòng {HEADER_ROW}) — bỏ qua."
    )
    assert titles.message_en.startswith("Row 1, 2, 4: titles above the row of column names")
    assert {n.column: n.row for n in columns} == dict.fromkeys(IGNORED, HEADER_ROW)
    for notice in columns:
        header = IGNORED[notice.column]
        assert notice.message == (
            f"Dòng {HEADER_ROW}, cột {notice.column} «{header}»: cột không có trong tệp mẫu — "
            "bỏ qua, không nhập."
        )
        assert notice.message_en.startswith(f"Row {HEADER_ROW}, column {notice.column} «{header}»")
    assert len(TITLES) == 4


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_bad_row_names_its_row_its_column_and_what_is_accepted(kind: str) -> None:
    with pytest.raises(RosterInvalid) as invalid:
        parse_roster(roster_file(kind, bad=True), kind)
    errors = invalid.value.errors
    first_bad = HEADER_ROW + len(GOOD) + 1
    assert [(e.row, e.column, e.field) for e in errors] == [
        (first_bad + i, letter, key) for i, (*_, letter, key, _) in enumerate(BAD)
    ]
    for error, (*_, letter, _, value) in zip(errors, BAD, strict=True):
        assert error.message.startswith(f"Dòng {error.row}, cột {letter} «")
        assert error.message_en.startswith(f"Row {error.row}, column {letter} «")
        assert f"«{value}»" in error.message and f"«{value}»" in error.message_en
        assert " Cần: " in error.message and " Accepted: " in error.message_en
    dates = errors[0]
    assert dates.message == (
        f"Dòng {first_bad}, cột E «Ngày kết nạp»: «31/02/2010» không phải ngày có thật. Cần: "
        "ngày viết 19/05/2010, 19.05.2010 hoặc 2010-05-19, hoặc ô kiểu Ngày của bảng tính; "
        "không trước 03/02/1930, không sau ngày họp."
    )
    assert "19/05/2010, 19.05.2010 or 2010-05-19, or a spreadsheet date cell" in dates.message_en
    assert "«Chính thức» (full member) or «Dự bị» (probationary)" in errors[2].message_en
    # the notices come with the errors, so the chair sees both at once
    assert len(invalid.value.notices) == 1 + len(IGNORED)


def test_a_number_in_a_date_column_says_to_format_the_cell_as_a_date() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    book.active["C2"] = 40000  # a date typed into a cell formatted as General
    buffer = io.BytesIO()
    book.save(buffer)
    error = only_error(buffer.getvalue(), "xlsx")
    assert (error.row, error.column, error.field) == (2, "C", "admitted")
    assert "là số «40000», không phải ngày (hãy định dạng ô là Ngày)" in error.message
    assert "is the number «40000», not a date (format the cell as a date)" in error.message_en


def test_a_misspelt_template_column_is_an_error_not_an_ignored_column() -> None:
    """Ignoring it would drop every member's exemption without a word."""
    data = "Họ và tên,Loại đảng viên,Ngày kết nạp,Miễn sinh hoạtt\nAn,Chính thức,01/01/2000,Có\n"
    error = only_error(data.encode())
    assert (error.row, error.column, error.field) == (1, "D", "header")
    assert "gần giống «Miễn sinh hoạt»" in error.message
    assert "close to «Miễn sinh hoạt»" in error.message_en


def test_common_other_names_of_the_name_and_admission_columns() -> None:
    data = "TT,Họ tên,Loại đảng viên,Ngày vào Đảng\n1,An,Chính thức,01.02.2000\n"
    roster = read_roster(data.encode(), "csv")
    [member] = roster.members
    assert (member.name, member.admitted.isoformat()) == ("An", "2000-02-01")
    assert [n.column for n in roster.notices] == ["A"]


def test_no_row_of_column_names_among_the_first_rows() -> None:
    data = ("Danh sách\n" * 25 + "Họ và tên,Loại đảng viên,Ngày kết nạp\n").encode()
    error = only_error(data)
    assert error.field == "header"
    assert "Không tìm thấy dòng tên cột trong 21 dòng có nội dung đầu tiên" in error.message
    assert "«Họ và tên», «Loại đảng viên», «Ngày kết nạp»" in error.message_en


def test_both_templates_name_the_accepted_date_forms() -> None:
    guide = openpyxl.load_workbook(io.BytesIO(template_xlsx()))["Hướng dẫn"]
    rows = {row[0]: row[1:] for row in guide.iter_rows(values_only=True)}
    vi, en = rows["Ngày kết nạp"]
    assert "19/05/2010, 19.05.2010 hoặc 2010-05-19" in vi and "2010-05-19" in en
    assert "Dòng tiêu đề" in rows
    assert template_csv().decode("utf-8-sig").startswith("Họ và tên,Loại đảng viên,Ngày kết nạp,")


# --- through the server's route -------------------------------------------------------------


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    return await aiohttp_client(make_app(tmp_path))


async def post_roster(client, data: bytes, content_type: str) -> tuple[int, dict]:
    response = await client.post(
        "/api/chair/roster", data=data, headers=BEARER | {"Content-Type": content_type}
    )
    return response.status, await response.json()


async def roster_names(client) -> list[str]:
    response = await client.get("/api/chair/state", headers=BEARER)
    return [m["name"] for m in (await response.json())["roster"]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_the_route_imports_a_real_roster_and_lists_what_it_skipped(client, kind) -> None:
    status, body = await post_roster(client, roster_file(kind), TYPES[kind])
    assert status == 200, body
    assert body["members"] == len(GOOD)
    notices = body["notices"]
    assert [n["column"] for n in notices] == [None, *IGNORED]
    assert all(n["message"].startswith("Dòng ") for n in notices)
    assert all(n["message_en"].startswith("Row ") for n in notices)
    assert await roster_names(client) == [g[0] for g in GOOD]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_the_route_imports_nothing_from_a_file_with_bad_rows(client, kind) -> None:
    status, body = await post_roster(client, roster_file(kind, bad=True), TYPES[kind])
    assert (status, body["error"]) == (400, "roster_invalid")
    assert body["message_en"] == f"The roster has {len(BAD)} problems; nothing was imported."
    assert [(e["row"], e["column"], e["field"]) for e in body["errors"]] == [
        (HEADER_ROW + len(GOOD) + 1 + i, letter, key) for i, (*_, letter, key, _) in enumerate(BAD)
    ]
    for error in body["errors"]:
        assert re.match(r"^Dòng \d+, cột [A-Z] «.+»: .+\. Cần: .+\.$", error["message"]), error
        assert re.match(r"^Row \d+, column [A-Z] «.+»: .+\. Accepted: .+\.$", error["message_en"])
    assert len(body["notices"]) == 1 + len(IGNORED)
    assert await roster_names(client) == []


async def test_the_templates_download_as_csv_and_xlsx_and_import_as_they_are(client) -> None:
    for suffix, kind in (("csv", "csv"), ("xlsx", "xlsx")):
        response = await client.get(f"/api/chair/roster/template.{suffix}", headers=BEARER)
        assert response.status == 200
        assert response.content_type == TYPES[kind]
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="danh-sach-dang-vien.{suffix}"'
        status, body = await post_roster(client, await response.read(), TYPES[kind])
        assert (status, body) == (200, {"members": 3, "notices": []})
