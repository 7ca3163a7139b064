"""Helpers for the chair's page in Chromium (log in, unfold a setup step) and for the chair's
API outside it (a bearer client, a round opened for voting)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from playwright.async_api import Page, expect

from ballot_client.committee import CommitteeMember
from ballot_client.remote import MeetingClient
from ballot_client.simulated import run_committee
from ballot_server.demo import setup_meeting
from tally.manifest import ElectionContext
from tests.browser.conftest import Meeting
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


@asynccontextmanager
async def chair_client(meeting: Meeting) -> AsyncIterator[MeetingClient]:
    """The chair's API over HTTP with the bearer secret (outside Chromium)."""
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield MeetingClient(session, meeting.direct_url)


@dataclass
class VotingRound:
    """A round set up by the chair's API and opened, with its simulated committee."""

    number: int
    public: MeetingClient
    trustees: list[CommitteeMember]
    context: ElectionContext
    tokens: list[str]


async def open_voting(
    chair: MeetingClient, meeting: Meeting, voters: int, rated: int, seed: int
) -> VotingRound:
    """The demo's cell (``voters`` present, ``rated`` on the ballot): roster, committee, round,
    ceremony by the simulated committee, tokens, voting open."""
    public = MeetingClient(meeting.client.session, meeting.direct_url)
    number, credentials, _ = await setup_meeting(chair, voters, rated, random.Random(seed))
    trustees, context = await run_committee(public, number, credentials)
    tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
    await chair.post(f"/api/chair/rounds/{number}/open", {})
    return VotingRound(number, public, trustees, context, tokens)


async def chair_state(meeting: Meeting) -> dict:
    """``GET /api/chair/state`` with the bearer secret, from the test's own HTTP client."""
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    url = meeting.client.make_url("/api/chair/state")
    async with meeting.client.session.get(url, headers=headers) as response:
        assert response.status == 200
        return await response.json()
