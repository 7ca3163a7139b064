"""Integration: a meeting set up through the chair API is counted and the rules decide."""

from __future__ import annotations

import random

import aiohttp
import pytest

from ballot_client.remote import MeetingClient, decrypt_round, run_committee
from ballot_server import keys
from ballot_server.demo import setup_meeting
from tally.rules.engine import decide_json
from tests.server_support import CHAIR_SECRET, make_app


@pytest.fixture
async def counted(aiohttp_client, tmp_path):
    client = await aiohttp_client(make_app(tmp_path))
    base = str(client.make_url("")).rstrip("/")
    headers = {"Authorization": f"Bearer {CHAIR_SECRET}"}
    async with aiohttp.ClientSession(headers=headers) as chair_session:
        chair = MeetingClient(chair_session, base)
        public = MeetingClient(client.session, base)
        number, credentials, state = await setup_meeting(chair, 6, 5, random.Random(1))
        trustees, context = await run_committee(public, number, credentials)
        tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})
        # Everyone gives everyone XS: the caps and the quota must then show in the decisions.
        for token in tokens:
            await public.vote(number, token, [0] * len(context.manifest.questions))
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        counts = await decrypt_round(public, number, [trustees[0], trustees[1]], credentials)
        results = await public.get(f"/api/rounds/{number}/results")
    return client, number, counts, results, state


async def test_decisions_follow_the_profile_and_are_logged_with_their_input(counted) -> None:
    client, _, counts, results, _ = counted
    assert results["counts"] == counts
    decisions = results["decisions"]
    assert decisions["valid"] is True
    levels = {s["id"]: s for s in decisions["subjects"]}
    assert len(levels) == len(counts)
    # All XS votes: every vote level is XS; the quota (at most 1 where fewer than 5 are good)
    # keeps at most one, and equal votes at the boundary are a tie left to a further round.
    assert {s["vote_level"] for s in levels.values()} == {"XS"}
    at_xs = [s for s in levels.values() if s["level"] == "XS"]
    assert len([s for s in at_xs if s["quota"] == "kept"]) <= 1
    tied = [s["id"] for s in at_xs if s["quota"] == "tie"]
    assert len(at_xs) == 1 or sorted(tied) == sorted(s["id"] for s in at_xs)
    assert sorted(tied) == sorted(i for q in decisions["quota"] for i in q["tied"])
    assert all(s["trace"] for s in levels.values())
    store = client.server.app[keys.STORE]
    events = [e["event"] for e in store.events()]
    logged = next(e["body"] for e in events if e["type"] == "decisions")
    assert logged["output"] == decisions
    assert decide_json(logged["input"]) == decisions  # an inspector re-runs the same input
    assert [e["type"] for e in events][-2:] == ["counts", "decisions"]


async def test_caps_use_the_roster_facts(counted) -> None:
    _, _, _, results, state = counted
    names = {m["id"]: m for m in state["roster"]}
    by_title = {q["title"]: q["id"] for q in results["questions"]}
    subjects = {s["id"]: s for s in results["decisions"]["subjects"]}
    disciplined = next(m for m in names.values() if m["disciplined"])
    sick = next(m for m in names.values() if m["sick_leave_months"] >= 3)
    assert subjects[by_title[disciplined["name"]]]["level"] == "KHT"
    assert subjects[by_title[sick["name"]]]["level"] in ("HT", "KHT")
