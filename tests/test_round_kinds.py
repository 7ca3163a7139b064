"""Kinds of round in the manifest and the cell's score sheet in the Python core (PROTOCOL.md §4,
"Kinds"; docs/RULES.md §6.2), checked against the shared vectors the browser checks too."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tally.errors import FormatError
from tally.manifest import Manifest
from tally.round_kinds import RoundKind, expected_voters
from tally.score_sheet import check_sheet, compute_sheet, deduction_tenths, points_text, tenths
from tests.vectors.round_kinds import DRAFT

DATA = json.loads((Path(__file__).parent / "vectors" / "round_kinds.json").read_text("utf-8"))


def test_every_kind_of_manifest_loads_with_its_kind_and_hash() -> None:
    for entry in DATA["manifests"]:
        manifest = Manifest.from_json(copy.deepcopy(entry["manifest"]))
        assert manifest.round_kind == entry["kind"]
        assert manifest.hash.hex() == entry["manifest_hash"]
    assert {e["kind"] for e in DATA["manifests"]} == {k.value for k in RoundKind}


def test_every_changed_manifest_is_refused_naming_its_field() -> None:
    for entry in DATA["invalid_manifests"]:
        with pytest.raises(FormatError) as error:
            Manifest.from_json(copy.deepcopy(entry["manifest"]))
        assert error.value.field == entry["field"], entry["of"]


def test_score_sheets_and_refused_drafts() -> None:
    for entry in DATA["sheets"]:
        assert compute_sheet(copy.deepcopy(entry["draft"])) == entry["sheet"]
        assert check_sheet(entry["sheet"]) == entry["sheet"]
    for entry in DATA["invalid_drafts"]:
        with pytest.raises(FormatError) as error:
            compute_sheet(copy.deepcopy(entry["draft"]))
        assert error.value.field == entry["field"]


@pytest.mark.parametrize(
    ("shortfall", "points"),
    [
        ("0.1", "0"),
        ("4.9", "0"),
        ("5", "0.5"),
        ("9.9", "0.5"),
        ("10", "1"),
        ("19.9", "1.5"),
        ("20", "2"),
        ("20.1", "2"),
        ("35", "2"),
        ("100", "2"),
    ],
)
def test_half_a_point_for_each_full_five_percent_at_most_two(shortfall: str, points: str) -> None:
    assert points_text(deduction_tenths(tenths(shortfall, "x"))) == points


def test_the_total_is_exact_tenths_never_a_float() -> None:
    sheet = compute_sheet(DRAFT)
    # 28.5 − 1 + 37 − 2 + 29 − 0 + 1.5 = 93
    assert (sheet["criteria_total"], sheet["deductions_total"], sheet["bonuses_total"]) == (
        "94.5",
        "3",
        "1.5",
    )
    assert sheet["total"] == "93"
    assert all(isinstance(value, str) for value in (sheet["total"], sheet["max_total"]))
    tiny = copy.deepcopy(DRAFT)
    tiny["criteria"] = [{"title": "Một", "max": "0.3", "points": "0.1"}] * 3
    tiny["deductions"], tiny["bonuses"] = [], []
    assert compute_sheet(tiny)["total"] == "0.3"  # 0.1 + 0.1 + 0.1 with no rounding
    floored = copy.deepcopy(DRAFT)
    floored["criteria"][0]["points"] = "0.5"  # 0.5 − 1 deduction: net 0, never negative
    assert compute_sheet(floored)["criteria"][0]["net"] == "0"


def test_tokens_expected_per_kind() -> None:
    roll = {"roll": {"voters": 18}, "convened": {"convened": 24, "present": 20}}
    assert expected_voters(RoundKind.CONFIDENCE, roll) == 20
    assert expected_voters(RoundKind.APPROVAL, roll) == 18
    assert expected_voters(RoundKind.RATING, {"roll": {"voters": 5}}) == 5
