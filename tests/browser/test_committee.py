"""The committee page (``/committee#c=CREDENTIAL&r=1``) in Chromium: three phones run the key
ceremony — each claims its link, saves its backup before announcing, and confirms its key
fingerprint against the projector — one reloads mid-way, a backup made before the shares is
restored on a new phone, ballots are cast and checked as they arrive, voting closes, every phone
checks the round and two of the three members decrypt (one is absent). After the count the chair
makes the minute and two phones co-sign it; a phone given a minute whose content does not match
the server's digest refuses to sign it. The attacks are in ``test_committee_attacks.py``."""

from __future__ import annotations

import json
import random
import time

import aiohttp
import pytest
from playwright.async_api import Page, Route, expect

from ballot_client.keystore import decrypt_backup
from ballot_client.remote import MeetingClient
from ballot_server import keys
from ballot_server.demo import setup_meeting
from tally.crypto.group import RISTRETTO255
from tally.crypto.signatures import verify_key_from_hex, verify_signature
from tally.fingerprint import election_code, member_fingerprint
from tally.minute import level_title, minute_digest
from tests.browser.committee_steps import (
    PASSPHRASE,
    confirm,
    expect_status,
    expect_step,
    make_key,
)
from tests.browser.conftest import PHONE, PROJECTOR, Meeting, OpenPage, artifact, record_timing
from tests.server_support import CHAIR_SECRET, rating_manifest

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

NAMES = {1: "Trưởng ban", 2: "Ủy viên 1", 3: "Ủy viên 2"}


def start_round(meeting: Meeting, rated: int = 3) -> dict[int, str]:
    """Round 1 in its key ceremony, as the chair's "start round" makes it; the members' links."""
    manifest = rating_manifest(rated)
    subjects = {q["id"]: i for i, q in enumerate(manifest["questions"], start=1)}
    credentials = meeting.app[keys.ROUNDS].start(manifest, subjects)
    return {i: meeting.at(f"/committee#c={c}&r=1") for i, c in credentials.items()}


async def local_secret_share(page: Page) -> str | None:
    stored = json.loads(await page.evaluate("JSON.stringify(Object.assign({}, localStorage))"))
    for key, value in stored.items():
        if key.startswith("phieukin.trustee."):
            return json.loads(value)["secrets"]["secret_share"]
    return None


@pytest.mark.meeting(voting=False)
async def test_three_phones_run_the_ceremony_and_two_decrypt(
    meeting: Meeting, open_page: OpenPage
) -> None:
    urls = start_round(meeting)
    rounds = meeting.app[keys.ROUNDS]
    projector = (await open_page(meeting.at("/projector"), viewport=PROJECTOR, phone=False)).page
    tabs = {i: await open_page(urls[i], viewport=PHONE) for i in urls}
    pages = {i: tab.page for i, tab in tabs.items()}
    bodies: list[str] = []
    for page in pages.values():
        page.on(
            "request", lambda r: bodies.append(r.post_data or "") if r.method == "POST" else None
        )

    page1 = pages[1]
    await expect(page1.get_by_test_id("member")).to_have_text("Thành viên 1 — Trưởng ban")
    await expect(page1.get_by_test_id("round")).to_have_text("1")
    await expect(page1.get_by_test_id("phase")).to_have_text("Ban kiểm phiếu đang tạo khóa")
    await expect(page1.locator("html")).to_have_attribute("lang", "vi")
    await expect_step(page1, 1, "active")
    assert await page1.evaluate("window.isSecureContext") is False
    assert await page1.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = await page1.get_by_test_id("make-key").bounding_box()
    assert box and box["height"] >= 44

    started = time.perf_counter()
    # Phone 2 makes its key: the link is claimed, but nothing is announced before the backup.
    await pages[2].get_by_test_id("make-key").click()
    await expect_step(pages[2], 2, "active")
    await expect(projector.get_by_test_id("committee-2")).to_have_attribute("data-state", "claimed")
    assert meeting.app[keys.CEREMONY].state(1)["trustees"][1]["announcement"] is None
    # It reloads mid-way: it resumes from its stored secrets (the key is not made again).
    await pages[2].reload()
    await expect_step(pages[2], 1, "done")
    await expect_step(pages[2], 2, "active")
    await expect(pages[2].get_by_test_id("make-key")).to_be_hidden()
    await pages[2].get_by_test_id("backup-pass").fill(PASSPHRASE)
    await pages[2].get_by_test_id("backup-pass2").fill(PASSPHRASE)
    await pages[2].get_by_test_id("backup-make").click()
    await expect(pages[2].get_by_test_id("step-3")).to_contain_text("1/3")
    await page1.screenshot(path=artifact("committee-ceremony-start.png"))

    # Member 1's backup, made before the key is announced: short and mismatched passphrases first.
    await page1.get_by_test_id("make-key").click()
    await expect_step(page1, 2, "active")
    await page1.get_by_test_id("backup-pass").fill("short")
    await page1.get_by_test_id("backup-pass2").fill("short")
    await page1.get_by_test_id("backup-make").click()
    await expect(page1.get_by_test_id("backup-error")).to_contain_text("ít nhất 8 ký tự")
    await page1.get_by_test_id("backup-pass").fill(PASSPHRASE)
    await page1.get_by_test_id("backup-pass2").fill(PASSPHRASE + "x")
    await page1.get_by_test_id("backup-make").click()
    await expect(page1.get_by_test_id("backup-error")).to_contain_text("không giống nhau")
    await page1.get_by_test_id("backup-pass2").fill(PASSPHRASE)
    await page1.get_by_test_id("backup-make").click()
    await expect(page1.get_by_test_id("backup-ready")).to_be_visible()
    async with page1.expect_download() as downloading:
        await page1.get_by_test_id("backup-file").click()
    download = await downloading.value
    assert download.suggested_filename == "phieukin-test-meeting-r1-thanhvien1.json"
    backup_text = (await download.path()).read_text(encoding="utf-8")
    early = decrypt_backup(backup_text, PASSPHRASE)  # the laptop CLI opens the phone's backup
    assert early.index == 1 and early.coefficients is not None and early.secret_share is None
    assert early.server_key == meeting.app[keys.STORE].server_key().verify_key.encode().hex()
    await page1.get_by_test_id("backup-qr-toggle").click()
    await expect(page1.get_by_test_id("backup-qr").locator("svg path")).to_have_count(1)
    await page1.screenshot(path=artifact("committee-backup.png"), full_page=True)
    await make_key(pages[3])

    # Every phone checked every share; each member compares the projector with their phone.
    fingerprints = {i: await confirm(pages[i], i, projector) for i in (1, 2, 3)}
    await projector.screenshot(path=artifact("projector-committee.png"))
    for page in pages.values():
        await expect_status(page, "cm.status.ready")
    ceremony_s = time.perf_counter() - started
    assert rounds.phase(1) == "ready"
    context = rounds.context(1)
    for i, code in fingerprints.items():
        assert code == member_fingerprint(context.signing_keys[i - 1])
    await expect(page1.get_by_test_id("fingerprint")).to_have_text(
        election_code(context.fingerprint)
    )
    await expect(projector.get_by_test_id("election-fingerprint")).to_contain_text(
        election_code(context.fingerprint)
    )
    for i, page in pages.items():
        share = await local_secret_share(page)
        assert share is not None
        assert RISTRETTO255.base_mul(RISTRETTO255.scalar_from_hex(share)) == context.public_share(i)
        assert all(share not in body for body in bodies), "a secret share left the phone"

    # Member 1's phone loses its storage: a new phone restores the backup made before the
    # shares even existed, and recomputes its share of the key from them.
    await tabs[1].page.context.close()
    phone = await open_page(urls[1], viewport=PHONE)
    page1 = pages[1] = phone.page
    await expect(page1.get_by_test_id("restore")).to_be_visible()
    await page1.get_by_test_id("restore-file").set_input_files(
        files=[
            {
                "name": "backup.json",
                "mimeType": "application/json",
                "buffer": backup_text.encode("utf-8"),
            }
        ]
    )
    await page1.get_by_test_id("restore-pass").fill("wrong passphrase")
    await page1.get_by_test_id("restore-button").click()
    await expect(page1.get_by_test_id("restore-error")).to_contain_text("Sai mật khẩu")
    await page1.get_by_test_id("restore-pass").fill(PASSPHRASE)
    await page1.get_by_test_id("restore-button").click()
    await expect_status(page1, "cm.status.ready")
    share = await local_secret_share(page1)
    assert RISTRETTO255.base_mul(RISTRETTO255.scalar_from_hex(share)) == context.public_share(1)

    # Voting: the phones check the ballots as they arrive; then voting closes.
    tokens = rounds.issue_tokens(1, 4)
    rounds.open_voting(1)
    rng = random.Random(11)
    choices = [[rng.randrange(4) for _ in range(3)] for _ in tokens]
    for token, choice in zip(tokens, choices, strict=True):
        await meeting.voter.vote(1, token, choice)
    await expect_status(page1, "cm.status.voting")
    await expect(pages[3].get_by_test_id("check-status")).to_contain_text("4/4")
    rounds.close_voting(1)

    for page in pages.values():
        await expect(page.get_by_test_id("decrypt")).to_have_attribute("data-checks", "passed")
        await expect(page.get_by_test_id("ballot-count")).to_have_text("4")
        await expect(page.get_by_test_id("token-count")).to_have_text("4")
        await expect(page.get_by_test_id("decrypt-button")).to_be_enabled()
    await expect(page1.get_by_test_id("decrypt-button")).to_have_text("Giải mã")
    await expect(page1.get_by_test_id("check-status")).to_contain_text("4 phiếu trên 4 mã phiếu")
    await page1.screenshot(path=artifact("committee-decrypt.png"), full_page=True)
    decrypting = time.perf_counter()
    await page1.get_by_test_id("decrypt-button").click()
    await expect_status(page1, "cm.status.decrypted")
    await expect(page1.get_by_test_id("status-title")).to_have_text(
        "Đã gửi phần giải mã của đồng chí"
    )
    # member 2 is absent; member 3 decrypts: 2 of 3 is enough
    await pages[3].get_by_test_id("decrypt-button").click()
    await expect_status(pages[3], "cm.status.counted")
    decrypt_s = time.perf_counter() - decrypting
    await expect_status(page1, "cm.status.counted")
    await expect_status(pages[2], "cm.status.counted")
    await pages[3].screenshot(path=artifact("committee-counted.png"))

    code, answer = await meeting.get("/api/rounds/1/counts")
    assert code == 200
    expected = {
        f"m{q + 1:02d}": [sum(1 for c in choices if c[q] == o) for o in range(4)] for q in range(3)
    }
    assert answer["counts"] == expected
    # English switch
    await pages[3].get_by_test_id("lang-en").click()
    await expect(pages[3].get_by_test_id("status-title")).to_have_text("The count is complete")
    for tab in (phone, tabs[2], tabs[3]):
        tab.assert_no_errors()
    record_timing(
        f"committee page, 3 phones: first 'make key' -> election published on every phone "
        f"{ceremony_s:.2f} s (with one reload, three backups, three projector checks); "
        f"'Giải mã' on 2 phones -> count complete {decrypt_s:.2f} s"
    )


def grouped(digest: str) -> str:
    return " ".join(digest[i : i + 8] for i in range(0, 64, 8))


@pytest.mark.meeting(voting=False)
async def test_after_the_count_two_phones_cosign_the_minute_and_a_forged_digest_is_refused(
    meeting: Meeting, open_page: OpenPage
) -> None:
    public = MeetingClient(meeting.client.session, meeting.direct_url)
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    async with aiohttp.ClientSession(headers=headers) as chair_session:
        chair = MeetingClient(chair_session, meeting.direct_url)
        # the chair's roster, attendance, rated members and committee, then round 1
        number, credentials, _ = await setup_meeting(chair, 6, 4, random.Random(2))
        urls = {i: meeting.at(f"/committee#c={c}&r={number}") for i, c in credentials.items()}
        tabs = {i: await open_page(urls[i], viewport=PHONE) for i in urls}
        pages = {i: tab.page for i, tab in tabs.items()}
        for page in pages.values():
            await make_key(page)
        for i, page in pages.items():
            await confirm(page, i)
        for page in pages.values():
            await expect_status(page, "cm.status.ready")
        context = await public.election(number)
        tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})
        rng = random.Random(4)
        for token in tokens:
            await public.vote(number, token, [rng.randrange(4) for _ in context.manifest.questions])
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        for i in (1, 3):  # member 2 is absent from the decryption
            await expect(pages[i].get_by_test_id("decrypt-button")).to_be_enabled()
            await pages[i].get_by_test_id("decrypt-button").click()
        for page in pages.values():
            await expect_status(page, "cm.status.counted")
        await expect(pages[1].get_by_test_id("minute")).to_be_hidden()

        # Phone 2 is handed a forged minute: a proposed level changed, the server's digest kept.
        async def forged(route: Route) -> None:
            code, body = await meeting.get("/api/minute")
            if code == 200:
                subject = body["minute"]["rounds"][0]["subjects"][0]
                subject["level"] = "KHT" if subject["level"] != "KHT" else "XS"
            await route.fulfill(status=code, json=body)

        await pages[2].route("**/api/minute", forged)
        posted: list[str] = []
        pages[2].on(
            "request",
            lambda r: posted.append(r.url) if r.method == "POST" and "/minute" in r.url else None,
        )
        made = await chair.post("/api/chair/minute", {"number": "07", "time": "16:45"})

    minute, digest = made["minute"], made["digest"]
    first = minute["rounds"][0]["subjects"][0]
    page1 = pages[1]
    section = page1.get_by_test_id("minute")
    await expect(section).to_have_attribute("data-state", "unsigned")
    await expect_status(page1, "cm.status.toSign")
    await expect(page1.get_by_test_id("minute-digest")).to_have_text(grouped(digest))
    await expect(page1.get_by_test_id("minute-meeting")).to_contain_text(minute["meeting"]["title"])
    people = page1.get_by_test_id(f"minute-round-{number}").locator("li")
    await expect(people).to_have_count(len(minute["rounds"][0]["subjects"]))
    await expect(people.first).to_contain_text(first["name"])
    if first["level"]:
        await expect(people.first).to_contain_text(level_title(first["level"]))
    await expect(page1.get_by_test_id("signer-server")).to_have_attribute("data-signed", "true")
    await expect(page1.get_by_test_id("signer-1")).to_contain_text("chưa ký")
    assert await page1.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = await page1.get_by_test_id("sign-minute").bounding_box()
    assert box and box["height"] >= 44
    await page1.screenshot(path=artifact("committee-minute.png"), full_page=True)

    # Phone 2 recomputed the digest from what it was given and refuses, saying why.
    page2 = pages[2]
    await expect(page2.get_by_test_id("minute")).to_have_attribute("data-state", "refused")
    refused = page2.get_by_test_id("minute-refused")
    await expect(refused).to_have_attribute("data-check", "digest")
    await expect(refused).to_contain_text(grouped(digest))  # the server's digest, named
    forged_digest = dict(made, minute=json.loads(json.dumps(minute)))
    subject = forged_digest["minute"]["rounds"][0]["subjects"][0]
    subject["level"] = "KHT" if subject["level"] != "KHT" else "XS"
    await expect(refused).to_contain_text(grouped(minute_digest(forged_digest["minute"]).hex()))
    await expect(page2.get_by_test_id("sign-minute")).to_be_hidden()
    await expect_status(page2, "cm.status.minuteRefused")
    await page2.screenshot(path=artifact("committee-minute-refused.png"), full_page=True)

    signing = time.perf_counter()
    await page1.get_by_test_id("sign-minute").click()
    await expect(section).to_have_attribute("data-state", "signed")
    await expect_status(page1, "cm.status.signed")
    await pages[3].get_by_test_id("sign-minute").click()
    await expect(pages[3].get_by_test_id("minute")).to_have_attribute("data-state", "signed")
    sign_s = time.perf_counter() - signing
    # every phone shows who has signed
    for i in (1, 3):
        await expect(page1.get_by_test_id(f"signer-{i}")).to_have_attribute("data-signed", "true")
    await expect(page1.get_by_test_id("signer-2")).to_have_attribute("data-signed", "false")
    await expect(page1.get_by_test_id("status-body")).to_contain_text("2/3")
    await page1.screenshot(path=artifact("committee-minute-signed.png"), full_page=True)
    assert posted == [], "the phone given a forged minute sent a signature"

    code, document = await meeting.get("/api/minute")
    assert code == 200 and document["digest"] == digest
    assert [s["trustee"] for s in document["signatures"]] == [1, 3]
    election = meeting.app[keys.ROUNDS].context(number)
    for entry in document["signatures"]:
        key = election.signing_keys[entry["trustee"] - 1]  # from the key ceremony
        verify_signature(
            verify_key_from_hex(key.hex(), "member"),
            "minute",
            bytes.fromhex(digest),
            entry["signature"],
            f"member {entry['trustee']}",
        )

    # Given the real minute again, phone 2 would sign it (the refusal was the forgery's).
    await page2.unroute("**/api/minute")
    await expect(page2.get_by_test_id("minute")).to_have_attribute("data-state", "unsigned")
    await expect(page2.get_by_test_id("signer-3")).to_have_attribute("data-signed", "true")
    # English switch
    await page1.get_by_test_id("lang-en").click()
    await expect(page1.get_by_test_id("status-title")).to_have_text("You have signed the minute")
    await expect(page1.get_by_test_id("signer-1")).to_contain_text("signed")
    for tab in tabs.values():
        tab.assert_no_errors()
    record_timing(
        f"committee page: 'Ký biên bản' on 2 phones -> both signatures listed {sign_s:.2f} s"
    )
