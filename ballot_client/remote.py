"""The Python client of the meeting server's HTTP API, and a voter.

It speaks exactly the API the phone page speaks, so the demo, the tests and the load tests
exercise the same paths as real phones. The committee member is ``ballot_client.committee``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp

from tally.ballot import Choice, make_ballot
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import system_nonce
from tally.manifest import ElectionContext, Manifest
from tally.submission import make_submission
from tally.token import token_hash

CREDENTIAL_HEADER = "X-Committee-Credential"


class ServerError(Exception):
    """The server answered with an error; carries its status, code and message."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        self.status = status
        self.code = str(body.get("error", ""))
        self.message = str(body.get("message_en") or body.get("message") or "")
        self.message_vi = str(body.get("message") or self.message)
        retry_after = body.get("retry_after")
        self.retry_after = retry_after if isinstance(retry_after, int) else 1
        super().__init__(f"{status} {self.code}: {self.message}")


async def _json(response: aiohttp.ClientResponse) -> Any:
    body = await response.json(content_type=None)
    if response.status >= 400:
        raise ServerError(response.status, body if isinstance(body, dict) else {})
    return body


class MeetingClient:
    """A thin async client over one server's API."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base = base_url.rstrip("/")

    async def get(self, path: str, **kwargs: Any) -> Any:
        async with self.session.get(self.base + path, **kwargs) as response:
            return await _json(response)

    async def post(self, path: str, payload: Any, **kwargs: Any) -> Any:
        async with self.session.post(self.base + path, json=payload, **kwargs) as response:
            return await _json(response)

    async def status(self) -> dict[str, Any]:
        return await self.get("/api/status")

    async def election(self, number: int) -> ElectionContext:
        data = await self.get(f"/api/rounds/{number}/election")
        manifest = Manifest.from_json(data["manifest"])
        return ElectionContext.from_json(RISTRETTO255, manifest, data["election"])

    async def submit(self, number: int, token: str, ballot: dict[str, Any]) -> dict[str, Any]:
        """Send ``ballot`` signed with the token's key (the token itself never leaves here)."""
        return await self.post(f"/api/rounds/{number}/ballots", make_submission(token, ballot))

    async def token_state(self, number: int, token: str) -> str:
        """``issued``, ``spent``, ``cancelled`` or ``unknown``, asked with the token hash only."""
        answer = await self.post(
            f"/api/rounds/{number}/token-status", {"token_hash": token_hash(token).hex()}
        )
        return answer["state"]

    async def audit(self, number: int, audited: dict[str, Any]) -> dict[str, Any]:
        """Send an audited ballot (PROTOCOL.md §8.1); it is logged, never counted."""
        return await self.post(f"/api/rounds/{number}/audits", audited)

    async def vote(
        self, number: int, token: str, choices: Sequence[Choice], retries: int = 3
    ) -> dict[str, Any]:
        """Encrypt ``choices`` and submit (``resend``)."""
        context = await self.election(number)
        ballot = make_ballot(context, token_hash(token), choices, system_nonce)
        return await self.send_ballot(number, token, ballot, retries)

    async def send_ballot(
        self, number: int, token: str, ballot: dict[str, Any], retries: int = 3
    ) -> dict[str, Any]:
        """Submit ``ballot`` as a phone does: on a lost connection, resend the same ballot (the
        server answers a repeat with the same receipt); when the server is busy (503), resend
        after the ``Retry-After`` it gave."""
        for attempt in range(retries + 1):
            try:
                return await self.submit(number, token, ballot)
            except (TimeoutError, aiohttp.ClientConnectionError):
                if attempt == retries:
                    raise
            except ServerError as error:
                if error.status != 503 or attempt == retries:
                    raise
                await asyncio.sleep(error.retry_after + random.random())
        raise AssertionError("unreachable")
