"""The record's rounds of other kinds: the confidence vote, yes/no decisions, the self-rating.

- ``round.subjects`` (of such a round): its ``round-roll`` names every question of the manifest
  and nothing else — a confidence vote's people by their roster id where they are members (the
  question's title starts with the member's name) or ``null`` (someone convened from outside the
  cell); a yes/no decision's and a self-rating's questions ``null``; it is no runoff;
- ``round.convened``: a confidence vote's ``round-roll`` fixes those convened and those present
  as the chair chose them (the last ``convened-set``): the cell's own — its base and the members
  present entitled to vote, from the same roll — or the imported list, its people exactly, with
  how many there are and how many are present; no other round carries them;
- ``round.options``: a yes/no decision's quorum is the one the meeting's options fix;
- ``decisions.*``: each such round's rule decisions are checked like a rating's: the request
  names the manifest's kind, its votes are the decrypted counts, its roll is the round's (those
  convened and present as the round fixed them, for a confidence vote; the cell's roll with the
  ballots received otherwise), its options are those the manifest fixed, and re-running the rules
  gives the logged answer step for step;
- ``collectives.from_round``: a collective's level taken from a self-rating is the level that
  round decided, decided before it was taken.

The minute's section of such a round is rebuilt from the log like every other
(``tally.minute_log``, ``minute.content``).
"""

from __future__ import annotations

from typing import Any

from audit import schema as s
from audit.findings import Report
from tally.errors import TallyError
from tally.manifest import ElectionContext, Manifest
from tally.replay import Replay, RoundEvents
from tally.round_kinds import APPROVAL_OPTIONS, CONFIDENCE_OPTIONS, RATING_OPTIONS, RoundKind
from tally.rules.engine import decide_json
from tally.rules.profiles import get_profile
from tally.rules.request_options import parse_options

_OPTIONS = {RoundKind.CONFIDENCE: CONFIDENCE_OPTIONS, RoundKind.APPROVAL: APPROVAL_OPTIONS}
SOURCES = ("cell", "list")
PEOPLE = s.list_of(s.shape({"name": s.text, "present": s.boolean}))
CONVENED = s.shape(
    {"source": s.one_of(*SOURCES), "convened": s.count, "present": s.count}, {"people": PEOPLE}
)
"""Those convened as a confidence round fixes them (``round-roll``'s ``convened``)."""
BODIES: dict[str, s.Rule] = {
    "convened-set": s.shape({"source": s.one_of(*SOURCES)}, {"people": PEOPLE}),
}


def _convened_expected(entry: RoundEvents) -> dict[str, Any]:
    """Those convened and present as the chair's choice and the round's roll make them."""
    chosen = entry.setup.get("convened") or {"source": "cell"}
    if chosen.get("source") == "list":
        people = chosen.get("people") or []
        return {
            "source": "list",
            "convened": len(people),
            "present": sum(1 for p in people if p.get("present") is True),
            "people": people,
        }
    roll = (entry.roll or {}).get("roll") or {}
    return {"source": "cell", "convened": roll.get("base"), "present": roll.get("voters")}


def _named_member(title: str, name: object) -> bool:
    """A confidence question's title names the member: the name, or ``name — position``."""
    return isinstance(name, str) and (title == name or title.startswith(f"{name} — "))


def check_kind_start(entry: RoundEvents, manifest: Manifest, report: Report, label: str) -> None:
    """Who a round of another kind asks about, and those convened (``round.subjects``,
    ``round.convened``, ``round.options``); the rating's and runoff's subjects are
    ``round_checks``'."""
    kind = manifest.round_kind
    roll = entry.roll or {}
    fixed = roll.get("convened")
    if kind is not RoundKind.CONFIDENCE:
        report.expect(
            fixed is None, "round.convened", label, f"a {kind} round names those convened"
        )
    else:
        report.expect(
            fixed == _convened_expected(entry),
            "round.convened",
            label,
            "those convened and present are not the chair's choice (the cell's base and voters, "
            "or the imported list)",
        )
    subjects = roll.get("subjects") or {}
    titles = {q.id: q.title for q in manifest.questions}
    if kind is RoundKind.CONFIDENCE:
        roster = {m.get("id"): m.get("name") for m in entry.setup.get("members") or []}
        members = [m for m in subjects.values() if m is not None]
        fits = len(set(members)) == len(members) and all(
            member is None or _named_member(titles.get(q, ""), roster.get(member))
            for q, member in subjects.items()
        )
    elif kind in (RoundKind.APPROVAL, RoundKind.SELF_RATING):
        fits = all(member is None for member in subjects.values())
    else:
        return  # a rating's or a runoff's subjects: round_checks
    report.expect(
        set(subjects) == set(titles) and fits and roll.get("runoff_of") is None,
        "round.subjects",
        label,
        f"the {kind} round's subjects are not its questions (a person convened by roster id "
        "and name, or none), or it claims to be a runoff",
    )
    if kind is RoundKind.APPROVAL:
        meeting = manifest.data["meeting"]
        profile = get_profile(meeting.get("profile") or None)
        quorum = parse_options(meeting.get("options"), profile.options).quorum.value
        report.expect(
            manifest.data["round_options"].get("quorum") == quorum,
            "round.options",
            label,
            "the decisions' quorum is not the one the meeting's options fix",
        )


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


def without_sentences(output: Any) -> Any:
    """A rules answer (of any kind) with every ``trace`` left out: steps are what is compared,
    the sentences are a rendering of them."""
    if isinstance(output, dict):
        return {k: without_sentences(v) for k, v in output.items() if k != "trace"}
    if isinstance(output, list):
        return [without_sentences(v) for v in output]
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
        without_sentences(rerun) == without_sentences(output),
        "decisions.rerun",
        label,
        f"re-running the rules of the {kind} round gives another answer",
    )


def check_collectives(state: Replay, report: Report) -> None:
    """A collective's level taken from a self-rating round is the level that round decided,
    decided before it was taken."""
    for seq, listed in state.collectives_set:
        for item in listed:
            if "from_round" not in item:
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
