"""A committee device's checks before it decrypts (PROTOCOL.md §15), over the server's API.

The device reads the signed log from event 0 under the server key it pinned (``GET /api/log``,
only what is new each time), reads the round from it, fetches the round's accepted ballots
(``GET /api/rounds/{n}/ballots``), verifies every one — across worker processes when there are
many — and recomputes the aggregate (``tally.round_check``). The server's word is used for
nothing: not which round to follow, not which ballots count, not what the aggregate is.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ballot_client.remote import MeetingClient
from tally.crypto.group import RISTRETTO255
from tally.manifest import ElectionContext, Manifest
from tally.round_check import (
    BallotCheck,
    CheckedRound,
    LogFollower,
    check_ballot,
    finish_round,
    followable_rounds,
    plan_round,
)

LOG_PAGE = 2000
BALLOT_PAGE = 500
CHUNK = 8


def _check_chunk(
    manifest: dict[str, Any], election: dict[str, Any], ballots: Sequence[Any]
) -> list[BallotCheck]:
    context = ElectionContext.from_json(RISTRETTO255, Manifest.from_json(manifest), election)
    return [check_ballot(context, ballot) for ballot in ballots]


def check_ballots(
    context: ElectionContext, ballots: Sequence[Any], workers: int = 1
) -> list[BallotCheck]:
    """Every ballot checked, in order; with ``workers`` > 1 across that many processes."""
    if workers <= 1 or len(ballots) <= CHUNK:
        return [check_ballot(context, ballot) for ballot in ballots]
    chunks = [list(ballots[i : i + CHUNK]) for i in range(0, len(ballots), CHUNK)]
    manifest, election = context.manifest.to_json(), context.to_json()
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        futures = [pool.submit(_check_chunk, manifest, election, chunk) for chunk in chunks]
        return [check for future in futures for check in future.result()]


class RoundChecker:
    """The log as this device verified it, and the checks of a round against it."""

    def __init__(
        self,
        client: MeetingClient,
        server_key: bytes,
        *,
        key_round: int,
        index: int,
        signing_key: bytes,
        workers: int = 1,
    ) -> None:
        self.client = client
        self.follower = LogFollower(server_key)
        self.key_round = key_round
        self.index = index
        self.signing_key = signing_key
        self.workers = workers

    async def refresh(self) -> list[dict[str, Any]]:
        """Fetch and verify what is new in the log (the last known event again, so a rewritten
        prefix is caught); returns every verified event."""
        while True:
            start = max(len(self.follower.entries) - 1, 0)
            page = await self.client.get(
                "/api/log", params={"from": str(start), "limit": str(LOG_PAGE)}
            )
            self.follower.extend(page["entries"], start)
            if len(self.follower.entries) >= page["count"] or not page["entries"]:
                return self.follower.events

    async def rounds(self) -> list[int]:
        """The rounds this member's keys may decrypt, from the verified log (the key round and
        the later rounds reusing them): the last one is the one to follow."""
        return followable_rounds(await self.refresh(), self.key_round)

    async def ballots(self, number: int) -> list[Any]:
        found: list[Any] = []
        while True:
            page = await self.client.get(
                f"/api/rounds/{number}/ballots",
                params={"offset": str(len(found)), "limit": str(BALLOT_PAGE)},
            )
            found.extend(page["ballots"])
            if len(found) >= page["total"] or not page["ballots"]:
                return found

    async def check(self, number: int) -> CheckedRound:
        """Every check of §15 for round ``number``; raises ``DecryptionRefused`` naming why."""
        events = await self.refresh()
        plan = plan_round(
            events, number, self.key_round, self.index, self.signing_key, RISTRETTO255
        )
        ballots = await self.ballots(number)
        checks = await asyncio.to_thread(check_ballots, plan.context, ballots, self.workers)
        return finish_round(plan, checks)
