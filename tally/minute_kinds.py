"""The minute's section of a round of another kind: a confidence vote, yes/no decisions, or the
cell's self-rating (with its score sheet, item by item).

Pure functions of the round's facts and its logged rule decisions, like ``tally.minute_sections``
for the rating: counts, shares with a decimal comma computed with integers, the outcome, and the
rule steps (never sentences). Every section lists its ``subjects`` — the people voted on, the
decisions asked, or the self-rating's two questions (``score`` and ``level``) — each with a
``name``, its ``votes`` and ``steps``, so a committee phone can show any round the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tally.round_kinds import APPROVAL_OPTIONS, CONFIDENCE_OPTIONS
from tally.rules.arithmetic import percent_text
from tally.rules.levels import LEVELS
from tally.rules.self_rating import level_request

KIND_TITLES = {
    "confidence": "lấy phiếu tín nhiệm",
    "approval": "biểu quyết bằng phiếu kín",
    "self_rating": "chi bộ tự đánh giá, xếp loại",
}
"""How the minute names a round of each kind (``Vòng 2 (lấy phiếu tín nhiệm)``)."""


def _percent(count: int, base: int) -> str:
    return percent_text(count, base).rstrip("%")


def _shares(votes: Mapping[str, int], blank: int, base: int) -> dict[str, str]:
    return {**{key: _percent(n, base) for key, n in votes.items()}, "blank": _percent(blank, base)}


def _step(steps: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next((s["values"] for s in steps if s["code"] == code), {})


def _confidence(data: Mapping[str, Any], decisions: Mapping[str, Any]) -> dict[str, Any]:
    request, output = decisions["input"], decisions["output"]
    titles = {q["id"]: q["title"] for q in data["questions"]}
    decided = {s["id"]: s for s in output["subjects"]}
    cast = request.get("ballots", request["present"])
    subjects = []
    for entry in request["subjects"]:
        votes = {level: entry["votes"][level] for level in CONFIDENCE_OPTIONS}
        blank = cast - sum(votes.values())
        logged = decided[entry["id"]]
        subjects.append(
            {
                "id": entry["id"],
                "name": titles[entry["id"]],
                "votes": votes,
                "blank": blank,
                "percent": _shares(votes, blank, output["base"]),
                "flag": logged["flag"],
                "steps": logged["steps"],
            }
        )
    return {
        "base_option": (request.get("options") or {}).get("base", "ballots"),
        "convened": request["convened"],
        "voters": request["present"],
        "not_cast": request["present"] - cast,
        "subjects": subjects,
        "flagged": [
            {"id": s["id"], "name": s["name"], "flag": s["flag"]} for s in subjects if s["flag"]
        ],
    }


def _answered(
    question_id: str, title: str, votes: Mapping[str, int], answered: int, logged: Mapping
) -> dict[str, Any]:
    """A yes/no question of the minute: votes, blank answers, the base and the outcome."""
    blank = answered - sum(votes.values())
    base = _step(logged["steps"], "approval_votes").get("base", 0)
    return {
        "id": question_id,
        "name": title,
        "votes": dict(votes),
        "blank": blank,
        "base": base,
        "percent": _shares(votes, blank, base),
        "status": logged["status"],
        "steps": logged["steps"],
    }


def _approval(data: Mapping[str, Any], decisions: Mapping[str, Any]) -> dict[str, Any]:
    request, output = decisions["input"], decisions["output"]
    titles = {q["id"]: q["title"] for q in data["questions"]}
    decided = {s["id"]: s for s in output["subjects"]}
    roll = request["roll"]
    answered = roll.get("ballots", roll["present"])
    subjects = [
        _answered(
            e["id"],
            titles[e["id"]],
            {k: e["votes"][k] for k in APPROVAL_OPTIONS},
            answered,
            decided[e["id"]],
        )
        for e in request["subjects"]
    ]
    return {
        "base_option": (request.get("options") or {}).get("base", "roll"),
        "voters": roll["present"],
        "not_cast": roll["present"] - answered,
        "subjects": subjects,
    }


def _self_rating(data: Mapping[str, Any], decisions: Mapping[str, Any]) -> dict[str, Any]:
    from tally.rules.inputs import parse_request
    from tally.rules.majority import blank_answers, subject_base

    request, output = decisions["input"], decisions["output"]
    titles = {q["id"]: q["title"] for q in data["questions"]}
    roll = request["roll"]
    answered = roll.get("ballots", roll["present"])
    score = _answered("score", titles["score"], request["score"], answered, output["score"])
    rating = parse_request(level_request(request))
    cell = rating.subjects[0]
    base, _ = subject_base(rating.roll, cell.votes, rating.options.base)
    votes = {level.value: cell.votes[level] for level in LEVELS}
    cumulative = {level.value: cell.votes.cumulative(level) for level in LEVELS}
    blank = blank_answers(rating.roll, cell.votes)
    logged = output["level"]
    level = {
        "id": "level",
        "name": titles["level"],
        "votes": votes,
        "cumulative": cumulative,
        "blank": blank,
        "base": base,
        "percent": _shares(votes, blank, base),
        "cumulative_percent": {key: _percent(n, base) for key, n in cumulative.items()},
        "vote_level": logged["vote_level"],
        "level": logged["level"],
        "status": logged["status"],
        "steps": logged["steps"],
    }
    return {
        "base_option": rating.options.base.value,
        "voters": roll["present"],
        "not_cast": roll["present"] - answered,
        "score_sheet": data["score_sheet"],
        "subjects": [score, level],
    }


def kind_section(
    head: dict[str, Any], data: Mapping[str, Any], decisions: Mapping[str, Any]
) -> dict[str, Any]:
    """The section of a counted round of another kind: ``head`` (the round, its kind,
    fingerprint and tokens, as every round's section starts) and what the kind adds."""
    output = decisions["output"]
    kind = head["kind"]
    section = {
        **head,
        "valid": output["valid"],
        "base": output["base"],
        "quorum_required": output["quorum_required"],
    }
    if kind == "confidence":
        return {**section, **_confidence(data, decisions)}
    if kind == "approval":
        return {**section, **_approval(data, decisions)}
    return {**section, **_self_rating(data, decisions)}
