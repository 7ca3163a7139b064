"""The other secret ballots of a meeting in Chromium (docs/RULES.md §6).

A confidence vote on two people, chosen on the chair's page with their positions, made with a
key ceremony on three committee phones; a phone votes with the words of a confidence ballot
(and confirms a blank), audits one encryption first — its opening shown in the same words on
the phone and on the tracker page — then casts; the projector shows each person's counts,
shares and flag; two committee phones decrypt. Then yes/no decisions asked on the chair's page
reuse the committee's keys: the committee phones, still on their round-1 links, follow and
decrypt; the minute on a committee phone words both kinds. And the cell's self-rating: the
chair enters the score sheet (its total computed on the page), a phone shows the checked sheet,
audits and votes, the chair's page shows the result and takes the cell's voted level as the
level of the collective its head leads.
"""

from __future__ import annotations

import aiohttp
import pytest
from playwright.async_api import Page, expect

from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round, run_committee
from ballot_server import keys
from tests.browser.committee_steps import confirm as confirm_fingerprint
from tests.browser.committee_steps import expect_status, make_key
from tests.browser.conftest import PHONE, PROJECTOR, Meeting, OpenPage, artifact
from tests.kind_support import KindMeeting
from tests.server_support import CHAIR_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

LAPTOP = {"width": 1366, "height": 900}
CAO, TN, THAP, YES, NO = 0, 1, 2, 0, 1


async def chair_page(open_page: OpenPage, meeting: Meeting) -> Page:
    desk = await open_page(meeting.at("/chair"), viewport=LAPTOP, phone=False)
    page = desk.page
    await page.locator("#secret").fill(CHAIR_SECRET)
    await page.locator("#login-form button").click()
    await expect(page.locator("#app")).to_be_visible()
    return page


async def committee_urls(chair: MeetingClient, meeting: Meeting, number: int) -> dict[int, str]:
    state = await chair.get("/api/chair/state")
    links = state["rounds"][number - 1]["committee"]
    return {c["index"]: meeting.at(c["url"][c["url"].index("/committee") :]) for c in links}


async def seal_and_audit(phone: Page) -> str:
    """Seal the reviewed ballot and audit that encryption (the phone opens it and checks the
    opening itself); returns the audited tracker code."""
    await phone.get_by_test_id("submit").click()
    await expect(phone.get_by_test_id("sealed")).to_be_visible()
    code = await phone.get_by_test_id("sealed-code").inner_text()
    await phone.get_by_test_id("audit").click()
    await expect(phone.get_by_test_id("audited")).to_be_visible()
    await expect(phone.get_by_test_id("audited-code")).to_have_text(code)
    return code


async def reseal_and_cast(phone: Page) -> None:
    """Seal afresh after an audit and cast; the audited ballot is sent after the cast."""
    await phone.get_by_test_id("reseal").click()
    await expect(phone.get_by_test_id("sealed")).to_be_visible()
    await phone.get_by_test_id("cast").click()
    await expect(phone.get_by_test_id("receipt")).to_be_visible()
    await expect(phone.locator("body")).to_have_attribute("data-audits-sent", "1")


@pytest.mark.meeting(voting=False)
async def test_a_confidence_vote_then_yes_no_decisions_with_the_same_keys(
    meeting: Meeting, open_page: OpenPage
) -> None:
    public = MeetingClient(meeting.client.session, meeting.direct_url)
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        chair = MeetingClient(session, meeting.direct_url)
        cell = await KindMeeting.setup_cell(meeting.client, chair, public, members=6)
        desk = await chair_page(open_page, meeting)

        # The chair chooses a confidence vote on two members, with their positions.
        await desk.get_by_test_id("kind").select_option("confidence")
        await expect(desk.get_by_test_id("kind-confidence")).to_be_visible()
        await expect(desk.get_by_test_id("convened-now")).to_contain_text("đảng viên chính thức")
        people = desk.locator("#kind-people .kind-person")
        await people.nth(0).locator("[name=member]").select_option(label=cell.names[0])
        await people.nth(0).locator("[name=position]").fill("Bí thư chi bộ")
        await desk.locator("#kind-add-person").click()
        await people.nth(1).locator("[name=member]").select_option(label=cell.names[1])
        await people.nth(1).locator("[name=position]").fill("Phó Bí thư chi bộ")
        await desk.locator("#round-section").screenshot(path=artifact("chair-confidence.png"))
        await desk.locator("#start-round").click()
        await expect(desk.locator("#flash")).to_contain_text("Đã bắt đầu vòng 1")
        rounds = meeting.app[keys.ROUNDS]
        assert rounds.manifest(1).round_kind == "confidence"

        # The committee makes the key on three phones; each member finds their key's fingerprint
        # next to their name on the projector before confirming.
        projector = (
            await open_page(meeting.at("/projector"), viewport=PROJECTOR, phone=False)
        ).page
        urls = await committee_urls(chair, meeting, 1)
        phones = {i: (await open_page(url, viewport=PHONE)).page for i, url in urls.items()}
        for page in phones.values():
            await make_key(page)
        for i, page in phones.items():
            await confirm_fingerprint(page, i, projector)
        for page in phones.values():
            await expect_status(page, "cm.status.ready")

        tokens = (await chair.post("/api/chair/rounds/1/tokens", {}))["tokens"]
        assert len(tokens) == 6
        await desk.locator("#open-voting").click()
        await expect(desk.locator("#status-phase")).to_have_text(
            "Đang bỏ phiếu (vòng 1 — lấy phiếu tín nhiệm)"
        )
        await expect(projector.get_by_test_id("meeting-cell")).to_contain_text(
            "lấy phiếu tín nhiệm"
        )

        # A phone votes with the words of a confidence ballot.
        phone = (await open_page(meeting.at(f"/v#t={tokens[0]}&r=1"), viewport=PHONE)).page
        await expect(phone.locator("#ballot-title")).to_have_text("Phiếu lấy phiếu tín nhiệm")
        await expect(phone.get_by_test_id("question-c01")).to_contain_text(
            f"{cell.names[0]} — Bí thư chi bộ"
        )
        low = phone.get_by_test_id("option-c01-THAP")
        await expect(low).to_contain_text("Tín nhiệm thấp")
        await expect(low.locator(".code")).to_be_hidden()  # words, not a code
        assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await low.click()
        await phone.get_by_test_id("option-c02-blank").click()
        confirm = phone.get_by_test_id("blank-confirm-c02")
        await expect(confirm).to_contain_text("Để trống đồng chí")
        await phone.get_by_test_id("blank-yes-c02").click()
        await phone.screenshot(path=artifact("phone-confidence.png"), full_page=True)
        await phone.get_by_test_id("to-review").click()
        await expect(phone.get_by_test_id("review-c01")).to_contain_text("Tín nhiệm thấp")
        await expect(phone.get_by_test_id("review-c02")).to_contain_text("Để trống")
        # The voter audits this encryption first: the phone opens it and shows it in the
        # confidence ballot's words, then seals afresh and casts.
        audited_code = await seal_and_audit(phone)
        await expect(phone.get_by_test_id("audited-c01")).to_contain_text("Tín nhiệm thấp")
        await expect(phone.get_by_test_id("audited-c02")).to_contain_text("Để trống")
        await reseal_and_cast(phone)
        # /t opens the audited ballot itself and names its choices in the same words.
        check = (await open_page(meeting.at(f"/t#r=1&c={audited_code}"), viewport=PHONE)).page
        shown = check.get_by_test_id("tracker-audited-choice")
        await expect(shown).to_have_count(2)
        await expect(shown.nth(0)).to_have_text(f"{cell.names[0]} — Bí thư chi bộ: Tín nhiệm thấp")

        # The others vote from Python: c01 low on 4 of 6 ballots (two thirds), c02 on 3 (half).
        for token, choice in zip(
            tokens[1:], [[THAP, THAP]] * 3 + [[TN, CAO], [CAO, CAO]], strict=True
        ):
            await public.vote(1, token, choice)
        await desk.locator("#close-voting").click()
        await desk.locator("#close-yes").click()
        for i in (1, 2):  # each phone checked the log, the ballots and the sum first
            await expect(phones[i].get_by_test_id("decrypt-button")).to_be_enabled()
            await phones[i].get_by_test_id("decrypt-button").click()
        for page in phones.values():
            await expect_status(page, "cm.status.counted")

        results = projector.get_by_test_id("results")
        await expect(results).to_have_attribute("data-kind", "confidence")
        await expect(results.get_by_test_id("outcome-c01")).to_have_text(
            "Tín nhiệm thấp từ 2/3 trở lên"
        )
        await expect(results.get_by_test_id("outcome-c02")).to_have_text("Không thuộc diện xem xét")
        await expect(results.get_by_test_id("votes-c01-THAP")).to_contain_text("66,7%")
        await expect(results).to_contain_text("không chờ hết nhiệm kỳ")
        await projector.screenshot(path=artifact("projector-confidence.png"))
        await expect(desk.get_by_test_id("chair-results")).to_contain_text("Tín nhiệm thấp từ 2/3")

        # Yes/no decisions, asked on the chair's page, with the committee's keys of round 1.
        await desk.get_by_test_id("kind").select_option("approval")
        await desk.get_by_test_id("kind-questions").fill("Thông qua nghị quyết\nThông qua quy chế")
        await desk.locator("#start-round").click()
        await expect(desk.locator("#flash")).to_contain_text("dùng lại khóa")
        assert rounds.context(2).joint_key == rounds.context(1).joint_key
        for page in phones.values():
            await expect(page.get_by_test_id("round")).to_have_text(
                "2 — biểu quyết bằng phiếu kín, dùng khóa của vòng 1"
            )
        tokens = (await chair.post("/api/chair/rounds/2/tokens", {}))["tokens"]
        await chair.post("/api/chair/rounds/2/open", {})
        phone = (await open_page(meeting.at(f"/v#t={tokens[0]}&r=2"), viewport=PHONE)).page
        await expect(phone.locator("#ballot-title")).to_have_text("Phiếu biểu quyết")
        await phone.get_by_test_id("option-q01-YES").click()
        await expect(phone.get_by_test_id("option-q01-YES")).to_contain_text("Tán thành")
        await phone.get_by_test_id("option-q02-NO").click()
        await phone.get_by_test_id("to-review").click()
        await seal_and_audit(phone)
        await expect(phone.get_by_test_id("audited-q01")).to_contain_text("Tán thành")
        await expect(phone.get_by_test_id("audited-q02")).to_contain_text("Không tán thành")
        await reseal_and_cast(phone)
        for token in tokens[1:]:  # question 1: 4 yes of 6; question 2: 3 yes of 6 (half)
            await public.vote(2, token, [YES, YES] if token in tokens[1:4] else [NO, NO])
        await chair.post("/api/chair/rounds/2/close", {"confirm": True})
        for i in (1, 3):
            await expect(phones[i].get_by_test_id("decrypt-button")).to_be_enabled()
            await phones[i].get_by_test_id("decrypt-button").click()
        for page in phones.values():
            await expect_status(page, "cm.status.counted")
        await expect(results).to_have_attribute("data-kind", "approval")
        await expect(results.get_by_test_id("outcome-q01")).to_have_text("Thông qua")
        await expect(results.get_by_test_id("outcome-q02")).to_have_text("Không thông qua")

        # The minute, as a committee phone shows it before co-signing.
        await desk.locator("#make-minute").click()
        await expect(phones[1].get_by_test_id("minute-round-1").locator("li")).to_have_count(2)
        await expect(phones[1].get_by_test_id("minute-round-1")).to_contain_text(
            "Tín nhiệm thấp từ 2/3 trở lên"
        )
        await expect(phones[1].get_by_test_id("minute-round-2")).to_contain_text("Không thông qua")
        await expect(phones[1].get_by_test_id("minute-proposal")).to_have_count(0)
        await phones[1].screenshot(path=artifact("committee-minute-kinds.png"), full_page=True)


@pytest.mark.meeting(voting=False)
async def test_the_cells_self_rating_on_the_chairs_page_and_a_phone(
    meeting: Meeting, open_page: OpenPage
) -> None:
    public = MeetingClient(meeting.client.session, meeting.direct_url)
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    cell_name = "Chi bộ Phòng Kế hoạch"
    async with aiohttp.ClientSession(headers=headers) as session:
        chair = MeetingClient(session, meeting.direct_url)
        cell = await KindMeeting.setup_cell(
            meeting.client, chair, public, members=5, facts={1: {"heads": cell_name}}
        )
        desk = await chair_page(open_page, meeting)
        await desk.get_by_test_id("kind").select_option("self_rating")
        sheet = desk.get_by_test_id("kind-self-rating")
        await expect(sheet).to_be_visible()
        first = sheet.locator(".kind-criterion").nth(0)
        await first.locator("[name=title]").fill("Lãnh đạo thực hiện nhiệm vụ chính trị")
        await first.locator("[name=max]").fill("60")
        await first.locator("[name=points]").fill("57,5")
        await desk.locator("#kind-add-criterion").click()
        second = sheet.locator(".kind-criterion").nth(1)
        await second.locator("[name=title]").fill("Xây dựng tổ chức đảng")
        await second.locator("[name=max]").fill("40")
        await second.locator("[name=points]").fill("38")
        await desk.locator("#kind-add-deduction").click()
        deduction = sheet.locator(".kind-deduction").nth(0)
        for name, value in (
            ("target", "Giải ngân vốn đầu tư"),
            ("shortfall_percent", "12"),
            ("reason", "Đạt 88% kế hoạch"),
            ("responsible", "Đồng chí Phó Bí thư"),
        ):
            await deduction.locator(f"[name={name}]").fill(value)
        await desk.locator("#kind-add-bonus").click()
        bonus = sheet.locator(".kind-bonus").nth(0)
        for name, value in (
            ("achievement", "Bằng khen của tỉnh"),
            ("points", "1,5"),
            ("reason", "Chuyển đổi số"),
            ("responsible", "Tập thể chi bộ"),
        ):
            await bonus.locator(f"[name={name}]").fill(value)
        # 57.5 + 38 − 1 + 1.5 = 96, computed on the page exactly as the server will
        await expect(desk.get_by_test_id("kind-total")).to_have_text(
            "Tổng điểm: 95,5 − 1 + 1,5 = 96 (thang 100)"
        )
        await desk.locator("#round-section").screenshot(path=artifact("chair-self-rating.png"))
        await desk.locator("#start-round").click()
        await expect(desk.locator("#flash")).to_contain_text("Đã bắt đầu vòng 1")
        manifest = meeting.app[keys.ROUNDS].manifest(1).to_json()
        assert manifest["score_sheet"]["total"] == "96"

        credentials = {
            i: url.split("#c=")[1].split("&")[0]
            for i, url in (await committee_urls(chair, meeting, 1)).items()
        }
        trustees, _ = await run_committee(public, 1, credentials)
        tokens = (await chair.post("/api/chair/rounds/1/tokens", {}))["tokens"]
        await chair.post("/api/chair/rounds/1/open", {})

        phone = (await open_page(meeting.at(f"/v#t={tokens[0]}&r=1"), viewport=PHONE)).page
        await expect(phone.locator("#ballot-title")).to_have_text(
            "Phiếu tự đánh giá, xếp loại chi bộ"
        )
        shown = phone.get_by_test_id("score-sheet")
        await expect(shown).to_contain_text("Xây dựng tổ chức đảng")
        await expect(shown).to_contain_text("trách nhiệm: Đồng chí Phó Bí thư")
        await expect(phone.get_by_test_id("score-sheet-total")).to_have_text(
            "Tổng: 95,5 − 1 + 1,5 = 96 điểm (thang 100)"
        )
        assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await phone.screenshot(path=artifact("phone-self-rating.png"), full_page=True)
        await phone.get_by_test_id("option-score-YES").click()
        await phone.get_by_test_id("option-level-TOT").click()
        await phone.get_by_test_id("lang-en").click()
        await expect(phone.get_by_test_id("score-sheet-total")).to_have_text(
            "Total: 95.5 − 1 + 1.5 = 96 points (of 100)"
        )
        await expect(phone.get_by_test_id("option-score-YES")).to_contain_text("Yes")
        await phone.get_by_test_id("to-review").click()
        await seal_and_audit(phone)
        await expect(phone.get_by_test_id("audited-score")).to_contain_text("Yes")
        await expect(phone.get_by_test_id("audited-level")).to_contain_text("TOT")
        await reseal_and_cast(phone)
        for token in tokens[1:]:
            await public.vote(1, token, [YES, 1])
        await chair.post("/api/chair/rounds/1/close", {"confirm": True})
        await decrypt_round(public, 1, trustees[:2])

        results = desk.get_by_test_id("chair-results")
        await expect(results.get_by_test_id("outcome-score")).to_have_text("Thông qua")
        await expect(results.get_by_test_id("outcome-level")).to_have_text("TOT")
        # The chair takes the cell's voted level as the level of the collective its head leads.
        select = desk.locator(f"[data-collective='{cell_name}']")
        await expect(select.locator("option[value='round:1']")).to_have_text(
            "TOT — theo kết quả chi bộ tự xếp loại (vòng 1)"
        )
        await select.select_option("round:1")
        await desk.locator("#collectives-form button").click()
        await expect(desk.locator("#flash")).to_have_text("Đã lưu.")
        state = await chair.get("/api/chair/state")
        assert state["collectives"] == [{"name": cell_name, "level": "TOT", "from_round": 1}]
        await expect(select).to_have_value("round:1")
        assert cell.names  # the roster the chair's page listed
