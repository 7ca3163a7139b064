"""A synthetic counted meeting for the minute's tests: a real roll, real rule decisions, keys.

Fourteen members (two probationary, one of them admitted under six months ago; one exempted and
absent; one absent without a reason), eleven in the base, ten voters, ten rated; the votes give a
disciplined member, a member on long sick leave, a quota tie at the boundary and an unresolved
case.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from tally.crypto.signatures import sign
from tally.minute import SIGNATURE_PURPOSE, build_minute, minute_digest
from tally.roster import Attendance, Member, Membership, compute_roll
from tally.rules.engine import decide_json
from tally.rules.levels import Level
from tally.rules.options import RuleOptions

MEETING = {
    "title": "Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm 2026",
    "cell": "Chi bộ Phòng Hành chính – Tổng hợp",
    "committee_above": "Đảng bộ Sở Kế hoạch và Đầu tư",
    "date": "2026-12-15",
    "locality": "Hà Nội",
    "place": "Phòng họp tầng 3",
    "start_time": "14:00",
    "chair": "Đồng chí Nguyễn Văn An, Bí thư chi bộ",
    "secretary": "Đồng chí Trần Thị Bình",
    "purpose": "Bỏ phiếu kín đánh giá, xếp loại đảng viên",
    "profile": "qd366-hd43",
}
NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Đức Cường",
    "Phạm Minh Dũng",
    "Hoàng Thu Giang",
    "Vũ Quốc Hải",
    "Đặng Ngọc Hạnh",
    "Bùi Hữu Hùng",
    "Đỗ Thanh Hương",
    "Hồ Xuân Khánh",
    "Ngô Hoài Lan",
    "Dương Văn Lộc",
    "Phan Thị Yến",
    "Trịnh Đình Thắng",
]
SEEDS = [bytes([i]) * 32 for i in (1, 2, 3)]
SERVER_SEED = bytes([9]) * 32
# votes (XS, TOT, HT, KHT) of the 10 voters for each rated member, in roster order; the base is
# 11 (12 official members, one exempted and absent), so a level needs at least 6 votes
VOTES = [
    (7, 2, 1, 0),  # An: XS, tied with Cường at the quota boundary (5 good → at most 1 XS)
    (2, 6, 2, 0),  # Bình: TOT
    (7, 2, 1, 0),  # Cường: XS, tied
    (1, 2, 2, 5),  # Dũng: HT or better 5, not > 11/2; all levels 10 → KHT
    (7, 3, 0, 0),  # Giang: XS by the votes, sick leave 4 months → at most HT
    (1, 7, 2, 0),  # Hải: TOT
    (5, 4, 1, 0),  # Hạnh: TOT by the votes, disciplined → KHT
    (0, 4, 5, 1),  # Hùng: HT
    (3, 5, 2, 0),  # Hương: TOT
    (1, 2, 2, 0),  # Khánh: 5 blank, no level reaches 6 → unresolved
]


def roster() -> tuple[list[Member], dict[int, Attendance]]:
    members: list[Member] = []
    attendance: dict[int, Attendance] = {}
    for index, name in enumerate(NAMES, start=1):
        facts: dict[str, Any] = {}
        kind = Membership.OFFICIAL
        admitted = date(2000 + index % 20, 1 + index % 12, 1 + index)
        mark = Attendance.PRESENT
        if name == "Hoàng Thu Giang":
            facts["sick_leave_months"] = 4
        if name == "Đặng Ngọc Hạnh":
            facts["disciplined"] = True
        if name == "Ngô Hoài Lan":
            kind, admitted = Membership.PROBATIONARY, date(2026, 2, 1)
        if name == "Dương Văn Lộc":
            kind, admitted = Membership.PROBATIONARY, date(2026, 9, 1)  # < 6 months: not rated
        if name == "Phan Thị Yến":
            facts["exempted"] = True
            mark = Attendance.ABSENT_EXCUSED
        if name == "Trịnh Đình Thắng":
            mark = Attendance.ABSENT
        members.append(Member(index, name, kind, admitted, **facts))
        attendance[index] = mark
    return members, attendance


def synthetic_facts() -> dict[str, Any]:
    members, attendance = roster()
    roll = compute_roll(members, attendance, date(2026, 12, 15))
    rated = [i for i in roll.rated if i <= len(VOTES)]
    subjects = {f"m{i:03d}": i for i in rated}
    by_id = {m.id: m for m in members}
    request = {
        "profile": MEETING["profile"],
        "options": RuleOptions().as_json(),
        "roll": {
            "official": roll.official,
            "excluded": len(roll.excluded),
            "present": len(roll.voters),
            "ballots": 10,
        },
        "subjects": [
            {
                "id": qid,
                "votes": dict(zip(("XS", "TOT", "HT", "KHT"), VOTES[i - 1], strict=True)),
                "group": "default",
                "sick_leave_months": by_id[i].sick_leave_months,
                "disciplined": by_id[i].disciplined,
            }
            for qid, i in subjects.items()
        ],
    }
    committee = [
        {
            "index": k,
            "name": NAMES[k + 1],
            "signing_key": SigningKey(seed).verify_key.encode().hex(),
        }
        for k, seed in enumerate(SEEDS, start=1)
    ]
    return {
        "meeting": MEETING,
        "number": "12",
        "end_time": "16:30",
        "members": [
            {"id": m.id, "name": m.name, "membership": m.membership.value} for m in members
        ],
        "roll": roll.to_json(),
        "rated": rated,
        "rated_reasons": {"14": "vắng mặt, xin đánh giá ở cuộc họp sau"},
        "committee": committee,
        "threshold": 2,
        "head": 1,
        "committee_approved": True,
        "rounds": [
            {
                "round": 1,
                "fingerprint": "ab" * 32,
                "subjects": subjects,
                "questions": [{"id": q, "title": by_id[i].name} for q, i in subjects.items()],
                "tokens": {"issued": 0, "spent": 10, "cancelled": 2},
                "ballots": 10,
                "decisions": {"input": request, "output": decide_json(request)},
            }
        ],
        "record": {
            "head_hash": "cd" * 32,
            "events": 120,
            "server_key": SigningKey(SERVER_SEED).verify_key.encode().hex(),
        },
    }


def signed_document(signers: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """The minute of ``synthetic_facts`` signed by the server and the given members."""
    minute = build_minute(synthetic_facts())
    digest = minute_digest(minute)
    return {
        "minute": minute,
        "digest": digest.hex(),
        "server_signature": sign(SigningKey(SERVER_SEED), SIGNATURE_PURPOSE, digest).hex(),
        "signatures": [
            {"trustee": k, "signature": sign(SigningKey(SEEDS[k - 1]), "minute", digest).hex()}
            for k in signers
        ],
    }


INTERNAL_IDENTIFIER = re.compile(
    r"\bm\d{3}\b|\bxs-\d+\b|\bdefault\b"
    r"|\b(?:cap|quota|runoff|majority|base|quorum|not_rated|civil_servant)\.[a-z_]+"
    r"|valid_for_person|two_thirds|more_than_half|good_includes_excellent|blank_allowed"
    r"|\(roll\)|\bqd\d+-hd\d+\b|\bhop-[0-9a-f]+|\bNone\b|\bTrue\b|\bFalse\b|«[a-z0-9-]+»"
)
"""What must never appear on a printed page: question and option ids, the default group's
name, rule ids, option codes, profile names, meeting ids, Python values, collective keys."""


def pdf_text(pdf: bytes, layout: bool = False) -> str:
    """A PDF read back as text by pdftotext (poppler-utils, installed by ``make setup``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "minute.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-layout" if layout else "-raw", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout


__all__ = ["INTERNAL_IDENTIFIER", "Level", "pdf_text", "signed_document", "synthetic_facts"]
