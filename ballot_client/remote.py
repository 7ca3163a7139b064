"""Python clients of the meeting server's HTTP API: a voter, and a simulated committee.

They speak exactly the API the phone page and the committee page speak, so the demo, the tests
and the load tests exercise the same paths as real phones.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp

from ballot_client.trustee import Trustee
from tally.aggregate import Aggregate
from tally.ballot import Choice, make_ballot
from tally.crypto import ceremony
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
        """Encrypt ``choices`` and submit; on a lost connection, resend the same ballot; when
        the server is busy (503), resend after the ``Retry-After`` it gave."""
        context = await self.election(number)
        ballot = make_ballot(context, token_hash(token), choices, system_nonce)
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


async def decrypt_round(
    client: MeetingClient, number: int, trustees: Sequence[Trustee], credentials: Mapping[int, str]
) -> dict[str, list[int]] | None:
    """The given committee members each decrypt the closed round's aggregate and send their
    share; returns the counts once the server has combined t of them."""
    context = await client.election(number)
    aggregate = Aggregate.from_json(context, await client.get(f"/api/rounds/{number}/aggregate"))
    for trustee in trustees:
        share = trustee.decrypt(context, aggregate)
        answer = await client.post(
            f"/api/rounds/{number}/decryption",
            share.to_json(context),
            headers={CREDENTIAL_HEADER: credentials[trustee.index]},
        )
        if answer["counted"]:
            return (await client.get(f"/api/rounds/{number}/counts"))["counts"]
    return None


async def run_committee(
    client: MeetingClient,
    number: int,
    credentials: Mapping[int, str],
    trustees: Mapping[int, Trustee] | None = None,
) -> tuple[list[Trustee], ElectionContext]:
    """Simulated committee members running the key ceremony through the server, each checking
    what the others sent exactly as the committee page does. Given the ``trustees`` of a
    ceremony the server lost track of half-way (a restart), they carry on with the same keys:
    an announcement the server already holds is accepted again unchanged."""
    data = await client.get(f"/api/rounds/{number}/ceremony")
    manifest = Manifest.from_json(data["manifest"])
    if trustees is None:
        trustees = {i: Trustee(RISTRETTO255, manifest, i) for i in credentials}

    def headers(index: int) -> dict[str, str]:
        return {CREDENTIAL_HEADER: credentials[index]}

    for index, trustee in trustees.items():
        await client.post(
            f"/api/rounds/{number}/ceremony/announcement",
            trustee.announcement.to_json(),
            headers=headers(index),
        )
    state = await client.get(f"/api/rounds/{number}/ceremony")
    announcements = [
        ceremony.Announcement.from_json(RISTRETTO255, t["announcement"], manifest.threshold)
        for t in state["trustees"]
    ]
    by_index = {a.index: a for a in announcements}
    for index, trustee in trustees.items():
        shares = trustee.shares_for(announcements)
        await client.post(
            f"/api/rounds/{number}/ceremony/shares",
            [s.to_json() for s in shares],
            headers=headers(index),
        )
    for index, trustee in trustees.items():
        received = await client.get(f"/api/rounds/{number}/ceremony/shares", headers=headers(index))
        trustee.receive(
            [ceremony.EncryptedShare.from_json(RISTRETTO255, s) for s in received], by_index
        )
        await client.post(f"/api/rounds/{number}/ceremony/confirm", {}, headers=headers(index))
    return list(trustees.values()), await client.election(number)
