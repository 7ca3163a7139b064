"""The demonstration meeting's cell: the meeting, and a roster of realistic Vietnamese names.

``build_roster`` makes a cell with every kind of member the rules treat differently
(probationary, exempted, on sick leave, disciplined, heading a collective, absent with and without
a reason), so the demo shows each of the rules' paths; the same cell serves the tests that need a
realistic meeting.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from tally.roster import Member, Membership
from tally.rules.levels import Level

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Ngọc", "Hữu", "Thanh", "Xuân", "Hoài"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trung",
    "Tuấn",
    "Vân",
    "Yến",
    "Hiếu",
    "Oanh",
    "Thắng",
    "Lộc",
]
MEETING_DATE = date(2026, 12, 15)

DEMO_MEETING = {
    "title": "Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm 2026",
    "cell": "Chi bộ Phòng Hành chính – Tổng hợp",
    "committee_above": "Đảng bộ Sở Kế hoạch và Đầu tư",
    "date": MEETING_DATE.isoformat(),
    "place": "Phòng họp tầng 3",
    "chair": "Đồng chí Bí thư chi bộ",
    "secretary": "Đồng chí Phó Bí thư chi bộ",
    "purpose": "Bỏ phiếu kín đánh giá, xếp loại đảng viên",
}


def unique_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in names:
            names.append(name)
    return names


def build_roster(voters: int, rated: int, rng: random.Random) -> tuple[list[Member], dict]:
    """A cell of ``voters`` official members present plus others, ``rated`` of them rated.

    Returns the members and the attendance by name.
    """
    extra = max(rated - voters, 0)
    names = iter(unique_names(voters + extra + 2, rng))
    members: list[Member] = []
    attendance: dict[str, str] = {}

    def add(member_kind: Membership, admitted: date, state: str, **facts: Any) -> None:
        member = Member(len(members) + 1, next(names), member_kind, admitted, **facts)
        members.append(member)
        attendance[member.name] = state

    for i in range(voters):
        facts: dict[str, Any] = {}
        if i == 0:
            facts["heads"] = "Phòng Hành chính – Tổng hợp"
        if i == 1:
            facts["sick_leave_months"] = 4
        if i == 2:
            facts["disciplined"] = True
        if i == 3:
            facts["civil_servant_rating"] = Level.TOT
        add(Membership.OFFICIAL, date(1995 + i % 25, 1 + i % 12, 1 + i % 27), "present", **facts)
    kinds = [
        (Membership.PROBATIONARY, date(2026, 3, 2), "present"),
        (Membership.OFFICIAL, date(2008, 6, 12), "absent_excused"),
        (Membership.OFFICIAL, date(2012, 10, 3), "absent"),
    ]
    for i in range(extra):
        kind, admitted, state = kinds[i % len(kinds)]
        add(kind, admitted, state)
    add(Membership.OFFICIAL, date(1990, 4, 30), "absent_excused", exempted=True)  # not rated
    add(Membership.PROBATIONARY, date(2026, 9, 1), "present")  # admitted < 6 months: not rated
    return members, attendance
