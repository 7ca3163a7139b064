"""A simulated committee: several ``CommitteeMember`` devices in one process, stepping the
ceremony in turn (no waiting on a clock). The demo and the tests use it; each member checks what
the others sent exactly as a phone or ``phieukin trustee`` does, because it is the same code."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ballot_client.committee import CommitteeMember, Keeper, MemoryKeeper
from ballot_client.remote import MeetingClient
from tally.manifest import ElectionContext

MAX_PASSES = 20


async def run_committee(
    client: MeetingClient,
    number: int,
    credentials: Mapping[int, str],
    keeper: Callable[[], Keeper] = MemoryKeeper,
) -> tuple[list[CommitteeMember], ElectionContext]:
    """Every member in ``credentials`` claims their link and the ceremony runs to publication
    (each member's secrets in a fresh ``keeper()``)."""
    members = [
        CommitteeMember(client, credentials[i], number, keeper()) for i in sorted(credentials)
    ]
    return members, await run_ceremony(client, number, members)


async def run_ceremony(
    client: MeetingClient, number: int, members: Sequence[CommitteeMember]
) -> ElectionContext:
    """The given members (each with its keeper: run again after a failure, they go on with the
    keys they already made) join and step the ceremony in turn until the election is published."""
    for member in members:
        await member.join()
    for _ in range(MAX_PASSES):
        states = [await member.step() for member in members]
        if all(state == "published" for state in states):
            return await client.election(number)
    raise RuntimeError(f"the simulated ceremony did not finish: {states}")


async def decrypt_round(
    client: MeetingClient, number: int, members: Sequence[CommitteeMember]
) -> dict[str, list[int]] | None:
    """The given members each check the closed round and send their decryption share; the
    counts once the server has combined t of them."""
    for member in members:
        checked = await member.check_round(number)
        if await member.decrypt(checked):
            return (await client.get(f"/api/rounds/{number}/counts"))["counts"]
    return None


async def sign_minute(client: MeetingClient, members: Sequence[CommitteeMember]) -> dict:
    """Each member co-signs the current minute after checking it; the minute with signatures."""
    document = await client.get("/api/minute")
    for member in members:
        await member.sign_minute(document)
    return await client.get("/api/minute")
