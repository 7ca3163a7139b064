"""The minute of the count (biên bản kiểm phiếu) as data: ``minute.json`` (BRIEF §2 step 8, §3).

``build_minute(facts)`` is a pure function of what the meeting's record holds; it returns the
canonical ``phieukin/minute`` object that the server and every committee member sign, and from
which the PDF is printed. It carries exactly what the brief's minute paragraph lists, nothing
more about a member than the minute shows (a name, official or probationary, the reason of an
exclusion, an absence or of not being rated, and the rule adjustments with their numbers):

- the meeting, its date, time and place, chair and secretary; the counting committee (with the
  Ed25519 key each member signs the minute with);
- the roll: official and probationary members, the base with each exclusion and its reason, who
  is present, who is absent and why, who is not rated and why, the quorum;
- per round: tokens issued, ballots received, unused and cancelled tokens, the election
  fingerprint; per person the votes per level with the percentage of the base, the vote level,
  each adjustment with its rule, the proposed level, the status and quota flag; the quota per
  group; the unresolved cases;
- the rule profile (name, version, title, options); the record's head hash and event count and
  the server's public key.

Percentages are strings with one decimal and a decimal comma (``"63,3"``), computed with integer
arithmetic: canonical JSON has no floats (PROTOCOL.md §3).

``facts`` (the server's ``minute_service.minute_facts`` builds it from the store)::

    {"meeting": {"title", "cell", "committee_above", "date", "place", "chair", "secretary",
                 "purpose", "profile"?},
     "number": str?, "time": "HH:MM"?,
     "members": [{"id", "name", "membership"}],
     "roll": tally.roster.Roll.to_json(), "rated": [member id on the ballot]?,
     "committee": [{"index", "name", "signing_key"}], "threshold": int,
     "rounds": [{"round", "fingerprint", "subjects": {question id: member id},
                 "tokens": {"issued", "spent", "cancelled"}, "ballots",
                 "decisions": {"input", "output"}}],
     "record": {"head_hash", "events", "server_key"}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nacl.signing import VerifyKey

from tally.canonical import canonical_json
from tally.crypto.hashing import hash32
from tally.crypto.signatures import verify_key_from_hex, verify_signature
from tally.errors import FormatError, TallyError
from tally.roster import EXCLUSION_TEXT, NOT_RATED_TEXT, Exclusion, NotRated
from tally.rules.arithmetic import percent_text
from tally.rules.engine import decide
from tally.rules.inputs import parse_request
from tally.rules.levels import LEVEL_TITLES, LEVELS, Level
from tally.rules.majority import subject_base
from tally.rules.profiles import get_profile

MINUTE_KIND = "phieukin/minute"
SIGNATURE_PURPOSE = "minute"

MEETING_FIELDS = ("title", "cell", "committee_above", "date", "place", "chair", "secretary")
ATTENDANCE_TEXT = {
    "absent_excused": "vắng mặt có lý do được chấp nhận",
    "absent": "vắng mặt không có lý do",
    "unknown": "không có mặt khi điểm danh (tính như vắng không lý do)",
}
STATUS_TEXT = {
    "decided": "đã xác định",
    "unresolved": "chưa xác định — chuyển cấp ủy cấp trên",
    "not_rated": "không xếp loại",
}
QUOTA_TEXT = {
    "kept": "trong tỷ lệ XS",
    "over": "vượt tỷ lệ XS — đề xuất TOT",
    "tie": "hoà ở ranh giới tỷ lệ XS — bỏ phiếu vòng sau",
}
ADJUSTMENT_RULES = ("cap.", "quota.")


class MinuteError(FormatError):
    """The facts do not make a minute (a round without decisions, an unknown member, …)."""


def percent(count: int, base: int) -> str:
    """``count`` of ``base`` in percent, one decimal, decimal comma, no sign: ``"63,3"``."""
    return percent_text(count, base).rstrip("%")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _meeting(facts: Mapping[str, Any]) -> dict[str, Any]:
    meeting = facts.get("meeting") or {}
    out = {name: _text(meeting.get(name)) for name in MEETING_FIELDS}
    out["purpose"] = _text(meeting.get("purpose"))
    out["number"] = _text(facts.get("number"))
    out["time"] = _text(facts.get("time"))
    return out


def _roll(facts: Mapping[str, Any], names: Mapping[int, str], official: set[int]) -> dict:
    roll = facts["roll"]
    present = list(roll["present"])
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
        "rated": len(facts.get("rated", roll["rated"])),
        "not_rated": [
            {
                "name": names[n["id"]],
                "reason": n["reason"],
                "text": NOT_RATED_TEXT[NotRated(n["reason"])],
            }
            for n in roll["not_rated"]
        ],
        "quorum": roll["quorum"],
        "quorum_required": roll["quorum_required"],
        "quorum_met": roll["quorum_met"],
    }


def _round(data: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    number = data["round"]
    decisions = data.get("decisions")
    if not decisions:
        raise MinuteError(f"round {number} has no rule decisions", field=f"rounds.{number}")
    request = parse_request(decisions["input"])
    output = decisions["output"]
    worked = {s.id: s for s in decide(request).subjects}
    decided = {s["id"]: s for s in output["subjects"]}
    subjects_of = data["subjects"]
    subjects: list[dict[str, Any]] = []
    for subject in request.subjects:
        logged = decided[subject.id]
        base, _ = subject_base(request.roll, subject.votes, request.options.base)
        blank = request.roll.present - subject.votes.total
        votes = {level.value: subject.votes[level] for level in LEVELS}
        steps = worked[subject.id].steps
        subjects.append(
            {
                "id": subject.id,
                "name": names[subjects_of[subject.id]],
                "votes": votes,
                "blank": blank,
                "base": base,
                "percent_of_base": {
                    **{level: percent(count, base) for level, count in votes.items()},
                    "blank": percent(blank, base),
                },
                "vote_level": logged["vote_level"],
                "adjustments": [
                    {"rule": step.rule, "text": step.text}
                    for step in steps
                    if step.rule.startswith(ADJUSTMENT_RULES)
                ],
                "level": logged["level"],
                "status": logged["status"],
                "quota": logged["quota"],
                "trace": list(logged["trace"]),
            }
        )
    by_id = {s["id"]: s for s in subjects}
    unresolved = [
        {
            "id": s["id"],
            "name": s["name"],
            "reason": next(
                (t for t in reversed(s["trace"]) if not t.startswith("Mức đề xuất")),
                "",
            ),
        }
        for s in subjects
        if s["status"] == "unresolved"
    ]
    quota = [
        {
            "group": g["group"],
            "good": g["good"],
            "max_excellent": g["max_excellent"],
            **{
                key: [{"id": i, "name": by_id[i]["name"]} for i in g[key]]
                for key in ("kept", "over", "tied")
            },
        }
        for g in output["quota"]
    ]
    tokens = data["tokens"]
    made = tokens["issued"] + tokens["spent"] + tokens["cancelled"]
    return {
        "round": number,
        "fingerprint": data["fingerprint"],
        "tokens_issued": made,
        "cancelled_tokens": tokens["cancelled"],
        "ballots": data["ballots"],
        "unused_tokens": tokens["issued"],
        "valid": output["valid"],
        "base": output["base"],
        "base_option": request.options.base.value,
        "quorum_required": output["quorum_required"],
        "voters": request.roll.present,
        "subjects": subjects,
        "quota": quota,
        "unresolved": unresolved,
    }


def _profile(facts: Mapping[str, Any]) -> dict[str, Any]:
    meeting = facts.get("meeting") or {}
    profile = get_profile(meeting.get("profile") or None)
    return {
        "label": profile.label,
        "title": profile.title,
        "documents": list(profile.documents),
        "options": profile.options.as_json(),
    }


def build_minute(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical ``phieukin/minute`` object of the meeting described by ``facts``."""
    try:
        members = facts["members"]
        names = {int(m["id"]): str(m["name"]) for m in members}
        official = {int(m["id"]) for m in members if m["membership"] == "official"}
        minute = {
            "version": 1,
            "kind": MINUTE_KIND,
            "meeting": _meeting(facts),
            "committee": [
                {
                    "index": c["index"],
                    "name": c["name"],
                    "role": "head" if c["index"] == 1 else "member",
                    "signing_key": c["signing_key"],
                }
                for c in facts["committee"]
            ],
            "threshold": facts["threshold"],
            "roll": _roll(facts, names, official),
            "rounds": [_round(r, names) for r in facts["rounds"]],
            "profile": _profile(facts),
            "record": {
                "head_hash": facts["record"]["head_hash"],
                "events": facts["record"]["events"],
                "server_key": facts["record"]["server_key"],
            },
        }
    except TallyError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise MinuteError(f"incomplete facts: {error!r}", field="facts") from None
    canonical_json(minute)  # raises if anything has no canonical form (a float, a set, …)
    return minute


def minute_digest(minute: Mapping[str, Any]) -> bytes:
    """``H32("minute", canonical(minute))``: what the server and the committee sign."""
    return hash32(SIGNATURE_PURPOSE, canonical_json(minute))


def signature_status(
    minute: Mapping[str, Any],
    server_signature: object,
    signatures: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Check every signature on the minute against the keys it names.

    Returns ``{"digest", "server": bool, "committee": [{"index", "name", "signed": bool}]}``;
    a missing or bad signature is ``False``, never an exception.
    """
    digest = minute_digest(minute)

    def good(key_hex: object, signature: object) -> bool:
        try:
            key: VerifyKey = verify_key_from_hex(key_hex, "minute")
            verify_signature(key, SIGNATURE_PURPOSE, digest, signature, "minute")
        except TallyError:
            return False
        return True

    by_trustee = {s.get("trustee"): s.get("signature") for s in signatures}
    return {
        "digest": digest.hex(),
        "server": good(minute["record"]["server_key"], server_signature),
        "committee": [
            {
                "index": member["index"],
                "name": member["name"],
                "signed": good(member["signing_key"], by_trustee.get(member["index"])),
            }
            for member in minute["committee"]
        ],
    }


def level_title(code: str | None) -> str:
    """The full Vietnamese name of a level code, or an empty string."""
    return LEVEL_TITLES[Level(code)] if code in Level.__members__ else ""
