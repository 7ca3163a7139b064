"""The minute of the count (biên bản kiểm phiếu) as data: ``minute.json``.

``build_minute(facts)`` is a pure function of what the meeting's record holds; it returns the
canonical ``phieukin/minute`` object that the server and every committee member sign, and from
which the PDF is printed. It carries what a party office files, and nothing more about a member
than the minute shows (a name, official or probationary, attendance, the reason of an exclusion,
of an absence, of not being rated or of being left off the ballot, and the rule steps):

- the meeting: its number, the place name it is dated at (``locality``) and its date, the room,
  the start and end times, chair and secretary; the counting committee with its head (chosen by
  the chair), whether the meeting approved it, and the Ed25519 key each member signs with;
- the roll: official and probationary members, the base with each exclusion and its reason, who
  is present, who is absent and why, who is not rated and why, who is left off this ballot and
  why, the quorum — and every roster member with what happened to them;
- per round (rating or runoff): tokens, ballots received, unused and cancelled tokens, voters
  who cast no ballot, the election fingerprint; per member the votes per level and cumulated,
  with the percentage of the base, blank answers, the vote level, the proposed level, the status
  and quota flag, with the rule **steps**; the quota per group; the unresolved cases;
- per round of another kind (a confidence vote, yes/no decisions, the cell's self-rating with its
  score sheet): its own section (``tally.minute_kinds``);
- the cell's **proposal**: one entry per member across the rounds, and its totals;
- the rule profile (name, version, title, documents, the options fixed in the manifest, the
  regulation behind each rule), the collectives' names, the record's head and the server key.

``facts`` (the server's ``minute_service.minute_facts`` builds it from the store)::

    {"meeting": {"title", "cell", "committee_above", "date", "locality", "place", "start_time",
                 "chair", "secretary", "purpose", "profile"?},
     "number": str?, "start_time": "HH:MM"?, "end_time": "HH:MM"?,
     "members": [{"id", "name", "membership"}],
     "roll": tally.roster.Roll.to_json(), "rated": [member id on the ballot]?,
     "rated_reasons": {"<member id>": text}?,
     "committee": [{"index", "name", "signing_key"}], "threshold": int,
     "head": committee index?, "committee_approved": bool?,
     "collectives": {key: name}?,
     "options": the meeting's counting options (used when no round rates members or the cell)?,
     "rounds": [{"round", "fingerprint", "subjects": {subject id: member id or null},
                 "questions": [{"id", "title", "options"}] (a runoff's, or another kind's),
                 "score_sheet": {…}? (a self-rating's),
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
from tally.minute_sections import (
    MinuteFactsError,
    percent,
    proposal_section,
    roll_section,
    round_section,
)
from tally.rules.consolidate import decisions_kind
from tally.rules.inputs import parse_request
from tally.rules.levels import LEVEL_TITLES, Level
from tally.rules.options import RuleOptions
from tally.rules.profiles import get_profile
from tally.rules.request_options import parse_options
from tally.rules.self_rating import level_request

__all__ = [
    "MINUTE_KIND",
    "SIGNATURE_PURPOSE",
    "MinuteError",
    "build_minute",
    "level_title",
    "minute_digest",
    "percent",
    "signature_status",
]

MINUTE_KIND = "phieukin/minute"
SIGNATURE_PURPOSE = "minute"

MEETING_FIELDS: tuple[str, ...] = (
    "title",
    "cell",
    "committee_above",
    "date",
    "locality",
    "place",
    "chair",
    "secretary",
)
"""The meeting's facts the minute repeats from the log (and the verifier compares)."""
MEETING_FORM_FIELDS: tuple[str, ...] = (*MEETING_FIELDS, "start_time", "purpose")
"""What the chair's meeting form holds, and with the ``id`` and the rule ``profile`` label, the
``meeting`` of the ``meeting-set`` event: the minute's meeting facts (``locality`` is the place
name a party document dates itself with, "Hà Nội"; ``place`` the room), the opening time
(HH:MM) and the purpose."""


class MinuteError(FormatError):
    """The facts do not make a minute (a round without decisions, an unknown member, …)."""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _meeting(facts: Mapping[str, Any]) -> dict[str, Any]:
    meeting = facts.get("meeting") or {}
    out = {name: _text(meeting.get(name)) for name in MEETING_FIELDS}
    out["purpose"] = _text(meeting.get("purpose"))
    out["number"] = _text(facts.get("number"))
    out["start_time"] = _text(facts.get("start_time") or meeting.get("start_time"))
    out["end_time"] = _text(facts.get("end_time") or facts.get("time"))
    return out


def _committee(facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    head = facts.get("head", 1)
    return [
        {
            "index": c["index"],
            "name": c["name"],
            "role": "head" if c["index"] == head else "member",
            "signing_key": c["signing_key"],
        }
        for c in facts["committee"]
    ]


def _profile(facts: Mapping[str, Any], rounds: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    meeting = facts.get("meeting") or {}
    profile = get_profile(meeting.get("profile") or None)
    options = _options(facts, rounds, profile.options)
    return {
        "label": profile.label,
        "version": profile.version,
        "title": profile.title,
        "documents": list(profile.documents),
        "options": options.as_json(),
        "citations": dict(sorted(profile.citations.items())),
    }


def _options(
    facts: Mapping[str, Any], rounds: Sequence[Mapping[str, Any]], default: RuleOptions
) -> RuleOptions:
    """The counting options the rounds were decided with: those of the first round that rates
    members or the cell, else those the meeting fixed (``facts["options"]``)."""
    for data in rounds:
        decisions = data.get("decisions") or {}
        kind = decisions_kind(decisions) if decisions else None
        if kind in ("rating", "runoff"):
            return parse_request(decisions["input"]).options
        if kind == "self_rating":
            return parse_request(level_request(decisions["input"])).options
    return parse_options(facts.get("options"), default)


def _subject_names(facts: Mapping[str, Any], members: Mapping[int, str]) -> dict[str, str]:
    """Each member's name by the subject id of the rounds that rate members (the people of a
    confidence vote are named by their question's title, in their own section)."""
    names: dict[str, str] = {}
    for data in facts["rounds"]:
        for subject, member in data["subjects"].items():
            if member is not None:
                names[subject] = members[int(member)]
    return names


def build_minute(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical ``phieukin/minute`` object of the meeting described by ``facts``."""
    try:
        members = facts["members"]
        names = {int(m["id"]): str(m["name"]) for m in members}
        official = {int(m["id"]) for m in members if m["membership"] == "official"}
        subjects = _subject_names(facts, names)
        rounds = list(facts["rounds"])
        minute = {
            "version": 1,
            "kind": MINUTE_KIND,
            "meeting": _meeting(facts),
            "committee": _committee(facts),
            "threshold": facts["threshold"],
            "committee_approved": bool(facts.get("committee_approved", False)),
            "roll": roll_section(facts, names, official),
            "rounds": [round_section(r, subjects) for r in rounds],
            "proposal": proposal_section(rounds, subjects),
            "profile": _profile(facts, rounds),
            "names": {"collectives": dict(sorted((facts.get("collectives") or {}).items()))},
            "record": {
                "head_hash": facts["record"]["head_hash"],
                "events": facts["record"]["events"],
                "server_key": facts["record"]["server_key"],
            },
        }
    except TallyError:
        raise
    except MinuteFactsError as error:
        raise MinuteError(str(error), field="rounds") from None
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
