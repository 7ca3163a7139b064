"""The record's rounds of other kinds: the confidence vote, yes/no decisions, the self-rating.

Each such round's rule decisions are checked like a rating's (``decisions.*``): the request names
the manifest's kind, its votes are the decrypted counts, its roll is the round's (those convened
and present as the round fixed them, for a confidence vote; the cell's roll with the ballots
received otherwise), its options are those the manifest fixed, and re-running the rules gives the
logged answer step for step. The minute's section of such a round must be exactly the one the
log makes (``tally.minute_kinds``); a collective's level taken from a self-rating must be the
level that round decided (``collectives.from_round``).
"""

from __future__ import annotations

from typing import Any

from audit.findings import Report
from audit.replay import Replay, RoundEvents
from tally.errors import TallyError
from tally.manifest import ElectionContext
from tally.minute_kinds import kind_section
from tally.round_kinds import APPROVAL_OPTIONS, CONFIDENCE_OPTIONS, RATING_OPTIONS, RoundKind
from tally.rules.engine import decide_json
from tally.rules.profiles import get_profile
from tally.rules.request_options import parse_options

_OPTIONS = {RoundKind.CONFIDENCE: CONFIDENCE_OPTIONS, RoundKind.APPROVAL: APPROVAL_OPTIONS}


def _given_votes(kind: RoundKind, request: Any) -> Any:
    if not isinstance(request, dict):
        return None
    try:
        if kind is RoundKind.SELF_RATING:
            return {
                "score": [request["score"][o] for o in APPROVAL_OPTIONS],
                "level": [request["level"][o] for o in RATING_OPTIONS],
            }
        options = _OPTIONS[kind]
        return {s["id"]: [s["votes"][o] for o in options] for s in request["subjects"]}
    except (KeyError, TypeError):
        return None


def _without_sentences(output: Any) -> Any:
    """An answer with every ``trace`` left out: steps are what is compared."""
    if isinstance(output, dict):
        return {k: _without_sentences(v) for k, v in output.items() if k != "trace"}
    if isinstance(output, list):
        return [_without_sentences(v) for v in output]
    return output


def _expected_roll(kind: RoundKind, entry: RoundEvents) -> dict[str, Any]:
    roll_event = entry.roll or {}
    ballots = len(entry.accepted)
    if kind is RoundKind.CONFIDENCE:
        fixed = roll_event.get("convened") or {}
        return {
            "convened": fixed.get("convened"),
            "present": fixed.get("present"),
            "ballots": ballots,
        }
    roll = roll_event.get("roll") or {}
    return {
        "roll": {
            "official": roll.get("official"),
            "excluded": len(roll.get("excluded", [])),
            "present": roll.get("voters"),
            "ballots": ballots,
        }
    }


def _fixed_options(kind: RoundKind, context: ElectionContext, request: dict) -> bool:
    """Whether the request's options (and profile) are those the manifest fixed."""
    manifest = context.manifest.data
    if kind is not RoundKind.SELF_RATING:
        return request.get("options") == manifest.get("round_options")
    meeting = manifest["meeting"]
    profile = get_profile(request.get("profile"))
    fixed = parse_options(meeting.get("options"), profile.options)
    used = parse_options(request.get("options"), profile.options)
    return profile.label == meeting.get("profile") and used == fixed


def check_kind_decisions(
    entry: RoundEvents,
    context: ElectionContext,
    counts: dict[str, list[int]],
    report: Report,
    label: str,
) -> None:
    """Every ``decisions.*`` check of a counted round of another kind."""
    kind = context.manifest.round_kind
    decisions = entry.decisions or {}
    request, output = decisions.get("input"), decisions.get("output")
    if not isinstance(request, dict) or request.get("kind") != kind.value:
        report.fail("decisions.input", label, f"the rules were not asked about a {kind} round")
        return
    report.expect(
        _given_votes(kind, request) == counts,
        "decisions.input",
        label,
        "the votes given to the rules are not the decrypted counts",
    )
    expected = _expected_roll(kind, entry)
    report.expect(
        all(request.get(key) == value for key, value in expected.items()),
        "decisions.roll",
        label,
        "the roll given to the rules is not the round's roll and ballots"
        + (" (those convened and present)" if kind is RoundKind.CONFIDENCE else ""),
    )
    try:
        rerun = decide_json(request)
        fixed = _fixed_options(kind, context, request)
    except TallyError as error:
        report.fail("decisions.rerun", label, f"the rules refuse the logged input: {error}")
        return
    report.expect(
        fixed,
        "decisions.profile",
        label,
        "the rules ran with other options (or another profile) than the manifest fixed",
    )
    report.expect(
        _without_sentences(rerun) == _without_sentences(output),
        "decisions.rerun",
        label,
        f"re-running the rules of the {kind} round gives another answer",
    )


def expected_section(
    entry: RoundEvents, context: ElectionContext, fingerprint: str
) -> dict[str, Any]:
    """The minute's section of a counted round of another kind, as the log makes it."""
    cancelled = len(entry.cancelled_before_open) + len(entry.cancelled_after_open)
    ballots = len(entry.accepted)
    manifest = context.manifest.data
    head = {
        "round": entry.number,
        "kind": context.manifest.round_kind.value,
        "fingerprint": fingerprint,
        "tokens_issued": entry.issued,
        "cancelled_tokens": cancelled,
        "ballots": ballots,
        "unused_tokens": entry.issued - cancelled - ballots,
    }
    data = {
        "questions": [
            {"id": q["id"], "title": q["title"], "options": q["options"]}
            for q in manifest["questions"]
        ],
        **({"score_sheet": manifest["score_sheet"]} if "score_sheet" in manifest else {}),
    }
    return kind_section(head, data, entry.decisions or {})


def check_collectives(state: Replay, report: Report) -> None:
    """A collective's level taken from a self-rating round is the level that round decided,
    decided before it was taken."""
    for seq, body in state.collectives:
        for item in body.get("collectives") or []:
            if not isinstance(item, dict) or "from_round" not in item:
                continue
            entry = state.rounds.get(item["from_round"])
            output = ((entry.decisions or {}) if entry else {}).get("output") or {}
            level = (output.get("level") or {}) if output.get("kind") == "self_rating" else {}
            report.expect(
                entry is not None
                and entry.decisions_seq < seq
                and level.get("status") == "decided"
                and level.get("level") == item.get("level"),
                "collectives.from_round",
                f"collective {item.get('name')!r}",
                f"not the level the cell voted for itself in round {item['from_round']}",
            )
