"""The meeting's options, chosen by the chair within the profile, through the API: fixed in the
manifest, logged, given to the rules, printed in words in the minute, re-applied by verify."""

from __future__ import annotations

import pytest

from ballot_client.remote import ServerError
from ballot_server import keys
from tally.rules import decide_json
from tests.meeting_support import ScriptedMeeting
from tests.record_support import Parts
from tests.server_support import chair_and_public, make_app

XS, TOT = 0, 1
CHOSEN = {
    "base": "present",
    "quorum": "more_than_half",
    "cumulative": False,
    "thresholds": {"XS": "2/3"},
    "good_includes_excellent": False,
}


async def test_options_are_fixed_logged_applied_printed_and_verified(
    aiohttp_client, tmp_path
) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        meeting = await ScriptedMeeting.setup(
            client, chair, public, members=13, rated=12, options=CHOSEN
        )
        manifest = (await public.election(1)).manifest.data
        fixed = manifest["meeting"]["options"]
        assert fixed["base"] == "present" and fixed["thresholds"]["XS"] == "2/3"
        assert fixed["thresholds"]["TOT"] == "more_than_half" and fixed["blank_allowed"] is True
        with pytest.raises(ServerError) as locked:
            await chair.post("/api/chair/options", {"base": "roll"})
        assert (locked.value.status, locked.value.code) == (409, "round_started")
        # 3 at XS (12, 11, 10 XS votes ≥ 2/3 of 13 present) and 9 at TOT: the exclusive
        # reading keeps 2 (2 XS ≤ 20% of the 10 then at TOT), never 1
        ballots = [
            [XS, XS if v < 11 else TOT, XS if v < 10 else TOT] + [TOT] * 9 for v in range(12)
        ]
        results = await meeting.vote(1, ballots)
        group = results["decisions"]["quota"][0]
        assert (group["good"], group["max_excellent"], len(group["kept"])) == (12, 2, 2)
        store = client.server.app[keys.STORE]
        events = [e["event"] for e in store.events()]
        options_set = next(e["body"] for e in events if e["type"] == "options-set")
        assert options_set["options"] == fixed and options_set["overrides"]["base"] == "present"
        decisions = next(e["body"] for e in events if e["type"] == "decisions")
        assert decisions["input"]["options"] == fixed
        await meeting.minute()
        text = " ".join((await meeting.pdf_text()).split())
        assert "số đảng viên chính thức có mặt được bỏ phiếu" in text
        assert "hơn một nửa" in text and "XS từ hai phần ba trở lên" in text
        assert "Số phiếu mỗi mức tính riêng, không cộng dồn" in text
        assert "không quá 20% số được đề xuất hoàn thành tốt nhiệm vụ" in text
        assert "more_than_half" not in text and "present" not in text
        report = meeting.verify()
        assert report.passed, [f for f in report.findings if not f.ok]

        # decisions run with other options than the manifest's are refused by verify (the log
        # re-signed with the server's own key: only the rule checks can tell)
        parts = Parts.open(meeting.record())
        body = parts.body("decisions")
        body["input"]["options"] = {**body["input"]["options"], "base": "roll"}
        body["output"] = decide_json(body["input"])
        report = meeting.verify(parts.resign(store.server_key()).pack())
        assert "decisions.profile" in report.failed_checks()


async def test_bad_options_are_refused_and_change_nothing(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, _, _):
        await chair.post(
            "/api/chair/meeting",
            {"title": "Họp", "cell": "Chi bộ A", "date": "2026-12-15", "profile": "qd124-hd25"},
        )
        for body in (
            {"base": "everyone"},
            {"quorum": 2},
            {"thresholds": {"XX": "2/3"}},
            {"blank_allowed": "yes"},
            {"colour": "red"},
            [],
        ):
            with pytest.raises(ServerError) as refused:
                await chair.post("/api/chair/options", body)
            assert refused.value.status == 400, body
        state = await chair.get("/api/chair/state")
        assert state["options"] == state["profile_options"]
        answer = await chair.post("/api/chair/options", {"cumulative": False})
        assert answer["options"]["cumulative"] is False
        assert (await chair.get("/api/chair/state"))["options"]["cumulative"] is False
        assert (await chair.post("/api/chair/options", {}))["options"]["cumulative"] is True
