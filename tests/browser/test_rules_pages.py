"""The rules on the pages, in Chromium: the phone asks twice before leaving a member blank
("Không đánh giá") and shows a runoff as names to tick up to the places left; the chair chooses
the meeting's options and sees them in the words the minute prints; the results show blank
answers and the cell's proposal."""

from __future__ import annotations

import aiohttp
import pytest
from playwright.async_api import expect

from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round
from tests.browser.conftest import PHONE, Meeting, OpenPage, artifact
from tests.meeting_support import ScriptedMeeting
from tests.server_support import CHAIR_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]
BEARER = {"Authorization": f"Bearer {CHAIR_SECRET}"}


async def scripted(meeting: Meeting, session: aiohttp.ClientSession, **kwargs) -> ScriptedMeeting:
    chair = MeetingClient(session, meeting.direct_url)
    public = MeetingClient(meeting.client.session, meeting.direct_url)
    return await ScriptedMeeting.setup(meeting.client, chair, public, **kwargs)


@pytest.mark.meeting(voting=False)
async def test_the_phone_confirms_a_blank_answer(meeting: Meeting, open_page: OpenPage) -> None:
    async with aiohttp.ClientSession(headers=BEARER) as session:
        script = await scripted(meeting, session, members=4, rated=3)
        tokens = (await script.chair.post("/api/chair/rounds/1/tokens", {}))["tokens"]
        await script.chair.post("/api/chair/rounds/1/open", {})
        tab = await open_page(meeting.at(f"/v#t={tokens[0]}&r=1"), viewport=PHONE)
        page = tab.page
        await expect(page.get_by_test_id("ballot")).to_be_visible()
        await page.get_by_test_id("option-m001-TOT").click()
        blank = page.get_by_test_id("option-m002-blank")
        await expect(blank).to_contain_text("Không đánh giá")
        await blank.click()
        confirm = page.get_by_test_id("blank-confirm-m002")
        await expect(confirm).to_be_visible()
        await expect(confirm).to_contain_text("tính là không đạt")
        await page.screenshot(path=artifact("phone-blank-confirm.png"))
        await page.get_by_test_id("blank-no-m002").click()  # "Chọn lại": nothing recorded
        await expect(confirm).to_be_hidden()
        await expect(page.get_by_test_id("radio-m002-blank")).not_to_be_checked()
        await expect(page.get_by_test_id("status-m002")).to_have_text("Chưa chọn")
        await blank.click()
        await page.get_by_test_id("blank-yes-m002").click()
        await expect(page.get_by_test_id("status-m002")).to_contain_text("Không đánh giá")
        await page.get_by_test_id("option-m003-XS").click()
        await page.get_by_test_id("to-review").click()
        await expect(page.get_by_test_id("review-m002")).to_contain_text("Không đánh giá")
        await page.get_by_test_id("submit").click()
        await page.get_by_test_id("cast").click()
        await expect(page.get_by_test_id("receipt-code")).to_be_visible()
        tab.assert_no_errors()
        for token in tokens[1:3]:  # two more ballots; the fourth voter casts none
            await script.public.vote(1, token, [1, 1, 1])
        await script.chair.post("/api/chair/rounds/1/close", {"confirm": True})
        await decrypt_round(script.public, 1, script.trustees[:2])

    projector = await open_page(meeting.at("/projector"), phone=False)
    blank_cell = projector.page.get_by_test_id("blank-m002")
    await expect(blank_cell).to_contain_text("1")
    await expect(projector.page.get_by_test_id("results")).to_contain_text(
        "1 người có mặt không bỏ phiếu"
    )
    projector.assert_no_errors()


@pytest.mark.meeting(voting=False)
async def test_the_phone_shows_a_runoff_as_names_to_tick(
    meeting: Meeting, open_page: OpenPage
) -> None:
    async with aiohttp.ClientSession(headers=BEARER) as session:
        script = await scripted(meeting, session, members=10, rated=10)
        await script.vote(1, [[0] * 10] * 10)  # all XS: 10 tied for a quota of 2
        number, (question,) = await script.runoff()
        assert question.max_selections == 2
        tokens = (await script.chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        await script.chair.post(f"/api/chair/rounds/{number}/open", {})
        tab = await open_page(meeting.at(f"/v#t={tokens[0]}&r={number}"), viewport=PHONE)
        page = tab.page
        fieldset = page.get_by_test_id(f"question-{question.id}")
        await expect(fieldset).to_contain_text("chọn tối đa 2 trong 10 đồng chí")
        await expect(page.get_by_test_id(f"limit-{question.id}")).to_have_text(
            "Chọn tối đa 2 đồng chí (có thể không chọn ai)."
        )
        boxes = fieldset.locator("input[type=checkbox]")
        await expect(boxes).to_have_count(10)
        await expect(fieldset).to_contain_text(question.option_titles[0])
        first, second, third = (
            page.get_by_test_id(f"check-{question.id}-{question.options[i]}") for i in (0, 3, 5)
        )
        await first.check()
        await second.check()
        await expect(third).to_be_disabled()  # the limit: two places
        await page.screenshot(path=artifact("phone-runoff.png"))
        await page.get_by_test_id("to-review").click()
        review = page.get_by_test_id(f"review-{question.id}")
        await expect(review).to_contain_text(question.option_titles[0])
        await expect(review).to_contain_text(question.option_titles[3])
        await page.get_by_test_id("submit").click()
        await page.get_by_test_id("cast").click()
        await expect(page.get_by_test_id("receipt-code")).to_be_visible()
        tab.assert_no_errors()
        await script.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        # one ballot for ten tokens: the committee decrypts only with the chair's recorded reason
        reason = {"reason": "kiểm thử: chỉ một phiếu"}
        await script.chair.post(f"/api/chair/rounds/{number}/small-round", reason)
        await decrypt_round(script.public, number, script.trustees[:2])
        results = await script.public.get(f"/api/rounds/{number}/results")
        assert results["counts"][question.id] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        kept = results["decisions"]["quota"][0]["kept"]
        assert kept == [question.options[0], question.options[3]]

    projector = await open_page(meeting.at("/projector"), phone=False)
    await expect(projector.page.get_by_test_id("results")).to_contain_text(
        f"Kết quả bỏ phiếu thêm — vòng {number}"
    )
    await expect(projector.page.get_by_test_id(f"runoff-{question.options[0]}")).to_contain_text(
        "Giữ mức xuất sắc"
    )
    projector.assert_no_errors()


@pytest.mark.meeting(voting=False)
async def test_the_chair_chooses_the_options_in_words(
    meeting: Meeting, open_page: OpenPage
) -> None:
    desk = await open_page(
        meeting.at("/chair"), viewport={"width": 1280, "height": 900}, phone=False
    )
    page = desk.page
    await page.locator("#secret").fill(CHAIR_SECRET)
    await page.locator("#login-form button").click()
    form = page.get_by_test_id("options-form")
    await expect(form).to_be_visible()
    words = page.get_by_test_id("options-words")
    await expect(words).to_contain_text("số đảng viên chính thức của chi bộ trừ số được trừ")
    await page.locator("#o-base").select_option("present")
    await page.locator("#o-XS").select_option("2/3")
    await page.locator("#o-good").select_option("false")
    await page.locator("#o-blank").uncheck()
    await form.get_by_role("button").click()
    await expect(page.locator("#flash")).to_have_text("Đã lưu cách tính.")
    await expect(words).to_contain_text("số đảng viên chính thức có mặt được bỏ phiếu")
    await expect(words).to_contain_text("XS từ hai phần ba trở lên")
    await expect(words).to_contain_text("không được để trống")
    async with aiohttp.ClientSession(headers=BEARER) as session:
        chair = MeetingClient(session, meeting.direct_url)
        options = (await chair.get("/api/chair/state"))["options"]
    assert (options["base"], options["thresholds"]["XS"], options["blank_allowed"]) == (
        "present",
        "2/3",
        False,
    )
    assert options["good_includes_excellent"] is False
    await page.locator("#meeting-section").screenshot(path=artifact("chair-options.png"))
    desk.assert_no_errors()
