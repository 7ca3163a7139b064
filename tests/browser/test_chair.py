"""The chair page (``/chair``) in Chromium: log in, import a roster with a bad row, fix it."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from ballot_server.roster_import import HEADERS
from tests import roster_files
from tests.browser.chair_support import LAPTOP, chair_state, log_in, open_step
from tests.browser.conftest import Meeting, OpenPage, artifact
from tests.roster_files import BAD, HEADER_ROW, IGNORED, roster_file

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


def roster_csv(rows: list[list[str]]) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def member(name: str, kind: str, admitted: str) -> list[str]:
    """A row in the template's column order: name, type, admission date, then defaults."""
    return [name, kind, admitted] + [""] * (len(HEADERS) - 3)


HEAD = member("Nguyễn Văn An", "Chính thức", "19/05/2010")
HEAD[HEADERS.index("Đứng đầu tập thể")] = "Phòng Tổng hợp"
GOOD = [
    HEAD,
    member("Trần Thị Bình", "Chính thức", "02/09/2015"),
    member("Lê Minh Cường", "Dự bị", "26/03/2025"),
]


@pytest.mark.meeting(voting=False)
async def test_chair_imports_a_roster_with_a_bad_row_and_sees_the_row_message(
    meeting: Meeting, open_page: OpenPage
) -> None:
    tab = await open_page(meeting.at("/chair"), viewport=LAPTOP, phone=False)
    page = tab.page
    assert await page.evaluate("window.isSecureContext") is False
    await log_in(page)

    # Spreadsheet row 3 (row 1 is the header) has an impossible admission date.
    bad = [GOOD[0], member("Trần Thị Bình", "Chính thức", "31/02/2015"), GOOD[2]]
    upload = page.locator("#roster-file")
    await upload.set_input_files(
        {"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": roster_csv(bad)}
    )
    await page.get_by_role("button", name="Nhập danh sách", exact=True).click()
    errors = page.get_by_test_id("roster-errors")
    await expect(errors).to_be_visible()
    await expect(errors.locator("li")).to_have_count(1)
    await expect(errors.locator("li")).to_have_text(
        re.compile(r"^Dòng 3, cột C «Ngày kết nạp»: «31/02/2015» không phải ngày có thật\. Cần: ")
    )
    await page.locator("#roster-section").screenshot(path=artifact("chair-roster-error.png"))
    state = await chair_state(meeting)
    assert state["roster"] == []  # nothing imported from a file with a bad row

    # The fixed file goes in whole and the message goes away.
    await upload.set_input_files(
        {"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": roster_csv(GOOD)}
    )
    await page.get_by_role("button", name="Nhập danh sách", exact=True).click()
    await expect(page.locator("#roster-count")).to_have_text("Danh sách có 3 đảng viên.")
    await expect(page.locator("#roster-errors")).to_be_hidden()
    state = await chair_state(meeting)
    assert [m["name"] for m in state["roster"]] == [row[0] for row in GOOD]

    # The collective that An heads gets its level, for the cap on heads.
    collectives = page.get_by_test_id("collectives")
    await open_step(page, "rated")  # a setup step once done folds away; the chair reopens it
    await expect(collectives).to_be_visible()
    await collectives.get_by_label("Phòng Tổng hợp").select_option("HT")
    await collectives.get_by_role("button", name="Lưu").click()
    await expect(page.locator("#collectives-form + .feedback")).to_have_text("Đã lưu.")
    state = await chair_state(meeting)
    assert state["collectives"] == [{"name": "Phòng Tổng hợp", "level": "HT"}]
    await expect(collectives.get_by_label("Phòng Tổng hợp")).to_have_value("HT")
    tab.assert_no_errors()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.meeting(voting=False)
async def test_chair_imports_a_spreadsheet_with_title_rows_and_its_own_columns(
    meeting: Meeting, open_page: OpenPage
) -> None:
    """A roster as chairs have it (title rows, number/birth date/position/notes columns, real
    date cells): the bad version lists each row's column and what it accepts, in the page's
    language, and imports nothing; the clean one imports and lists what was skipped."""
    tab = await open_page(meeting.at("/chair"), viewport=LAPTOP, phone=False)
    page = tab.page
    await log_in(page)
    await open_step(page, "roster")
    upload = page.locator("#roster-file")
    await upload.set_input_files(
        {"name": "ds-dang-vien.xlsx", "mimeType": XLSX, "buffer": roster_file("xlsx", bad=True)}
    )
    await page.get_by_role("button", name="Nhập danh sách", exact=True).click()
    errors = page.get_by_test_id("roster-errors").locator("li")
    await expect(errors).to_have_count(len(BAD))
    first_bad = HEADER_ROW + len(roster_files.GOOD) + 1
    for index, (*_, letter, _, value) in enumerate(BAD):
        await expect(errors.nth(index)).to_contain_text(f"Dòng {first_bad + index}, cột {letter} «")
        await expect(errors.nth(index)).to_contain_text(f"«{value}»")
        await expect(errors.nth(index)).to_contain_text(" Cần: ")
    await expect(page.get_by_test_id("roster-notices").locator("li")).to_have_count(
        1 + len(IGNORED)
    )
    await page.locator("#roster-section").screenshot(path=artifact("chair-roster-real-errors.png"))
    assert (await chair_state(meeting))["roster"] == []

    await page.get_by_test_id("lang-en").click()  # the same messages in English
    await expect(errors.first).to_contain_text(f"Row {first_bad}, column E «Ngày kết nạp»")
    await expect(errors.first).to_contain_text("Accepted: a date written 19/05/2010, 19.05.2010")
    await page.get_by_test_id("lang-vi").click()

    await upload.set_input_files(
        {"name": "ds-dang-vien.xlsx", "mimeType": XLSX, "buffer": roster_file("xlsx")}
    )
    await page.get_by_role("button", name="Nhập danh sách", exact=True).click()
    await expect(page.locator("#roster-count")).to_have_text(
        f"Danh sách có {len(roster_files.GOOD)} đảng viên."
    )
    await expect(page.locator("#roster-errors")).to_be_hidden()
    notices = page.get_by_test_id("roster-notices").locator("li")
    await expect(notices).to_have_count(1 + len(IGNORED))
    await expect(notices.first).to_have_text(
        f"Dòng 1, 2, 4: tiêu đề ở trên dòng tên cột (dòng {HEADER_ROW}) — bỏ qua."
    )
    await expect(notices.nth(1)).to_contain_text(f"Dòng {HEADER_ROW}, cột A «STT»")
    await page.locator("#roster-section").screenshot(path=artifact("chair-roster-real-notices.png"))
    state = await chair_state(meeting)
    assert [m["name"] for m in state["roster"]] == [g[0] for g in roster_files.GOOD]
    tab.assert_no_errors()


async def save_title(page, title: str) -> None:
    await open_step(page, "meeting")
    await page.locator("#m-title").fill(title)
    await page.locator("#meeting-form").get_by_role("button", name="Lưu").click()
    await expect(page.locator("#meeting-form + .feedback")).to_have_text("Đã lưu.")


@pytest.mark.meeting(voting=False)
async def test_a_second_tab_and_a_new_login_keep_every_tab_working(
    meeting: Meeting, open_page: OpenPage
) -> None:
    """The session is the browser's and its CSRF token follows it: a second tab acts without
    logging in, and after a new login in that tab the first tab's next action still works."""
    first = await open_page(meeting.at("/chair"), viewport=LAPTOP, phone=False)
    await log_in(first.page)
    second = await first.page.context.new_page()
    await second.goto(meeting.at("/chair"))
    await expect(second.locator("#app")).to_be_visible()  # no second login
    await save_title(second, "Hội nghị — sửa ở thẻ thứ hai")
    await second.locator("#logout").click()
    await expect(second.locator("#login-section")).to_be_visible()
    await log_in(second)  # a new session for the browser
    await save_title(first.page, "Hội nghị — sửa ở thẻ thứ nhất")
    state = await chair_state(meeting)
    assert state["meeting"]["title"] == "Hội nghị — sửa ở thẻ thứ nhất"
    first.assert_no_errors()
