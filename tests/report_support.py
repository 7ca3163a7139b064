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
- ``D1``: 4 members all at TOT, then three rounds of other kinds (docs/RULES.md §6): a
  confidence vote among 6 convened (5 present) on its secretary and two people from outside
  (no flag; two thirds or more low; more than half low), its self-rating (the score sheet's
  total approved 3 of 4, the level TOT) and two yes/no decisions (3 of 4 yes; none yes);
- ``X1``: 4 members of another organisation.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path

from ballot_server.chair import Chair
from ballot_server.demo import DEMO_MEETING
from tally.roster import Member, Membership
from tests.kind_support import SCORE_SHEET
from tests.record_support import BuiltMeeting, KindRound, build_meeting

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
    "D1": {"size": 4, "votes": {}, "others": True},
    "X1": {"size": 4, "votes": {1: "XXXT"}, "organisation": OTHER_ORGANISATION},
}
CAO, TN, THAP = 0, 1, 2
YES, NO = 0, 1


def _confidence_spec(chair: Chair) -> dict:
    ids = {m.name: m.id for m in chair.members()}
    return {
        "subjects": [
            {"member_id": ids[member_name("D1", 1)], "position": "Bí thư chi bộ"},
            {"name": "Trần Văn Ngoài", "position": "Giám đốc Sở"},
            {"name": "Lê Thị Phó", "position": "Phó Giám đốc Sở"},
        ]
    }


OTHER_ROUNDS = (
    KindRound(
        "confidence",
        _confidence_spec,
        # per voter present (5 of 6 convened): the secretary, Trần Văn Ngoài, Lê Thị Phó
        [[CAO, THAP, THAP], [CAO, THAP, THAP], [TN, THAP, THAP], [TN, THAP, CAO], [THAP, CAO, TN]],
        convened={
            "source": "list",
            "people": [{"name": f"Khách mời {i}", "present": i <= 5} for i in range(1, 7)],
        },
    ),
    KindRound("self_rating", {"score_sheet": SCORE_SHEET}, [[YES, 1], [YES, 1], [YES, 1], [NO, 0]]),
    KindRound(
        "approval",
        {"questions": ["Thông qua nghị quyết năm 2027", "Đề nghị khen thưởng tập thể"]},
        [[YES, NO], [YES, NO], [YES, NO], [NO, NO]],
    ),
)
"""``D1``'s rounds after the rating: the choices of each voter, question by question."""


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
            kinds=OTHER_ROUNDS if plan.get("others") else (),
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
