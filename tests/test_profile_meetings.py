"""The profiles' own rules in real meetings through the API: the facts come from the roster,
the rules of the meeting's profile apply them, the minute cites their regulation."""

from __future__ import annotations

import pytest

from tests.meeting_support import ScriptedMeeting
from tests.server_support import chair_and_public, make_app

XS = 0


@pytest.mark.parametrize(
    ("profile", "facts", "level", "cited"),
    [
        ("qd366-hd43", {"score": "75"}, "TOT", "Quy định 366-QĐ/TW, Điều 11"),
        ("qd132-hd21", {"civil_servant_rating": "KHT"}, "KHT", "Hướng dẫn 21-HD/BTCTW"),
        ("qd124-hd25", {"disciplined": "Có", "discipline_self_remedied": "Có"}, "XS", ""),
        ("qd132-hd21", {"disciplined": "Có", "discipline_self_remedied": "Có"}, "KHT", ""),
        ("qd124-hd25", {"kht_years_before": "2"}, "KHT", "Quy định 124-QĐ/TW, Điều 12"),
    ],
)
async def test_profile_rules_through_the_roster(
    aiohttp_client, tmp_path, profile: str, facts: dict, level: str, cited: str
) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        meeting = await ScriptedMeeting.setup(
            client, chair, public, members=6, rated=6, facts={1: facts}, profile=profile
        )
        results = await meeting.vote(1, [[XS, 1, 1, 1, 1, 1]] * 6)
        first = results["decisions"]["subjects"][0]
        assert (first["vote_level"], first["level"]) == ("XS", level)
        await meeting.minute()
        text = " ".join((await meeting.pdf_text()).split())
        if cited:
            assert cited in text
        assert meeting.verify().passed


async def test_a_pending_civil_service_rating_holds_the_member(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        meeting = await ScriptedMeeting.setup(
            client,
            chair,
            public,
            members=6,
            rated=6,
            facts={2: {"civil_servant_rating": "Chưa có"}},
        )
        results = await meeting.vote(1, [[1, XS, 1, 1, 1, 1]] * 6)
        held = results["decisions"]["subjects"][1]
        assert (held["status"], held["vote_level"], held["level"]) == ("pending", "XS", None)
        minute = (await meeting.minute())["minute"]
        assert minute["proposal"]["summary"]["pending"] == 1
        text = " ".join((await meeting.pdf_text()).split())
        assert "chờ kết quả xếp loại công chức, viên chức" in text
        assert meeting.verify().passed
