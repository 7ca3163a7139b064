"""A runoff round in Chromium: round 1 is counted with a tie at the XS quota boundary; the chair's
page shows the tie with its explanation and, after a confirmation, starts round 2 restricted to
the tied members with the committee's keys; tokens are issued, voting opens and closes on the
chair's page, and the committee phones, still on their round-1 links, follow round 2 and decrypt
it with the secret shares they stored in round 1 — one of them on a new phone restored from the
backup saved in round 1."""

from __future__ import annotations

import json
import random

import aiohttp
import pytest
from playwright.async_api import Page, expect

from ballot_client.remote import MeetingClient
from ballot_server import keys
from ballot_server.demo import setup_meeting
from tally.fingerprint import election_code
from tests.browser.committee_steps import PASSPHRASE, confirm, expect_status, make_key
from tests.browser.conftest import PHONE, Meeting, OpenPage, artifact
from tests.server_support import CHAIR_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

LAPTOP = {"width": 1366, "height": 900}


async def stored(page: Page) -> dict[str, dict]:
    """The committee records in the phone's localStorage, by storage key."""
    items = json.loads(await page.evaluate("JSON.stringify(Object.assign({}, localStorage))"))
    return {k: json.loads(v) for k, v in items.items() if k.startswith("phieukin.trustee.")}


@pytest.mark.meeting(voting=False)
async def test_a_tie_at_the_quota_goes_to_a_runoff_the_round_1_links_decrypt(
    meeting: Meeting, open_page: OpenPage
) -> None:
    public = MeetingClient(meeting.client.session, meeting.direct_url)
    rounds = meeting.app[keys.ROUNDS]
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    async with aiohttp.ClientSession(headers=headers) as chair_session:
        chair = MeetingClient(chair_session, meeting.direct_url)
        number, credentials, _ = await setup_meeting(chair, 6, 5, random.Random(1))
        assert number == 1
        urls = {i: meeting.at(f"/committee#c={c}&r=1") for i, c in credentials.items()}
        tabs = {i: await open_page(urls[i], viewport=PHONE) for i in urls}
        pages = {i: tab.page for i, tab in tabs.items()}
        backup = b""
        for i, page in pages.items():  # member 2 keeps its backup file of the round-1 key
            backup = await make_key(page, PASSPHRASE, keep=i == 2) or backup
        for i, page in pages.items():
            await confirm(page, i)
        for page in pages.values():
            await expect_status(page, "cm.status.ready")
        first_context = rounds.context(1)

        # Round 1: every ballot gives every member XS, more than the quota allows.
        tokens = (await chair.post("/api/chair/rounds/1/tokens", {}))["tokens"]
        await chair.post("/api/chair/rounds/1/open", {})
        for token in tokens:
            await public.vote(1, token, [0] * len(first_context.manifest.questions))
        await chair.post("/api/chair/rounds/1/close", {"confirm": True})
        for i in (1, 2):
            await expect(pages[i].get_by_test_id("decrypt-button")).to_be_enabled()
            await pages[i].get_by_test_id("decrypt-button").click()
        for page in pages.values():
            await expect_status(page, "cm.status.counted")
        first = await public.get("/api/rounds/1/results")
        titles = {q["id"]: q["title"] for q in first["questions"]}
        tied = [i for group in first["decisions"]["quota"] for i in group["tied"]]
        assert len(tied) >= 2

        # The chair's page shows the tie, explains it, and starts the runoff after confirming.
        desk = await open_page(meeting.at("/chair"), viewport=LAPTOP, phone=False)
        chair_page = desk.page
        await chair_page.locator("#secret").fill(CHAIR_SECRET)
        await chair_page.locator("#login-form button").click()
        box = chair_page.get_by_test_id("runoff")
        await expect(box).to_be_visible()
        await expect(box).to_have_attribute("data-round", "1")
        await expect(box).to_contain_text("bằng phiếu ở ranh giới tỷ lệ Hoàn thành xuất sắc")
        await expect(box).to_contain_text("bằng nhau ở ranh giới")
        people = chair_page.get_by_test_id("runoff-tied").locator("li")
        await expect(people).to_have_count(len(tied))
        for question in tied:
            person = people.and_(chair_page.locator(f"[data-question='{question}']"))
            await expect(person).to_contain_text(titles[question])
            await expect(person).to_contain_text(f"XS {len(tokens)}")
        start = chair_page.get_by_test_id("runoff-start")
        await expect(start).to_have_text("Bỏ phiếu thêm cho các trường hợp bằng phiếu")
        await expect(chair_page.get_by_test_id("runoff-confirm")).to_be_hidden()
        await start.click()
        asked = chair_page.get_by_test_id("runoff-confirm")
        await expect(asked).to_be_visible()
        await expect(asked).to_contain_text(f"Bắt đầu vòng 2, chỉ bỏ phiếu cho {len(tied)}")
        await chair_page.locator("#minute-section").screenshot(path=artifact("chair-runoff.png"))
        assert rounds.current() == 1  # nothing started before the confirmation
        await chair_page.get_by_test_id("runoff-yes").click()
        await expect(chair_page.locator("#flash")).to_contain_text("Đã bắt đầu vòng 2")
        await expect(chair_page.locator("#status-phase")).to_have_text("Sẵn sàng (vòng 2)")
        await expect(box).to_be_hidden()
        assert rounds.phase(2) == "ready"
        second_context = rounds.context(2)
        assert second_context.joint_key == first_context.joint_key
        (runoff,) = second_context.manifest.questions  # the tied members, choose up to the places
        assert sorted(runoff.options) == sorted(tied)
        assert list(runoff.option_titles) == [titles[i] for i in runoff.options]

        # The phones on their round-1 links follow round 2; one reloads its original link.
        for page in pages.values():
            await expect(page.get_by_test_id("round")).to_have_text(
                "2 — bỏ phiếu thêm, dùng khóa của vòng 1"
            )
            await expect_status(page, "cm.status.ready")
        await pages[3].reload()
        assert pages[3].url == urls[3]
        await expect(pages[3].get_by_test_id("round")).to_contain_text("2 — bỏ phiếu thêm")
        await expect_status(pages[3], "cm.status.ready")
        await expect(pages[3].get_by_test_id("fingerprint")).to_have_text(
            election_code(second_context.fingerprint)
        )

        # Tokens for round 2; voting opens and closes on the chair's page.
        tokens = (await chair.post("/api/chair/rounds/2/tokens", {}))["tokens"]
        await expect(chair_page.locator("#tokens-info")).to_contain_text(
            f"Chưa dùng: {len(tokens)}"
        )
        await expect(chair_page.locator("#print-link")).to_have_attribute(
            "href", "/chair/rounds/2/tokens/print"
        )
        await chair_page.locator("#open-voting").click()
        await expect(chair_page.locator("#status-phase")).to_have_text("Đang bỏ phiếu (vòng 2)")
        assert rounds.phase(2) == "open"
        for page in pages.values():
            await expect_status(page, "cm.status.voting")
        rng = random.Random(21)
        questions = second_context.manifest.questions
        choices = [
            [sorted(rng.sample(range(len(q.options)), rng.randint(0, q.max_selections)))]
            for q in questions
            for _ in tokens
        ]
        for token, choice in zip(tokens, choices, strict=True):
            await public.vote(2, token, choice)
        await expect(chair_page.locator("#status-turnout")).to_have_text(
            f"{len(tokens)} / {len(tokens)}"
        )
        await chair_page.locator("#close-voting").click()
        await chair_page.locator("#close-yes").click()
        await expect(chair_page.locator("#status-phase")).to_have_text("Đã kết thúc (vòng 2)")
        assert rounds.phase(2) == "closed"

    # Member 2's phone is lost: a new phone opens the round-1 link and restores the backup.
    await tabs[2].page.context.close()
    tabs[2] = await open_page(urls[2], viewport=PHONE)
    pages[2] = tabs[2].page
    # A phone without the key opening a claimed link raises the alarm (the projector shows it)
    # and offers to restore; restored, the phone claims the link again and the alarm is cleared.
    await expect(pages[2].get_by_test_id("alarm")).to_be_visible()
    await expect(pages[2].get_by_test_id("restore")).to_be_visible()
    assert [m["alarm"] for m in (await public.status())["committee"]] == [False, True, False]
    saved = {"name": "backup.json", "mimeType": "application/json", "buffer": backup}
    await pages[2].get_by_test_id("restore-file").set_input_files(files=[saved])
    await pages[2].get_by_test_id("restore-pass").fill(PASSPHRASE)
    await pages[2].get_by_test_id("restore-button").click()
    await expect(pages[2].get_by_test_id("alarm")).to_be_hidden()
    await expect(pages[2].get_by_test_id("round")).to_contain_text("2 — bỏ phiếu thêm")

    # Two phones decrypt round 2 with the round-1 shares: one stored, one restored.
    for page in pages.values():
        await expect(page.get_by_test_id("ballot-count")).to_have_text(str(len(tokens)))
    await pages[2].screenshot(path=artifact("committee-runoff-decrypt.png"), full_page=True)
    for i in (1, 2):
        await expect(pages[i].get_by_test_id("decrypt-button")).to_be_enabled()
        await pages[i].get_by_test_id("decrypt-button").click()
    for page in pages.values():
        await expect_status(page, "cm.status.counted")
    code, answer = await meeting.get("/api/rounds/2/counts")
    assert code == 200
    assert answer["counts"] == {
        question.id: [sum(1 for c in choices if o in c[q]) for o in range(len(question.options))]
        for q, question in enumerate(questions)
    }
    decrypted = [
        e["event"]["body"]["trustee"]
        for e in meeting.app[keys.STORE].events()
        if e["event"]["type"] == "decryption-share" and e["event"]["body"]["round"] == 2
    ]
    assert sorted(decrypted) == [1, 2]  # round 2's shares came from phones 1 and 2
    # The secrets stay where round 1 stored them; round 2's progress is kept next to them.
    for i in (1, 2):
        records = await stored(pages[i])
        assert len(records) == 1
        (record,) = records.values()
        assert record["secrets"]["round"] == 1
        assert record["progress"]["rounds"]["2"]["decrypted"] is True

    # The chair's page shows round 2's results; the minute reports both rounds.
    await expect(chair_page.locator("#status-phase")).to_have_text("Đã kiểm phiếu (vòng 2)")
    results = chair_page.get_by_test_id("chair-results")
    await expect(results).to_contain_text(titles[tied[0]])
    await expect(results.get_by_test_id("runoff-table")).to_be_visible()
    await expect(results.get_by_test_id("proposal-table")).to_contain_text(titles[tied[0]])
    await chair_page.locator("#make-minute").click()
    await expect(chair_page.get_by_test_id("minute-signatures").locator("li")).to_have_count(3)
    code, document = await meeting.get("/api/minute")
    assert code == 200
    assert [entry["round"] for entry in document["minute"]["rounds"]] == [1, 2]
    # A committee phone shows the minute with the cell's one proposal per member (all rounds)
    proposal = pages[1].get_by_test_id("minute-proposal")
    await expect(proposal.locator("li")).to_have_count(len(first["questions"]))
    final = {s["id"]: s for s in document["minute"]["proposal"]["subjects"]}
    kept = [i for i in tied if final[i]["level"] == "XS" and final[i]["quota"] == "kept"]
    for question in kept:
        await expect(proposal).to_contain_text(titles[question])
    for tab in (*tabs.values(), desk):
        tab.assert_no_errors()
