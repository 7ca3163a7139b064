"""The committee page in Chromium against a real server process whose operator attacks it
(``tests.attack_support``): the page refuses with the reason PROTOCOL.md §15 names, or raises the
alarm — on the member's phone, the projector and the chair's page. The same attacks against the
Python client are in ``tests/test_committee_attacks.py``."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Page, Route, expect

from ballot_client.committee import CommitteeMember, MemoryKeeper
from ballot_client.simulated import decrypt_round
from tests.attack_support import (
    CHAIR_SECRET,
    CorruptingMember,
    OperatorLaptop,
    chair_starts,
    doubled_aggregate,
    server_process,
    vote,
)
from tests.browser.chromium import HOST
from tests.browser.committee_steps import confirm, expect_status, keep_stepping, make_key
from tests.browser.conftest import PHONE, PROJECTOR, OpenPage, artifact

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

LAPTOP = {"width": 1366, "height": 900}


def link(server: OperatorLaptop, credential: str, number: int) -> str:
    return f"http://{HOST}:{server.port}/committee#c={credential}&r={number}"


async def expect_refusal(page: Page, reason: str) -> None:
    await expect(page.get_by_test_id("refusal")).to_be_visible()
    await expect(page.get_by_test_id("refusal")).to_have_attribute("data-reason", reason)
    await expect(page.get_by_test_id("decrypt-button")).to_be_disabled()


async def ceremony_with_phone_1(server: OperatorLaptop, open_page: OpenPage, python=None):
    """Member 1 on a phone, members 2 and 3 in Python (``python`` makes them), to publication."""
    number, credentials = await chair_starts(server)
    tab = await open_page(link(server, credentials[1], number), viewport=PHONE)
    members = (python or default_members)(server, credentials, number)
    for member in members:
        await member.join()
    stop = asyncio.Event()
    stepping = asyncio.create_task(keep_stepping(members, stop))
    await make_key(tab.page)
    await confirm(tab.page, 1)
    await expect_status(tab.page, "cm.status.ready")
    stop.set()
    await stepping
    return number, credentials, tab, members


async def closed_with_phone_1(server: OperatorLaptop, open_page: OpenPage, ballots: int):
    """The ceremony with member 1 on a phone, ``ballots`` cast, voting closed."""
    number, _, tab, members = await ceremony_with_phone_1(server, open_page)
    await vote(server, number, ballots)
    await server.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
    return number, tab.page, members


def default_members(server, credentials, number):
    return [CommitteeMember(server.public, credentials[i], number, MemoryKeeper()) for i in (2, 3)]


async def test_a_link_claimed_by_the_chair_alarms_the_phone_the_projector_and_the_chair(
    tmp_path, open_page: OpenPage
) -> None:
    async with server_process(tmp_path / "meeting") as server:
        number, credentials = await chair_starts(server)
        projector = (
            await open_page(
                f"http://{HOST}:{server.port}/projector", viewport=PROJECTOR, phone=False
            )
        ).page
        # the projector is on, and live, before anyone opens a link
        await expect(projector.locator("#pj-conn")).to_have_attribute("data-state", "live")
        await expect(projector.get_by_test_id("committee-2-key")).to_have_text("—")
        chair_device = CommitteeMember(server.public, credentials[2], number, MemoryKeeper())
        await chair_device.join()  # the chair makes a key in member 2's name, with the link
        await expect(projector.get_by_test_id("committee-2-key")).to_have_text(
            chair_device.fingerprint
        )
        phone = (await open_page(link(server, credentials[2], number), viewport=PHONE)).page
        alarm = phone.get_by_test_id("alarm")
        await expect(alarm).to_be_visible()
        await expect(alarm).to_contain_text("CẢNH BÁO")
        await expect(alarm).to_contain_text("Thành viên 2")
        await expect(phone.get_by_test_id("restore")).to_be_visible()
        await expect(phone.get_by_test_id("make-key")).to_be_hidden()
        await phone.screenshot(path=artifact("committee-alarm.png"), full_page=True)
        member = projector.get_by_test_id("committee-2")
        await expect(member).to_have_attribute("data-alarm", "true")
        await expect(member).to_contain_text("CẢNH BÁO")
        await projector.screenshot(path=artifact("projector-alarm.png"))
        desk = (
            await open_page(f"http://{HOST}:{server.port}/chair", viewport=LAPTOP, phone=False)
        ).page
        await desk.locator("#secret").fill(CHAIR_SECRET)
        await desk.locator("#login-form button").click()
        card = desk.get_by_test_id("committee-member-2")
        await expect(card).to_have_attribute("data-alarm", "true")
        await expect(card).to_contain_text("CẢNH BÁO")
        await expect(card).to_contain_text(chair_device.fingerprint)
        # A phone that claimed its link first: the chair's copy of that link raises the alarm.
        await make_key((await open_page(link(server, credentials[1], number), viewport=PHONE)).page)
        copy = (await open_page(link(server, credentials[1], number), viewport=PHONE)).page
        await expect(copy.get_by_test_id("alarm")).to_be_visible()
        await expect(projector.get_by_test_id("committee-1")).to_have_attribute(
            "data-alarm", "true"
        )

        # The server restarts: member 3's unopened link was only in its memory. The chair's page
        # says so and re-issues it (the old one stops working); then the chair abandons this
        # ceremony, with the reason, and the projector shows it.
        await server.restart()
        await desk.reload()
        await expect(desk.locator("#app")).to_be_visible()  # the chair's session is kept
        card = desk.get_by_test_id("committee-member-3")
        await expect(card).to_contain_text("khởi động lại")
        await expect(card.locator("svg")).to_have_count(0)
        await desk.get_by_test_id("reissue-3").click()
        await expect(card.locator("svg")).to_have_count(1)
        stale = (await open_page(link(server, credentials[3], number), viewport=PHONE)).page
        await expect(stale.get_by_test_id("error")).to_have_attribute("data-code", "forbidden")
        await desk.locator("#abandon-reason").fill("Đồng chí thứ hai không nhận ra khóa của mình")
        await desk.locator("#abandon").click()
        await expect(desk.locator("#status-phase")).to_contain_text("Đã hủy lễ tạo khóa")
        await expect(projector.get_by_test_id("phase")).to_have_text("Lễ tạo khóa đã bị hủy")
        await desk.screenshot(path=artifact("chair-committee-abandoned.png"), full_page=True)
        events = [e["event"]["type"] for e in server.entries()]
        assert "committee-link-reissued" in events and events[-1] == "ceremony-abandoned"


async def test_the_page_refuses_a_small_round_a_packed_aggregate_and_a_rewritten_log(
    tmp_path, open_page: OpenPage
) -> None:
    async with server_process(tmp_path / "meeting") as server:
        number, page, members = await closed_with_phone_1(server, open_page, 1)
        await expect_refusal(page, "round.small")
        await expect(page.get_by_test_id("refusal")).to_contain_text("chủ tọa chưa ghi lý do")
        await page.screenshot(path=artifact("committee-refused-small.png"), full_page=True)
        reason = "Chỉ một đồng chí bỏ phiếu: hội nghị đồng ý kiểm"
        await server.chair.post(f"/api/chair/rounds/{number}/small-round", {"reason": reason})
        await expect(page.get_by_test_id("override-reason")).to_contain_text(reason)
        await expect(page.get_by_test_id("decrypt-button")).to_be_enabled()
        await expect(page.get_by_test_id("ballot-count")).to_have_text("1")
        await expect(page.get_by_test_id("token-count")).to_have_text("6")

        # The operator doubles the aggregate (a decryption would reveal the ballot) and re-signs
        # the log; the phone is opened again and checks afresh.
        context = await server.public.election(number)
        ballot = (await server.public.get(f"/api/rounds/{number}/ballots"))["ballots"][0]
        doubled = doubled_aggregate(context, ballot)
        position = server.find("aggregate", number)
        honest = server.entries()[position]["event"]["body"]["aggregate"]
        browser_context, url = page.context, page.url
        await page.close()
        server.rewrite_event(position, lambda body: body.update(aggregate=doubled))
        page = await browser_context.new_page()  # the same phone: its key is kept
        await page.goto(url)
        await expect_refusal(page, "aggregate.sum")
        await expect(page.get_by_test_id("refusal")).to_contain_text("không phải tổng")
        await page.screenshot(path=artifact("committee-refused-aggregate.png"), full_page=True)
        # Put back, the log no longer extends what this phone verified: refused as rewritten.
        server.rewrite_event(position, lambda body: body.update(aggregate=honest))
        await expect_refusal(page, "log.rewritten")
        # A fresh look at the (now honest) log: every check passes, and the count completes.
        await page.reload()
        await expect(page.get_by_test_id("decrypt-button")).to_be_enabled()
        await page.get_by_test_id("decrypt-button").click()
        await expect_status(page, "cm.status.decrypted")
        assert await decrypt_round(server.public, number, [members[0]]) is not None
        await expect_status(page, "cm.status.counted")


async def test_a_share_rewritten_by_the_relay_blames_the_relay_on_the_page(
    tmp_path, open_page: OpenPage
) -> None:
    async with server_process(tmp_path / "meeting") as server:
        number, credentials = await chair_starts(server)
        members = default_members(server, credentials, number)
        for member in members:
            await member.join()
        tab = await open_page(link(server, credentials[1], number), viewport=PHONE)
        page = tab.page
        tampered = asyncio.Event()

        async def hold(route: Route) -> None:  # the phone asks for its shares once they are forged
            await tampered.wait()
            await route.continue_()

        await page.route("**/ceremony/shares", hold)
        await make_key(page)
        for _ in range(3):
            for member in members:
                await member.step()

        def forge(message: dict) -> None:
            share = next(s for s in message["body"]["shares"] if s["recipient"] == 1)
            share["ciphertext"] = share["ciphertext"][::-1]

        server.rewrite_share(number, 3, forge)
        tampered.set()
        error = page.get_by_test_id("error")
        await expect(error).to_have_attribute("data-code", "relay")
        await expect(error).to_contain_text("Thành viên 3")
        await expect(error).to_contain_text("không phải lỗi của")
        await expect(page.get_by_test_id("step-4")).to_have_attribute("data-state", "failed")
        await page.screenshot(path=artifact("committee-relay.png"), full_page=True)
        assert "trustee-complaint" not in [e["event"]["type"] for e in server.entries()]


async def test_a_bad_share_is_settled_in_the_open_and_the_page_goes_on(
    tmp_path, open_page: OpenPage
) -> None:
    def members(server, credentials, number):
        return [
            CommitteeMember(server.public, credentials[2], number, MemoryKeeper()),
            CorruptingMember(server.public, credentials[3], number, MemoryKeeper()),
        ]

    async with server_process(tmp_path / "meeting") as server:
        await ceremony_with_phone_1(server, open_page, members)
        disputes = [
            e["event"]["body"] for e in server.entries() if e["event"]["type"] == "trustee-dispute"
        ]
        assert [(d["accuser"], d["accused"], d["outcome"]) for d in disputes] == [
            (1, 3, "share-valid")
        ]


async def test_a_round_kept_out_of_the_log_is_not_followed_by_the_page(
    tmp_path, open_page: OpenPage
) -> None:
    """The operator's build without the start-up checks names a round 2 the log never has."""
    async with server_process(tmp_path / "meeting", checks=False) as server:
        number, page, members = await closed_with_phone_1(server, open_page, 4)
        await expect(page.get_by_test_id("decrypt-button")).to_be_enabled()
        await decrypt_round(server.public, number, members)
        await expect_status(page, "cm.status.counted")
        server.add_round_outside_the_log(1, 2)
        await server.restart()
        assert (await server.public.status())["round"] == 2
        await page.reload()
        await expect_status(page, "cm.status.counted")
        await expect(page.get_by_test_id("round")).to_have_text("1")  # never round 2
        await expect(page.get_by_test_id("decrypt")).to_be_hidden()
