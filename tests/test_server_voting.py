"""Integration: the real server on a real SQLite file, ballots through the HTTP API."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from ballot_client.remote import ServerError
from ballot_server import keys
from tally.ballot import make_ballot
from tally.crypto.nonces import system_nonce
from tally.token import token_hash
from tests.db_support import on_disk
from tests.server_support import make_app, open_round


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    return await aiohttp_client(make_app(tmp_path))


def table(client, sql: str) -> list:
    return on_disk(client.server.app[keys.STORE].folder, sql)


async def test_vote_receipt_and_idempotent_resubmission(client) -> None:
    meeting, _, context, tokens = await open_round(client)
    ballot = make_ballot(context, token_hash(tokens[0]), [0, 1, 2], system_nonce)
    receipt = await meeting.submit(1, tokens[0], ballot)
    assert len(receipt["tracker"]) == 64 and len(receipt["code"]) == 19
    again = await meeting.submit(1, tokens[0], ballot)  # the phone lost the answer and resent
    assert again == receipt
    other = make_ballot(context, token_hash(tokens[0]), [3, 3, 3], system_nonce)
    with pytest.raises(ServerError) as refused:
        await meeting.submit(1, tokens[0], other)
    assert (refused.value.status, refused.value.code) == (409, "token_used")
    assert table(client, "SELECT COUNT(*) FROM ballots") == [(1,)]
    found = await meeting.get(f"/api/rounds/1/trackers/{receipt['code']}")
    assert found["tracker"] == receipt["tracker"]


async def test_fifty_concurrent_submissions_with_one_token_accept_exactly_one(client) -> None:
    meeting, _, context, tokens = await open_round(client)
    ballots = [
        make_ballot(context, token_hash(tokens[1]), [i % 4, 0, 1], system_nonce) for i in range(50)
    ]
    results = await asyncio.gather(
        *(meeting.submit(1, tokens[1], b) for b in ballots), return_exceptions=True
    )
    accepted = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, ServerError)]
    assert len(accepted) == 1 and len(refused) == 49
    # the token's own limit counts the submissions in flight: most are refused (429)
    # without their proofs being checked; the few checked with the winner find the token spent
    codes = {(e.status, e.code) for e in refused}
    assert codes <= {(409, "token_used"), (429, "rate_limited")} and (429, "rate_limited") in codes
    assert table(client, "SELECT COUNT(*) FROM ballots") == [(1,)]


async def test_bad_proof_is_rejected_and_nothing_changes(client) -> None:
    meeting, _, context, tokens = await open_round(client)
    ballot = make_ballot(context, token_hash(tokens[2]), [0, 1, 2], system_nonce)
    proof = ballot["answers"][0]["selections"][0]["proof"]
    proof["responses"][0] = proof["responses"][1]
    before = table(client, "SELECT COUNT(*) FROM events")
    with pytest.raises(ServerError) as refused:
        await meeting.submit(1, tokens[2], ballot)
    assert (refused.value.status, refused.value.code) == (400, "invalid_ballot")
    assert table(client, "SELECT COUNT(*) FROM ballots") == [(0,)]
    assert table(client, "SELECT COUNT(*) FROM events") == before
    assert await meeting.token_state(1, tokens[2]) == "issued"


async def test_ballot_for_another_token_and_unknown_token_are_refused(client) -> None:
    meeting, _, context, tokens = await open_round(client)
    ballot = make_ballot(context, token_hash(tokens[3]), [0, 1, 2], system_nonce)
    with pytest.raises(ServerError) as mismatch:
        await meeting.submit(1, tokens[4], ballot)
    assert (mismatch.value.status, mismatch.value.code) == (400, "token_mismatch")
    with pytest.raises(ServerError) as unknown:
        await meeting.submit(1, "0" * 26, ballot)
    assert (unknown.value.status, unknown.value.code) == (403, "token_unknown")


async def test_voting_after_close_is_refused(client) -> None:
    app = client.server.app
    rounds = app[keys.ROUNDS]
    meeting, _, context, tokens = await open_round(client)
    rounds.close_voting(1)
    ballot = make_ballot(context, token_hash(tokens[0]), [0, 1, 2], system_nonce)
    with pytest.raises(ServerError) as closed:
        await meeting.submit(1, tokens[0], ballot)
    assert (closed.value.status, closed.value.code) == (409, "voting_closed")


async def test_voting_before_open_is_refused(aiohttp_client, tmp_path) -> None:
    from ballot_client.remote import MeetingClient
    from ballot_client.simulated import run_committee
    from tests.server_support import rating_manifest

    client = await aiohttp_client(make_app(tmp_path))
    rounds = client.server.app[keys.ROUNDS]
    manifest = rating_manifest(2)
    credentials = rounds.start(manifest, {"m01": 1, "m02": 2})
    meeting = MeetingClient(client.session, str(client.make_url("")))
    _, context = await run_committee(meeting, 1, credentials)
    tokens = rounds.issue_tokens(1, 2)
    ballot = make_ballot(context, token_hash(tokens[0]), [0, 1], system_nonce)
    with pytest.raises(ServerError) as early:
        await meeting.submit(1, tokens[0], ballot)
    assert (early.value.status, early.value.code) == (409, "voting_not_open")


async def test_ballots_are_stored_without_ip_agent_or_time(client, tmp_path) -> None:
    meeting, _, _, tokens = await open_round(client)
    await meeting.vote(1, tokens[0], [1, 1, 1])
    connection = sqlite3.connect(tmp_path / "meeting.db")
    columns = {row[1] for row in connection.execute("PRAGMA table_info(ballots)")}
    assert columns == {"round", "tracker", "token_hash", "ballot"}
    stored = connection.execute("SELECT ballot FROM ballots").fetchone()[0]
    assert "127.0.0.1" not in stored and "python" not in stored.lower()


async def test_closing_logs_the_aggregate_and_the_event_chain_verifies(client) -> None:
    from nacl.signing import VerifyKey

    from tally.eventlog import verify_log

    app = client.server.app
    meeting, _, _, tokens = await open_round(client)
    for token in tokens[:3]:
        await meeting.vote(1, token, [0, 1, 2])
    aggregate = app[keys.ROUNDS].close_voting(1)
    assert aggregate.ballot_count == 3
    store = app[keys.STORE]
    entries = store.events()
    types = [e["event"]["type"] for e in entries]
    assert types.count("ballot-accepted") == 3 and types[-2:] == ["voting-closed", "aggregate"]
    assert verify_log(entries, VerifyKey(store.server_key().verify_key.encode())) == []


async def test_join_qr_and_join_url_follow_the_configured_lan_address(aiohttp_client, tmp_path):
    from ballot_server.app import create_app
    from ballot_server.config import ServerConfig

    app = create_app(
        ServerConfig(folder=tmp_path, public_url="http://192.168.1.20:8080", verify_workers=0)
    )
    client = await aiohttp_client(app)
    status = await (await client.get("/api/status")).json()
    assert status["join_url"] == "http://192.168.1.20:8080/"
    response = await client.get("/join-qr.svg")
    assert response.status == 200 and response.content_type == "image/svg+xml"
    assert (await response.text()).startswith("<svg")
