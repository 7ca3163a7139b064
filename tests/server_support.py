"""Shared setup for server tests: a real app on a real SQLite file, with a simulated committee."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from ballot_client.remote import MeetingClient
from ballot_client.simulated import run_committee
from ballot_server import keys
from ballot_server.app import create_app
from ballot_server.config import ServerConfig
from tally.crypto.nonces import system_nonce
from tally.decryption import make_decryption_share
from tally.manifest import rating_manifest_json

CHAIR_SECRET = "test-chair-secret"


def make_app(folder: Path, workers: int = 1, **options):
    """The real application for the meeting in ``folder`` (``options``: more ``ServerConfig``)."""
    return create_app(
        ServerConfig(
            folder=folder,
            host="127.0.0.1",
            port=0,
            chair_secret=CHAIR_SECRET,
            public_url="",
            verify_workers=workers,
            **options,
        )
    )


def rating_manifest(rated: int = 3, number: int = 1) -> dict:
    return rating_manifest_json(
        {"id": "test-meeting", "title": "Họp chi bộ"},
        [(f"m{i:02d}", f"Đảng viên {i}") for i in range(1, rated + 1)],
        ["Trưởng ban", "Ủy viên 1", "Ủy viên 2"],
        threshold=2,
        round_number=number,
    )


@asynccontextmanager
async def chair_and_public(client) -> AsyncIterator[tuple[MeetingClient, MeetingClient, dict]]:
    """API clients of a test server: the chair's (bearer secret) and the public one."""
    base = str(client.make_url("")).rstrip("/")
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    async with aiohttp.ClientSession(headers=headers) as chair_session:
        yield MeetingClient(chair_session, base), MeetingClient(client.session, base), headers


@dataclass
class RoundSetup:
    """An open round: the API client, simulated trustees, election, tokens, credentials."""

    meeting: MeetingClient
    trustees: list
    context: object
    tokens: list[str]
    credentials: dict[int, str]


async def open_round(client, rated: int = 3, tokens: int = 5):
    """Start round 1, run the ceremony over HTTP, issue tokens, open voting.

    Returns (meeting client, trustees, election context, tokens)."""
    setup = await setup_round(client, rated, tokens)
    return setup.meeting, setup.trustees, setup.context, setup.tokens


async def setup_round(client, rated: int = 3, tokens: int = 5) -> RoundSetup:
    """Like ``open_round``, keeping the committee credentials as well."""
    app = client.server.app
    rounds = app[keys.ROUNDS]
    manifest = rating_manifest(rated)
    subjects = {q["id"]: i for i, q in enumerate(manifest["questions"], start=1)}
    credentials = rounds.start(manifest, subjects)
    meeting = MeetingClient(client.session, str(client.make_url("")))
    trustees, context = await run_committee(meeting, 1, credentials)
    issued = rounds.issue_tokens(1, tokens)
    rounds.open_voting(1)
    return RoundSetup(meeting, trustees, context, issued, credentials)


def decryption_share(member, context, aggregate):
    """Member ``member``'s decryption share of ``aggregate``, made without the checks a device
    runs first (for tests that build, forge or replay shares at the server)."""
    return make_decryption_share(
        context, member.index, member.record.secret_share, aggregate, system_nonce
    )
