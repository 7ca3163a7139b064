"""Integration: a meeting set up through the chair API is counted and the rules decide."""

from __future__ import annotations

import random

import pytest

from ballot_client.remote import ServerError
from ballot_client.simulated import decrypt_round, run_committee
from ballot_server import keys
from ballot_server.demo import setup_meeting
from ballot_server.store import Store
from tally.rules.engine import decide_json
from tests.server_support import chair_and_public, make_app


@pytest.fixture
async def counted(aiohttp_client, tmp_path):
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        number, credentials, state = await setup_meeting(chair, 6, 5, random.Random(1))
        trustees, context = await run_committee(public, number, credentials)
        tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})
        # Everyone gives everyone XS: the caps and the quota must then show in the decisions.
        for token in tokens:
            await public.vote(number, token, [0] * len(context.manifest.questions))
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        counts = await decrypt_round(public, number, [trustees[0], trustees[1]])
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


async def test_a_tie_at_the_quota_boundary_goes_to_a_runoff_round_with_the_same_keys(
    aiohttp_client, tmp_path
) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        number, credentials, _ = await setup_meeting(chair, 6, 5, random.Random(1))
        trustees, context = await run_committee(public, number, credentials)

        async def vote_round(round_number: int, choice: int) -> dict:
            tokens = (await chair.post(f"/api/chair/rounds/{round_number}/tokens", {}))["tokens"]
            await chair.post(f"/api/chair/rounds/{round_number}/open", {})
            questions = (await public.election(round_number)).manifest.questions
            for token in tokens:
                await public.vote(round_number, token, [choice] * len(questions))
            await chair.post(f"/api/chair/rounds/{round_number}/close", {"confirm": True})
            await decrypt_round(public, round_number, [trustees[1], trustees[2]])
            return await public.get(f"/api/rounds/{round_number}/results")

        first = await vote_round(1, 0)
        tied = sorted(i for q in first["decisions"]["quota"] for i in q["tied"])
        assert len(tied) >= 2
        with pytest.raises(ServerError) as malformed:
            await chair.post("/api/chair/rounds", {"runoff": "yes"})
        assert malformed.value.status == 400
        started = await chair.post("/api/chair/rounds", {"runoff": True})
        assert started == {"round": 2, "committee": [], "runoff_of": 1}
        second_context = await public.election(2)
        titles = {q["id"]: q["title"] for q in first["questions"]}
        (question,) = second_context.manifest.questions  # one question: the tied members
        assert sorted(question.options) == tied
        assert list(question.option_titles) == [titles[i] for i in question.options]
        group = first["decisions"]["quota"][0]
        places = group["max_excellent"] - len(group["kept"])
        assert (question.min_selections, question.max_selections) == (0, places)
        assert second_context.joint_key == context.joint_key  # the same committee keys
        assert second_context.fingerprint != context.fingerprint  # its own election
        second = await vote_round(2, 0)  # everyone chooses the first tied member
        chosen = question.options[0]
        assert second["counts"] == {question.id: [6] + [0] * (len(tied) - 1)}
        runoff = second["decisions"]
        assert runoff["runoff"] is True
        assert runoff["quota"][0]["kept"] == [chosen] and not runoff["quota"][0]["tied"]
        final = {s["id"]: s for s in second["proposal"]["subjects"]}
        assert final[chosen]["level"] == "XS"
        assert all(final[i]["level"] == "TOT" for i in tied if i != chosen)
        with pytest.raises(ServerError) as no_tie:  # the runoff filled the place: no tie left
            await chair.post("/api/chair/rounds", {"runoff": True})
        assert no_tie.value.code == "no_tie"
    # the folder opens whole again: the runoff's copied committee agrees with the log
    Store(tmp_path).close()


async def test_a_head_is_not_rated_above_the_collective_they_lead(aiohttp_client, tmp_path):
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        number, credentials, state = await setup_meeting(chair, 6, 5, random.Random(1))
        head = next(m for m in state["roster"] if m["heads"])
        with pytest.raises(ServerError) as unknown:
            await chair.post(
                "/api/chair/collectives", {"collectives": [{"name": "Phòng khác", "level": "HT"}]}
            )
        assert (unknown.value.status, unknown.value.code) == (400, "unknown_collective"), str(
            unknown.value
        )
        with pytest.raises(ServerError) as bad_level:
            await chair.post(
                "/api/chair/collectives", {"collectives": [{"name": head["heads"], "level": "A+"}]}
            )
        assert bad_level.value.status == 400
        wanted = [{"name": head["heads"], "level": "HT"}]
        saved = await chair.post("/api/chair/collectives", {"collectives": wanted})
        assert saved == {"collectives": wanted}
        trustees, context = await run_committee(public, number, credentials)
        tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})
        for token in tokens:
            await public.vote(number, token, [1] * len(context.manifest.questions))  # all TOT
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        await decrypt_round(public, number, [trustees[0], trustees[2]])
        results = await public.get(f"/api/rounds/{number}/results")
    question = next(q["id"] for q in results["questions"] if q["title"] == head["name"])
    decided = next(s for s in results["decisions"]["subjects"] if s["id"] == question)
    assert (decided["vote_level"], decided["level"]) == ("TOT", "HT")
    events = [e["event"] for e in client.server.app[keys.STORE].events()]
    logged = next(e["body"] for e in events if e["type"] == "decisions")
    assert logged["input"]["collectives"] == {"phong-hanh-chinh-tong-hop": "HT"}
    assert any(e["type"] == "collectives-set" for e in events)
