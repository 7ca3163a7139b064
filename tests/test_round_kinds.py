"""Kinds of round in the manifest and the cell's score sheet in the Python core (PROTOCOL.md §4,
"Kinds"; docs/RULES.md §6.2), checked against the shared vectors the browser checks too."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from audit.findings import Report
from audit.kind_checks import check_kind_start
from tally.errors import FormatError
from tally.kind_manifests import approval_manifest_json
from tally.manifest import Manifest
from tally.replay import RoundEvents
from tally.round_kinds import RoundKind, expected_voters
from tally.score_sheet import check_sheet, compute_sheet, deduction_tenths, points_text, tenths
from tests.vectors.round_kinds import COMMITTEE, DRAFT, MEETING

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


def _start_findings(manifest_json: dict, subjects: dict, convened: dict | None = None) -> dict:
    """The findings of verify's checks of a round's start for a round of another kind."""
    entry = RoundEvents(2, roll={"subjects": subjects, "runoff_of": None, "roll": {}})
    if convened is not None:
        entry.roll["convened"] = convened
    report = Report()
    check_kind_start(entry, Manifest.from_json(manifest_json), report, "round 2")
    return {f.check: f.status for f in report.findings}


def test_verify_holds_a_yes_no_round_to_the_meetings_quorum() -> None:
    """``round.options``: a yes/no round whose quorum is not the one the meeting's options fix
    (here the profile's, two thirds) is named; so are subjects that are not its questions, and
    those convened on a round that is no confidence vote."""
    meeting = {**MEETING, "profile": "qd366-hd43 v2"}
    asked = [("q01", "Thông qua nghị quyết")]
    common = {"committee": COMMITTEE, "threshold": 2, "round_number": 2}
    fair = approval_manifest_json(meeting, asked, **common)
    lax = approval_manifest_json(meeting, asked, **common, quorum="more_than_half")
    assert _start_findings(fair, {"q01": None}) == {
        "round.convened": "passed",
        "round.subjects": "passed",
        "round.options": "passed",
    }
    assert _start_findings(lax, {"q01": None})["round.options"] == "failed"
    assert _start_findings(fair, {"q01": 3})["round.subjects"] == "failed"
    held = {"source": "cell", "convened": 6, "present": 5}
    assert _start_findings(fair, {"q01": None}, held)["round.convened"] == "failed"
