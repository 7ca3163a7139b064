"""The runoff at the quota boundary in real meetings through the API (issue scenarios).

Quota 3 with one member kept and 3 tied for 2 places: the runoff keeps 2 (it kept 1 when it
applied the whole profile to the tied members alone). Quota 2 with one kept and 10 tied for 1
place: the runoff keeps 1 (it kept 2, proposing 3 excellent out of 11 good). Each ends with the
right consolidated proposal — the quota never exceeded, no place withheld — on the results,
in the signed minute and in the printed one, and the record verifies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.meeting_support import ScriptedMeeting
from tests.minute_support import INTERNAL_IDENTIFIER, pdf_text
from tests.server_support import chair_and_public, make_app

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

XS, TOT = 0, 1


def rating_ballots(
    voters: int, kept: int, tied: int, good: int, blank: tuple[int, int] | None = None
) -> list[list]:
    """Round 1: the kept members get every XS; the tied ones XS from all but the last five
    voters (TOT from those); the good ones TOT. ``blank``: (voter, question) left blank."""
    ballots = []
    for voter in range(voters):
        choice = [XS] * kept
        choice += [XS if voter < voters - 5 else TOT] * tied
        choice += [TOT] * good
        if blank is not None and blank[0] == voter:
            choice[blank[1]] = None
        ballots.append(choice)
    return ballots


async def test_three_tied_for_two_places_keep_two(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        # 21 members present, 20 cast a ballot; 15 on the ballot: 1 + 3 tied + 11 good
        meeting = await ScriptedMeeting.setup(client, chair, public, members=21, rated=15)
        first = await meeting.vote(1, rating_ballots(20, kept=1, tied=3, good=11, blank=(19, 4)))
        group = first["decisions"]["quota"][0]
        tied = [meeting.question_of(i) for i in (2, 3, 4)]
        assert (group["good"], group["max_excellent"]) == (15, 3)
        assert (group["kept"], group["tied"]) == ([meeting.question_of(1)], tied)
        assert first["roll"] == {"official": 21, "excluded": 0, "present": 21, "ballots": 20}
        blank = first["decisions"]["subjects"][4]["steps"][2]["values"]
        assert (blank["blank"], blank["not_cast"]) == (1, 1)

        number, (question,) = await meeting.runoff()
        assert (question.options, question.max_selections) == (tuple(tied), 2)
        choose = [[0, 1]] * 9 + [[0]] * 3 + [[2]] * 4 + [[]] * 4  # 12, 9 and 4 choices
        second = await meeting.vote(number, [[c] for c in choose])
        runoff = second["decisions"]["quota"][0]
        assert (runoff["places"], runoff["kept"], runoff["over"]) == (2, tied[:2], tied[2:])
        proposal = second["proposal"]
        excellent = [s["id"] for s in proposal["subjects"] if s["level"] == "XS"]
        assert excellent == [meeting.question_of(1), *tied[:2]]  # 3 of 15: no place withheld
        assert proposal["quota"][0]["tied"] == []

        minute = (await meeting.minute())["minute"]
        summary = minute["proposal"]["summary"]
        assert (summary["XS"], summary["TOT"], summary["tied"]) == (3, 12, 0)
        assert [r["kind"] for r in minute["rounds"]] == ["rating", "runoff"]
        pdf = await meeting.pdf()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "minute-runoff.pdf").write_bytes(pdf)  # for a person to look at
        text = " ".join(pdf_text(pdf).split())
        assert INTERNAL_IDENTIFIER.findall(text) == []
        assert "Hoàn thành xuất sắc nhiệm vụ: 3" in text
        assert "còn 2 chỗ cho 3 đồng chí bằng phiếu" in text
        for name in meeting.names:  # every roster member accounted for
            assert name in text, name
        assert "chuyển sinh hoạt đảng trong tháng" in text  # why 6 members are not on the ballot
        report = meeting.verify()
        assert report.passed, report.failures
        assert "decisions.runoff" in {f.check for f in report.findings}


async def test_ten_tied_for_one_place_keep_one(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        meeting = await ScriptedMeeting.setup(client, chair, public, members=20, rated=11)
        first = await meeting.vote(1, rating_ballots(20, kept=1, tied=10, good=0))
        group = first["decisions"]["quota"][0]
        assert (group["good"], group["max_excellent"], len(group["tied"])) == (11, 2, 10)
        number, (question,) = await meeting.runoff()
        assert question.max_selections == 1 and len(question.options) == 10
        # 9 voters choose the fifth tied member, 9 others one each of the rest, 2 nobody
        others = [i for i in range(10) if i != 4]
        choose = [[4]] * 9 + [[i] for i in others] + [[]] * 2
        second = await meeting.vote(number, [[c] for c in choose])
        proposal = second["proposal"]
        excellent = [s["id"] for s in proposal["subjects"] if s["level"] == "XS"]
        assert excellent == [meeting.question_of(1), question.options[4]]  # 2 of 11, never 3
        minute = (await meeting.minute())["minute"]
        assert minute["proposal"]["summary"]["XS"] == 2
        assert minute["proposal"]["summary"]["TOT"] == 9
        text = " ".join((await meeting.pdf_text()).split())
        assert INTERNAL_IDENTIFIER.findall(text) == []
        assert "Hoàn thành xuất sắc nhiệm vụ: 2" in text
        assert "còn 1 chỗ cho 10 đồng chí bằng phiếu" in text
        assert meeting.verify().passed


async def test_a_tie_in_the_runoff_goes_to_another_runoff_for_the_place_left(
    aiohttp_client, tmp_path
) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        meeting = await ScriptedMeeting.setup(client, chair, public, members=18, rated=15)
        await meeting.vote(1, rating_ballots(18, kept=1, tied=3, good=11))
        number, _ = await meeting.runoff()
        choose = [[0, 1]] * 6 + [[0, 2]] * 6 + [[]] * 6  # t0 12, t1 6, t2 6: tied for place 2
        second = await meeting.vote(number, [[c] for c in choose])
        assert second["decisions"]["quota"][0]["tied"] == ["m003", "m004"]
        number, (question,) = await meeting.runoff()
        assert (question.options, question.max_selections) == (("m003", "m004"), 1)
        third = await meeting.vote(number, [[[1]]] * 10 + [[[0]]] * 8)
        excellent = [s["id"] for s in third["proposal"]["subjects"] if s["level"] == "XS"]
        assert excellent == ["m001", "m002", "m004"]
        report = meeting.verify()  # no minute made yet: consistent, but interim
        assert not report.failures and report.verdict == "interim", report.failures
        await meeting.minute()
        assert meeting.verify().passed


@pytest.mark.parametrize(
    ("options", "blank_min"),
    [({}, 0), ({"blank_allowed": False}, 1)],
)
async def test_blank_answers_follow_the_meeting_option(
    aiohttp_client, tmp_path, options: dict, blank_min: int
) -> None:
    client = await aiohttp_client(make_app(tmp_path))
    async with chair_and_public(client) as (chair, public, _):
        meeting = await ScriptedMeeting.setup(
            client, chair, public, members=6, rated=3, options=options
        )
        context = await public.election(1)
        assert {q.min_selections for q in context.manifest.questions} == {blank_min}
        assert context.manifest.data["meeting"]["options"]["blank_allowed"] is (blank_min == 0)
        if blank_min:
            tokens = (await chair.post("/api/chair/rounds/1/tokens", {}))["tokens"]
            await chair.post("/api/chair/rounds/1/open", {})
            with pytest.raises(ValueError, match="needs 1 to 1"):
                await public.vote(1, tokens[0], [None, XS, XS])
            return
        results = await meeting.vote(1, [[None, XS, TOT]] * 4 + [[XS, XS, TOT]])
        subject = results["decisions"]["subjects"][0]
        votes = next(s for s in subject["steps"] if s["code"] == "votes")["values"]
        assert (votes["blank"], votes["not_cast"], votes["ballots"]) == (4, 1, 5)
        assert subject["status"] == "unresolved"  # 1 XS of a base of 6: a blank counts against
        minute = (await meeting.minute())["minute"]
        row = minute["rounds"][0]["subjects"][0]
        assert (row["blank"], minute["rounds"][0]["not_cast"]) == (4, 1)
