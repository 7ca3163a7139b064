"""Rounds of other kinds in a cell's minute, as the committee's report reads them.

The members' levels come from the cell's proposal (rating rounds and their runoffs). Any other
round a cell held — a confidence vote, the cell's self-rating, a yes/no decision (docs/RULES.md
§6) — is listed per cell with what its signed minute section says, read by the collector
registered for its kind in ``COLLECTORS``: a pure function of the section returning plain JSON
(the people or questions, their votes and blank answers, and the rules' outcome: the flag of a
low confidence, approved or not, the level the cell gave itself). A round of a kind with no
collector is still listed (``collected`` false), never dropped. ``other_round_totals`` counts
them over the counted cells (docs/REPORT.md §6).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tally.round_kinds import MEMBER_KINDS
from tally.rules.levels import LEVELS

Collector = Callable[[Mapping[str, Any]], dict[str, Any]]
CONFIDENCE_FLAGS = ("over_half_low", "two_thirds_low")


def _subject(entry: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """One person or question of a section: its name, votes, blank answers and ``keys``."""
    return {
        "id": str(entry["id"]),
        "name": str(entry["name"]),
        "votes": {str(code): int(count) for code, count in entry["votes"].items()},
        "blank": int(entry["blank"]),
        **{key: entry.get(key) for key in keys},
    }


def _confidence(section: Mapping[str, Any]) -> dict[str, Any]:
    """Those convened, those present, and per person the votes and the low-confidence flag."""
    return {
        "valid": bool(section["valid"]),
        "base": int(section["base"]),
        "base_option": str(section["base_option"]),
        "convened": int(section["convened"]),
        "voters": int(section["voters"]),
        "subjects": [_subject(s, "percent", "flag") for s in section["subjects"]],
    }


def _approval(section: Mapping[str, Any]) -> dict[str, Any]:
    """Per decision asked: the votes, the base and whether it was approved."""
    return {
        "valid": bool(section["valid"]),
        "base_option": str(section["base_option"]),
        "voters": int(section["voters"]),
        "subjects": [_subject(s, "base", "percent", "status") for s in section["subjects"]],
    }


def _self_rating(section: Mapping[str, Any]) -> dict[str, Any]:
    """The score sheet's total (approved or not) and the level the cell voted for itself."""
    by_id = {s["id"]: s for s in section["subjects"]}
    sheet = section["score_sheet"]
    return {
        "valid": bool(section["valid"]),
        "base": int(section["base"]),
        "base_option": str(section["base_option"]),
        "voters": int(section["voters"]),
        "score_total": str(sheet["total"]),
        "score_max": str(sheet["max_total"]),
        "proposed_level": sheet.get("proposed_level"),
        "subjects": [
            _subject(by_id["score"], "base", "percent", "status"),
            _subject(by_id["level"], "base", "percent", "vote_level", "level", "status"),
        ],
    }


COLLECTORS: dict[str, Collector] = {
    "confidence": _confidence,
    "approval": _approval,
    "self_rating": _self_rating,
}
"""Kind → the collector of a round of that kind (one function per kind, in this module)."""


def collect_other_rounds(sections: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every round of the minute that is not a rating or a runoff: ``{"round", "kind",
    "fingerprint", "collected", …what its collector adds}``, in the minute's order."""
    listed = []
    for section in sections:
        kind = str(section.get("kind", "rating"))
        if kind in MEMBER_KINDS:
            continue
        entry: dict[str, Any] = {
            "round": section["round"],
            "kind": kind,
            "fingerprint": section.get("fingerprint"),
        }
        collector = COLLECTORS.get(kind)
        entry["collected"] = collector is not None
        if collector is not None:
            entry.update(collector(section))
        listed.append(entry)
    return listed


def other_round_totals(cells: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The other rounds of the counted ``cells`` counted by kind: confidence votes (people voted
    on, and how many at each low-confidence flag), yes/no decisions (approved or not), the
    cells' self-ratings (the level each cell gave itself in its latest self-rating round; the
    score sheets approved), and rounds this version does not read. Rounds without a quorum are
    counted as held and ``not_valid``; their people and questions are not counted."""
    confidence = {"rounds": 0, "not_valid": 0, "people": 0, **dict.fromkeys(CONFIDENCE_FLAGS, 0)}
    approval = {"rounds": 0, "not_valid": 0, "questions": 0, "approved": 0, "rejected": 0}
    self_rating: dict[str, Any] = {
        "cells": 0,
        "not_valid": 0,
        "score_approved": 0,
        "levels": {level.value: 0 for level in LEVELS},
        "unresolved": 0,
    }
    not_summarised = 0
    for cell in cells:
        latest = None
        for entry in cell["other_rounds"]:
            kind = entry["kind"]
            if not entry["collected"]:
                not_summarised += 1
            elif kind == "self_rating":
                latest = entry
            elif kind == "confidence":
                confidence["rounds"] += 1
                if not entry["valid"]:
                    confidence["not_valid"] += 1
                    continue
                confidence["people"] += len(entry["subjects"])
                for subject in entry["subjects"]:
                    if subject["flag"] in CONFIDENCE_FLAGS:
                        confidence[subject["flag"]] += 1
            else:
                approval["rounds"] += 1
                if not entry["valid"]:
                    approval["not_valid"] += 1
                    continue
                approval["questions"] += len(entry["subjects"])
                for subject in entry["subjects"]:
                    approval["approved" if subject["status"] == "approved" else "rejected"] += 1
        if latest is not None:
            _count_self_rating(self_rating, latest)
    return {
        "confidence": confidence,
        "approval": approval,
        "self_rating": self_rating,
        "not_summarised": not_summarised,
    }


def _count_self_rating(counts: dict[str, Any], entry: Mapping[str, Any]) -> None:
    counts["cells"] += 1
    if not entry["valid"]:
        counts["not_valid"] += 1
        return
    score, level = entry["subjects"]
    counts["score_approved"] += score["status"] == "approved"
    if level["level"] in counts["levels"]:
        counts["levels"][level["level"]] += 1
    else:
        counts["unresolved"] += 1


def add_other_round_totals(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Several reports' ``other_round_totals`` summed count by count (the roll-up's)."""
    summed = other_round_totals([])

    def add(into: dict[str, Any], more: Mapping[str, Any]) -> None:
        for key, value in more.items():
            if isinstance(value, Mapping):
                add(into[key], value)
            else:
                into[key] += int(value)

    for part in parts:
        add(summed, part)
    return summed
