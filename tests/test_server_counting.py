"""Integration: close, then the committee decrypts the tally through the server (2 of 3)."""

from __future__ import annotations

import random

import pytest

from ballot_client.remote import CREDENTIAL_HEADER, ServerError
from ballot_client.simulated import decrypt_round
from ballot_server import keys
from tally.aggregate import Aggregate
from tally.crypto.nonces import system_nonce
from tally.decryption import make_decryption_share
from tests.server_support import decryption_share, make_app, open_round, setup_round


@pytest.fixture
async def closed(aiohttp_client, tmp_path):
    """A closed round with 4 ballots whose choices are known."""
    client = await aiohttp_client(make_app(tmp_path))
    setup = await setup_round(client, rated=3, tokens=5)
    meeting, trustees, context, tokens = setup.meeting, setup.trustees, setup.context, setup.tokens
    rng = random.Random(3)
    choices = [[rng.randrange(4) for _ in range(3)] for _ in range(4)]
    for token, choice in zip(tokens, choices, strict=False):
        await meeting.vote(1, token, choice)
    client.server.app[keys.ROUNDS].close_voting(1)
    expected = {
        f"m{q + 1:02d}": [sum(1 for c in choices if c[q] == o) for o in range(4)] for q in range(3)
    }
    return client, meeting, trustees, context, setup.credentials, expected


async def test_two_of_three_decrypt_to_the_simulated_counts(closed) -> None:
    _, meeting, trustees, context, credentials, expected = closed
    counts = await decrypt_round(meeting, 1, [trustees[0], trustees[2]])
    assert counts == expected
    assert (await meeting.status())["phase"] == "counted"
    aggregate = Aggregate.from_json(context, await meeting.get("/api/rounds/1/aggregate"))
    with pytest.raises(ServerError) as late:
        await meeting.post(
            "/api/rounds/1/decryption",
            decryption_share(trustees[1], context, aggregate).to_json(context),
            headers={CREDENTIAL_HEADER: credentials[2]},
        )
    assert late.value.code == "counted"
    assert await decrypt_round(meeting, 1, [trustees[1]]) == expected  # a late member: done


async def test_forged_share_is_refused_and_named_and_one_share_is_not_enough(closed) -> None:
    client, meeting, trustees, context, credentials, _ = closed
    aggregate = Aggregate.from_json(context, await meeting.get("/api/rounds/1/aggregate"))
    forged = decryption_share(trustees[1], context, aggregate).to_json(context)
    forged["shares"][0]["share"] = forged["shares"][1]["share"]
    with pytest.raises(ServerError) as refused:
        await meeting.post(
            "/api/rounds/1/decryption", forged, headers={CREDENTIAL_HEADER: credentials[2]}
        )
    assert (refused.value.status, refused.value.code) == (400, "invalid_share")
    assert "trustee 2" in refused.value.message
    # a share sent with another member's credential is refused too
    honest = decryption_share(trustees[1], context, aggregate).to_json(context)
    with pytest.raises(ServerError):
        await meeting.post(
            "/api/rounds/1/decryption", honest, headers={CREDENTIAL_HEADER: credentials[1]}
        )
    assert await decrypt_round(meeting, 1, [trustees[1]]) is None  # t − 1 = 1
    with pytest.raises(ServerError) as missing:
        await meeting.get("/api/rounds/1/counts")
    assert missing.value.status == 404
    store = client.server.app[keys.STORE]
    types = [e["event"]["type"] for e in store.events()]
    assert types.count("decryption-share-rejected") == 1 and "counts" not in types


async def test_aggregate_and_counts_are_refused_while_voting_is_open(aiohttp_client, tmp_path):
    client = await aiohttp_client(make_app(tmp_path))
    meeting, _, _, tokens = await open_round(client)
    await meeting.vote(1, tokens[0], [0, 0, 0])
    for path in ("/api/rounds/1/aggregate", "/api/rounds/1/counts"):
        with pytest.raises(ServerError) as refused:
            await meeting.get(path)
        assert refused.value.status in (404, 409)


async def test_share_from_a_wrong_key_is_refused_and_no_result_is_shown(closed) -> None:
    _, meeting, _, context, credentials, _ = closed
    aggregate = Aggregate.from_json(context, await meeting.get("/api/rounds/1/aggregate"))
    # Trustee 3's credential, but a secret that is not trustee 3's share of the key.
    wrong = make_decryption_share(context, 3, system_nonce(), aggregate, system_nonce)
    with pytest.raises(ServerError) as refused:
        await meeting.post(
            "/api/rounds/1/decryption",
            wrong.to_json(context),
            headers={CREDENTIAL_HEADER: credentials[3]},
        )
    assert (refused.value.status, refused.value.code) == (400, "invalid_share")
    assert "trustee 3" in refused.value.message
    for path in ("/api/rounds/1/counts", "/api/rounds/1/results"):
        with pytest.raises(ServerError) as hidden:
            await meeting.get(path)
        assert hidden.value.status == 404
    assert (await meeting.status())["phase"] == "closed"
