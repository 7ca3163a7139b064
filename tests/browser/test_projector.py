"""The projector page (``/projector``) in Chromium at 1920×1080: live turnout, never a result."""

from __future__ import annotations

import re
import time

import pytest
from playwright.async_api import expect

from ballot_server import keys
from ballot_server.views.common import publish_status
from tests.browser.conftest import (
    MEETING_INFO,
    PHONE,
    PROJECTOR,
    Meeting,
    OpenPage,
    artifact,
    record_timing,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

FINGERPRINT = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}\b")  # PROTOCOL.md §16
PUSH_TIMEOUT_MS = 5_000  # the issue asks for "within a second"; the measured delay is printed


@pytest.mark.meeting(rated=3, tokens=5)
async def test_turnout_follows_ballots_live_and_no_result_is_shown(
    meeting: Meeting, open_page: OpenPage
) -> None:
    tab = await open_page(meeting.at("/projector"), viewport=PROJECTOR, phone=False)
    page = tab.page
    phase = page.get_by_test_id("phase")
    ballots = page.get_by_test_id("turnout-ballots")
    await expect(phase).to_have_attribute("data-phase", "open")
    await expect(phase).to_have_text("Đang bỏ phiếu")
    await expect(page.get_by_test_id("turnout-tokens")).to_have_text("5")
    await expect(ballots).to_have_text("0")
    await expect(page.get_by_test_id("meeting-title")).to_have_text(MEETING_INFO["title"])
    await expect(page.get_by_test_id("meeting-cell")).to_contain_text("15/12/2026")
    await expect(page.get_by_test_id("join")).to_be_visible()
    await expect(page.get_by_test_id("join-url")).to_have_text(meeting.url + "/")
    qr = page.get_by_test_id("join-qr")
    await expect(qr).to_be_visible()
    assert await qr.evaluate("image => image.complete && image.naturalWidth > 0")
    # The stream is connected before anyone votes, so the next change must come as a push.
    await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "live")

    # A ballot from the Python voter client.
    await meeting.voter.vote(1, meeting.token(), [0, 1, 2])
    accepted = time.perf_counter()
    await expect(page.get_by_test_id("turnout-ballots")).to_have_text("1", timeout=PUSH_TIMEOUT_MS)
    pushed = time.perf_counter() - accepted
    await expect(page.get_by_test_id("turnout")).to_have_attribute("data-ballots", "1")
    await expect(page.get_by_test_id("turnout-bar")).to_have_attribute("aria-valuenow", "20")
    record_timing(f"projector: ballot receipt -> turnout 1 / 5 on screen in {pushed * 1000:.0f} ms")
    await page.screenshot(path=artifact("projector.png"))  # 1920×1080

    # A ballot from a phone in the room.
    phone = await open_page(meeting.at(f"/v#t={meeting.token()}&r=1"), viewport=PHONE)
    for qid, level in (("m01", "TOT"), ("m02", "HT"), ("m03", "XS")):
        await phone.page.get_by_test_id(f"option-{qid}-{level}").click()
    await phone.page.get_by_test_id("to-review").click()
    await phone.page.get_by_test_id("submit").click()
    await phone.page.get_by_test_id("cast").click()
    await expect(phone.page.get_by_test_id("receipt-code")).not_to_be_empty()
    await expect(ballots).to_have_text("2", timeout=PUSH_TIMEOUT_MS)
    assert (await meeting.status())["turnout"] == {"ballots": 2, "tokens": 5}

    # Never a partial result: no level, no member name, only the phase and the two counts.
    # (Fingerprints — the served bundle's at the foot, the committee members' keys and the
    # election's — are random letters in groups, "…1XSM" happens, so they are left out of what
    # is searched.)
    served = page.get_by_test_id("served-code")
    await expect(served).to_be_visible()
    shown = FINGERPRINT.sub("", await page.locator("body").inner_text())
    for secret in ("XS", "TOT", "KHT", "Đảng viên", "Hoàn thành"):
        assert secret not in shown, f"{secret!r} on the projector while voting is open"

    # Voting closes: the phase changes and the join invitation goes away.
    meeting.app[keys.ROUNDS].close_voting(1)
    publish_status(meeting.app)
    await expect(phase).to_have_attribute("data-phase", "closed", timeout=PUSH_TIMEOUT_MS)
    await expect(phase).to_have_text("Đã kết thúc bỏ phiếu")
    await expect(page.get_by_test_id("join")).to_be_hidden()
    await expect(ballots).to_have_text("2")
    await page.get_by_test_id("lang-en").click()
    await expect(phase).to_have_text("Voting has closed")
    await page.screenshot(path=artifact("projector-closed-en.png"))
    tab.assert_no_errors()
    phone.assert_no_errors()
