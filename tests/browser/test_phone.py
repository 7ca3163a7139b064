"""The phone ballot (``/v#t=TOKEN&r=1``) in Chromium at 360×740 on a plain-HTTP LAN origin."""

from __future__ import annotations

import re
import time

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    TIMEOUT_MS,
    Meeting,
    OpenPage,
    artifact,
    record_timing,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

LEVELS = ["XS", "TOT", "HT", "KHT"]
RECEIPT_CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$")


def question_ids(rated: int) -> list[str]:
    return [f"m{i:02d}" for i in range(1, rated + 1)]


async def choose_all(page: Page, rated: int) -> list[int]:
    """Tap a level for every member (cycling through the four); returns the option indices."""
    chosen = []
    for i, qid in enumerate(question_ids(rated)):
        level = LEVELS[i % len(LEVELS)]
        await page.get_by_test_id(f"option-{qid}-{level}").click()
        chosen.append(LEVELS.index(level))
    return chosen


@pytest.mark.meeting(rated=30, tokens=3)
async def test_voter_votes_gets_receipt_and_the_token_is_refused_the_second_time(
    meeting: Meeting, open_page: OpenPage
) -> None:
    token = meeting.token()
    url = meeting.at(f"/v#t={token}&r=1")
    tab = await open_page(viewport=PHONE)
    page = tab.page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    opened = time.perf_counter()
    await page.goto(url)
    ballot = page.get_by_test_id("ballot")
    await expect(ballot).to_be_visible()
    shown = time.perf_counter()

    assert await page.evaluate("window.isSecureContext") is False
    assert await page.evaluate("typeof crypto.subtle") == "undefined"
    await expect(page.locator("html")).to_have_attribute("lang", "vi")
    await expect(page.locator("#ballot-title")).to_have_text("Phiếu đánh giá, xếp loại đảng viên")
    questions = page.locator("[data-testid^=question-]")
    await expect(questions).to_have_count(30)
    await expect(page.get_by_test_id("question-m01")).to_contain_text("Đảng viên 1")
    await expect(page.get_by_test_id("option-m01-XS")).to_contain_text(
        "Hoàn thành xuất sắc nhiệm vụ"
    )
    # Made for a 360 px phone: nothing wider than the screen, large touch targets.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = await page.get_by_test_id("option-m01-KHT").bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box
    await page.screenshot(path=artifact("phone-ballot.png"))  # 360×740, outside the timing

    choosing = time.perf_counter()
    chosen = await choose_all(page, meeting.rated)
    await expect(page.get_by_test_id("progress")).to_have_text("Đã chọn 30/30")
    await expect(page.get_by_test_id("radio-m02-TOT")).to_be_checked()
    await page.get_by_test_id("to-review").click()
    review = page.get_by_test_id("review")
    await expect(review).to_be_visible()
    await expect(page.locator("[data-testid^=review-m]")).to_have_count(30)
    for i, qid in enumerate(question_ids(meeting.rated)):
        choice = page.get_by_test_id(f"review-{qid}").locator(".review-choice")
        await expect(choice).to_have_attribute("data-choice", str(chosen[i]))
    submitting = time.perf_counter()
    await page.get_by_test_id("submit").click()
    await page.get_by_test_id("cast").click()
    code_node = page.get_by_test_id("receipt-code")
    await expect(code_node).to_have_text(RECEIPT_CODE)
    received = time.perf_counter()

    code = await code_node.inner_text()
    encrypt_ms = await page.evaluate("document.body.dataset.encryptMs")
    total = (shown - opened) + (received - choosing)
    record_timing(
        f"phone, R=30: token URL opened -> receipt {total:.2f} s "
        f"(page load to ballot {shown - opened:.2f} s; 30 taps and review by Playwright "
        f"{submitting - choosing:.2f} s; 'submit' to receipt {received - submitting:.2f} s, "
        f"of which in-browser encryption {encrypt_ms} ms as timed by the page)"
    )
    await page.screenshot(path=artifact("phone-receipt.png"))

    # The server knows the receipt, has exactly one ballot, and the token is spent.
    status, found = await meeting.get(f"/api/rounds/1/trackers/{code}")
    assert status == 200 and found["found"] is True
    live = await meeting.status()
    assert live["turnout"] == {"ballots": 1, "tokens": 3}
    # The token travels only in fragments and request bodies, never in a request URL.
    assert requests and not [u for u in requests if token in u]
    tab.assert_no_errors()

    # Another phone opens the same card: "already used", and no ballot to fill in.
    other = await open_page(url, viewport=PHONE)
    state = other.page.get_by_test_id("state")
    await expect(state).to_be_visible()
    await expect(state).to_have_attribute("data-state", "spent")
    await expect(other.page.get_by_test_id("state-title")).to_have_text("Mã phiếu đã được dùng")
    await expect(other.page.get_by_test_id("state-body")).to_contain_text("chỉ bỏ phiếu được một")
    await expect(other.page.get_by_test_id("ballot")).to_be_hidden()
    await expect(other.page.locator("[data-testid^=option-]")).to_have_count(0)
    await other.page.screenshot(path=artifact("phone-token-used.png"))
    await other.page.get_by_test_id("lang-en").click()
    await expect(other.page.locator("html")).to_have_attribute("lang", "en")
    await expect(other.page.get_by_test_id("state-title")).to_have_text("This code has been used")
    other.assert_no_errors()

    # The voter's own phone, reloaded: the same receipt, marked as received before.
    await page.reload()
    await expect(code_node).to_have_text(code)
    await expect(page.locator("#receipt-again")).to_be_visible()
    live = await meeting.status()
    assert live["turnout"]["ballots"] == 1


@pytest.mark.meeting(rated=3, tokens=2)
async def test_missing_choices_are_named_before_review(
    meeting: Meeting, open_page: OpenPage
) -> None:
    tab = await open_page(meeting.at(f"/v#t={meeting.token()}&r=1"), viewport=PHONE)
    page = tab.page
    await page.get_by_test_id("option-m02-HT").click()
    await page.get_by_test_id("to-review").click()
    error = page.get_by_test_id("error")
    await expect(error).to_be_visible()
    await expect(error).to_have_attribute("data-code", "incomplete")
    await expect(error).to_contain_text("Còn 2 đảng viên chưa được chọn mức")
    await expect(page.get_by_test_id("review")).to_be_hidden()
    await expect(page.get_by_test_id("question-m01")).to_have_class(re.compile(r"\bmissing\b"))
    await page.get_by_test_id("lang-en").click()
    await expect(page.get_by_test_id("option-m01-XS")).to_contain_text(
        "Completed duties excellently"
    )
    live = await meeting.status()
    assert live["turnout"]["ballots"] == 0
    tab.assert_no_errors()


@pytest.mark.meeting(rated=3, tokens=2)
async def test_lost_answer_then_send_again_gives_the_same_receipt(
    meeting: Meeting, open_page: OpenPage
) -> None:
    """The server stores the ballot but the phone never hears back; "Gửi lại" is safe."""
    tab = await open_page(meeting.at(f"/v#t={meeting.token()}&r=1"), viewport=PHONE)
    page = tab.page
    stored: list[int] = []

    async def lose_the_answer(route) -> None:
        # The ballot reaches the server (Playwright's own fetch cannot resolve hop.test) ...
        direct = route.request.url.replace(meeting.url, meeting.direct_url)
        response = await route.fetch(url=direct, timeout=TIMEOUT_MS)
        stored.append(response.status)
        await route.abort("connectionreset")  # ... and its answer is lost on the Wi-Fi

    await page.route("**/api/rounds/1/ballots", lose_the_answer, times=1)
    await choose_all(page, meeting.rated)
    await page.get_by_test_id("to-review").click()
    await page.get_by_test_id("submit").click()
    await page.get_by_test_id("cast").click()
    error = page.get_by_test_id("error")
    await expect(error).to_have_attribute("data-code", "network")
    await expect(error).to_contain_text("Mất kết nối với máy chủ")
    assert stored == [201]
    live = await meeting.status()
    assert live["turnout"]["ballots"] == 1

    await page.get_by_test_id("retry").click()
    code = page.get_by_test_id("receipt-code")
    await expect(code).to_have_text(RECEIPT_CODE)
    await expect(page.locator("#receipt-again")).to_be_visible()
    status, found = await meeting.get(f"/api/rounds/1/trackers/{await code.inner_text()}")
    assert status == 200 and found["found"] is True
    live = await meeting.status()
    assert live["turnout"]["ballots"] == 1
    tab.assert_no_errors()
