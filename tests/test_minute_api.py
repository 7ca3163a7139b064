"""The minute through the real app: made by the chair, signed by the server, co-signed by the
committee (and refused when the digest, the key or the signature is wrong), logged, printed."""

from __future__ import annotations

import argparse
import json
import random

import pytest
from nacl.signing import SigningKey

from ballot_client.remote import CREDENTIAL_HEADER
from ballot_client.simulated import decrypt_round, run_committee
from ballot_server import keys, minute_cli
from ballot_server.demo import setup_meeting
from tally.canonical import canonical_json
from tally.crypto.signatures import sign, verify_key_from_hex, verify_signature
from tally.minute import minute_digest, signature_status
from tests.server_support import chair_and_public, make_app


@pytest.fixture
async def counted(aiohttp_client, tmp_path):
    """A meeting of 6 voters rating 5, counted by two of the three committee members."""
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, headers):
        number, credentials, state = await setup_meeting(chair, 6, 5, random.Random(1))
        trustees, context = await run_committee(public, number, credentials)
        tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})
        rng = random.Random(7)
        for token in tokens[:-1]:  # one token stays unused
            choice = [rng.choice([0, 0, 1, 1, 2, 3]) for _ in context.manifest.questions]
            await public.vote(number, token, choice)
        early = await client.post("/api/chair/minute", json={}, headers=headers)
        assert early.status == 409 and (await early.json())["error"] == "not_counted"
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        await decrypt_round(public, number, [trustees[0], trustees[1]])
        yield client, headers, trustees, credentials, state


async def test_minute_is_made_signed_and_cosigned(counted, tmp_path) -> None:
    client, headers, trustees, credentials, _ = counted
    assert (await client.get("/api/minute")).status == 404
    made = await client.post(
        "/api/chair/minute", json={"number": "07", "time": "16:45"}, headers=headers
    )
    assert made.status == 201
    document = await made.json()
    minute = document["minute"]
    digest = minute_digest(minute)
    assert document["digest"] == digest.hex()
    # the server's signature verifies under the key named in the minute (and the store's key)
    server_key = client.server.app[keys.STORE].server_key().verify_key
    assert minute["record"]["server_key"] == server_key.encode().hex()
    verify_signature(server_key, "minute", digest, document["server_signature"], "server")
    assert minute["meeting"]["number"] == "07" and minute["meeting"]["end_time"] == "16:45"
    assert len(minute["rounds"]) == 1 and minute["rounds"][0]["unused_tokens"] == 1
    # making it again returns the same minute (its signatures stay valid)
    again = await client.post("/api/chair/minute", json={}, headers=headers)
    assert again.status == 200 and (await again.json())["digest"] == document["digest"]
    # only the chair makes it
    assert (await client.post("/api/chair/minute", json={})).status == 401

    url = "/api/minute/signatures"

    def member(index: int) -> dict[str, str]:
        return {CREDENTIAL_HEADER: credentials[index]}

    def signature(index: int, on: bytes = digest) -> str:
        return sign(SigningKey(trustees[index - 1].record.signing_seed), "minute", on).hex()

    wrong_digest = await client.post(
        url,
        json={"digest": "00" * 32, "signature": signature(1, bytes(32))},
        headers=member(1),
    )
    assert wrong_digest.status == 400
    assert (await wrong_digest.json())["error"] == "minute_digest_mismatch"
    other_key = await client.post(
        url, json={"digest": digest.hex(), "signature": signature(2)}, headers=member(1)
    )
    assert other_key.status == 400
    assert (await other_key.json())["error"] == "invalid_minute_signature"
    garbage = await client.post(
        url, json={"digest": digest.hex(), "signature": "zz" * 64}, headers=member(1)
    )
    assert (await garbage.json())["error"] == "invalid_minute_signature"
    not_json = await client.post(url, data=b"{", headers=member(1))
    assert not_json.status == 400
    stranger = await client.post(
        url,
        json={"digest": digest.hex(), "signature": signature(1)},
        headers={CREDENTIAL_HEADER: "0" * 26},
    )
    assert stranger.status == 403

    for index in (1, 3):  # member 3 never decrypted, yet signs with the key of the ceremony
        answer = await client.post(
            url, json={"digest": digest.hex(), "signature": signature(index)}, headers=member(index)
        )
        assert answer.status == 200, await answer.text()
    again = await client.post(
        url, json={"digest": digest.hex(), "signature": signature(1)}, headers=member(1)
    )
    assert again.status == 200  # the same signature again is fine

    current = await (await client.get("/api/minute")).json()
    assert [s["trustee"] for s in current["signatures"]] == [1, 3]
    status = signature_status(current["minute"], current["server_signature"], current["signatures"])
    assert status["server"] is True
    assert [c["signed"] for c in status["committee"]] == [True, False, True]
    for entry in current["signatures"]:
        key = verify_key_from_hex(minute["committee"][entry["trustee"] - 1]["signing_key"], "k")
        verify_signature(key, "minute", digest, entry["signature"], "member")

    events = [e["event"] for e in client.server.app[keys.STORE].events()]
    logged = [e for e in events if e["type"] == "minute"]
    assert len(logged) == 1 and logged[0]["body"]["digest"] == digest.hex()
    assert canonical_json(logged[0]["body"]["minute"]) == canonical_json(minute)
    # the minute names the last event before it as the record's head
    minute_seq = logged[0]["seq"]
    stored = client.server.app[keys.STORE].events()
    assert minute["record"]["head_hash"] == stored[minute_seq - 1]["hash"]
    assert minute["record"]["events"] == minute_seq
    signed = [e["body"] for e in events if e["type"] == "minute-signature"]
    assert [(s["trustee"], s["digest"]) for s in signed] == [(1, digest.hex()), (3, digest.hex())]

    pdf = await client.get("/minute.pdf")
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    body = await pdf.read()
    assert body.startswith(b"%PDF-") and len(body) > 5000

    # phieukin minute DIR writes the same signed document and its PDF from the database
    assert minute_cli.run(argparse.Namespace(dir=tmp_path)) == 0
    written = json.loads((tmp_path / "minute.json").read_text("utf-8"))
    assert written == current
    assert (tmp_path / "minute.pdf").read_bytes().startswith(b"%PDF-")


async def test_minute_content_follows_the_roll_and_the_count(counted) -> None:
    client, headers, _, _, state = counted
    document = await (await client.post("/api/chair/minute", json={}, headers=headers)).json()
    minute = document["minute"]
    roll = state["roll"]
    names = {m["id"]: m["name"] for m in state["roster"]}
    assert minute["roll"]["base"] == roll["base"]
    assert [e["name"] for e in minute["roll"]["excluded"]] == [
        names[e["id"]] for e in roll["excluded"]
    ]
    assert [e["name"] for e in minute["roll"]["not_rated"]] == [
        names[e["id"]] for e in roll["not_rated"]
    ]
    assert minute["roll"]["voters"] == len(roll["voters"])
    results = await (await client.get("/api/rounds/1/results")).json()
    rnd = minute["rounds"][0]
    assert rnd["ballots"] == len(roll["voters"]) - 1
    for subject in rnd["subjects"]:
        assert [subject["votes"][c] for c in ("XS", "TOT", "HT", "KHT")] == results["counts"][
            subject["id"]
        ]
        # a blank answer is a ballot that left the member blank; one voter cast no ballot
        assert subject["blank"] == rnd["ballots"] - sum(subject["votes"].values())
    assert rnd["not_cast"] == rnd["voters"] - rnd["ballots"] == 1
    levels = {s["id"]: s["level"] for s in results["decisions"]["subjects"]}
    assert {s["id"]: s["level"] for s in rnd["subjects"]} == levels
    # the caps of the roster show as adjustments with their rule
    rules = {st["rule"] for s in rnd["subjects"] for st in s["steps"] if st["code"] == "cap"}
    assert {"cap.disciplined", "cap.sick_leave"} <= rules
    committee = [c["name"] for c in minute["committee"]]
    assert committee == [names[i] for i in roll["voters"][-3:]]  # as setup_meeting names it
