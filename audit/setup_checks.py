"""The chair's setup as the log records it: the meeting, the roster, attendance and the roll, who
is rated, the committee, the collectives (docs/RECORD.md, "Events" and "The roll").

The log holds only what the minute shows of a member (name, official or probationary, reasons of
exclusion and of not being rated, attendance), so the reasons themselves cannot be re-derived;
every count can, and is:

- ``setup.roster``: a roster's official and probationary counts are its members';
- ``setup.order``: the meeting and the roster are fixed before the first round starts;
- ``roll.counts``: every roll summary (``attendance``, ``round-roll``) against the roster and the
  attendance marked until then — ``official``, ``probationary``, ``present`` (every member marked
  present), ``voters`` (official, present, not excluded), ``base`` = official − excluded,
  ``quorum_required`` and ``quorum_met``; excluded and not-rated members are on the roster, an
  excluded member is official, and a member absent with an accepted reason is excluded;
- ``setup.rated`` and ``setup.committee``: the members named are on the roster (the committee:
  official members).
"""

from __future__ import annotations

from typing import Any

from audit import schema as s
from audit.findings import Report
from tally.minute import MEETING_FORM_FIELDS
from tally.roster import Attendance, Exclusion, NotRated
from tally.rules.inputs import Roll as RuleRoll
from tally.rules.levels import LEVELS
from tally.rules.majority import quorum_met, quorum_required
from tally.rules.options import BaseOption, QuorumOption

MARKS = tuple(a.value for a in Attendance if a is not Attendance.UNKNOWN)
ROLL_SUMMARY = s.shape(
    {
        "official": s.count,
        "probationary": s.count,
        "excluded": s.list_of(
            s.shape({"id": s.positive, "reason": s.one_of(*(e.value for e in Exclusion))})
        ),
        "base": s.integer,
        "base_option": s.one_of(*(b.value for b in BaseOption)),
        "quorum": s.one_of(*(q.value for q in QuorumOption)),
        "quorum_required": s.count,
        "quorum_met": s.boolean,
        "present": s.count,
        "voters": s.count,
        "not_rated": s.list_of(
            s.shape({"id": s.positive, "reason": s.one_of(*(n.value for n in NotRated))})
        ),
    },
    {"rated_reasons": s.map_of(s.decimal_key, s.text)},
)
MEETING = s.shape({name: s.text for name in ("id", *MEETING_FORM_FIELDS, "profile")})
BODIES: dict[str, s.Rule] = {
    "log-opened": s.shape({"server_key": s.hex_bytes(32), "schema": s.positive}),
    "meeting-set": s.shape({"meeting": MEETING}),
    "roster-imported": s.shape(
        {
            "members": s.list_of(
                s.shape(
                    {
                        "id": s.positive,
                        "name": s.text,
                        "membership": s.one_of("official", "probationary"),
                    }
                )
            ),
            "official": s.count,
            "probationary": s.count,
        }
    ),
    "attendance": s.shape(
        {"attendance": s.map_of(s.decimal_key, s.one_of(*MARKS)), "roll": ROLL_SUMMARY}
    ),
    "rated-set": s.shape(
        {
            "rated": s.list_of(s.positive, unique=True),
            "reasons": s.map_of(s.decimal_key, s.text),
        }
    ),
    "committee-set": s.shape(
        {
            "members": s.list_of(s.shape({"id": s.positive, "name": s.text})),
            "threshold": s.positive,
            "head": s.shape({"id": s.positive, "name": s.text}),
            "approved_by_meeting": s.boolean,
        }
    ),
    "options-set": s.shape({"profile": s.text, "overrides": s.obj, "options": s.obj}),
    "collectives-set": s.shape(
        {
            "collectives": s.list_of(
                s.shape(
                    {"name": s.text, "level": s.one_of(*(level.value for level in LEVELS))},
                    {"from_round": s.positive},
                )
            )
        }
    ),
}


def roll_problems(
    summary: dict[str, Any], members: dict[int, str], marks: dict[int, str]
) -> list[str]:
    """Every count of a roll summary that the roster and the attendance marks contradict."""
    problems = []
    official = {i for i, kind in members.items() if kind == "official"}
    excluded = {e["id"]: e["reason"] for e in summary["excluded"]}
    not_rated = [n["id"] for n in summary["not_rated"]]
    present = {i for i in members if marks.get(i) == "present"}
    voters = {i for i in present & official if i not in excluded}
    expected = {
        "official": len(official),
        "probationary": len(members) - len(official),
        "present": len(present),
        "voters": len(voters),
        "base": len(official) - len(excluded),
    }
    rule_roll = RuleRoll(len(official), len(excluded), len(voters))
    quorum = QuorumOption(summary["quorum"])
    expected["quorum_required"] = quorum_required(rule_roll, quorum)
    expected["quorum_met"] = quorum_met(rule_roll, quorum)
    for name, value in expected.items():
        if summary[name] != value:
            problems.append(f"{name} is {summary[name]}, the roster and attendance make {value}")
    if len(excluded) != len(summary["excluded"]) or not set(excluded) <= official:
        problems.append("an excluded member is not an official member of the roster, or twice")
    if len(set(not_rated)) != len(not_rated) or not set(not_rated) <= set(members):
        problems.append("a member not rated is not on the roster, or twice")
    excused = {i for i in official if marks.get(i) == Attendance.ABSENT_EXCUSED.value}
    if not excused <= set(excluded) or any(
        reason == Exclusion.ABSENT_EXCUSED.value and i not in excused
        for i, reason in excluded.items()
    ):
        problems.append("absence with an accepted reason and exclusion from the base disagree")
    if any(
        reason == Exclusion.EXEMPTED_ABSENT.value and i in present for i, reason in excluded.items()
    ):
        problems.append("a member excluded as exempted and absent is marked present")
    return problems


def check_setup(events: list[Any], valid: set[int], report: Report) -> None:
    """Walk the log in order and check each setup event against what came before it.

    ``valid`` are the positions whose body has its type's shape; only those are checked here.
    """
    members: dict[int, str] = {}
    marks: dict[int, str] = {}
    started = False
    for position, event in enumerate(events):
        if position not in valid:
            continue
        kind, body = event["type"], event["body"]
        subject = f"event {position} ({kind})"
        if kind == "round-started":
            started = True
        elif kind in ("meeting-set", "roster-imported"):
            report.expect(
                not started, "setup.order", subject, "changed after the first round started"
            )
        if kind == "roster-imported":
            roster = body["members"]
            ids = [m["id"] for m in roster]
            official = sum(1 for m in roster if m["membership"] == "official")
            report.expect(
                len(set(ids)) == len(ids)
                and (body["official"], body["probationary"]) == (official, len(ids) - official),
                "setup.roster",
                subject,
                "the counts are not the members', or a member id appears twice",
            )
            members = {m["id"]: m["membership"] for m in roster}
            marks = {}
        elif kind == "attendance":
            unknown = [key for key in body["attendance"] if int(key) not in members]
            marks.update({int(key): mark for key, mark in body["attendance"].items()})
            problems = roll_problems(body["roll"], members, marks)
            if unknown:
                problems.insert(0, f"attendance marked for members not on the roster: {unknown}")
            report.expect(not problems, "roll.counts", subject, "; ".join(problems))
        elif kind == "round-roll":
            problems = roll_problems(body["roll"], members, marks)
            report.expect(not problems, "roll.counts", subject, "; ".join(problems))
        elif kind == "rated-set":
            left_off = {int(key) for key in body["reasons"]}
            report.expect(
                set(body["rated"]) <= set(members)
                and left_off <= set(members)
                and not left_off & set(body["rated"]),
                "setup.rated",
                subject,
                "a member rated, or left off with a reason, is not on the roster (or both)",
            )
        elif kind == "committee-set":
            ids = [m["id"] for m in body["members"]]
            report.expect(
                len(set(ids)) == len(ids)
                and all(members.get(i) == "official" for i in ids)
                and body["threshold"] <= len(ids)
                and body["members"][:1] == [body["head"]],
                "setup.committee",
                subject,
                "a committee member is not an official member of the roster, t > n, or the "
                "head is not the first member named",
            )
