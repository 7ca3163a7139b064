"""Load and races against the real server on a real SQLite file (proofs checked in a process
pool): a small burst loses nothing; 100 concurrent submissions with one token accept exactly
one ballot; closing voting while ballots are in flight counts each ballot or refuses it cleanly;
two chair sessions acting at once stay consistent. No sleeps: every wait is on state, bounded.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import aiohttp
import pytest

from audit.record import load_record
from audit.verify import verify_record
from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round, run_committee
from ballot_server import keys
from ballot_server.demo import setup_meeting
from ballot_server.export import write_record
from tally.ballot import make_ballot, tracker
from tally.canonical import canonical_json
from tally.crypto.nonces import system_nonce
from tally.submission import make_submission
from tally.token import token_hash
from tests.db_support import on_disk
from tests.server_support import CHAIR_SECRET, make_app, setup_round

WAIT = 60  # seconds: the bound on every wait in this file


def consistency(folder: Path, number: int = 1) -> tuple[int, int, int]:
    """(ballots, spent tokens, ballot-accepted events) of a round: must always be equal."""
    ballots = on_disk(folder, "SELECT COUNT(*) FROM ballots WHERE round = ?", number)[0][0]
    spent = on_disk(
        folder, "SELECT COUNT(*) FROM tokens WHERE round = ? AND state = 'spent'", number
    )[0][0]
    events = on_disk(
        folder,
        "SELECT COUNT(*) FROM events WHERE json_extract(entry, '$.event.type') = "
        "'ballot-accepted' AND json_extract(entry, '$.event.body.round') = ?",
        number,
    )[0][0]
    return ballots, spent, events


def body(token: str, ballot: dict) -> bytes:
    return canonical_json(make_submission(token, ballot))


async def post(client, data: bytes, number: int = 1) -> tuple[int, dict]:
    response = await client.post(
        f"/api/rounds/{number}/ballots", data=data, headers={"Content-Type": "application/json"}
    )
    return response.status, await response.json()


def choices_for(count: int, questions: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    return [[rng.randrange(4) for _ in range(questions)] for _ in range(count)]


async def test_small_burst_loses_nothing(aiohttp_client, tmp_path: Path) -> None:
    client = await aiohttp_client(make_app(tmp_path, workers=2))
    setup = await setup_round(client, rated=3, tokens=40)
    choices = choices_for(40, 3, 1)
    bodies = [
        body(t, make_ballot(setup.context, token_hash(t), c, system_nonce))
        for t, c in zip(setup.tokens, choices, strict=True)
    ]
    answers = await asyncio.wait_for(asyncio.gather(*(post(client, b) for b in bodies)), WAIT)
    assert [status for status, _ in answers] == [201] * 40
    receipts = {answer["tracker"] for _, answer in answers}
    assert len(receipts) == 40
    assert {r[0] for r in on_disk(tmp_path, "SELECT tracker FROM ballots")} == receipts
    assert consistency(tmp_path) == (40, 40, 40)


async def test_one_token_hundred_submissions_accepts_exactly_one(
    aiohttp_client, tmp_path: Path
) -> None:
    client = await aiohttp_client(make_app(tmp_path, workers=2))
    setup = await setup_round(client, rated=3, tokens=2)
    token = setup.tokens[0]
    resent = body(token, make_ballot(setup.context, token_hash(token), [0, 1, 2], system_nonce))
    others = [
        body(token, make_ballot(setup.context, token_hash(token), c, system_nonce))
        for c in choices_for(50, 3, 2)
    ]
    sent = [resent] * 50 + others
    random.Random(3).shuffle(sent)
    answers = await asyncio.wait_for(asyncio.gather(*(post(client, b) for b in sent)), WAIT)

    accepted = [(b, a) for b, (s, a) in zip(sent, answers, strict=True) if s == 201]
    assert len(accepted) == 1
    winner_body, winner = accepted[0]
    for data, (status, answer) in zip(sent, answers, strict=True):
        if status == 200:  # an identical resend: the same receipt
            assert data == winner_body and answer == winner
        elif status == 409:
            assert answer["error"] == "token_used" and data != winner_body
        elif status == 429:  # the address's or the token's limit, counting those in flight
            assert answer["error"] == "rate_limited"
        else:
            assert status == 201, answer
    limited = sum(1 for s, _ in answers if s == 429)
    assert limited >= 100 - client.server.app[keys.CONFIG].attempts_per_address
    assert on_disk(tmp_path, "SELECT tracker, token_hash FROM ballots") == [
        (winner["tracker"], token_hash(token).hex())
    ]
    assert consistency(tmp_path) == (1, 1, 1)


async def chair_round(client, voters: int, rated: int, open_voting: bool = True):
    """Meeting, roster, attendance, committee and round through the chair's API (as the chair's
    laptop does), the key ceremony by simulated members, one token per voter present.

    Returns (public client, round number, credentials, trustees, election, tokens)."""
    base = str(client.make_url("")).rstrip("/")
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {CHAIR_SECRET}"}) as bearer:
        chair = MeetingClient(bearer, base)
        number, credentials, _ = await setup_meeting(chair, voters, rated, random.Random(5))
        public = MeetingClient(client.session, base)
        trustees, context = await run_committee(public, number, credentials)
        tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        if open_voting:
            await chair.post(f"/api/chair/rounds/{number}/open", {})
    return public, number, credentials, trustees, context, tokens


async def test_close_while_ballots_in_flight(aiohttp_client, tmp_path: Path) -> None:
    """Each ballot is either accepted before the close (and then in the aggregate, the count
    and the record) or refused with 409 voting_closed; nothing is half-stored."""
    client = await aiohttp_client(make_app(tmp_path, workers=1))
    public, number, _, trustees, context, tokens = await chair_round(client, 30, 10)
    assert number == 1 and len(tokens) >= 25
    questions = context.manifest.questions
    choices = choices_for(len(tokens), len(questions), 4)
    bodies = [
        body(t, make_ballot(context, token_hash(t), c, system_nonce))
        for t, c in zip(tokens, choices, strict=True)
    ]
    first_receipt = asyncio.Event()

    async def send(data: bytes) -> tuple[int, dict]:
        status, answer = await post(client, data)
        if status == 201:
            first_receipt.set()
        return status, answer

    sending = asyncio.gather(*(send(b) for b in bodies))
    await asyncio.wait_for(first_receipt.wait(), WAIT)
    closing = await client.post(
        "/api/chair/rounds/1/close",
        json={"confirm": True},
        headers={"Authorization": f"Bearer {CHAIR_SECRET}"},
    )
    assert closing.status == 200, await closing.text()
    closed = await closing.json()
    answers = await asyncio.wait_for(sending, WAIT)

    accepted = [i for i, (s, _) in enumerate(answers) if s == 201]
    refused = [i for i, (s, _) in enumerate(answers) if s != 201]
    assert accepted and refused  # the close really landed while ballots were in flight
    for i in refused:
        status, answer = answers[i]
        assert (status, answer["error"]) == (409, "voting_closed") and answer["message"]
    trackers = {answers[i][1]["tracker"] for i in accepted}
    n = len(accepted)
    assert closed["ballots"] == n
    assert consistency(tmp_path) == (n, n, n)
    assert {r[0] for r in on_disk(tmp_path, "SELECT tracker FROM ballots")} == trackers
    refused_hashes = {token_hash(tokens[i]).hex() for i in refused}
    states = dict(on_disk(tmp_path, "SELECT token_hash, state FROM tokens"))
    assert {states[h] for h in refused_hashes} == {"issued"}

    aggregate = await public.get("/api/rounds/1/aggregate")
    assert aggregate["ballot_count"] == n
    # a resend of an accepted ballot after the close still gets its receipt
    assert (await post(client, bodies[accepted[0]]))[0] == 200

    if n < 3 or 2 * n < len(tokens):  # a small round: the chair records why it is decrypted
        overriding = await client.post(
            "/api/chair/rounds/1/small-round",
            json={"reason": "Đóng sớm khi thử tải"},
            headers={"Authorization": f"Bearer {CHAIR_SECRET}"},
        )
        assert overriding.status == 200, await overriding.text()
    counts = await decrypt_round(public, 1, [trustees[0], trustees[2]])
    expected = {
        q.id: [sum(1 for i in accepted if choices[i][k] == o) for o in range(4)]
        for k, q in enumerate(questions)
    }
    assert counts == expected

    record = load_record(write_record(tmp_path))
    assert {tracker(b).hex() for b in record.ballots[1]} == trackers
    report = verify_record(record, workers=1)
    assert not report.failures, [f"{f.check}: {f.detail}" for f in report.failures]
    assert report.verdict == "interim"  # counted, but no minute was made: not a final record


class ChairSession:
    """One chair browser: its own cookie jar, logged in, sending the CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def login(self) -> None:
        async with self.session.post(
            self.base + "/api/chair/login", json={"secret": CHAIR_SECRET}
        ) as response:
            assert response.status == 200
            self.csrf = (await response.json())["csrf"]

    async def post(self, path: str, payload: dict) -> tuple[int, dict]:
        async with self.session.post(
            self.base + path, json=payload, headers={"X-CSRF-Token": self.csrf}
        ) as response:
            return response.status, await response.json()


@pytest.fixture
async def chair_pair(aiohttp_client, tmp_path: Path):
    client = await aiohttp_client(make_app(tmp_path, workers=1))
    base = str(client.make_url("")).rstrip("/")
    sessions = [ChairSession(base), ChairSession(base)]
    for session in sessions:
        await session.login()
    yield client, sessions
    for session in sessions:
        await session.session.close()


async def test_two_chair_sessions_at_once_stay_consistent(chair_pair, tmp_path: Path) -> None:
    client, (first, second) = chair_pair
    _, number, _, trustees, context, tokens = await chair_round(client, 6, 3, open_voting=False)

    async def both(path: str, payload: dict) -> list[tuple[int, dict]]:
        return sorted(
            await asyncio.wait_for(
                asyncio.gather(first.post(path, payload), second.post(path, payload)), WAIT
            ),
            key=lambda answer: answer[0],
        )

    opened = await both(f"/api/chair/rounds/{number}/open", {})
    assert [status for status, _ in opened] == [200, 409]
    assert opened[1][1]["error"] == "phase_open" and opened[1][1]["message"]

    ballot = make_ballot(context, token_hash(tokens[0]), [0, 1, 2], system_nonce)
    status, receipt = await post(client, body(tokens[0], ballot), number)
    assert status == 201

    closed = await both(f"/api/chair/rounds/{number}/close", {"confirm": True})
    assert [status for status, _ in closed] == [200, 409]
    assert closed[0][1]["ballots"] == 1
    assert closed[1][1]["error"] == "phase_closed" and closed[1][1]["message"]

    def count(event_type: str) -> int:
        return on_disk(
            tmp_path,
            "SELECT COUNT(*) FROM events WHERE json_extract(entry, '$.event.type') = ?",
            event_type,
        )[0][0]

    assert (count("voting-opened"), count("voting-closed"), count("aggregate")) == (1, 1, 1)
    assert on_disk(tmp_path, "SELECT phase FROM rounds WHERE number = ?", number) == [("closed",)]
    assert on_disk(tmp_path, "SELECT COUNT(*) FROM results WHERE kind = 'aggregate'") == [(1,)]
    assert consistency(tmp_path, number) == (1, 1, 1)
    assert trustees and receipt["tracker"]
