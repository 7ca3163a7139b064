"""The voter's side in Chromium against a real ``phieukin serve`` process: cast-or-audit, a
modified page caught by an audit, the receipt recovered after a lost answer, Back from the
review, the token never on the wire, and the served code's fingerprint on the page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.async_api import Page, Request, Route, expect

from ballot_client.bundle import local_bundle
from tally.token import normalize_token, token_hash, token_key
from tests.browser.chromium import HOST
from tests.browser.conftest import PHONE, TIMEOUT_MS, OpenPage
from tests.process_support import RealMeeting, real_meeting, session_from

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

ROOT = Path(__file__).resolve().parents[2]
LEVELS = ["XS", "TOT", "HT", "KHT"]
CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$")


def page_url(meeting: RealMeeting, path: str) -> str:
    return f"http://{HOST}:{meeting.server.port}{path}"


async def question_ids(meeting: RealMeeting) -> list[str]:
    return [q.id for q in meeting.context.manifest.questions]


async def fill_and_review(page: Page, meeting: RealMeeting) -> dict[str, str]:
    """Choose a level for every member; go to the review. Returns question id → level."""
    chosen = {}
    for position, qid in enumerate(await question_ids(meeting)):
        level = LEVELS[(position + 1) % 4]
        await page.get_by_test_id(f"option-{qid}-{level}").click()
        chosen[qid] = level
    await page.get_by_test_id("to-review").click()
    await expect(page.get_by_test_id("review")).to_be_visible()
    return chosen


async def seal(page: Page, button: str = "submit") -> str:
    """Press ``submit`` (after the review) or ``reseal`` (after an audit); the tracker shown."""
    await page.get_by_test_id(button).click()
    await expect(page.get_by_test_id("sealed")).to_be_visible()
    code = page.get_by_test_id("sealed-code")
    await expect(code).to_have_text(CODE)
    return await code.inner_text()


def phieukin(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballot_server.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def close_and_export(meeting: RealMeeting) -> Path:
    async with meeting.chair_session() as chair:
        url = f"{meeting.server.base}/api/chair/rounds/{meeting.number}/close"
        async with chair.post(url, json={"confirm": True}) as response:
            assert response.status == 200, await response.text()
    done = phieukin("export", str(meeting.server.folder))
    assert done.returncode == 0, done.stdout + done.stderr
    return meeting.server.folder / "record.zip"


def watch(page: Page) -> list[Request]:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    return requests


async def test_audit_then_cast_and_the_record_shows_what_was_encrypted(
    open_page: OpenPage, tmp_path: Path
) -> None:
    async with real_meeting(tmp_path / "m", voters=6, rated=3) as meeting:
        token = meeting.tokens[0]
        tab = await open_page(viewport=PHONE)
        page = tab.page
        requests = watch(page)
        await page.goto(page_url(meeting, f"/v#t={token}&r=1"))
        chosen = await fill_and_review(page, meeting)
        audited_code = await seal(page)
        await page.get_by_test_id("audit").click()
        await expect(page.get_by_test_id("audited")).to_be_visible()
        await expect(page.get_by_test_id("audited-code")).to_have_text(audited_code)
        for qid, level in chosen.items():  # what the phone says it encrypted
            row = page.get_by_test_id(f"audited-{qid}").locator(".review-choice")
            await expect(row).to_have_attribute("data-choice", str(LEVELS.index(level)))
        cast_code = await seal(page, "reseal")
        assert cast_code != audited_code  # sealed afresh
        await page.get_by_test_id("cast").click()
        await expect(page.get_by_test_id("receipt-code")).to_have_text(cast_code)
        await expect(page.locator("body")).to_have_attribute("data-audits-sent", "1")
        tab.assert_no_errors()

        posts = [r for r in requests if r.method == "POST"]
        paths = [r.url.split(str(meeting.server.port), 1)[1] for r in posts]
        assert paths == [
            "/api/rounds/1/token-status",
            "/api/rounds/1/ballots",
            "/api/rounds/1/audits",  # only after the cast, never before it
        ]
        audit_body = json.loads(posts[2].post_data)
        assert "token" not in json.dumps(audit_body)  # nothing derived from the token
        for request in requests:  # the token never crosses the network, in any form
            sent = request.url + (request.post_data or "")
            assert token not in sent and normalize_token(token) not in sent
        assert json.loads(posts[0].post_data) == {"token_hash": token_hash(token).hex()}
        assert json.loads(posts[1].post_data)["token_key"] == token_key(token).hex()

        record = await close_and_export(meeting)
        shown = phieukin("verify", str(record), "--tracker", audited_code, "--json")
        answer = json.loads(shown.stdout)
        assert answer["audited"] is True and answer["opens"] is True and not answer["counted"]
        assert {c["question"]: c["selected"] for c in answer["choices"]} == {
            qid: [level] for qid, level in chosen.items()
        }
        counted = json.loads(
            phieukin("verify", str(record), "--tracker", cast_code, "--json").stdout
        )
        assert counted["found"] is True and "audited" not in counted


def lying(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new)


async def serve_modified(page: Page, meeting: RealMeeting, *, lie_in_audit: bool) -> None:
    """Serve a page that encrypts the next level instead of the chosen one (and, with
    ``lie_in_audit``, whose own audit check always passes), as a modified laptop would."""
    async with session_from() as http:
        async with http.get(f"{meeting.server.base}/js/ballot.mjs") as response:
            ballot = await response.text()
        async with http.get(f"{meeting.server.base}/js/audited.mjs") as response:
            audited = await response.text()
    ballot = lying(
        ballot,
        "const message = picked.has(option) ? 1 : 0;",
        "const message = picked.size === 1"
        " && option === ([...picked][0] + 1) % question.options.length ? 1 : 0;",
    )
    if lie_in_audit:
        audited = lying(
            audited,
            "throw new InvalidAudit('opening', label, 'beta does not open to the claimed choice');",
            "void label;",
        )

    async def replace(route: Route, body: str) -> None:
        await route.fulfill(status=200, content_type="text/javascript", body=body)

    await page.route("**/js/ballot.mjs", lambda route: replace(route, ballot))
    await page.route("**/js/audited.mjs", lambda route: replace(route, audited))


async def test_a_modified_page_is_caught_by_an_audit(open_page: OpenPage, tmp_path: Path) -> None:
    """A page whose only change is what it encrypts produced ballots ``verify`` accepted, and the
    operator could read every vote. An audit catches it, whatever the page shows."""
    async with real_meeting(tmp_path / "m", voters=6, rated=3) as meeting:
        # 1. The whole page lies: it shows the voter's choices for its audit.
        tab = await open_page(viewport=PHONE)
        page = tab.page
        await serve_modified(page, meeting, lie_in_audit=True)
        await page.goto(page_url(meeting, f"/v#t={meeting.tokens[0]}&r=1"))
        chosen = await fill_and_review(page, meeting)
        audited_code = await seal(page)
        await page.get_by_test_id("audit").click()
        for qid, level in chosen.items():  # the lie on the screen
            row = page.get_by_test_id(f"audited-{qid}").locator(".review-choice")
            await expect(row).to_have_attribute("data-choice", str(LEVELS.index(level)))
        await seal(page, "reseal")
        await page.get_by_test_id("cast").click()
        await expect(page.get_by_test_id("receipt-code")).to_be_visible()
        await expect(page.locator("body")).to_have_attribute("data-audits-sent", "0")
        # the server refused the audited ballot: it does not open to what it claims
        async with session_from() as http:
            url = f"{meeting.server.base}/api/rounds/1/trackers/{audited_code}"
            async with http.get(url) as response:
                assert response.status == 404
        # 2. Only the encryption is changed: the phone's own check of the opening raises the
        # alarm at once.
        honest_ui = await open_page(viewport=PHONE)
        await serve_modified(honest_ui.page, meeting, lie_in_audit=False)
        await honest_ui.page.goto(page_url(meeting, f"/v#t={meeting.tokens[1]}&r=1"))
        await fill_and_review(honest_ui.page, meeting)
        await seal(honest_ui.page)
        await honest_ui.page.get_by_test_id("audit").click()
        alarm = honest_ui.page.get_by_test_id("error")
        await expect(alarm).to_have_attribute("data-code", "audit_failed")
        await expect(alarm).to_contain_text("KHÔNG mã hóa đúng")
        await expect(honest_ui.page.get_by_test_id("reseal")).to_be_hidden()
        # 3. The voter checks the code on their own computer: not in the record.
        record = await close_and_export(meeting)
        checked = phieukin("verify", str(record), "--tracker", audited_code, "--json")
        assert checked.returncode == 1 and json.loads(checked.stdout)["found"] is False


async def test_the_receipt_is_recovered_after_a_lost_answer(
    open_page: OpenPage, tmp_path: Path
) -> None:
    """The server stores the ballot but the answer is lost: a reload or a re-scan showed "Mã
    phiếu đã được dùng… báo ngay" instead of the receipt."""
    async with real_meeting(tmp_path / "m", voters=6, rated=3) as meeting:
        url = page_url(meeting, f"/v#t={meeting.tokens[0]}&r=1")
        tab = await open_page(url, viewport=PHONE)
        page = tab.page
        stored: list[int] = []

        async def lose_the_answer(route: Route) -> None:
            direct = route.request.url.replace(f"{HOST}:", "127.0.0.1:")
            response = await route.fetch(url=direct, timeout=TIMEOUT_MS)
            stored.append(response.status)
            await route.abort("connectionreset")

        await page.route("**/api/rounds/1/ballots", lose_the_answer, times=1)
        await fill_and_review(page, meeting)
        code = await seal(page)
        await page.get_by_test_id("cast").click()
        await expect(page.get_by_test_id("error")).to_have_attribute("data-code", "network")
        assert stored == [201]

        await page.reload()  # the voter reloads instead of pressing "Gửi lại"
        await expect(page.get_by_test_id("receipt-code")).to_have_text(code)
        await expect(page.locator("#receipt-again")).to_be_visible()
        rescan = await tab.page.context.new_page()  # the card scanned again, same phone
        await rescan.goto(url)
        await expect(rescan.get_by_test_id("receipt-code")).to_have_text(code)
        other = await open_page(url, viewport=PHONE)  # another phone: the card is used
        await expect(other.page.get_by_test_id("state")).to_have_attribute("data-state", "spent")


async def test_back_returns_from_the_review_and_the_sealed_ballot_to_the_ballot(
    open_page: OpenPage, tmp_path: Path
) -> None:
    """Android Back on the review screen discarded every choice."""
    async with real_meeting(tmp_path / "m", voters=6, rated=3) as meeting:
        tab = await open_page(page_url(meeting, f"/v#t={meeting.tokens[0]}&r=1"), viewport=PHONE)
        page = tab.page
        chosen = await fill_and_review(page, meeting)
        await page.go_back()
        await expect(page.get_by_test_id("ballot")).to_be_visible()
        for qid, level in chosen.items():
            await expect(page.get_by_test_id(f"radio-{qid}-{level}")).to_be_checked()
        await page.get_by_test_id("to-review").click()
        await seal(page)
        await page.go_back()
        await expect(page.get_by_test_id("ballot")).to_be_visible()
        for qid, level in chosen.items():
            await expect(page.get_by_test_id(f"radio-{qid}-{level}")).to_be_checked()
        assert page.url.startswith(page_url(meeting, "/v"))  # still on the ballot page
        await page.get_by_test_id("to-review").click()
        await seal(page)
        await page.get_by_test_id("cast").click()
        await expect(page.get_by_test_id("receipt-code")).to_be_visible()
        tab.assert_no_errors()


async def test_every_page_shows_the_served_code_fingerprint(
    open_page: OpenPage, tmp_path: Path
) -> None:
    async with real_meeting(tmp_path / "m", open_voting=False) as meeting:
        expected = local_bundle().code
        for path in ("/", "/v", "/t", "/projector", "/committee", "/chair"):
            tab = await open_page(page_url(meeting, path), viewport=PHONE)
            await expect(tab.page.get_by_test_id("served-code")).to_contain_text(expected)
