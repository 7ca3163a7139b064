"""A new chair runs a whole meeting from the control panel (1366×768): at every step only the
panel's main button and the form it opens — the button is always on screen, the step at hand
unfolds, the done setup steps fold away, feedback shows next to the action, and the progress
names the committee members (claimed, confirmed, decrypted, signed). The committee members and
the voters act through the Python clients, as their phones would. Every step's screen goes to
tests/artifacts/chair-walk-*.png."""

from __future__ import annotations

import random

import pytest
from playwright.async_api import Page, expect

from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round, run_committee, sign_minute
from ballot_server import keys
from ballot_server.demo import build_roster
from ballot_server.roster_import import roster_csv
from tally.token import normalize_token
from tests.browser.chair_support import LAPTOP, chair_state, log_in
from tests.browser.conftest import Meeting, OpenPage, artifact
from tests.browser.layout_support import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


class Panel:
    """The chair's page seen through its control panel only."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.button = page.get_by_test_id("next-action")
        self.steps = 0

    async def next(self, action: str) -> None:
        """The main button offers ``action``, on screen without scrolling; press it."""
        await expect(self.button).to_have_attribute("data-action", action)
        box = await self.button.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], box
        self.steps += 1
        await self.page.screenshot(path=artifact(f"chair-walk-{self.steps:02d}-{action}.png"))
        await self.button.click()

    async def progress(self, testid: str, text: str) -> None:
        await expect(self.page.get_by_test_id(testid)).to_contain_text(text)


@pytest.mark.meeting(voting=False)
async def test_a_new_chair_runs_a_whole_meeting_with_the_panels_main_button(
    meeting: Meeting, open_page: OpenPage
) -> None:
    with meeting.app[keys.STORE].transaction() as store:
        store.set_setting("meeting", None)  # a new meeting: nothing filled in yet
    tab = await open_page(meeting.at("/chair"), viewport=LAPTOP, phone=False)
    page = tab.page
    await log_in(page)
    panel = Panel(page)
    violations = await axe_violations(page)
    assert violations == [], describe(violations)

    # 1. the meeting: the button opens the form, its feedback shows next to it, then it folds
    await panel.next("meeting")
    await expect(page.locator("#meeting-section")).to_have_attribute("open", "")
    await expect(page.locator("#m-title")).to_be_focused()
    await page.locator("#m-title").fill("Hội nghị đánh giá, xếp loại đảng viên năm 2026")
    await page.locator("#m-cell").fill("Chi bộ Phòng Kế hoạch")
    await page.locator("#m-date").fill("2026-12-15")
    await page.locator("#meeting-form").get_by_role("button", name="Lưu", exact=True).click()
    await expect(page.locator("#meeting-form + .feedback")).to_have_text("Đã lưu.")
    await expect(page.locator("#meeting-section")).to_have_attribute("data-done", "true")
    await expect(page.locator("#meeting-section")).not_to_have_attribute("open", "")
    await panel.progress("progress-meeting", "Thông tin cuộc họp")

    # 2. the roster
    await panel.next("roster")
    members, _ = build_roster(9, 6, random.Random(7))
    await page.locator("#roster-file").set_input_files(
        {"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": roster_csv(members)}
    )
    await page.get_by_role("button", name="Nhập danh sách", exact=True).click()
    await expect(page.locator("#roster-form + .feedback")).to_contain_text("Đã nhập")

    # 3. attendance
    await panel.next("attendance")
    await page.locator("#all-present").click()
    await page.get_by_role("button", name="Lưu điểm danh").click()
    await expect(page.locator("#attendance-form + .feedback")).to_have_text("Đã lưu.")

    # 4. the counting committee, approved by the meeting
    await panel.next("committee")
    boxes = page.locator("#committee-list input[type=checkbox]")
    for i in range(3):
        await boxes.nth(i).check()
    await page.locator("#committee-approved").check()
    await page.locator("#committee-form").get_by_role("button", name="Lưu", exact=True).click()
    await expect(page.locator("#committee-form + .feedback")).to_have_text("Đã lưu.")
    for step in ("meeting", "roster", "attendance", "committee"):
        await expect(page.locator(f"#{step}-section")).to_have_attribute("data-done", "true")

    # 5. the round starts (the button does it; its feedback is next to it)
    await panel.next("start")
    await expect(page.locator("#next-action + .feedback")).to_contain_text("Đã bắt đầu vòng 1")
    phase = page.locator("#status-phase")
    await expect(phase).to_have_text("Ban kiểm phiếu đang tạo khóa — vòng 1")

    # 6. the ceremony: the button shows the members' QR codes; they scan and make the key
    await panel.next("ceremony")
    await expect(page.get_by_test_id("committee-links").locator("svg")).to_have_count(3)
    # a member lost their phone before scanning: a new link from the panel (the old one stops)
    before = await chair_state(meeting)
    await page.get_by_test_id("panel-reissue-3").click()
    await expect(page.get_by_test_id("committee-member-3").locator("svg")).to_be_visible()
    assert (await chair_state(meeting))["rounds"][0]["committee"][2]["url"] != (
        before["rounds"][0]["committee"][2]["url"]
    )
    cards = (await chair_state(meeting))["rounds"][0]["committee"]
    credentials = {c["index"]: c["url"].split("#c=")[1].split("&")[0] for c in cards}
    public = MeetingClient(meeting.client.session, meeting.direct_url)
    trustees, context = await run_committee(public, 1, credentials)
    await panel.progress("progress-member-1", "·")  # a name, its state and key fingerprint

    # 7. tokens, then 8. open voting — each done by the button
    await panel.next("tokens")
    await expect(page.locator("#next-action + .feedback")).to_contain_text("Đã phát")
    # the chair prints the cards (the link in the tokens section); the voters draw them
    sheet = await page.context.new_page()
    await sheet.goto(meeting.at("/chair/rounds/1/tokens/print"))
    tokens = [normalize_token(code) for code in await sheet.locator(".card-code").all_inner_texts()]
    await sheet.close()
    assert tokens
    await panel.next("open")
    await expect(page.locator("#status-phase")).to_have_text("Đang bỏ phiếu — vòng 1")
    for token in tokens:
        await public.vote(1, token, [1] * len(context.manifest.questions))
    await panel.progress("progress-tokens", f"Đã nhận {len(tokens)} phiếu")

    # 9. close: the button opens the confirmation, the chair confirms
    await panel.next("close")
    await expect(page.locator("#close-confirm")).to_be_visible()
    await page.locator("#close-yes").click()
    await expect(page.locator("#status-phase")).to_have_text("Đã kết thúc bỏ phiếu — vòng 1")

    # 10. the committee decrypts; the panel names who has
    await expect(panel.button).to_have_attribute("data-action", "decrypt")
    await expect(panel.button).to_be_disabled()
    await decrypt_round(public, 1, [trustees[0]])
    await panel.progress("progress-counting", "1/2 thành viên đã giải mã")
    await panel.progress("progress-member-1", "đã giải mã")
    await page.screenshot(path=artifact("chair-walk-decrypting.png"))
    await decrypt_round(public, 1, [trustees[1]])
    await expect(page.locator("#status-phase")).to_have_text(
        "Đã có kết quả kiểm phiếu — vòng 1"
    )

    # 11. the minute; the committee signs it and the panel names who signed
    await panel.next("minute")
    await expect(page.get_by_test_id("minute-signatures").locator("li")).to_have_count(3)
    await expect(panel.button).to_have_attribute("data-action", "done")
    await sign_minute(public, trustees[:2])
    await page.reload()
    await panel.progress("progress-member-1", "đã ký")
    await page.screenshot(path=artifact("chair-walk-done.png"))
    violations = await axe_violations(page)
    assert violations == [], describe(violations)
    tab.assert_no_errors()
