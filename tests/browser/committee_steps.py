"""What a committee member does on the committee page, step by step, for the browser tests:
make the key (the link is claimed), save the backup (before anything is announced), then — once
the shares are checked — compare the key fingerprint with the projector and confirm."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from playwright.async_api import Page, expect

from ballot_client.committee import CommitteeMember
from tests.attack_support import step_all

PASSPHRASE = "mật khẩu ban kiểm phiếu"


async def expect_step(page: Page, number: int, state: str) -> None:
    await expect(page.get_by_test_id(f"step-{number}")).to_have_attribute("data-state", state)


async def expect_status(page: Page, key: str) -> None:
    await expect(page.get_by_test_id("status")).to_have_attribute("data-state", key)


async def make_key(page: Page, passphrase: str = PASSPHRASE, keep: bool = False) -> bytes | None:
    """Press "make my key", then make the backup the page asks for first; the backup file's
    bytes if ``keep``."""
    await page.get_by_test_id("make-key").click()
    await expect_step(page, 1, "done")
    await expect_step(page, 2, "active")
    await page.get_by_test_id("backup-pass").fill(passphrase)
    await page.get_by_test_id("backup-pass2").fill(passphrase)
    await page.get_by_test_id("backup-make").click()
    await expect(page.get_by_test_id("backup-ready")).to_be_visible()
    await expect_step(page, 2, "done")
    if not keep:
        return None
    async with page.expect_download() as downloading:
        await page.get_by_test_id("backup-file").click()
    return (await (await downloading.value).path()).read_bytes()


async def confirm(page: Page, index: int, projector: Page | None = None) -> str:
    """The member looks at the projector: their fingerprint is next to their name; confirm.
    Returns the fingerprint."""
    button = page.get_by_test_id("confirm-fingerprint")
    await expect(button).to_be_visible()
    code = (await page.get_by_test_id("confirm-fingerprint-code").inner_text()).strip()
    await expect(page.get_by_test_id("member-fingerprint")).to_have_text(code)
    if projector is not None:
        await expect(projector.get_by_test_id(f"committee-{index}-key")).to_have_text(code)
    await button.click()
    return code


async def keep_stepping(members: Sequence[CommitteeMember], stop: asyncio.Event) -> list[str]:
    """Python members alongside the phones: each does what it can, again and again, as a phone
    polling its page would, until ``stop`` is set; their last states."""
    states: list[str] = []
    while not stop.is_set():
        states = await step_all(list(members))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.3)
    return states
