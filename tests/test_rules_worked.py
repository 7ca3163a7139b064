"""A whole cell meeting worked by hand from docs/RULES.md, checked line by line."""

from __future__ import annotations

from tally.rules import decide_json

# Chi bộ: 25 official members, 2 excluded (one on temporary activity elsewhere, one absent with
# an accepted reason) → base 23; 20 present → quorum 2/3 of 23 = 15.33 → 16 needed: valid.
MEETING = {
    "profile": "qd366-hd43",
    "roll": {"official": 25, "excluded": 2, "present": 20},
    "collectives": {"chi-bo": "TOT"},
    "subjects": [
        # Bí thư: 14 XS of 23 → XS by vote, but heads a collective rated TOT → TOT.
        {"id": "bi-thu", "votes": {"XS": 14, "TOT": 6, "HT": 0, "KHT": 0}, "heads": "chi-bo"},
        # Three at XS by vote compete for the quota.
        {"id": "an", "votes": {"XS": 16, "TOT": 4, "HT": 0, "KHT": 0}},
        {"id": "binh", "votes": {"XS": 13, "TOT": 7, "HT": 0, "KHT": 0}},
        {"id": "cuong", "votes": {"XS": 13, "TOT": 5, "HT": 2, "KHT": 0}},
        # Exactly half-ish: 11 XS of 23 is not > 11.5; XS+TOT = 19 → TOT.
        {"id": "dung", "votes": {"XS": 11, "TOT": 8, "HT": 1, "KHT": 0}},
        # Sick leave 4 months: TOT by vote → at most HT.
        {"id": "giang", "votes": {"XS": 2, "TOT": 15, "HT": 3, "KHT": 0}, "sick_leave_months": 4},
        # Civil servant rated HT in the civil service, XS by vote → at most TOT.
        {
            "id": "hoa",
            "votes": {"XS": 12, "TOT": 8, "HT": 0, "KHT": 0},
            "civil_servant_rating": "HT",
        },
        # Disciplined in the year → KHT.
        {"id": "khanh", "votes": {"XS": 0, "TOT": 10, "HT": 10, "KHT": 0}, "disciplined": True},
        # Many blanks: 6 + 3 + 2 = 11 of 23 at KHT-or-better → nothing > 11.5: unresolved.
        {"id": "lan", "votes": {"XS": 0, "TOT": 6, "HT": 3, "KHT": 2}},
        # Plain good members.
        *(
            {"id": f"tot-{i}", "votes": {"XS": 1, "TOT": 17, "HT": 2, "KHT": 0}}
            for i in range(1, 5)
        ),
        {"id": "minh", "not_rated": "admitted_under_6_months"},
    ],
}


def test_the_whole_meeting() -> None:
    out = decide_json(MEETING)
    assert (out["valid"], out["base"], out["quorum_required"]) == (True, 23, 16)
    result = {
        s["id"]: (s["status"], s["vote_level"], s["level"], s["quota"]) for s in out["subjects"]
    }
    assert result == {
        "bi-thu": ("decided", "XS", "TOT", None),
        "an": ("decided", "XS", "XS", "kept"),
        "binh": ("decided", "XS", "XS", "kept"),
        "cuong": ("decided", "XS", "TOT", "over"),
        "dung": ("decided", "TOT", "TOT", None),
        "giang": ("decided", "TOT", "HT", None),
        "hoa": ("decided", "XS", "TOT", None),
        "khanh": ("decided", "HT", "KHT", None),
        "lan": ("unresolved", None, None, None),
        **{f"tot-{i}": ("decided", "TOT", "TOT", None) for i in range(1, 5)},
        "minh": ("not_rated", None, None, None),
    }
    # good after caps: bi-thu, an, binh, cuong, dung, hoa, tot-1..4 = 10 → max 2.
    # an (16 XS) is first; binh and cuong both have 13 XS, but binh has 20 TOT-or-better and
    # cuong 18, so binh is second and cuong third: cuong is over, no tie.
    assert out["quota"] == [
        {
            "group": "default",
            "good": 10,
            "max_excellent": 2,
            "kept": ["an", "binh"],
            "over": ["cuong"],
            "tied": [],
        }
    ]


def test_the_same_meeting_with_a_tie_at_the_boundary() -> None:
    subjects = [dict(s) for s in MEETING["subjects"]]
    cuong = next(s for s in subjects if s["id"] == "cuong")
    cuong["votes"] = {"XS": 13, "TOT": 7, "HT": 0, "KHT": 0}
    out = decide_json({**MEETING, "subjects": subjects})
    assert out["quota"] == [
        {
            "group": "default",
            "good": 10,
            "max_excellent": 2,
            "kept": ["an"],
            "over": [],
            "tied": ["binh", "cuong"],
        }
    ]
    flagged = {
        s["id"]: (s["level"], s["quota"]) for s in out["subjects"] if s["id"] in ("binh", "cuong")
    }
    assert flagged == {"binh": ("XS", "tie"), "cuong": ("XS", "tie")}


def test_the_trace_of_one_member() -> None:
    out = decide_json(MEETING)
    trace = next(s["trace"] for s in out["subjects"] if s["id"] == "bi-thu")
    assert trace == [
        "Túc số: có mặt 20/23 (cần ≥ 2/3 cơ sở 23, tức ≥ 16) → đủ",
        "Cơ sở tính: 23 = 25 đảng viên chính thức − 2 được trừ theo Điều lệ",
        "Phiếu: XS 14, TOT 6, HT 0, KHT 0; để trống 0 (trên 20 có mặt)",
        "XS: 14/23 phiếu (60,9%) > 1/2 cơ sở 23 → đạt",
        "Mức theo phiếu: XS (Hoàn thành xuất sắc nhiệm vụ), ngưỡng > 1/2",
        "Hạn mức (người đứng đầu tập thể «chi-bo» xếp loại TOT → không cao hơn TOT): XS → TOT",
        "Mức đề xuất: TOT (Hoàn thành tốt nhiệm vụ)",
    ]
