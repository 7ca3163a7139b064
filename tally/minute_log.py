"""The minute as the event log holds it: its facts, and the signed document.

The minute has one source, the log. ``minute_facts`` reads from the log everything
``tally.minute.build_minute`` needs (docs/RECORD.md, "The minute"), so the server makes the
minute from its own log and the verifier rebuilds it from the record's log and compares: a
minute that says anything the log does not is caught. ``minute_document`` is the signed minute —
the last ``minute`` event with the committee's ``minute-signature`` events on its digest — which
``GET /api/minute``, ``minute.json`` and the printed PDF are all made from; no copy of it is kept
anywhere else.

``entries`` are stored log entries ``{"event", "hash", "signature"}`` in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tally.errors import FormatError
from tally.minute_sections import NOT_ON_BALLOT
from tally.replay import Replay, events_of, replay
from tally.roster import collective_keys

DOCUMENT_KIND = "phieukin/signed-minute"
MINUTE_EVENT_TYPES = ("minute", "minute-signature")


class LogFactsError(FormatError):
    """The log does not hold what a minute needs (a round not counted, no decisions, …)."""


def minute_document(entries: Sequence[Any], upto: int | None = None) -> dict[str, Any] | None:
    """The signed minute as of log position ``upto`` (exclusive; default: the whole log).

    ``{"version": 1, "kind": "phieukin/signed-minute", "minute", "digest", "server_signature",
    "signatures": [{"trustee", "signature"}]}``: the last ``minute`` event before ``upto`` and,
    sorted by committee index, the first ``minute-signature`` of each member after it whose
    ``digest`` is that minute's. ``None`` when no minute is logged before ``upto``.
    """
    events = events_of(entries[:upto] if upto is not None else entries)
    made = [i for i, e in enumerate(events) if e is not None and e.get("type") == "minute"]
    if not made:
        return None
    body = events[made[-1]].get("body")
    body = body if isinstance(body, dict) else {}
    digest = body.get("digest")
    signatures: dict[int, str] = {}
    for event in events[made[-1] + 1 :]:
        if event is None or event.get("type") != "minute-signature":
            continue
        signed = event.get("body") if isinstance(event.get("body"), dict) else {}
        trustee = signed.get("trustee")
        if (
            signed.get("digest") == digest
            and isinstance(trustee, int)
            and trustee not in signatures
        ):
            signatures[trustee] = signed.get("signature")
    return {
        "version": 1,
        "kind": DOCUMENT_KIND,
        "minute": body.get("minute"),
        "digest": digest,
        "server_signature": body.get("server_signature"),
        "signatures": [
            {"trustee": trustee, "signature": signature}
            for trustee, signature in sorted(signatures.items())
        ],
    }


def _require(condition: object, message: str, field: str) -> None:
    if not condition:
        raise LogFactsError(message, field=field)


def roll_facts(state: Replay) -> dict[str, Any]:
    """The roll the minute shows: counts and reasons from the latest roll summary in the log,
    who is present or absent from the attendance marked since the roster was imported."""
    summary = state.roll
    _require(isinstance(summary, dict), "no roll in the log", "roll")
    assert isinstance(summary, dict)
    members = sorted(state.members, key=lambda m: m.get("id", 0))
    official = {m.get("id") for m in members if m.get("membership") == "official"}
    excluded = [e for e in summary.get("excluded", []) if isinstance(e, dict)]
    not_rated = [n for n in summary.get("not_rated", []) if isinstance(n, dict)]
    excluded_ids = {e.get("id") for e in excluded}
    not_rated_ids = {n.get("id") for n in not_rated}
    ids = [m.get("id") for m in members]
    present = [i for i in ids if state.marks.get(i) == "present"]
    return {
        "official": summary.get("official"),
        "probationary": summary.get("probationary"),
        "excluded": [{"id": e.get("id"), "reason": e.get("reason")} for e in excluded],
        "base": summary.get("base"),
        "base_option": summary.get("base_option"),
        "quorum": summary.get("quorum"),
        "quorum_required": summary.get("quorum_required"),
        "quorum_met": summary.get("quorum_met"),
        "present": present,
        "voters": [i for i in present if i in official and i not in excluded_ids],
        "absent": [
            {"id": i, "attendance": state.marks.get(i, "unknown")}
            for i in ids
            if state.marks.get(i) != "present"
        ],
        "rated": [i for i in ids if i not in not_rated_ids],
        "not_rated": [{"id": n.get("id"), "reason": n.get("reason")} for n in not_rated],
    }


def _round_facts(number: int, state: Replay) -> dict[str, Any]:
    entry = state.rounds[number]
    field = f"rounds.{number}"
    _require(entry.election is not None, f"round {number} has no election", field)
    _require(entry.counts is not None, f"round {number} is not counted", field)
    _require(entry.decisions is not None, f"round {number} has no rule decisions", field)
    assert entry.election is not None and entry.decisions is not None and entry.roll is not None
    assert entry.started is not None
    sheet = entry.started["manifest"].get("score_sheet")
    return {
        **({"score_sheet": sheet} if sheet is not None else {}),
        "round": number,
        "fingerprint": entry.election.get("fingerprint"),
        "subjects": entry.roll.get("subjects"),
        "questions": [
            {"id": q["id"], "title": q["title"], "options": q["options"]}
            for q in entry.started["manifest"]["questions"]
        ],
        "tokens": entry.token_counts(),
        "ballots": len(entry.accepted),
        "decisions": {
            "input": entry.decisions.get("input"),
            "output": entry.decisions.get("output"),
        },
    }


def _committee_facts(state: Replay, names: list[str]) -> dict[str, Any]:
    """The committee's head (its index in the manifest's list) and whether the meeting
    approved it, from the last ``committee-set``."""
    committee = state.committee or {}
    head = (committee.get("head") or {}).get("id")
    roster = {m.get("id"): m.get("name") for m in state.members}
    head_name = roster.get(head)
    return {
        "head": names.index(head_name) + 1 if head_name in names else 1,
        "committee_approved": bool(committee.get("approved_by_meeting")),
    }


def _rated_facts(state: Replay, roll: dict[str, Any]) -> dict[str, Any]:
    """Who is on the ballot (the chair's choice among those rated under the roll, else all)
    and why each member rated under the roll but left off is left off."""
    rated = roll["rated"] if state.rated is None else [i for i in state.rated if i in roll["rated"]]
    return {
        "rated": rated,
        "rated_reasons": {
            str(i): state.rated_reasons.get(str(i)) or NOT_ON_BALLOT
            for i in roll["rated"]
            if i not in rated
        },
    }


def minute_facts(
    entries: Sequence[Any], number: str = "", start_time: str = "", end_time: str = ""
) -> dict[str, Any]:
    """Everything ``tally.minute.build_minute`` needs, read from the log ``entries`` alone.

    ``number``, ``start_time`` and ``end_time`` are the chair's document number and the
    opening and closing times written on it (the only facts of the minute that are not in the
    log before it; the opening time defaults to the meeting's). Raises ``LogFactsError`` when
    a round is not counted or lacks its decisions.
    """
    try:
        state = replay(events_of(entries))
        # a round whose key ceremony was abandoned had no vote: the minute does not list it
        numbers = [n for n in state.rounds if n >= 1 and state.rounds[n].abandoned is None]
        _require(numbers, "no round in the log", "rounds")
        for n in numbers:
            _require(state.rounds[n].roll is not None, f"round {n} has no roll", f"rounds.{n}")
        rounds = [_round_facts(n, state) for n in numbers]
        last = state.rounds[numbers[-1]]
        assert last.started is not None and last.election is not None
        manifest = last.started["manifest"]
        names = [m["name"] for m in manifest["committee"]["members"]]
        trustees = sorted(last.election["election"]["trustees"], key=lambda t: t["index"])
        head = entries[-1]
        roll = roll_facts(state)
        keys = collective_keys(c.get("name", "") for c in state.collectives)
        return {
            "meeting": state.meeting,
            "number": number,
            "start_time": start_time,
            "end_time": end_time,
            "members": sorted(
                (
                    {"id": m["id"], "name": m["name"], "membership": m["membership"]}
                    for m in state.members
                ),
                key=lambda m: m["id"],
            ),
            "roll": roll,
            **_rated_facts(state, roll),
            "committee": [
                {
                    "index": t["index"],
                    "name": names[t["index"] - 1],
                    "signing_key": t["signing_key"],
                }
                for t in trustees
            ],
            "threshold": manifest["committee"]["threshold"],
            **_committee_facts(state, names),
            "collectives": {key: name for name, key in keys.items()},
            "options": state.rounds[numbers[0]].started["manifest"]["meeting"].get("options"),
            "rounds": rounds,
            "record": {
                "head_hash": head["hash"],
                "events": len(entries),
                "server_key": state.server_key,
            },
        }
    except LogFactsError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, AssertionError) as error:
        raise LogFactsError(f"the log does not make a minute: {error!r}", field="log") from None
