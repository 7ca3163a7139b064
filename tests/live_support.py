"""A live meeting server on 127.0.0.1 in a background thread, with voting open, for fuzzing.

Schemathesis and the Hypothesis tests speak plain HTTP to it from the test thread (so they need
no event loop of their own); the database is read through a second SQLite connection to check
that a refused request changed nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from ballot_client.remote import MeetingClient
from ballot_client.simulated import run_committee
from ballot_server import keys
from ballot_server.ratelimit import RateLimiter
from tests.server_support import CHAIR_SECRET, make_app

BEARER = {"Authorization": f"Bearer {CHAIR_SECRET}"}
TABLES = (
    "settings",
    "members",
    "rounds",
    "committee",
    "committee_messages",
    "tokens",
    "ballots",
    "results",
    "events",
)


@dataclass
class LiveMeeting:
    """What the setup left: tokens (some unused), committee credentials, one cast ballot."""

    tokens: list[str] = field(default_factory=list)
    credentials: dict[int, str] = field(default_factory=dict)
    receipt: dict[str, Any] = field(default_factory=dict)
    context: Any = None
    trustees: list = field(default_factory=list)


class LiveServer:
    """The real application served by aiohttp in its own thread and event loop."""

    def __init__(self, folder: Path, *, token_limit: int | None = None) -> None:
        self.folder = folder
        self.app = make_app(folder)
        if token_limit is not None:  # per address, and per token (fuzzing reuses a few)
            self.app[keys.TOKEN_LIMITER] = RateLimiter(limit=token_limit, window_seconds=60.0)
            self.app[keys.TOKEN_SPEND_LIMITER] = RateLimiter(token_limit, window_seconds=60.0)
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.url = ""
        self._runner: web.AppRunner | None = None

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._runner = web.AppRunner(self.app)
        self.loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self._runner.cleanup())
        self.loop.close()

    def start(self) -> LiveServer:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the live server did not start")
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        """Run a coroutine on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(120)

    def open_meeting(self) -> LiveMeeting:
        """Meeting, roster, attendance, committee, ceremony, tokens, open voting, one ballot."""
        return self.run(_open_meeting(self.url))

    def snapshot(self) -> str:
        """A digest of every table's rows (a refused request must leave it unchanged)."""
        connection = sqlite3.connect(f"file:{self.folder / 'meeting.db'}?mode=ro", uri=True)
        try:
            digest = hashlib.sha256()
            for table in TABLES:
                for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                    digest.update(repr((table, row)).encode())
            return digest.hexdigest()
        finally:
            connection.close()


async def _open_meeting(url: str) -> LiveMeeting:
    from tests.test_chair_api import MEETING, roster_csv

    async with aiohttp.ClientSession() as session:

        async def chair(path: str, json: Any = None, headers: Any = None, **kwargs: Any) -> Any:
            headers = headers or BEARER
            async with session.post(url + path, json=json, headers=headers, **kwargs) as response:
                body = await response.json()
                assert response.status in (200, 201), (path, response.status, body)
                return body

        await chair("/api/chair/meeting", MEETING)
        await chair(
            "/api/chair/roster",
            data=roster_csv(),
            headers=BEARER | {"Content-Type": "text/csv"},
        )
        await chair(
            "/api/chair/attendance", {"attendance": {str(i): "present" for i in range(1, 11)}}
        )
        await chair(
            "/api/chair/committee", {"member_ids": [1, 2, 3], "threshold": 2, "approved": True}
        )
        started = await chair("/api/chair/rounds", {})
        credentials = {
            c["index"]: c["url"].split("#c=")[1].split("&")[0] for c in started["committee"]
        }
        meeting = MeetingClient(session, url)
        trustees, context = await run_committee(meeting, 1, credentials)
        issued = await chair("/api/chair/rounds/1/tokens", {})
        await chair("/api/chair/rounds/1/open", {})
        tokens = issued["tokens"]
        questions = len(context.manifest.questions)
        receipt = await meeting.vote(1, tokens[0], [0] * questions)
        return LiveMeeting(tokens, credentials, receipt, context, trustees)
