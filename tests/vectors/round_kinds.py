"""The round-kind vectors (``round_kinds.json``): a manifest of every kind with its kind and
hash, manifests each refused naming a field, and score sheets with their computed numbers (and
drafts refused naming a field). ``tally/round_kinds.py`` and ``tally/score_sheet.py`` made them;
``ballot_client/js/roundkinds.mjs`` must give the same kinds, the same numbers and the same
refusals (PROTOCOL.md §4, "Kinds").
"""

from __future__ import annotations

import copy
from typing import Any

from tally.errors import FormatError
from tally.kind_manifests import (
    approval_manifest_json,
    confidence_manifest_json,
    self_rating_manifest_json,
)
from tally.manifest import Manifest, rating_manifest_json, runoff_manifest_json
from tally.score_sheet import compute_sheet

MEETING = {"id": "vector-meeting", "title": "Hội nghị chi bộ cuối năm", "date": "2026-12-15"}
COMMITTEE = ["Trưởng ban", "Ủy viên 1", "Ủy viên 2"]

DRAFT: dict[str, Any] = {
    "criteria": [
        {"title": "Lãnh đạo thực hiện nhiệm vụ chính trị", "max": "30", "points": "28.5"},
        {"title": "Công tác xây dựng Đảng", "max": "40", "points": 37},
        {"title": "Công tác kiểm tra, giám sát", "max": "30", "points": "29"},
    ],
    "deductions": [
        {
            "criterion": 0,
            "target": "Giải ngân vốn đầu tư công",
            "shortfall_percent": "12",
            "reason": "Giải ngân đạt 88% kế hoạch",
            "responsible": "Đồng chí Phó Bí thư chi bộ",
        },
        {
            "criterion": 1,
            "target": "Kết nạp đảng viên mới",
            "shortfall_percent": "50",
            "reason": "Kết nạp 1/2 chỉ tiêu",
            "responsible": "Chi ủy",
        },
        {
            "criterion": 2,
            "target": "Kiểm tra chuyên đề",
            "shortfall_percent": "4.9",
            "reason": "Còn một cuộc chưa hoàn thành hồ sơ",
            "responsible": "Đồng chí chi ủy viên phụ trách kiểm tra",
        },
    ],
    "bonuses": [
        {
            "achievement": "Bằng khen của Ủy ban nhân dân tỉnh",
            "points": "1.5",
            "reason": "Hoàn thành xuất sắc chuyển đổi số",
            "responsible": "Tập thể chi bộ",
        }
    ],
    "proposed_level": "TOT",
}


def _kind_manifests() -> list[tuple[str, dict[str, Any]]]:
    common = {"committee": COMMITTEE, "threshold": 2}
    rating = rating_manifest_json(MEETING, [("m001", "Nguyễn Văn An")], **common, round_number=1)
    return [
        ("rating", rating),
        ("rating", {**copy.deepcopy(rating), "round_kind": "rating"}),
        (
            "runoff",
            runoff_manifest_json(
                MEETING,
                [("xs-1", "Chi bộ: chọn tối đa 1", [("m001", "An"), ("m002", "Bình")], 1)],
                **common,
                round_number=2,
            ),
        ),
        (
            "confidence",
            confidence_manifest_json(
                MEETING,
                [("c01", "Nguyễn Văn An — Bí thư chi bộ"), ("c02", "Trần Thị Bình — Phó Bí thư")],
                **common,
                round_number=3,
            ),
        ),
        (
            "approval",
            approval_manifest_json(
                MEETING,
                [("q1", "Thông qua nghị quyết hội nghị")],
                **common,
                round_number=4,
                blank_allowed=False,
                base="present",
            ),
        ),
        ("self_rating", self_rating_manifest_json(MEETING, DRAFT, **common, round_number=5)),
    ]


def _invalid_manifests(valid: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Manifests refused, each by one change to a valid one."""
    cases: list[tuple[str, dict[str, Any]]] = []

    def changed(kind: str, change: Any) -> None:
        manifest = copy.deepcopy(valid[kind])
        change(manifest)
        cases.append((kind, manifest))

    changed("confidence", lambda m: m.__setitem__("round_kind", "election"))
    changed("confidence", lambda m: m["questions"][0].__setitem__("options", ["CAO", "THAP"]))
    changed("confidence", lambda m: m["questions"][1].__setitem__("max_selections", 2))
    changed("confidence", lambda m: m["round_options"].__setitem__("base", "present"))
    changed("confidence", lambda m: m.pop("round_options"))
    changed("approval", lambda m: m["questions"][0].__setitem__("options", ["NO", "YES"]))
    changed("approval", lambda m: m["round_options"].pop("quorum"))
    changed("approval", lambda m: m.__setitem__("score_sheet", valid["self_rating"]["score_sheet"]))
    changed("rating", lambda m: m.__setitem__("round_options", {"base": "roll"}))
    changed("self_rating", lambda m: m["questions"].reverse())
    changed("self_rating", lambda m: m["score_sheet"].__setitem__("total", "100"))
    changed("self_rating", lambda m: m["score_sheet"]["deductions"][0].__setitem__("points", "0.5"))
    changed("self_rating", lambda m: m["score_sheet"]["criteria"][1].__setitem__("net", "40"))
    changed("self_rating", lambda m: m.pop("score_sheet"))
    out = []
    for kind, manifest in cases:
        try:
            Manifest.from_json(manifest)
        except FormatError as error:
            out.append({"of": kind, "manifest": manifest, "field": error.field})
            continue
        raise AssertionError(f"a changed {kind} manifest was accepted")
    return out


def _invalid_drafts() -> list[dict[str, Any]]:
    changes = [
        lambda d: d["criteria"][0].__setitem__("points", "31"),
        lambda d: d["criteria"][0].__setitem__("max", "28.25"),
        lambda d: d["deductions"][0].__setitem__("criterion", 3),
        lambda d: d["deductions"][0].__setitem__("shortfall_percent", "0"),
        lambda d: d["deductions"][1].pop("responsible"),
        lambda d: d["bonuses"][0].__setitem__("points", "2.5"),
        lambda d: d["bonuses"][0].__setitem__("reason", "  "),
        lambda d: d.__setitem__("proposed_level", "TỐT"),
        lambda d: d.__setitem__("criteria", []),
        lambda d: d.__setitem__("extra", 1),
    ]
    out = []
    for change in changes:
        draft = copy.deepcopy(DRAFT)
        change(draft)
        try:
            compute_sheet(draft)
        except FormatError as error:
            out.append({"draft": draft, "field": error.field})
            continue
        raise AssertionError("a bad draft was accepted")
    return out


def round_kind_vectors(provenance: dict[str, str]) -> dict[str, Any]:
    """Every kind's manifest, the refused ones, and score sheets."""
    manifests = []
    valid: dict[str, dict[str, Any]] = {}
    for kind, data in _kind_manifests():
        manifest = Manifest.from_json(data)
        assert manifest.round_kind == kind
        valid.setdefault(kind, data)
        manifests.append({"kind": kind, "manifest": data, "manifest_hash": manifest.hash.hex()})
    small = {
        "criteria": [{"title": "Tiêu chí duy nhất", "max": "100", "points": "80"}],
        "deductions": [
            {
                "criterion": 0,
                "target": f"Chỉ tiêu {n}",
                "shortfall_percent": shortfall,
                "reason": "Không đạt",
                "responsible": "Chi ủy",
            }
            for n, shortfall in enumerate(("5", "9.9", "10", "25", "100"), start=1)
        ],
        "bonuses": [],
        "proposed_level": "HT",
    }
    return {
        "provenance": provenance,
        "manifests": manifests,
        "invalid_manifests": _invalid_manifests(valid),
        "sheets": [{"draft": draft, "sheet": compute_sheet(draft)} for draft in (DRAFT, small)],
        "invalid_drafts": _invalid_drafts(),
    }
