"""A restart after each voter-side step that changes the tables starts cleanly and carries on.

The start-up check (``ballot_server/consistency.py``) compares the tables with the signed log;
every step here changes them together with its event: cancelling every unused card (before and
during voting), re-issuing every card after a restart, opening voting (which wipes the plaintext
tokens and commits the token hashes), and audited ballots (waiting while voting is open, logged
at closing, and logged at once after it). After each, the server is stopped and started again on
the same folder (a new application over the same files, as ``phieukin serve`` does), and what
the people in the room do next still works. A token changed underneath after opening is named.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from ballot_client.remote import MeetingClient, ServerError
from ballot_client.simulated import run_committee
from ballot_server import keys
from ballot_server.demo import setup_meeting
from ballot_server.errors import StoreDamaged
from ballot_server.store import DATABASE_NAME, Store
from tally.audited import open_ballot
from tally.ballot import encrypt_ballot, tracker, tracker_code
from tally.crypto.nonces import system_nonce
from tally.token import generate_token, token_hash
from tests.server_support import CHAIR_SECRET, make_app
from tests.store_support import fingerprint

VOTERS, RATED = 5, 2


class Laptop:
    """The meeting server on one folder, which can be restarted; its chair and public clients."""

    def __init__(self, aiohttp_client, folder: Path) -> None:
        self.aiohttp_client = aiohttp_client
        self.folder = folder
        self.chair_session: aiohttp.ClientSession | None = None
        self.client = None

    async def start(self) -> None:
        self.client = await self.aiohttp_client(make_app(self.folder))
        base = str(self.client.make_url("")).rstrip("/")
        headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
        self.chair_session = aiohttp.ClientSession(headers=headers)
        self.chair = MeetingClient(self.chair_session, base)
        self.public = MeetingClient(self.client.session, base)

    async def stop(self) -> None:
        if self.chair_session is not None:
            await self.chair_session.close()
            self.chair_session = None
        if self.client is not None:
            await self.client.close()
            self.client = None

    async def restart(self) -> None:
        """Stop the server and start it again on the same folder: the start-up check runs."""
        await self.stop()
        await self.start()

    def tokens_url(self, action: str = "") -> str:
        return "/api/chair/rounds/1/tokens" + (f"/{action}" if action else "")

    async def counts(self) -> dict[str, int]:
        state = await self.chair.get("/api/chair/state")
        return next(r for r in state["rounds"] if r["round"] == 1)["tokens"]

    async def print_sheet(self) -> tuple[int, str]:
        async with self.chair.session.get(self.chair.base + "/chair/rounds/1/tokens/print") as r:
            return r.status, await r.text()


@pytest.fixture
async def laptop(aiohttp_client, tmp_path) -> AsyncIterator[Laptop]:
    """A meeting whose round 1 is ready (key made), no card issued yet."""
    server = Laptop(aiohttp_client, tmp_path / "meeting")
    await server.start()
    number, credentials, _ = await setup_meeting(server.chair, VOTERS, RATED, random.Random(5))
    assert number == 1
    await run_committee(server.public, 1, credentials)
    try:
        yield server
    finally:
        await server.stop()


def choices() -> list[int]:
    return [1] * RATED


async def test_a_restart_after_cancelling_every_unused_card_before_opening(laptop) -> None:
    issued = (await laptop.chair.post(laptop.tokens_url(), {}))["tokens"]
    cancelled = await laptop.chair.post(laptop.tokens_url("cancel"), {"all_unused": True})
    assert sorted(cancelled["cancelled"]) == sorted(token_hash(t).hex() for t in issued)
    await laptop.restart()
    assert await laptop.counts() == {"issued": 0, "spent": 0, "cancelled": VOTERS}
    fresh = (await laptop.chair.post(laptop.tokens_url(), {}))["tokens"]
    await laptop.chair.post("/api/chair/rounds/1/open", {})
    await laptop.public.vote(1, fresh[0], choices())
    with pytest.raises(ServerError) as refused:
        await laptop.public.vote(1, issued[0], choices())
    assert refused.value.code == "token_cancelled"
    await laptop.restart()
    assert (await laptop.public.status())["turnout"] == {"ballots": 1, "tokens": VOTERS}


async def test_a_restart_after_reissuing_every_card(laptop) -> None:
    first = (await laptop.chair.post(laptop.tokens_url(), {}))["tokens"]
    await laptop.restart()  # the plaintext tokens are gone: the chair re-issues every card
    status, sheet = await laptop.print_sheet()
    assert status == 200 and "token-card" not in sheet and "Phát lại toàn bộ phiếu" in sheet
    again = await laptop.chair.post(laptop.tokens_url("reissue"), {})
    assert again["cancelled"] == VOTERS and len(again["tokens"]) == VOTERS
    await laptop.restart()  # the re-issue itself survives a restart (and may be done again)
    assert await laptop.counts() == {"issued": VOTERS, "spent": 0, "cancelled": VOTERS}
    assert await laptop.public.token_state(1, first[0]) == "cancelled"
    assert await laptop.public.token_state(1, again["tokens"][0]) == "issued"
    last = await laptop.chair.post(laptop.tokens_url("reissue"), {})
    assert last["cancelled"] == VOTERS
    await laptop.restart()
    status, sheet = await laptop.print_sheet()
    assert status == 200 and "Phát lại toàn bộ phiếu" in sheet  # forgotten again, as it should
    last = await laptop.chair.post(laptop.tokens_url("reissue"), {})
    _, sheet = await laptop.print_sheet()
    assert sheet.count('class="token-card') == VOTERS
    await laptop.chair.post("/api/chair/rounds/1/open", {})
    await laptop.public.vote(1, last["tokens"][0], choices())
    await laptop.restart()
    assert await laptop.counts() == {"issued": VOTERS - 1, "spent": 1, "cancelled": 3 * VOTERS}


async def test_a_restart_after_voting_opened_and_the_tokens_were_wiped(laptop) -> None:
    issued = (await laptop.chair.post(laptop.tokens_url(), {}))["tokens"]
    await laptop.chair.post("/api/chair/rounds/1/open", {})
    status, sheet = await laptop.print_sheet()
    assert status == 409 and "cards-refused" in sheet
    await laptop.restart()
    status, sheet = await laptop.print_sheet()
    assert status == 409 and "cards-refused" in sheet  # still refused: nothing to re-issue
    with pytest.raises(ServerError) as refused:
        await laptop.chair.post(laptop.tokens_url("reissue"), {})
    assert refused.value.status == 409
    for token in issued[:2]:
        await laptop.public.vote(1, token, choices())
    await laptop.restart()
    assert await laptop.counts() == {"issued": VOTERS - 2, "spent": 2, "cancelled": 0}


async def test_a_restart_after_cancelling_every_unused_card_while_voting(laptop) -> None:
    issued = (await laptop.chair.post(laptop.tokens_url(), {}))["tokens"]
    await laptop.chair.post("/api/chair/rounds/1/open", {})
    await laptop.public.vote(1, issued[0], choices())
    cancelled = await laptop.chair.post(laptop.tokens_url("cancel"), {"all_unused": True})
    assert len(cancelled["cancelled"]) == VOTERS - 1
    await laptop.restart()
    assert await laptop.counts() == {"issued": 0, "spent": 1, "cancelled": VOTERS - 1}
    with pytest.raises(ServerError) as refused:
        await laptop.public.vote(1, issued[1], choices())
    assert refused.value.code == "token_cancelled"
    closed = await laptop.chair.post("/api/chair/rounds/1/close", {"confirm": True})
    assert closed["ballots"] == 1
    await laptop.restart()


async def audit_one(laptop: Laptop) -> str:
    """A voter seals an encryption of their choices and audits it; returns its tracker."""
    context = await laptop.public.election(1)
    sealed = encrypt_ballot(context, token_hash(generate_token()), choices(), system_nonce)
    audited = open_ballot(context, sealed)
    answer = await laptop.public.audit(1, audited)
    assert answer["tracker"] == tracker(audited).hex() and answer["audited"] is True
    return answer["tracker"]


async def test_a_restart_with_audits_waiting_logged_at_closing_and_after(laptop) -> None:
    issued = (await laptop.chair.post(laptop.tokens_url(), {}))["tokens"]
    await laptop.chair.post("/api/chair/rounds/1/open", {})
    waiting = await audit_one(laptop)  # stored, logged only when voting closes
    await laptop.restart()
    code = tracker_code(bytes.fromhex(waiting))
    found = await laptop.public.get(f"/api/rounds/1/trackers/{code}")
    assert found["audited"] is True and found["tracker"] == waiting
    await laptop.public.vote(1, issued[0], choices())
    await laptop.chair.post("/api/chair/rounds/1/close", {"confirm": True})
    await laptop.restart()
    late = await audit_one(laptop)  # after closing: logged as it arrives
    await laptop.restart()
    store = laptop.client.server.app[keys.STORE]
    logged = [e["event"]["body"]["tracker"] for e in store.events()
              if e["event"]["type"] == "ballot-audited"]  # fmt: skip
    assert logged == [waiting, late]


async def test_a_token_changed_after_opening_is_named_at_start_up(laptop) -> None:
    """The tokens not cancelled before opening must be the set ``voting-opened`` committed."""
    await laptop.chair.post(laptop.tokens_url(), {})
    await laptop.chair.post("/api/chair/rounds/1/open", {})
    await laptop.stop()
    connection = sqlite3.connect(laptop.folder / DATABASE_NAME)
    changed = connection.execute(
        "UPDATE tokens SET token_hash = ? WHERE rowid = (SELECT MIN(rowid) FROM tokens)",
        ["cd" * 32],
    ).rowcount
    connection.commit()
    connection.close()
    assert changed == 1
    before = fingerprint(laptop.folder)
    with pytest.raises(StoreDamaged) as damaged:
        Store(laptop.folder)
    assert "committed when voting opened" in damaged.value.message_en
    assert fingerprint(laptop.folder) == before
