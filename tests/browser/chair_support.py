"""Helpers for the chair's page in Chromium: log in, unfold a setup step."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.server_support import CHAIR_SECRET

LAPTOP = {"width": 1366, "height": 768}


async def log_in(page: Page) -> None:
    await page.locator("#secret").fill(CHAIR_SECRET)
    await page.get_by_role("button", name="Đăng nhập", exact=True).click()
    await expect(page.locator("#app")).to_be_visible()


async def open_step(page: Page, step: str) -> None:
    """Unfold a setup section of the chair's page (a step once done folds away)."""
    section = page.locator(f"#{step}-section")
    if await section.get_attribute("open") is None:
        await section.locator("summary").click()
    await expect(section).to_have_attribute("open", "")
