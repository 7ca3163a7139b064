"""The projector reveals the results only once the round is counted: per person the votes per
level with the percentage of the base, then the decision with its reasons, a page at a time."""

from __future__ import annotations

import random

import aiohttp
import pytest
from playwright.async_api import expect

from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round, run_committee
from ballot_server.demo import setup_meeting
from tests.browser.conftest import PROJECTOR, Meeting, OpenPage, artifact
from tests.server_support import CHAIR_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.mark.meeting(voting=False)
async def test_projector_shows_results_after_the_count_and_not_before(
    meeting: Meeting, open_page: OpenPage
) -> None:
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        chair = MeetingClient(session, meeting.direct_url)
        public = MeetingClient(meeting.client.session, meeting.direct_url)
        number, credentials, _ = await setup_meeting(chair, 6, 10, random.Random(3))
        trustees, context = await run_committee(public, number, credentials)
        tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})

        tab = await open_page(meeting.at("/projector"), viewport=PROJECTOR, phone=False)
        page = tab.page
        phase = page.get_by_test_id("phase")
        await expect(phase).to_have_attribute("data-phase", "open")
        for token in tokens:
            await public.vote(number, token, [0] * len(context.manifest.questions))
        await expect(page.get_by_test_id("turnout-ballots")).to_have_text(str(len(tokens)))
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        await expect(phase).to_have_attribute("data-phase", "closed")
        # before the count: no results section, no level, and the endpoint refuses
        await expect(page.get_by_test_id("results")).to_be_hidden()
        assert await page.get_by_test_id("results-table").count() == 0
        assert (await meeting.get(f"/api/rounds/{number}/results"))[0] == 404

        await decrypt_round(public, number, [trustees[0], trustees[1]])

    results = page.get_by_test_id("results")
    await expect(phase).to_have_attribute("data-phase", "counted")
    await expect(phase).to_have_text("Đã có kết quả kiểm phiếu")
    await expect(results).to_be_visible()
    await expect(page.get_by_test_id("turnout")).to_be_hidden()
    _, answer = await meeting.get(f"/api/rounds/{number}/results")
    first = answer["questions"][0]
    decisions = {s["id"]: s for s in answer["decisions"]["subjects"]}
    voters = len(tokens)
    base = answer["decisions"]["base"]
    xs = page.get_by_test_id(f"votes-{first['id']}-XS")
    await expect(xs).to_contain_text(str(voters))
    tenths = (voters * 2000 + base) // (2 * base)
    await expect(xs).to_contain_text(f"{tenths // 10},{tenths % 10}%")
    await expect(page.get_by_test_id(f"level-{first['id']}")).to_have_text(
        decisions[first["id"]]["level"] or "Chưa xác định"
    )
    # 10 people, 4 a page: the page turns by itself
    await expect(page.get_by_test_id("results-page")).to_have_text("Trang 1/3")
    # the decisions carry their reasons: a cap of the roster (the disciplined member) or the quota
    await expect(results).to_contain_text("Hạn mức")
    await expect(results).to_contain_text("Tỷ lệ XS")
    await page.screenshot(path=artifact("projector-results.png"))
    tab.assert_no_errors()

    # The chair's page: the same results, then the minute is made and nobody has signed yet.
    desk = await open_page(
        meeting.at("/chair"), viewport={"width": 1280, "height": 900}, phone=False
    )
    await desk.page.locator("#secret").fill(CHAIR_SECRET)
    await desk.page.locator("#login-form button").click()
    chair_results = desk.page.get_by_test_id("chair-results")
    await expect(chair_results.get_by_test_id(f"level-{first['id']}")).to_be_visible()
    await expect(desk.page.locator("#make-minute")).to_be_enabled()
    await desk.page.locator("#make-minute").click()
    signatures = desk.page.get_by_test_id("minute-signatures")
    await expect(signatures.locator("li")).to_have_count(3)
    await expect(signatures.locator("li[data-signed=false]")).to_have_count(3)
    await expect(desk.page.locator("#minute-pdf")).to_be_visible()
    _, minute = await meeting.get("/api/minute")
    await expect(desk.page.get_by_test_id("minute-status")).to_contain_text(minute["digest"])
    await desk.page.locator("#minute-section").screenshot(path=artifact("chair-minute.png"))
    desk.assert_no_errors()
