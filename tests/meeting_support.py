"""A real meeting driven through the HTTP API with designed votes, for the rule scenarios.

``ScriptedMeeting`` sets up a cell of official members (all present, unless told otherwise)
through the chair's API, names and approves a committee, runs the committee's key ceremony with
simulated members over HTTP, and casts encrypted ballots whose choices the test designs voter by
voter, so a scenario (a tie at the quota boundary, a blank answer, an option of the meeting)
reaches the rule engine through exactly the paths a real meeting takes. It also makes the minute
and the record, and reads the printed minute back as text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.record import load_record
from audit.verify import verify_record
from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round, run_committee, sign_minute
from ballot_server import keys
from ballot_server.export import log_minute_pdf, record_bytes
from ballot_server.roster_import import COLUMNS, CSV_TYPE, HEADERS
from tally.ballot import Choice
from tests.minute_support import pdf_text

MEETING = {
    "title": "Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm 2026",
    "cell": "Chi bộ Phòng Kế hoạch – Tài chính",
    "committee_above": "Đảng bộ Sở Tài chính",
    "date": "2026-12-15",
    "locality": "Hà Nội",
    "place": "Phòng họp tầng 3",
    "start_time": "14:00",
    "chair": "Đồng chí Nguyễn Văn Bắc, Bí thư chi bộ",
    "secretary": "Đồng chí Trần Thị Hòa",
    "purpose": "Bỏ phiếu kín đánh giá, xếp loại đảng viên năm 2026",
    "profile": "qd366-hd43",
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hạnh", "Khánh", "Lan", "Minh", "Nga"]


def member_names(count: int) -> list[str]:
    """``count`` distinct Vietnamese names."""
    return [f"{FAMILY[i % len(FAMILY)]} Văn {GIVEN[i % len(GIVEN)]} {i + 1}" for i in range(count)]


def roster_csv(names: Sequence[str], facts: dict[int, dict[str, str]] | None = None) -> bytes:
    """Every member official, admitted long ago, nothing that caps a level — except the
    ``facts`` given per member id (1-based) by column key (``{"score": "75"}``)."""
    keys = [column.key for column in COLUMNS]
    rows = []
    for number, name in enumerate(names, start=1):
        cells = {"name": name, "membership": "Chính thức", "admitted": "01/01/2005"}
        cells |= (facts or {}).get(number, {})
        rows.append(",".join(cells.get(key, "") for key in keys))
    return ("\n".join([",".join(HEADERS), *rows]) + "\n").encode("utf-8")


async def prepare_cell(
    chair: MeetingClient,
    members: int,
    absent: int = 0,
    facts: dict[int, dict[str, str]] | None = None,
    options: dict[str, Any] | None = None,
    profile: str = "qd366-hd43",
) -> list[str]:
    """The meeting, its roster of ``members`` (the last ``absent`` marked absent, the others
    present) and the chair's options, through the chair's API; the members' names."""
    names = member_names(members)
    await chair.post("/api/chair/meeting", {**MEETING, "profile": profile})
    async with chair.session.post(
        chair.base + "/api/chair/roster",
        data=roster_csv(names, facts),
        headers={"Content-Type": CSV_TYPE},
    ) as response:
        assert response.status == 200, await response.text()
    marks = {str(i): "present" for i in range(1, members + 1)}
    for i in range(members - absent + 1, members + 1):
        marks[str(i)] = "absent"
    await chair.post("/api/chair/attendance", {"attendance": marks})
    if options is not None:
        await chair.post("/api/chair/options", options)
    return names


@dataclass
class ScriptedMeeting:
    """A meeting through the API; ``rated`` are the member ids on the ballot, in order."""

    chair: MeetingClient
    public: MeetingClient
    client: Any
    names: list[str]
    rated: list[int]
    trustees: list = field(default_factory=list)
    credentials: dict[int, str] = field(default_factory=dict)

    @classmethod
    async def setup(
        cls,
        client: Any,
        chair: MeetingClient,
        public: MeetingClient,
        members: int,
        rated: int,
        options: dict[str, Any] | None = None,
        absent: int = 0,
        facts: dict[int, dict[str, str]] | None = None,
        profile: str = "qd366-hd43",
    ) -> ScriptedMeeting:
        names = await prepare_cell(chair, members, absent, facts, options, profile)
        ids = list(range(1, rated + 1))
        left_off = {str(i): "chuyển sinh hoạt đảng trong tháng" for i in range(rated + 1, members)}
        await chair.post("/api/chair/rated", {"member_ids": ids, "reasons": left_off})
        await chair.post(
            "/api/chair/committee",
            {"member_ids": [3, 1, 2], "threshold": 2, "head": 2, "approved": True},
        )
        meeting = cls(chair, public, client, names, ids)
        started = await chair.post("/api/chair/rounds", {})
        meeting.credentials = {
            c["index"]: c["url"].split("#c=")[1].split("&")[0] for c in started["committee"]
        }
        meeting.trustees, _ = await run_committee(public, 1, meeting.credentials)
        return meeting

    async def vote(self, number: int, ballots: Sequence[Sequence[Choice]]) -> dict[str, Any]:
        """Issue one token per voter present, cast ``ballots`` (fewer than the tokens: the others
        cast none), close, decrypt; the round's results."""
        tokens = (await self.chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
        assert len(ballots) <= len(tokens)
        await self.chair.post(f"/api/chair/rounds/{number}/open", {})
        for token, choices in zip(tokens, ballots, strict=False):
            await self.public.vote(number, token, list(choices))
        await self.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        await decrypt_round(self.public, number, self.trustees[:2])
        return await self.public.get(f"/api/rounds/{number}/results")

    async def runoff(self) -> tuple[int, Any]:
        """Start the runoff; its number and its one question's manifest entry."""
        started = await self.chair.post("/api/chair/rounds", {"runoff": True})
        context = await self.public.election(started["round"])
        return started["round"], context.manifest.questions

    def question_of(self, member: int) -> str:
        return f"m{member:03d}"

    async def minute(self) -> dict[str, Any]:
        """Make the minute and let every committee member co-sign it (as their phones do: each
        checks it against the log first)."""
        await self.chair.post("/api/chair/minute", {"number": "05", "time": "16:40"})
        return await sign_minute(self.public, self.trustees)

    async def pdf(self) -> bytes:
        """The printed minute, as ``GET /minute.pdf`` serves it."""
        async with self.public.session.get(self.public.base + "/minute.pdf") as response:
            assert response.status == 200
            return await response.read()

    async def pdf_text(self) -> str:
        """The printed minute read back as text (pdftotext), as a person would read it."""
        return pdf_text(await self.pdf())

    def record(self) -> bytes:
        """The record as ``phieukin export`` writes it."""
        store = self.client.server.app[keys.STORE]
        return record_bytes(store, log_minute_pdf(store))

    def verify(self, data: bytes | None = None) -> Any:
        """Verify the exported record (or ``data``) offline."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "record.zip"
            path.write_bytes(self.record() if data is None else data)
            return verify_record(load_record(path), workers=1)
