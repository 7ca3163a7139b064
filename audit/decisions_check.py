"""The rule decisions of a counted round against the record (checks ``decisions.*``).

The rules are re-applied to the logged input and the answer compared **step by step** (the
sentences of the ``trace`` are a rendering of the steps and are not compared). The input must
hold what the record fixes: the decrypted counts, the round's roll and ballots, the profile and
the options of the round's manifest; and a runoff's input must be exactly the one the earlier
rounds' decisions call for (the places they left, who already keeps XS, the tied members with the
counts of this round), so a runoff can never be decided on a quota of its own.
"""

from __future__ import annotations

from typing import Any

from audit.findings import Report
from audit.kind_checks import check_kind_decisions, without_sentences
from tally.errors import TallyError
from tally.manifest import RATING_OPTIONS, ElectionContext
from tally.replay import Replay, RoundEvents
from tally.round_kinds import OTHER_KINDS
from tally.rules.consolidate import consolidate, is_rating, is_runoff, runoff_input
from tally.rules.engine import decide_json
from tally.rules.inputs import parse_request
from tally.rules.request_options import parse_options


def _expected_votes(context: ElectionContext, counts: dict[str, list[int]]) -> dict[str, Any]:
    """What the rules must be given: per rated member the four counts, or (a runoff) per tied
    member how many ballots chose them."""
    votes: dict[str, Any] = {}
    for question in context.manifest.questions:
        if question.option_titles:
            for option, count in zip(question.options, counts[question.id], strict=True):
                votes[option] = [count]
        else:
            votes[question.id] = counts[question.id]
    return votes


def _given_votes(request: Any) -> dict[str, Any]:
    subjects = request.get("subjects") if isinstance(request, dict) else None
    given: dict[str, Any] = {}
    for subject in subjects or []:
        if not isinstance(subject, dict) or not isinstance(subject.get("votes"), dict):
            continue
        votes = subject["votes"]
        levels = ["XS"] if set(votes) == {"XS"} else list(RATING_OPTIONS)
        given[subject.get("id")] = [votes.get(level) for level in levels]
    return given


def _earlier(state: Replay, number: int) -> list[dict[str, Any]]:
    return [
        {"round": n, **(e.decisions or {})}
        for n, e in state.rounds.items()
        if 0 < n < number and e.decisions is not None
    ]


def check_decisions(
    entry: RoundEvents,
    context: ElectionContext,
    counts: dict[str, list[int]] | None,
    state: Replay,
    report: Report,
    label: str,
) -> None:
    """Every ``decisions.*`` check of one round."""
    if entry.decisions is None or counts is None:
        report.expect(
            entry.decisions is None, "decisions.input", label, "decisions without verified counts"
        )
        return
    if context.manifest.round_kind in OTHER_KINDS:
        check_kind_decisions(entry, context, counts, report, label)
        return
    request, output = entry.decisions.get("input"), entry.decisions.get("output")
    report.expect(
        _given_votes(request) == _expected_votes(context, counts),
        "decisions.input",
        label,
        "the votes given to the rules are not the decrypted counts",
    )
    roll = (entry.roll or {}).get("roll", {})
    expected_roll = {
        "official": roll.get("official"),
        "excluded": len(roll.get("excluded", [])),
        "present": roll.get("voters"),
        "ballots": len(entry.accepted),
    }
    report.expect(
        isinstance(request, dict) and request.get("roll") == expected_roll,
        "decisions.roll",
        label,
        "the roll given to the rules is not the round's roll and ballots",
    )
    try:
        rerun = decide_json(request)
        parsed = parse_request(request)
    except TallyError as error:
        report.fail("decisions.rerun", label, f"the rules refuse the logged input: {error}")
        return
    meeting = context.manifest.data["meeting"]
    named = meeting.get("profile")
    try:
        fixed = parse_options(meeting.get("options"), parsed.profile.options)
    except TallyError:
        fixed = None
    report.expect(
        parsed.profile.label == named and parsed.options == fixed,
        "decisions.profile",
        label,
        f"the rules ran with {parsed.profile.label!r}"
        + ("" if parsed.options == fixed else " and other options")
        + f"; the manifest names {named!r} and its options",
    )
    if is_runoff(entry.decisions):
        _check_runoff_input(entry, context, counts, state, report, label)
    report.expect(
        without_sentences(rerun) == without_sentences(output),
        "decisions.rerun",
        label,
        "re-running the named profile gives other decisions (steps, levels or quota)",
    )


def _check_runoff_input(
    entry: RoundEvents,
    context: ElectionContext,
    counts: dict[str, list[int]],
    state: Replay,
    report: Report,
    label: str,
) -> None:
    earlier = _earlier(state, entry.number)
    rating = next((e for e in reversed(earlier) if is_rating(e)), None)
    request = entry.decisions.get("input") if entry.decisions else None
    if rating is None or not isinstance(request, dict):
        report.fail("decisions.runoff", label, "a runoff without an earlier rating round")
        return
    chosen = {option: count[0] for option, count in _expected_votes(context, counts).items()}
    try:
        expected = runoff_input(consolidate(earlier), rating["input"], request["roll"], chosen)
    except (KeyError, TypeError, ValueError) as error:
        report.fail("decisions.runoff", label, f"cannot rebuild the runoff: {error!r}")
        return
    report.expect(
        expected == request,
        "decisions.runoff",
        label,
        "the runoff is not decided on the places and ties the earlier rounds left",
    )
