"""The rule-step vectors (``rule_steps.json``): steps made by the Python engine, with the sentence
``tally.rules.wording`` renders for each in Vietnamese and English. The browser's renderer
(``ballot_client/js/rulewords.mjs``) must give the same sentences from the same steps.

The requests below reach every step code and every rule id the engine makes: the quorum met
and missed, each base, blanks and missing ballots, cumulative and single counts with both
thresholds, every cap of every profile (waived, pending and applied), both readings of the
quota with kept, over and tied members, the three outcomes of a runoff, and the not-rated
reasons; then every step of the confidence vote (each flag, both bases, a missed quorum), of
yes/no decisions (approved, rejected at exactly half, each base, no quorum) and of the cell's
self-rating.
"""

from __future__ import annotations

from typing import Any

from tally.rules import decide_json
from tally.rules.kind_wording import outcome_words
from tally.rules.options import RuleOptions
from tally.rules.request_options import parse_options
from tally.rules.trace import step_from_json
from tally.rules.wording import option_words, render_step


def _votes(xs: int, tot: int, ht: int = 0, kht: int = 0) -> dict[str, int]:
    return {"XS": xs, "TOT": tot, "HT": ht, "KHT": kht}


ROLL = {"official": 22, "excluded": 2, "present": 18, "ballots": 17}

REQUESTS: list[dict[str, Any]] = [
    {
        "profile": "qd366-hd43",
        "roll": ROLL,
        "collectives": {"phong-a": "TOT"},
        "subjects": [
            {"id": "a", "votes": _votes(14, 2), "heads": "phong-a"},
            {"id": "b", "votes": _votes(12, 4), "sick_leave_months": 4},
            {"id": "c", "votes": _votes(12, 4), "score": "89.5"},
            {"id": "d", "votes": _votes(3, 12, 1), "civil_servant_rating": "HT"},
            {"id": "e", "votes": _votes(2, 6, 4, 3), "disciplined": True},
            {
                "id": "f",
                "votes": _votes(11, 5),
                "disciplined": True,
                "discipline_self_remedied": True,
            },
            {"id": "g", "votes": _votes(1, 10, 5), "kht_years_before": 2},
            {"id": "h", "votes": _votes(12, 4), "civil_servant_rating": "pending"},
            {"id": "i", "not_rated": "admitted_under_6_months"},
            {"id": "j", "not_rated": "vắng mặt dài ngày"},
            {"id": "k", "votes": _votes(1, 2, 3, 1), "sick_leave_months": 6},
        ],
    },
    {
        "profile": "qd132-hd21",
        "options": {"base": "valid_for_person", "cumulative": False, "thresholds": {"XS": "2/3"}},
        "roll": ROLL,
        "subjects": [
            {"id": "a", "votes": _votes(12, 3, 1, 0), "civil_servant_rating": "KHT"},
            {"id": "b", "votes": _votes(11, 5)},
            {"id": "c", "votes": _votes(11, 5)},
            {"id": "d", "votes": _votes(2, 12, 2), "group": "Lãnh đạo"},
            {"id": "e", "not_rated": "exempted"},
            {"id": "f", "not_rated": "suspended"},
        ],
    },
    {
        "options": {
            "base": "present",
            "good_includes_excellent": False,
            "quorum": "more_than_half",
        },
        "roll": {"official": 20, "excluded": 0, "present": 18},
        "subjects": [
            *({"id": f"x{i}", "votes": _votes(16 - i, 2)} for i in range(3)),
            *({"id": f"t{i}", "votes": _votes(2, 15)} for i in range(9)),
        ],
    },
    {
        "roll": {"official": 20, "excluded": 0, "present": 10},
        "subjects": [{"id": "a", "votes": _votes(9, 1)}, {"id": "b", "not_rated": "exempted"}],
    },
    {
        "roll": {"official": 20, "excluded": 0, "present": 18, "ballots": 18},
        "runoff": {"groups": [{"group": "default", "good": 15, "max_excellent": 3, "kept": ["a"]}]},
        "subjects": [
            {"id": "b", "votes": {"XS": 12}},
            {"id": "c", "votes": {"XS": 7}},
            {"id": "d", "votes": {"XS": 7}},
            {"id": "e", "votes": {"XS": 2}},
        ],
    },
    {
        "roll": {"official": 20, "excluded": 0, "present": 18, "ballots": 16},
        "runoff": {"groups": [{"group": "Lãnh đạo", "good": 10, "max_excellent": 2, "kept": []}]},
        "subjects": [
            {"id": "b", "group": "Lãnh đạo", "votes": {"XS": 12}},
            {"id": "c", "group": "Lãnh đạo", "votes": {"XS": 9}},
            {"id": "d", "group": "Lãnh đạo", "votes": {"XS": 3}},
        ],
    },
]


def _yes_no(yes: int, no: int) -> dict[str, int]:
    return {"YES": yes, "NO": no}


def _trust(high: int, trust: int, low: int) -> dict[str, int]:
    return {"CAO": high, "TN": trust, "THAP": low}


KIND_REQUESTS: list[dict[str, Any]] = [
    {
        "kind": "confidence",
        "convened": 24,
        "present": 16,
        "ballots": 16,
        "subjects": [
            {"id": "half", "votes": _trust(4, 4, 8)},
            {"id": "over", "votes": _trust(3, 4, 9)},
            {"id": "two_thirds", "votes": _trust(2, 2, 11)},
        ],
    },
    {
        "kind": "confidence",
        "options": {"base": "convened"},
        "convened": 21,
        "present": 20,
        "ballots": 19,
        "subjects": [{"id": "a", "votes": _trust(10, 6, 2)}],
    },
    {
        "kind": "confidence",
        "convened": 24,
        "present": 15,
        "subjects": [{"id": "a", "votes": _trust(10, 3, 2)}],
    },
    {
        "kind": "approval",
        "roll": {"official": 22, "excluded": 2, "present": 18, "ballots": 17},
        "subjects": [
            {"id": "half", "votes": _yes_no(10, 6)},
            {"id": "yes", "votes": _yes_no(11, 5)},
        ],
    },
    {
        "kind": "approval",
        "options": {"base": "present", "quorum": "more_than_half"},
        "roll": {"official": 20, "excluded": 0, "present": 12},
        "subjects": [{"id": "a", "votes": _yes_no(7, 5)}],
    },
    {
        "kind": "approval",
        "roll": {"official": 20, "excluded": 0, "present": 10},
        "subjects": [{"id": "a", "votes": _yes_no(9, 1)}],
    },
    {
        "kind": "self_rating",
        "options": {"base": "valid_for_person"},
        "roll": {"official": 20, "excluded": 0, "present": 18, "ballots": 18},
        "score": _yes_no(12, 4),
        "level": _votes(2, 13, 1),
    },
]


def _subjects(output: dict[str, Any]) -> list[dict[str, Any]]:
    """The subjects of any answer: a rating's, a kind's, or a self-rating's two questions."""
    if "subjects" in output:
        return output["subjects"]
    return [output["score"], output["level"]]


NAMES = {"collectives": {"phong-a": "Phòng Kế hoạch — Tài chính"}, "groups": {}}


def rule_step_vectors(provenance: dict[str, str]) -> dict[str, Any]:
    """Every distinct step of the requests above, rendered in both languages."""
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for request in REQUESTS + KIND_REQUESTS:
        for subject in _subjects(decide_json(request)):
            for raw in subject["steps"]:
                key = repr(sorted(raw.items(), key=str)) + repr(sorted(raw["values"].items()))
                if key in seen:
                    continue
                seen.add(key)
                step = step_from_json(raw)
                names = NAMES if step.rule == "cap.head" else None
                cases.append(
                    {
                        "step": raw,
                        "names": names,
                        "vi": render_step(step, "vi", names),
                        "en": render_step(step, "en", names),
                    }
                )
    option_cases = []
    for overrides in OPTION_SETS:
        options = parse_options(overrides, RuleOptions()).as_json()
        option_cases.append(
            {
                "options": options,
                "vi": option_words(options, "vi"),
                "en": option_words(options, "en"),
            }
        )
    outcomes = []
    for request in KIND_REQUESTS:
        for subject in _subjects(decide_json(request)):
            shown = {k: subject[k] for k in ("flag", "status", "level") if k in subject}
            outcomes.append(
                {
                    "kind": request["kind"],
                    "subject": shown,
                    "vi": outcome_words(request["kind"], shown, "vi"),
                    "en": outcome_words(request["kind"], shown, "en"),
                }
            )
    return {
        "provenance": provenance,
        "cases": cases,
        "options": option_cases,
        "outcomes": outcomes,
    }


OPTION_SETS: list[dict[str, Any]] = [
    {},
    {
        "base": "present",
        "quorum": "more_than_half",
        "cumulative": False,
        "thresholds": {"XS": "2/3"},
        "good_includes_excellent": False,
        "blank_allowed": False,
    },
    {"base": "valid_for_person", "thresholds": {"XS": "2/3", "TOT": "2/3"}},
]
