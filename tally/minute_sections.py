"""The sections of the minute object built from the record's facts: the roll with every roster
member accounted for, each counted round (rating or runoff), and the cell's consolidated
proposal. Pure functions of the facts (``tally.minute`` documents their shape).

Counts and percentages are exact: percentages are strings with one decimal and a decimal comma
(``"63,3"``), computed with integers — canonical JSON has no floats. The rule decisions are
carried as steps (never sentences): the PDF, the committee page and the verifier all work
from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tally.minute_kinds import kind_section
from tally.roster import EXCLUSION_TEXT, NOT_RATED_TEXT, Exclusion, NotRated
from tally.rules.arithmetic import percent_text
from tally.rules.consolidate import consolidate, decisions_kind
from tally.rules.inputs import parse_request
from tally.rules.levels import LEVELS
from tally.rules.majority import blank_answers, subject_base

ATTENDANCE_TEXT = {
    "present": "có mặt",
    "absent_excused": "vắng mặt có lý do được chấp nhận",
    "absent": "vắng mặt không có lý do",
    "unknown": "không có mặt khi điểm danh (tính như vắng không lý do)",
}


NOT_ON_BALLOT = "không đưa vào phiếu đánh giá lần này (theo quyết định của hội nghị)"
"""The reason printed for a member rated under the rules but left off the ballot by the chair,
when the chair gives none."""


class MinuteFactsError(ValueError):
    """The facts do not make a minute (a round without decisions, an unknown member, …)."""


def percent(count: int, base: int) -> str:
    """``count`` of ``base`` in percent, one decimal, decimal comma, no sign: ``"63,3"``."""
    return percent_text(count, base).rstrip("%")


def roll_section(
    facts: Mapping[str, Any], names: Mapping[int, str], official: set[int]
) -> dict[str, Any]:
    """The roll: the numbers, each exclusion, absence and not-rated case, and every roster
    member with what happened to them (rated, not rated and why, not on this ballot and why)."""
    roll = facts["roll"]
    present = list(roll["present"])
    on_ballot = set(facts.get("rated", roll["rated"]))
    left_off = {int(k): v for k, v in (facts.get("rated_reasons") or {}).items()}
    excluded = {e["id"]: e["reason"] for e in roll["excluded"]}
    not_rated = {n["id"]: n["reason"] for n in roll["not_rated"]}
    attendance = {a["id"]: a["attendance"] for a in roll["absent"]}
    roster = []
    for member in facts["members"]:
        member_id = int(member["id"])
        mark = attendance.get(member_id, "present" if member_id in present else "unknown")
        if member_id in on_ballot:
            rating, reason = "rated", None
        elif member_id in not_rated:
            rating, reason = "not_rated", NOT_RATED_TEXT[NotRated(not_rated[member_id])]
        else:
            rating = "not_on_ballot"
            reason = left_off.get(member_id) or "không có tên trên phiếu đánh giá lần này"
        exclusion = excluded.get(member_id)
        roster.append(
            {
                "name": names[member_id],
                "membership": "official" if member_id in official else "probationary",
                "attendance": mark,
                "attendance_text": ATTENDANCE_TEXT.get(mark, mark),
                "excluded": None if exclusion is None else EXCLUSION_TEXT[Exclusion(exclusion)],
                "votes": member_id in roll["voters"],
                "rating": rating,
                "reason": reason,
            }
        )
    return {
        "members": roll["official"] + roll["probationary"],
        "official": roll["official"],
        "probationary": roll["probationary"],
        "excluded": [
            {
                "name": names[e["id"]],
                "reason": e["reason"],
                "text": EXCLUSION_TEXT[Exclusion(e["reason"])],
            }
            for e in roll["excluded"]
        ],
        "base": roll["base"],
        "base_option": roll["base_option"],
        "present": len(present),
        "present_official": sum(1 for i in present if i in official),
        "present_probationary": sum(1 for i in present if i not in official),
        "voters": len(roll["voters"]),
        "absent": [
            {
                "name": names[a["id"]],
                "membership": "official" if a["id"] in official else "probationary",
                "attendance": a["attendance"],
                "text": ATTENDANCE_TEXT.get(a["attendance"], a["attendance"]),
            }
            for a in roll["absent"]
        ],
        "rated": len(on_ballot),
        "not_rated": [
            {
                "name": names[n["id"]],
                "reason": n["reason"],
                "text": NOT_RATED_TEXT[NotRated(n["reason"])],
            }
            for n in roll["not_rated"]
        ],
        "not_on_ballot": [
            {"name": entry["name"], "text": entry["reason"]}
            for entry in roster
            if entry["rating"] == "not_on_ballot"
        ],
        "quorum": roll["quorum"],
        "quorum_required": roll["quorum_required"],
        "quorum_met": roll["quorum_met"],
        "roster": roster,
    }


def _tokens(data: Mapping[str, Any]) -> dict[str, int]:
    tokens = data["tokens"]
    return {
        "tokens_issued": tokens["issued"] + tokens["spent"] + tokens["cancelled"],
        "cancelled_tokens": tokens["cancelled"],
        "ballots": data["ballots"],
        "unused_tokens": tokens["issued"],
    }


def _named(ids: list[str], names: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"id": i, "name": names[i]} for i in ids]


def _quota(groups: list[Mapping[str, Any]], names: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for group in groups:
        entry: dict[str, Any] = {
            "group": group["group"],
            "good": group["good"],
            "max_excellent": group["max_excellent"],
            **{key: _named(list(group[key]), names) for key in ("kept", "over", "tied")},
        }
        if "places" in group:
            entry["places"] = group["places"]
            entry["kept_before"] = _named(list(group["kept_before"]), names)
        out.append(entry)
    return out


def _rating_subjects(decisions: Mapping[str, Any], names: Mapping[str, str]) -> list[dict]:
    request = parse_request(decisions["input"])
    decided = {s["id"]: s for s in decisions["output"]["subjects"]}
    subjects = []
    for subject in request.subjects:
        logged = decided[subject.id]
        base, _ = subject_base(request.roll, subject.votes, request.options.base)
        votes = {level.value: subject.votes[level] for level in LEVELS}
        cumulative = {level.value: subject.votes.cumulative(level) for level in LEVELS}
        blank = blank_answers(request.roll, subject.votes)
        subjects.append(
            {
                "id": subject.id,
                "name": names[subject.id],
                "votes": votes,
                "cumulative": cumulative,
                "blank": blank,
                "base": base,
                "percent_of_base": {
                    **{level: percent(count, base) for level, count in votes.items()},
                    "blank": percent(blank, base),
                },
                "cumulative_percent": {
                    level: percent(count, base) for level, count in cumulative.items()
                },
                "vote_level": logged["vote_level"],
                "level": logged["level"],
                "status": logged["status"],
                "quota": logged["quota"],
                "steps": logged["steps"],
            }
        )
    return subjects


def _runoff_questions(
    data: Mapping[str, Any], decisions: Mapping[str, Any], names: Mapping[str, str]
) -> list[dict]:
    decided = {s["id"]: s for s in decisions["output"]["subjects"]}
    chosen = {s["id"]: s["votes"]["XS"] for s in decisions["input"]["subjects"]}
    group_of = {s["id"]: s.get("group", "default") for s in decisions["input"]["subjects"]}
    results = {g["group"]: g for g in decisions["output"]["quota"]}
    ballots = decisions["input"]["roll"].get("ballots") or data["ballots"]
    questions = []
    for question in data["questions"]:
        group = results[group_of[question["options"][0]]]
        questions.append(
            {
                "id": question["id"],
                "title": question["title"],
                "group": group["group"],
                "places": group["places"],
                "candidates": [
                    {
                        "id": option,
                        "name": names[option],
                        "votes": chosen[option],
                        "percent_of_ballots": percent(chosen[option], ballots),
                        "level": decided[option]["level"],
                        "quota": decided[option]["quota"],
                        "steps": decided[option]["steps"],
                    }
                    for option in question["options"]
                ],
            }
        )
    return questions


def round_section(data: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """One counted round: tokens and ballots, validity and base, per member (rating) or per
    question (runoff) the counts and the decisions with their steps, the quota, the unresolved;
    a round of another kind has its own section (``tally.minute_kinds``)."""
    number = data["round"]
    decisions = data.get("decisions")
    if not decisions:
        raise MinuteFactsError(f"round {number} has no rule decisions")
    kind = decisions_kind(decisions)
    head = {"round": number, "kind": kind, "fingerprint": data["fingerprint"], **_tokens(data)}
    if kind not in ("rating", "runoff"):
        return kind_section(head, data, decisions)
    output, roll = decisions["output"], decisions["input"]["roll"]
    section: dict[str, Any] = {
        **head,
        "valid": output["valid"],
        "base": output["base"],
        "base_option": parse_request(decisions["input"]).options.base.value,
        "quorum_required": output["quorum_required"],
        "voters": roll["present"],
        "not_cast": roll["present"] - data["ballots"],
        "quota": _quota(output["quota"], names),
    }
    if section["kind"] == "runoff":
        section["questions"] = _runoff_questions(data, decisions, names)
        return section
    section["subjects"] = _rating_subjects(decisions, names)
    section["unresolved"] = [
        {"id": s["id"], "name": s["name"]}
        for s in section["subjects"]
        if s["status"] == "unresolved"
    ]
    return section


def proposal_section(
    rounds: list[Mapping[str, Any]], names: Mapping[str, str]
) -> dict[str, Any]:
    """One proposal per member across the rounds, with every step, and the totals."""
    folded = consolidate(
        [{"round": r["round"], **r["decisions"]} for r in rounds if r.get("decisions")]
    )
    subjects = [
        {
            "id": s["id"],
            "name": names[s["id"]],
            "vote_level": s["vote_level"],
            "level": s["level"],
            "status": s["status"],
            "quota": s["quota"],
            "rounds": s["rounds"],
            "steps": s["steps"],
        }
        for s in folded["subjects"]
    ]
    summary = {level.value: 0 for level in LEVELS}
    summary |= {"tied": 0, "unresolved": 0, "pending": 0, "not_rated": 0}
    for subject in subjects:
        if subject["quota"] == "tie":
            summary["tied"] += 1
        elif subject["status"] == "decided":
            summary[subject["level"]] += 1
        else:
            summary[subject["status"]] += 1
    return {
        "rounds": folded["rounds"],
        "subjects": subjects,
        "quota": _quota(folded["quota"], names),
        "summary": summary,
    }
