"""The cell's self-rating (tự đánh giá, xếp loại chi bộ): docs/RULES.md §6.2.

The members vote in secret on two things: whether they approve the total of the cell's score
sheet (``YES``/``NO``), and the cell's level on the four levels. Both use the members' rating
rules over the same base and quorum: the score with the approval rule (``tally.rules.approval``:
strictly more than half of the base), the level with the rating contract (the cell is one
subject marked ``"collective": true``: the majority rule of the profile and options, no quota).

Request and answer (``phieukin rules decide``)::

    {"kind": "self_rating", "profile": str?, "options": {…the rating's options…}?,
     "roll": {"official": int, "excluded": int, "present": int, "ballots": int?},
     "score": {"YES": int, "NO": int}, "level": {"XS": int, "TOT": int, "HT": int, "KHT": int}}
    → {"kind": "self_rating", "valid": bool, "base": int, "quorum_required": int,
       "score": {"id": "score", "status": "approved"|"rejected", "trace", "steps"},
       "level": {"id": "level", "status", "vote_level", "level", "quota": null, "trace", "steps"}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tally.rules.approval import approval_steps, parse_answers, subject_json
from tally.rules.engine import decide
from tally.rules.inputs import json_object, parse_request, parse_roll, parse_votes, require_field
from tally.rules.majority import meeting_base, quorum_met, quorum_required

FIELDS = {"kind", "profile", "options", "roll", "score", "level"}


def level_request(data: Mapping[str, Any]) -> dict[str, Any]:
    """The rating request that decides the cell's level: one collective subject."""
    request: dict[str, Any] = {
        "roll": data["roll"],
        "subjects": [{"id": "level", "votes": data["level"], "collective": True}],
    }
    for key in ("profile", "options"):
        if key in data:
            request[key] = data[key]
    return request


def decide_self_rating_json(data: Mapping[str, object] | object) -> dict[str, object]:
    """Decide a self-rating request (the JSON answer of ``phieukin rules decide``)."""
    request = json_object(data, "input", FIELDS)
    answered = parse_roll(require_field(request, "roll", "roll")).answered
    yes, no = parse_answers(require_field(request, "score", "score"), "score", answered)
    parse_votes(require_field(request, "level", "level"), "level", answered)
    rating = parse_request(level_request(request))
    roll, options = rating.roll, rating.options
    status, steps = approval_steps(roll, options.base, options.quorum, yes, no)
    level = decide(rating).as_json()["subjects"][0]
    return {
        "kind": "self_rating",
        "valid": quorum_met(roll, options.quorum),
        "base": meeting_base(roll, options.base),
        "quorum_required": quorum_required(roll, options.quorum),
        "score": subject_json("score", status, steps),
        "level": level,
    }
