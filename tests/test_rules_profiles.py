"""Profiles are data: named, versioned, frozen, documented; the engine stays pure."""

from __future__ import annotations

import ast
import dataclasses
import sys
from pathlib import Path

import pytest

from tally.errors import RuleInputError
from tally.rules import DEFAULT_PROFILE, PROFILES, decide_json, get_profile
from tally.rules.options import BaseOption, QuorumOption
from tally.rules.profiles import NoteStatus

ROOT = Path(__file__).resolve().parent.parent
RULES_DOC = ROOT / "docs" / "RULES.md"


def test_the_three_eras_have_profiles() -> None:
    assert {"qd132-hd21", "qd124-hd25", "qd366-hd43"} <= set(PROFILES)
    assert DEFAULT_PROFILE.name == "qd366-hd43"
    assert get_profile(None) is DEFAULT_PROFILE


def test_profiles_are_frozen_and_versioned() -> None:
    for profile in PROFILES.values():
        assert profile.version >= 1
        assert profile.label == f"{profile.name} v{profile.version}"
        with pytest.raises(dataclasses.FrozenInstanceError):
            profile.name = "other"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            profile.options.cumulative = False  # type: ignore[misc]


def test_profile_defaults_are_the_common_ones() -> None:
    for profile in PROFILES.values():
        assert profile.options.base is BaseOption.ROLL
        assert profile.options.quorum is QuorumOption.TWO_THIRDS
        assert profile.options.cumulative and profile.options.good_includes_excellent
        assert profile.quota.share * 100 == 20
        assert (profile.quota.small_group_below, profile.quota.small_group_max) == (5, 1)
        assert profile.caps.sick_leave_months == 3
        assert profile.options.blank_allowed
    # HD 21 rates every member not exempted or suspended; QĐ 124 and 366 skip the newly admitted
    assert PROFILES["qd132-hd21"].min_months_since_admission == 0
    assert PROFILES["qd124-hd25"].min_months_since_admission == 6
    assert PROFILES["qd366-hd43"].min_months_since_admission == 6


def test_every_profile_says_what_is_known_and_what_is_assumed() -> None:
    for profile in PROFILES.values():
        statuses = {note.status for note in profile.notes}
        assert statuses == {NoteStatus.KNOWN, NoteStatus.ASSUMPTION}
        assert all(note.source for note in profile.notes)


def test_unknown_profile_is_an_input_error() -> None:
    with pytest.raises(RuleInputError) as caught:
        get_profile("qd1-hd1")
    assert caught.value.field == "profile"


def test_options_override_the_profile_only_where_given() -> None:
    data = {
        "profile": "qd132-hd21",
        "options": {"thresholds": {"XS": "2/3"}},
        "roll": {"official": 21, "excluded": 0, "present": 21},
        "subjects": [{"id": "a", "votes": {"XS": 13, "TOT": 0, "HT": 8, "KHT": 0}}],
    }
    subject = decide_json(data)["subjects"][0]
    # XS needs 2/3 (14) → no; TOT keeps the profile's more_than_half: 13 > 10.5 → TOT
    assert subject["level"] == "TOT"


def test_rules_doc_covers_every_profile_and_option() -> None:
    text = RULES_DOC.read_text(encoding="utf-8")
    for profile in PROFILES.values():
        assert f"`{profile.name}`" in text
    for word in (
        "`roll`",
        "`present`",
        "`valid_for_person`",
        "`two_thirds`",
        "`more_than_half`",
        '`"2/3"`',
        "`cumulative`",
        "`good_includes_excellent`",
        "`thresholds`",
        "100-point",
        "assumption",
        "known",
        "caps",
        "quota",
    ):
        assert word in text, word


def test_rule_engine_imports_only_the_standard_library_and_tally() -> None:
    allowed = set(sys.stdlib_module_names) | {"tally"}
    for path in (ROOT / "tally" / "rules").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
        forbidden = {"open", "print", "input"}
        calls = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not calls & forbidden, f"{path.name} does I/O"
