"""A real meeting through the HTTP API holding rounds of several kinds (docs/RULES.md §6).

``KindMeeting`` sets up a cell through the chair's API (every member official, present unless
told otherwise), names and approves a committee, and starts rounds of any kind with
``POST /api/chair/rounds``: the first round's key ceremony is run by simulated committee
members over HTTP, and later rounds reuse those keys. Ballots are designed voter by voter and
cast encrypted through the voters' API; the committee decrypts; the chair makes the minute and
every member co-signs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round, run_committee
from tally.ballot import Choice
from tests.meeting_support import ScriptedMeeting, prepare_cell

SCORE_SHEET: dict[str, Any] = {
    "criteria": [
        {"title": "Lãnh đạo thực hiện nhiệm vụ chính trị", "max": "40", "points": "38.5"},
        {"title": "Xây dựng tổ chức đảng và đảng viên", "max": "30", "points": "28"},
        {"title": "Kiểm tra, giám sát và kỷ luật đảng", "max": "30", "points": "29"},
    ],
    "deductions": [
        {
            "criterion": 0,
            "target": "Tỷ lệ giải ngân kế hoạch vốn",
            "shortfall_percent": "12",
            "reason": "Giải ngân đạt 88% kế hoạch năm",
            "responsible": "Đồng chí Phó Bí thư chi bộ",
        }
    ],
    "bonuses": [
        {
            "achievement": "Bằng khen của Ủy ban nhân dân tỉnh",
            "points": "1.5",
            "reason": "Dẫn đầu khối về chuyển đổi số",
            "responsible": "Tập thể chi bộ",
        }
    ],
    "proposed_level": "TOT",
}
"""A score sheet: 95.5 points given, 1 point deducted, 1.5 points of bonus: total 96."""


@dataclass
class KindMeeting(ScriptedMeeting):
    """A meeting whose rounds may be of any kind."""

    @classmethod
    async def setup_cell(
        cls,
        client: Any,
        chair: MeetingClient,
        public: MeetingClient,
        members: int,
        absent: int = 0,
        facts: dict[int, dict[str, str]] | None = None,
        options: dict[str, Any] | None = None,
    ) -> KindMeeting:
        """Meeting, roster, attendance, options and an approved committee; no round yet."""
        names = await prepare_cell(chair, members, absent, facts, options)
        await chair.post(
            "/api/chair/committee",
            {"member_ids": [3, 1, 2], "threshold": 2, "head": 2, "approved": True},
        )
        return cls(chair, public, client, names, list(range(1, members + 1)))

    async def start(self, body: dict[str, Any]) -> int:
        """Start a round (``body`` as ``POST /api/chair/rounds`` takes it); the committee makes
        the key if the round needs a ceremony. Returns the round's number."""
        started = await self.chair.post("/api/chair/rounds", body)
        number = started["round"]
        if started["committee"]:
            self.credentials = {
                c["index"]: c["url"].split("#c=")[1].split("&")[0] for c in started["committee"]
            }
            self.trustees, _ = await run_committee(self.public, number, self.credentials)
        return number

    async def cast(self, number: int, ballots: Sequence[Sequence[Choice]]) -> dict[str, Any]:
        """Issue the round's tokens, cast ``ballots``, close, decrypt; the round's results."""
        return await self.vote(number, ballots)

    async def decrypt(self, number: int) -> None:
        await decrypt_round(self.public, number, self.trustees[:2])
