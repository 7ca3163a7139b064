"""One proposal per member across rounds: the rating round, then the runoffs at its boundary.

A meeting's rule decisions come round by round: a rating round (four levels per member), then,
where it left a tie at a group's quota boundary, runoff rounds among the tied members only.
``consolidate`` folds them into the cell's proposal — one entry per member with every step of
its working, and per group the quota with who keeps XS, who is over and who is still tied —
which the minute, the projector, the results page and the committee page all show.
``runoff_input`` builds the rule request of the next runoff from the same fold, so the runoff
is always decided against the places the earlier rounds left.

Both are pure functions of the logged decisions (``{"round", "input", "output"}`` per round);
the verifier runs them again. Rounds of other kinds (a confidence vote, yes/no decisions, the
cell's self-rating) are left out: they propose no member's level.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

SUBJECT_FIELDS = ("id", "status", "vote_level", "level", "quota", "steps")


def is_runoff(decisions: Mapping[str, Any]) -> bool:
    """Whether a round's logged decisions are those of a runoff."""
    return isinstance(decisions.get("input"), Mapping) and "runoff" in decisions["input"]


def decisions_kind(decisions: Mapping[str, Any]) -> str:
    """The kind of round a round's logged decisions decide: ``rating``, ``runoff``, or the
    ``"kind"`` its request names (``confidence``, ``approval``, ``self_rating``)."""
    request = decisions.get("input")
    if not isinstance(request, Mapping):
        return "rating"
    if "runoff" in request:
        return "runoff"
    return str(request.get("kind", "rating"))


def is_rating(decisions: Mapping[str, Any]) -> bool:
    """Whether a round's decisions rate the members (a rating round, not a runoff)."""
    return decisions_kind(decisions) == "rating"


def member_rounds(rounds: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rounds that make the cell's proposal of members' levels: ratings and runoffs (a
    confidence vote, a yes/no decision or the cell's self-rating is not part of it)."""
    return [entry for entry in rounds if decisions_kind(entry) in ("rating", "runoff")]


def consolidate(rounds: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The cell's proposal after every round in ``rounds`` (in order).

    Returns ``{"rating_round", "rounds", "subjects": [{"id", "status", "vote_level",
    "level", "quota", "rounds", "steps"}], "quota": [{"group", "good", "max_excellent",
    "kept", "over", "tied"}]}``; the latest rating round counts, with the runoffs after it.
    """
    rounds = member_rounds(rounds)
    ratings = [i for i, entry in enumerate(rounds) if is_rating(entry)]
    if not ratings:
        return {"rating_round": None, "rounds": [], "subjects": [], "quota": []}
    first = ratings[-1]
    rating = rounds[first]
    subjects: dict[str, dict[str, Any]] = {}
    for subject in rating["output"]["subjects"]:
        entry = {name: copy.deepcopy(subject[name]) for name in SUBJECT_FIELDS}
        entry["rounds"] = [rating["round"]]
        subjects[subject["id"]] = entry
    groups = {
        group["group"]: {
            name: copy.deepcopy(group[name])
            for name in ("group", "good", "max_excellent", "kept", "over", "tied")
        }
        for group in rating["output"]["quota"]
    }
    used = [rating["round"]]
    for later in rounds[first + 1 :]:
        used.append(later["round"])
        for subject in later["output"]["subjects"]:
            entry = subjects.get(subject["id"])
            if entry is None:
                continue
            for name in ("status", "vote_level", "level", "quota"):
                entry[name] = subject[name]
            entry["steps"] = entry["steps"] + copy.deepcopy(subject["steps"])
            entry["rounds"].append(later["round"])
        for result in later["output"]["quota"]:
            group = groups.get(result["group"])
            if group is None:
                continue
            group["kept"] = list(result.get("kept_before", [])) + list(result["kept"])
            group["over"] = list(group["over"]) + list(result["over"])
            group["tied"] = list(result["tied"])
    return {
        "rating_round": rating["round"],
        "rounds": used,
        "subjects": list(subjects.values()),
        "quota": list(groups.values()),
    }


def tied_groups(proposal: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The groups of a consolidated proposal that still have a tie at their boundary."""
    return [group for group in proposal["quota"] if group["tied"]]


def runoff_input(
    proposal: Mapping[str, Any],
    rating_input: Mapping[str, Any],
    roll: Mapping[str, int],
    chosen: Mapping[str, int],
) -> dict[str, Any]:
    """The rule request of a runoff: each tied group's earlier result and how many ballots
    chose each tied member (``chosen``, by subject id), with the rating round's profile and
    options and this round's ``roll``."""
    groups = tied_groups(proposal)
    request: dict[str, Any] = {
        "profile": rating_input.get("profile"),
        "roll": dict(roll),
        "runoff": {
            "groups": [
                {
                    "group": group["group"],
                    "good": group["good"],
                    "max_excellent": group["max_excellent"],
                    "kept": list(group["kept"]),
                }
                for group in groups
            ]
        },
        "subjects": [
            {"id": member, "group": group["group"], "votes": {"XS": chosen[member]}}
            for group in groups
            for member in group["tied"]
        ],
    }
    if "options" in rating_input:
        request["options"] = copy.deepcopy(rating_input["options"])
    if request["profile"] is None:
        del request["profile"]
    return request
