"""A cell's proposal as the committee above reads it: out of the cell's signed minute.

The minute's "Đề xuất của chi bộ" (``proposal``) is the cell's one proposal per member across
its rating round and the runoffs after it (``tally.rules.consolidate``); the verifier has
already rebuilt that minute from the log and checked the committee's co-signatures, so the
report takes the cell's word exactly as the cell signed it. Per member it keeps what the
organisation's quota needs — the proposed level and status, the cell's own quota flag, the
group of equivalent positions (from the rating round's logged rule input, the one place a group
is recorded for every member), the votes per level and the base the cell's rules used for that
member — and the cell's working as steps. Members not rated, and those left off the ballot, are
kept with their reason. Rounds of other kinds are read by ``tally.report.kinds``.

``collect_cell`` returns plain JSON (it crosses a process boundary and is written into the
report as it is); ``tally.errors.CellError`` says what a minute lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tally.errors import CellError, TallyError
from tally.report.kinds import collect_other_rounds
from tally.rules.inputs import DEFAULT_GROUP
from tally.rules.levels import LEVELS
from tally.rules.profiles import get_profile
from tally.rules.wording import NOT_RATED_WORDS

NOT_ON_BALLOT = "not_on_ballot"
"""The reason code of a member the meeting left off the ballot (the minute gives the text)."""


def _profile(minute: Mapping[str, Any]) -> dict[str, Any]:
    """The profile's label, the reading of "good" the cell counted with, and the quota rule."""
    data = minute.get("profile") or {}
    label = data.get("label") or f"{data.get('name')} v{data.get('version')}"
    try:
        profile = get_profile(label)
    except TallyError as error:
        raise CellError(str(error), field="minute.profile") from None
    options = data.get("options") or profile.options.as_json()
    quota = profile.quota
    return {
        "profile": profile.label,
        "reading": "inclusive" if options.get("good_includes_excellent", True) else "exclusive",
        "quota_rule": {
            "share": f"{quota.share.numerator}/{quota.share.denominator}",
            "small_group_below": quota.small_group_below,
            "small_group_max": quota.small_group_max,
        },
    }


def _groups(rule_input: Mapping[str, Any] | None) -> dict[str, str]:
    """Subject id → group label, from a rating round's logged rule input."""
    subjects = (rule_input or {}).get("subjects") or []
    return {
        str(s["id"]): str(s.get("group", DEFAULT_GROUP))
        for s in subjects
        if isinstance(s, Mapping) and "id" in s
    }


def _not_rated(roll: Mapping[str, Any]) -> list[dict[str, str]]:
    listed = [
        {"name": str(n["name"]), "reason": str(n["reason"]), "text": str(n["text"])}
        for n in roll.get("not_rated", [])
    ]
    listed += [
        {"name": str(n["name"]), "reason": NOT_ON_BALLOT, "text": str(n["text"])}
        for n in roll.get("not_on_ballot", [])
    ]
    return listed


def _not_rated_subject(subject: Mapping[str, Any]) -> dict[str, str]:
    """A subject the rules did not rate (``not_rated`` status), with the reason its step gives."""
    step = next((s for s in subject["steps"] if s["code"] == "not_rated"), {"values": {}})
    reason = str(step["values"].get("reason") or "other")
    return {
        "name": str(subject["name"]),
        "reason": reason,
        "text": NOT_RATED_WORDS["vi"].get(reason, reason),
    }


def collect_cell(
    minute: Mapping[str, Any], rule_inputs: Mapping[int, Mapping[str, Any]]
) -> dict[str, Any]:
    """The cell's proposal from its signed ``minute`` and the logged rule input of each round
    (``rule_inputs`` by round number).

    Returns ``{"cell", "organisation", "date", "locality", "profile", "reading", "quota_rule",
    "rating_round", "rounds", "members": [{"id", "name", "group", "proposed", "status",
    "cell_quota", "votes", "blank", "base", "rounds", "steps"}], "not_rated": [{"name",
    "reason", "text"}], "other_rounds": [...]}``; a meeting that rated nobody (only rounds of
    other kinds) has no members and ``rating_round`` null.
    """
    try:
        meeting = minute["meeting"]
        proposal = minute["proposal"]
        sections = {section["round"]: section for section in minute["rounds"]}
        rounds = list(proposal["rounds"])
        rating_round = rounds[0] if rounds else None
        rated = {}
        if rating_round is not None:
            rated = {s["id"]: s for s in sections[rating_round]["subjects"]}
        groups = _groups(rule_inputs.get(rating_round)) if rating_round is not None else {}
        members = []
        not_rated = _not_rated(minute["roll"])
        for subject in proposal["subjects"]:
            if subject["status"] == "not_rated":  # on the ballot's input, but not rated
                not_rated.append(_not_rated_subject(subject))
                continue
            facts = rated[subject["id"]]
            members.append(
                {
                    "id": str(subject["id"]),
                    "name": str(subject["name"]),
                    "group": groups.get(str(subject["id"]), DEFAULT_GROUP),
                    "proposed": subject["level"],
                    "status": subject["status"],
                    "cell_quota": subject["quota"],
                    "votes": {level.value: int(facts["votes"][level.value]) for level in LEVELS},
                    "blank": int(facts["blank"]),
                    "base": int(facts["base"]),
                    "rounds": list(subject["rounds"]),
                    "steps": list(subject["steps"]),
                }
            )
        cell = {
            "cell": str(meeting["cell"]),
            "organisation": str(meeting.get("committee_above", "")),
            "date": str(meeting.get("date", "")),
            "locality": str(meeting.get("locality", "")),
            **_profile(minute),
            "rating_round": rating_round,
            "rounds": rounds,
            "members": members,
            "not_rated": not_rated,
            "other_rounds": collect_other_rounds(minute["rounds"]),
        }
    except CellError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise CellError(f"the minute lacks {error!r}", field="minute") from None
    return cell
