"""axe-core (from npm, node_modules/axe-core) on every page and every screen a person sees:
zero violations of any rule axe runs by default. Each screen is also written to
tests/artifacts/axe-*.png."""

from __future__ import annotations

import aiohttp
import pytest
from playwright.async_api import Page, expect

from ballot_client.remote import MeetingClient
from ballot_client.simulated import run_committee
from ballot_server import keys
from tests.browser.chair_support import LAPTOP, log_in
from tests.browser.conftest import PHONE, PROJECTOR, Meeting, OpenPage, artifact
from tests.browser.layout_support import axe_violations, describe
from tests.server_support import CHAIR_SECRET, rating_manifest

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def assert_accessible(page: Page, name: str) -> None:
    await page.screenshot(path=artifact(f"axe-{name}.png"), full_page=True)
    violations = await axe_violations(page)
    assert violations == [], f"{name}:\n{describe(violations)}"


@pytest.mark.meeting(rated=4, tokens=3)
async def test_the_public_pages_have_no_axe_violations(
    meeting: Meeting, open_page: OpenPage
) -> None:
    landing = await open_page(meeting.at("/"), viewport=PHONE)
    await expect(landing.page.locator("#lang button").first).to_be_visible()
    await assert_accessible(landing.page, "landing")

    phone = await open_page(meeting.at(f"/v#t={meeting.token()}&r=1"), viewport=PHONE)
    page = phone.page
    await expect(page.get_by_test_id("ballot")).to_be_visible()
    await assert_accessible(page, "ballot")
    for q, level in enumerate(["XS", "TOT", "HT", "KHT"], start=1):
        await page.get_by_test_id(f"option-m{q:02d}-{level}").click()
    await page.get_by_test_id("to-review").click()
    await expect(page.get_by_test_id("review")).to_be_visible()
    await assert_accessible(page, "review")
    await page.get_by_test_id("submit").click()
    await expect(page.get_by_test_id("sealed")).to_be_visible()
    await assert_accessible(page, "sealed")
    await page.get_by_test_id("cast").click()
    await expect(page.get_by_test_id("receipt-code")).not_to_be_empty()
    await assert_accessible(page, "receipt")

    # the other pages, each as a person first sees it
    others = [
        ("/v", PHONE, "[data-testid=token-entry]", "token-entry"),
        ("/t", PHONE, "main", "tracker"),
        ("/projector", PROJECTOR, "[data-testid=phase][data-phase=open]", "projector"),
        ("/committee", PHONE, "[data-testid=error]", "committee-no-link"),
        ("/selftest", PHONE, "main", "selftest"),
    ]
    tabs = [landing, phone]
    for path, viewport, ready, name in others:
        tab = await open_page(meeting.at(path), viewport=viewport, phone=viewport is PHONE)
        await expect(tab.page.locator(ready)).to_be_visible()
        await assert_accessible(tab.page, name)
        tabs.append(tab)
    for tab in tabs[:4]:  # the committee page without a link and the self-test report errors
        tab.assert_no_errors()


@pytest.mark.meeting(voting=False)
async def test_the_chair_pages_and_the_card_sheets_have_no_axe_violations(
    meeting: Meeting, open_page: OpenPage
) -> None:
    desk = await open_page(meeting.at("/chair"), viewport=LAPTOP, phone=False)
    page = desk.page
    await expect(page.locator("#login-section")).to_be_visible()
    await assert_accessible(page, "chair-login")
    await log_in(page)
    await expect(page.get_by_test_id("next-action")).to_be_visible()
    await assert_accessible(page, "chair-setup")
    for section in await page.locator("details.step").all():
        await section.evaluate("(details) => { details.open = true; }")
    await assert_accessible(page, "chair-every-section")

    # a round whose ceremony is done and whose cards are ready to print
    app = meeting.app
    manifest = rating_manifest(3)
    subjects = {q["id"]: i for i, q in enumerate(manifest["questions"], start=1)}
    credentials = app[keys.ROUNDS].start(manifest, subjects)
    public = MeetingClient(meeting.client.session, meeting.direct_url)
    await run_committee(public, 1, credentials)
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        chair = MeetingClient(session, meeting.direct_url)
        await chair.post("/api/chair/rounds/1/tokens", {"count": 3})
    await page.reload()
    await expect(page.get_by_test_id("next-action")).to_have_attribute("data-action", "open")
    await assert_accessible(page, "chair-ready")

    sheet = await page.context.new_page()
    await sheet.goto(meeting.at("/chair/rounds/1/tokens/print"))
    await expect(sheet.locator(".token-card").first).to_be_visible()
    await assert_accessible(sheet, "cards-print")
    await sheet.goto(meeting.at("/chair/rounds/1/tokens/print?mode=screen"))
    await expect(sheet.locator(".screen-card").first).to_be_visible()
    await assert_accessible(sheet, "cards-screen")
    desk.assert_no_errors()
