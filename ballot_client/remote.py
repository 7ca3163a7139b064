"""The Python client of the meeting server's HTTP API, and a voter.

It speaks exactly the API the phone page speaks, so the demo, the tests and the load tests
exercise the same paths as real phones. The committee member is ``ballot_client.committee``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp

from tally.ballot import Choice, make_ballot
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import system_nonce
from tally.manifest import ElectionContext, Manifest
from tally.token import token_hash

CREDENTIAL_HEADER = "X-Committee-Credential"


class ServerError(Exception):
    """The server answered with an error; carries its status, code and message."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        self.status = status
        self.code = str(body.get("error", ""))
        self.message = str(body.get("message_en") or body.get("message") or "")
        self.message_vi = str(body.get("message") or self.message)
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
        return await self.post(f"/api/rounds/{number}/ballots", {"token": token, "ballot": ballot})

    async def vote(
        self, number: int, token: str, choices: Sequence[Choice], retries: int = 3
    ) -> dict[str, Any]:
        """Encrypt ``choices`` and submit; on a lost connection, resend the same ballot."""
        context = await self.election(number)
        ballot = make_ballot(context, token_hash(token), choices, system_nonce)
        for attempt in range(retries + 1):
            try:
                return await self.submit(number, token, ballot)
            except (TimeoutError, aiohttp.ClientConnectionError):
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")
