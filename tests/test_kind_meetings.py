"""The other secret ballots of a meeting in real meetings through the API (docs/RULES.md §6): a
confidence vote among those convened, yes/no decisions, the cell's self-rating feeding the cap
on its head — each decided, in the results, in the signed and the printed minute, and in a
record that verifies; and ``verify`` catching a changed result of each kind."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from ballot_client.remote import ServerError
from ballot_client.trustee_cli import minute_summary
from ballot_server import keys
from tests.kind_support import SCORE_SHEET, KindMeeting
from tests.minute_support import INTERNAL_IDENTIFIER, pdf_text
from tests.record_support import Parts
from tests.server_support import chair_and_public, make_app

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CAO, TN, THAP, YES, NO = 0, 1, 2, 0, 1
CONVENED = [{"name": f"Khách mời {i}", "present": i <= 10} for i in range(1, 16)]
"""Fifteen convened, ten present: exactly two thirds."""


def real_key(meeting: KindMeeting) -> SigningKey:
    return meeting.client.server.app[keys.STORE].server_key()


def failed_after(meeting: KindMeeting, change) -> set[str]:
    """Change the record's log with ``change(parts)``, re-sign it with the real server key (a
    laptop that rewrites its own log), and return the checks that fail."""
    parts = Parts.open(meeting.record())
    change(parts)
    report = meeting.verify(parts.resign(real_key(meeting)).pack())
    return report.failed_checks()


def decisions_of(parts: Parts, number: int) -> dict:
    return next(b for b in parts.bodies("decisions") if b["round"] == number)


async def test_a_confidence_vote_among_those_convened(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        meeting = await KindMeeting.setup_cell(client, chair, public, members=12)
        await chair.post("/api/chair/convened", {"source": "list", "people": CONVENED})
        body = {
            "kind": "confidence",
            "subjects": [
                {"member_id": 1, "position": "Bí thư chi bộ"},
                {"name": "Trần Văn Khách", "position": "Giám đốc Sở"},
            ],
        }
        number = await meeting.start(body)
        manifest = (await public.get(f"/api/rounds/{number}/election"))["manifest"]
        assert manifest["round_kind"] == "confidence"
        assert [q["title"] for q in manifest["questions"]] == [
            f"{meeting.names[0]} — Bí thư chi bộ",
            "Trần Văn Khách — Giám đốc Sở",
        ]
        # ten tokens: those convened and present (the cell has twelve present), 10 of 15 = 2/3
        ballots = [[THAP, THAP]] * 5 + [[CAO, THAP]] * 2 + [[TN, CAO]] * 2 + [[CAO, None]]
        results = await meeting.cast(number, ballots)
        assert results["round_kind"] == "confidence"
        assert results["roll"] == {"convened": 15, "present": 10, "ballots": 10}
        decisions = results["decisions"]
        assert (decisions["valid"], decisions["base"], decisions["quorum_required"]) == (
            True,
            10,
            10,
        )
        flags = {s["id"]: s["flag"] for s in decisions["subjects"]}
        assert flags == {"c01": None, "c02": "two_thirds_low"}  # 5 of 10 is exactly half; 7 ≥ 2/3
        assert results["counts"]["c02"] == [2, 0, 7]  # and one blank

        document = await meeting.minute()
        section = document["minute"]["rounds"][0]
        assert (section["kind"], section["convened"], section["voters"]) == ("confidence", 15, 10)
        assert [s["flag"] for s in section["subjects"]] == [None, "two_thirds_low"]
        assert section["subjects"][1]["percent"]["THAP"] == "70,0"
        assert document["minute"]["proposal"]["subjects"] == []
        summary = "\n".join(minute_summary(document["minute"], document["digest"]))
        assert (
            "Tín nhiệm thấp từ 2/3 trở lên [tín nhiệm cao 2 · tín nhiệm 0 · tín nhiệm thấp 7]"
            in summary
        )
        pdf = await meeting.pdf()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "minute-confidence.pdf").write_bytes(pdf)  # for a person to look at
        text = " ".join(pdf_text(pdf).split())
        assert "Vòng 1 (lấy phiếu tín nhiệm)" in text
        assert "Tín nhiệm thấp từ 2/3 trở lên" in text
        assert "không chờ hết nhiệm kỳ" in text
        assert "Số người được triệu tập: 15" in text
        assert "Quy định số 96-QĐ/TW" in text
        assert INTERNAL_IDENTIFIER.findall(text) == []
        report = meeting.verify()
        assert report.passed, [f.to_json() for f in report.failures]

        def flag_changed(parts: Parts) -> None:
            decisions_of(parts, 1)["output"]["subjects"][1]["flag"] = "over_half_low"

        def more_present(parts: Parts) -> None:
            decisions_of(parts, 1)["input"]["present"] = 12

        assert "decisions.rerun" in failed_after(meeting, flag_changed)
        assert "decisions.roll" in failed_after(meeting, more_present)


async def test_a_confidence_vote_below_two_thirds_of_those_convened_does_not_open(
    aiohttp_client, tmp_path
) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        meeting = await KindMeeting.setup_cell(client, chair, public, members=6)
        people = [*CONVENED, {"name": "Khách mời 16", "present": False}]  # 10 of 16 < 2/3
        await chair.post("/api/chair/convened", {"source": "list", "people": people})
        number = await meeting.start({"kind": "confidence", "subjects": [{"member_id": 2}]})
        issued = await chair.post(f"/api/chair/rounds/{number}/tokens", {})
        assert len(issued["tokens"]) == 10
        # re-issuing every card (after a restart, say) gives one per convened person present,
        # not one per member of the cell present (6)
        again = await chair.post(f"/api/chair/rounds/{number}/tokens/reissue", {})
        assert (len(again["tokens"]), again["cancelled"]) == (10, 10)
        with pytest.raises(ServerError) as refused:
            await chair.post(f"/api/chair/rounds/{number}/open", {})
        assert refused.value.code == "no_quorum"
        assert "người được triệu tập 16" in refused.value.message_vi
        state = await chair.get("/api/chair/state")
        assert state["rounds"][0]["kind"] == "confidence"
        assert state["convened"]["source"] == "list"
        # those convened cannot change while the round is under way
        with pytest.raises(ServerError) as busy:
            await chair.post("/api/chair/convened", {"source": "cell"})
        assert busy.value.code == "round_active"


async def test_yes_no_decisions_need_more_than_half_of_the_base(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        # 10 official members, 2 absent without reason: the base stays 10, 8 vote
        meeting = await KindMeeting.setup_cell(client, chair, public, members=10, absent=2)
        number = await meeting.start(
            {"kind": "approval", "questions": ["Thông qua nghị quyết", "Thông qua quy chế"]}
        )
        # question 1: 5 yes of the base 10 is exactly half; question 2: 6 yes
        ballots = [[YES, YES]] * 5 + [[NO, YES]] + [[NO, NO]] + [[None, NO]]
        results = await meeting.cast(number, ballots)
        decisions = results["decisions"]
        assert (decisions["base"], decisions["valid"]) == (10, True)
        assert [s["status"] for s in decisions["subjects"]] == ["rejected", "approved"]
        assert results["roll"] == {"official": 10, "excluded": 0, "present": 8, "ballots": 8}
        document = await meeting.minute()
        section = document["minute"]["rounds"][0]
        assert [s["status"] for s in section["subjects"]] == ["rejected", "approved"]
        assert section["subjects"][0]["blank"] == 1
        text = " ".join((await meeting.pdf_text()).split())
        assert "Vòng 1 (biểu quyết bằng phiếu kín)" in text
        assert "Không thông qua" in text and "Thông qua quy chế" in text
        report = meeting.verify()
        assert report.passed, [f.to_json() for f in report.failures]

        def approved(parts: Parts) -> None:
            decisions_of(parts, 1)["output"]["subjects"][0]["status"] = "approved"

        def votes_changed(parts: Parts) -> None:
            decisions_of(parts, 1)["input"]["subjects"][0]["votes"]["YES"] = 6

        assert "decisions.rerun" in failed_after(meeting, approved)
        assert "decisions.input" in failed_after(meeting, votes_changed)


async def test_the_cells_self_rating_feeds_the_cap_on_its_head(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        cell = "Chi bộ Phòng Kế hoạch – Tài chính"
        meeting = await KindMeeting.setup_cell(
            client, chair, public, members=8, facts={1: {"heads": cell}}
        )
        first = await meeting.start({"kind": "self_rating", "score_sheet": SCORE_SHEET})
        manifest = (await public.get(f"/api/rounds/{first}/election"))["manifest"]
        assert manifest["score_sheet"]["total"] == "96"
        assert manifest["questions"][0]["title"].endswith("96 điểm")
        # the score approved by 5 of 8; the cell rated TOT (XS 3, TOT or better 7 of 8)
        ballots = [[YES, 0]] * 3 + [[YES, 1]] * 2 + [[NO, 1]] * 2 + [[None, 2]]
        results = await meeting.cast(first, ballots)
        decisions = results["decisions"]
        assert decisions["score"]["status"] == "approved"
        assert (decisions["level"]["level"], decisions["level"]["quota"]) == ("TOT", None)
        assert results["score_sheet"]["total"] == "96"
        state = await chair.get("/api/chair/state")
        assert state["self_ratings"] == [{"round": 1, "level": "TOT", "status": "decided"}]

        # the chair takes the cell's voted level as the level of the collective its head leads
        with pytest.raises(ServerError) as wrong:
            await chair.post(
                "/api/chair/collectives", {"collectives": [{"name": cell, "from_round": 2}]}
            )
        assert wrong.value.code == "no_self_rating"
        await chair.post(
            "/api/chair/collectives", {"collectives": [{"name": cell, "from_round": 1}]}
        )
        state = await chair.get("/api/chair/state")
        assert state["collectives"] == [{"name": cell, "level": "TOT", "from_round": 1}]

        # the rating round, with the same committee keys: member 1 gets XS by the votes
        second = await meeting.start({})
        assert second == 2 and meeting.trustees  # no new ceremony
        rating = await meeting.cast(second, [[0] * 8] * 8)
        head = next(s for s in rating["decisions"]["subjects"] if s["id"] == "m001")
        assert (head["vote_level"], head["level"]) == ("XS", "TOT")
        cap = next(s for s in head["steps"] if s["code"] == "cap")
        assert cap["rule"] == "cap.head" and cap["values"]["collective_level"] == "TOT"

        document = await meeting.minute()
        kinds = [r["kind"] for r in document["minute"]["rounds"]]
        assert kinds == ["self_rating", "rating"]
        section = document["minute"]["rounds"][0]
        assert section["score_sheet"]["deductions"][0]["points"] == "1"
        assert [s["id"] for s in section["subjects"]] == ["score", "level"]
        pdf = await meeting.pdf()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "minute-self-rating.pdf").write_bytes(pdf)  # for a person to look at
        text = " ".join(pdf_text(pdf).split())
        assert "Vòng 1 (chi bộ tự đánh giá, xếp loại)" in text
        assert "trừ 1 điểm" in text and "Đồng chí Phó Bí thư chi bộ" in text  # who is responsible
        assert "= 96 điểm" in text
        assert "Chi bộ tự xếp loại: Hoàn thành tốt nhiệm vụ" in text
        report = meeting.verify()
        assert report.passed, [f.to_json() for f in report.failures]
        assert "collectives.from_round" in {f.check for f in report.findings}

        def cell_rated_xs(parts: Parts) -> None:
            level = decisions_of(parts, 1)["output"]["level"]
            level["level"] = level["vote_level"] = "XS"

        def taken_as_xs(parts: Parts) -> None:
            parts.body("collectives-set")["collectives"][0]["level"] = "XS"

        def sheet_changed(parts: Parts) -> None:
            parts.body("round-started")["manifest"]["score_sheet"]["total"] = "99"

        assert "decisions.rerun" in failed_after(meeting, cell_rated_xs)
        assert "collectives.from_round" in failed_after(meeting, taken_as_xs)
        assert "round.manifest" in failed_after(meeting, sheet_changed)


async def test_a_round_request_names_its_kind_and_only_its_fields(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        await KindMeeting.setup_cell(client, chair, public, members=4)
        bad_sheet = copy.deepcopy(SCORE_SHEET)
        bad_sheet["bonuses"][0]["points"] = "3"
        for body, code in [
            ({"kind": "election"}, "bad_kind"),
            ({"kind": "confidence", "questions": ["x"]}, "bad_request"),
            ({"kind": "confidence", "subjects": []}, "bad_request"),
            ({"kind": "confidence", "subjects": [{"member_id": 99}]}, "bad_request"),
            ({"kind": "confidence", "subjects": [{"member_id": 1, "name": "x"}]}, "bad_request"),
            (
                {"kind": "confidence", "subjects": [{"member_id": 1}], "base": "present"},
                "bad_request",
            ),
            ({"kind": "approval", "questions": [""]}, "bad_request"),
            ({"kind": "self_rating", "score_sheet": bad_sheet}, "score_sheet_invalid"),
            ({"runoff": True, "kind": "approval"}, "bad_request"),
        ]:
            with pytest.raises(ServerError) as refused:
                await chair.post("/api/chair/rounds", body)
            assert (refused.value.status, refused.value.code) == (400, code), body
            assert refused.value.message_vi and refused.value.message, body
        assert (await chair.get("/api/chair/state"))["rounds"] == []  # nothing started
        for people in ([{"name": "", "present": True}], [{"name": "A", "present": "yes"}]):
            with pytest.raises(ServerError):
                await chair.post("/api/chair/convened", {"source": "list", "people": people})
        assert "bonuses[0].points" in json.dumps(
            await _error(chair, {"kind": "self_rating", "score_sheet": bad_sheet})
        )


async def _error(chair, body: dict) -> dict:
    async with chair.session.post(chair.base + "/api/chair/rounds", json=body) as response:
        return await response.json()
