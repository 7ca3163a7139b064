"""The layout facts of the pages, measured in Chromium: a 30-member ballot fits a phone in at most
seven screens with 48 px targets (360×740 and 390×844); the projector at 1920×1080 shows names
and numbers of at least 40 px, ten rows a page turned by the chair, the join QR and everything
else on screen, counting progress while the committee decrypts; 1280×720 and 1024×768 too.

Numbers are printed (tests/artifacts/timings.txt) and every screen is written to
tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from ballot_client.simulated import decrypt_round
from tests.browser.chair_support import chair_client, open_voting
from tests.browser.conftest import PROJECTOR, Meeting, OpenPage, artifact, record_timing
from tests.browser.layout_support import axe_violations, cut_off, describe, font_px, screens

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

PHONES = [{"width": 360, "height": 740}, {"width": 390, "height": 844}]
SMALLER_PROJECTORS = [{"width": 1280, "height": 720}, {"width": 1024, "height": 768}]
MAX_SCREENS = 7
TARGET_PX = 48
PROJECTOR_TEXT_PX = 40
ROWS_PER_PAGE = 10


@pytest.mark.parametrize("phone", PHONES, ids=["360x740", "390x844"])
@pytest.mark.meeting(rated=30, tokens=2)
async def test_a_30_member_ballot_fits_the_phone(
    meeting: Meeting, open_page: OpenPage, phone: dict[str, int]
) -> None:
    size = f"{phone['width']}x{phone['height']}"
    tab = await open_page(meeting.at(f"/v#t={meeting.token()}&r=1"), viewport=phone)
    page = tab.page
    await expect(page.get_by_test_id("question-m30")).to_be_attached()
    await expect(page.get_by_test_id("option-m01-XS")).to_be_visible()
    height = await screens(page)
    record_timing(f"ballot R=30 at {size}: {height:.2f} screens")
    assert height <= MAX_SCREENS
    assert await page.evaluate("document.documentElement.scrollWidth") <= phone["width"]
    sizes = await page.evaluate(
        """() => [...document.querySelectorAll('#questions label.option')].map((n) => {
             const r = n.getBoundingClientRect(); return [r.width, r.height]; })"""
    )
    assert len(sizes) == 30 * 4
    assert min(w for w, _ in sizes) >= TARGET_PX and min(h for _, h in sizes) >= TARGET_PX
    await page.screenshot(path=artifact(f"ballot-{size}.png"))

    # one-handed: the name stays with its row, and the choice is marked by more than colour
    row = page.get_by_test_id("question-m07")
    await row.scroll_into_view_if_needed()
    await page.get_by_test_id("option-m07-KHT").click()
    await expect(page.get_by_test_id("option-m07-KHT")).to_have_class("option is-selected")
    name = await row.locator(".qname").bounding_box()
    choice = await page.get_by_test_id("option-m07-KHT").bounding_box()
    assert name and choice and 0 <= choice["y"] - name["y"] <= 60
    for q in range(1, 31):
        if q != 7:
            await page.get_by_test_id(f"option-m{q:02d}-TOT").click()
    await page.screenshot(path=artifact(f"ballot-{size}-chosen.png"))

    # the review lists what needs attention first, in full words
    await page.get_by_test_id("to-review").click()
    review = page.get_by_test_id("review")
    await expect(review).to_be_visible()
    rows = page.locator("#review-list > li")
    await expect(rows.nth(0)).to_have_attribute("data-testid", "review-attention")
    await expect(rows.nth(1)).to_have_attribute("data-testid", "review-m07")
    await expect(rows.nth(1)).to_contain_text("Không hoàn thành nhiệm vụ")
    await page.screenshot(path=artifact(f"ballot-{size}-review.png"))
    violations = await axe_violations(page)
    assert violations == [], describe(violations)
    tab.assert_no_errors()


@pytest.mark.meeting(rated=3, tokens=5)
async def test_the_projector_while_voting_fits_the_screen_with_its_join_code(
    meeting: Meeting, open_page: OpenPage
) -> None:
    tab = await open_page(meeting.at("/projector"), viewport=PROJECTOR, phone=False)
    page = tab.page
    await expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "open")
    qr = page.get_by_test_id("join-qr")
    await expect(qr).to_be_visible()
    await expect(page.get_by_test_id("committee-1-key")).not_to_have_text("—")
    await expect(page.get_by_test_id("election-fingerprint")).to_be_visible()
    for viewport in [PROJECTOR, *SMALLER_PROJECTORS]:
        await page.set_viewport_size(viewport)
        size = f"{viewport['width']}x{viewport['height']}"
        box = await qr.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], size
        assert box["width"] >= 200, size  # a phone scans it from a few metres
        await page.screenshot(path=artifact(f"projector-open-{size}.png"))
        assert await cut_off(page) == [], size
    tab.assert_no_errors()


@pytest.mark.meeting(voting=False)
async def test_the_projector_results_are_readable_from_the_back_and_paged_by_the_chair(
    meeting: Meeting, open_page: OpenPage
) -> None:
    async with chair_client(meeting) as chair:
        voting = await open_voting(chair, meeting, 20, 25, seed=5)
        number, public, trustees = voting.number, voting.public, voting.trustees
        for token in voting.tokens:
            await public.vote(number, token, [1] * len(voting.context.manifest.questions))
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})

        tab = await open_page(meeting.at("/projector"), viewport=PROJECTOR, phone=False)
        page = tab.page
        counting = page.get_by_test_id("counting")
        await expect(counting).to_have_text("0/2 thành viên đã giải mã")
        await decrypt_round(public, number, [trustees[0]])
        await expect(counting).to_have_text("1/2 thành viên đã giải mã")
        await expect(page.get_by_test_id("committee-1")).to_contain_text("đã giải mã")
        await page.screenshot(path=artifact("projector-counting.png"))
        assert await cut_off(page) == []
        violations = await axe_violations(page)
        assert violations == [], describe(violations)
        await decrypt_round(public, number, [trustees[1]])

        results = page.get_by_test_id("results")
        await expect(results).to_be_visible()
        await expect(results).to_have_attribute("data-pages", "3")  # 25 people, 10 a page
        rows = results.locator("[data-testid^=result-]")
        assert await rows.count() <= ROWS_PER_PAGE
        names = await font_px(page, "#pj-results .rs-name")
        numbers = await font_px(page, "#pj-results .rs-count, #pj-results .rs-level")
        record_timing(
            f"projector 1920x1080: {await rows.count()} rows a page, names {min(names):.0f} px, "
            f"numbers {min(numbers):.0f} px"
        )
        assert min(names) >= PROJECTOR_TEXT_PX and min(numbers) >= PROJECTOR_TEXT_PX
        assert await cut_off(page) == []
        await page.screenshot(path=artifact("projector-results-page1.png"))
        violations = await axe_violations(page)
        assert violations == [], describe(violations)

        # the chair turns to page 2 (pages stop turning by themselves), then lets them turn
        await chair.post("/api/chair/projector", {"page": 1, "paused": True})
        await expect(results).to_have_attribute("data-page", "1")
        await expect(page.get_by_test_id("results-page")).to_have_text("Trang 2/3")
        assert await cut_off(page) == []
        await page.screenshot(path=artifact("projector-results-page2.png"))
        for viewport in SMALLER_PROJECTORS:
            await page.set_viewport_size(viewport)
            size = f"{viewport['width']}x{viewport['height']}"
            names = await font_px(page, "#pj-results .rs-name")
            record_timing(f"projector {size}: names {min(names):.0f} px")
            assert await cut_off(page) == [], size
            await page.screenshot(path=artifact(f"projector-results-{size}.png"))
        tab.assert_no_errors()
