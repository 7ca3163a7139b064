"""Real records of several cells of one party organisation, for the committee's report.

Each cell is a whole meeting run through the server's own objects
(``tests.record_support.build_meeting``) with a designed vote: every member official and
present, everyone rated, and for each member named in ``votes`` the level each voter gives
(``X`` XS, ``T`` TOT, ``H`` HT, ``K`` KHT; anyone not named gets ``TOT`` from everyone). A cell
is built once per test session (``cell_record``) and its records written where a test wants
them (``write_cell``).

The cells, by what they show (``ORGANISATION`` unless said):

- ``A1``, ``A2``, ``A3``: 4 members each, one proposed XS — each cell within its own quota (at
  most 1 where fewer than 5 are good), the organisation not (12 good → at most 2);
- ``B1`` (4, one XS: 25% of its good), ``B2`` (8 all TOT, plus a probationary member admitted
  three months before, not rated), ``B3`` (5, two XS: its own quota puts one at TOT) — the
  organisation within its quota while ``B1`` is not;
- ``C1`` (4: XS 3/4), ``C2`` (8, four at HT: XS 6/8) — equal shares of different bases, tied
  across cells at the organisation's boundary (with ``A1``'s 4/4 above them);
- ``X1``: 4 members of another organisation.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path

from ballot_server.demo import DEMO_MEETING
from tally.roster import Member, Membership
from tests.record_support import BuiltMeeting, build_meeting

ORGANISATION = "Đảng bộ Sở Tài chính"
OTHER_ORGANISATION = "Đảng bộ Sở Y tế"
LEVEL_INDEX = {"X": 0, "T": 1, "H": 2, "K": 3}

CELLS: dict[str, dict] = {
    "A1": {"size": 4, "votes": {1: "XXXX"}},
    "A2": {"size": 4, "votes": {1: "XXXT"}},
    "A3": {"size": 4, "votes": {1: "XXXH"}},
    "B1": {"size": 4, "votes": {1: "XXXT"}},
    "B2": {"size": 8, "votes": {}, "newcomer": True},
    "B3": {"size": 5, "votes": {1: "XXXXX", 2: "XXXXT"}},
    "C1": {"size": 4, "votes": {1: "XXXT"}},
    "C2": {"size": 8, "votes": {1: "XXXXXXTT", **{m: "HHHHHHHH" for m in (5, 6, 7, 8)}}},
    "X1": {"size": 4, "votes": {1: "XXXT"}, "organisation": OTHER_ORGANISATION},
}


def cell_name(key: str) -> str:
    return f"Chi bộ {key}"


def member_name(key: str, number: int) -> str:
    """The name of member ``number`` (1-based) of cell ``key``: unique across the cells."""
    return f"Đồng chí {key}-{number:02d}"


def cell_roster(key: str) -> tuple[list[Member], dict[str, str]]:
    plan = CELLS[key]
    members = [
        Member(n, member_name(key, n), Membership.OFFICIAL, date(2005, 1, 1))
        for n in range(1, plan["size"] + 1)
    ]
    if plan.get("newcomer"):
        number = plan["size"] + 1
        members.append(
            Member(number, member_name(key, number), Membership.PROBATIONARY, date(2026, 9, 1))
        )
    return members, {m.name: "present" for m in members}


def cell_votes(key: str) -> dict[str, list[int]]:
    plan = CELLS[key]
    return {
        member_name(key, number): [LEVEL_INDEX[code] for code in levels]
        for number, levels in plan["votes"].items()
    }


@cache
def cell_record(key: str) -> BuiltMeeting:
    """The cell's meeting, built once per test process."""
    plan = CELLS[key]
    meeting = {
        **DEMO_MEETING,
        "cell": cell_name(key),
        "committee_above": plan.get("organisation", ORGANISATION),
        "locality": "Hà Nội",
    }
    folder = Path(tempfile.mkdtemp(prefix=f"phieukin-cell-{key}-"))
    try:
        return build_meeting(
            folder,
            voters=plan["size"],
            rated=plan["size"] + 1,
            seed=len(key) + plan["size"],
            meeting=meeting,
            roster=cell_roster(key),
            votes=cell_votes(key),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_cell(folder: Path, key: str, which: str = "final") -> Path:
    """The cell's final record (or ``which="open"``, the one exported while voting) as a file."""
    built = cell_record(key)
    path = folder / f"{key.lower()}-{which}.zip"
    path.write_bytes(built.final if which == "final" else built.open)
    return path


def member_ref(key: str, number: int) -> dict[str, str]:
    """A member as the report names one (``{"cell", "id", "name"}``), the id read from the
    cell's record."""
    return {"cell": cell_name(key), "name": member_name(key, number)}
