"""From counts to proposed levels: the rule engine applied to a counted round, and logged.

Once the committee has decrypted a round, the meeting's rule profile is applied to the counts
with the options fixed in the round's manifest, the roll of the meeting with the ballots cast,
and the rated members' facts (sick leave, discipline, civil-service rating, the collective they
head, their quota group). A runoff round is decided against the places the earlier rounds left.
The rule engine's exact input and output are both logged, so an inspector can re-run the named
profile on the same input and compare.
"""

from __future__ import annotations

from typing import Any

from ballot_server import convened
from ballot_server.chair import Chair
from ballot_server.kind_rules import kind_request
from ballot_server.proposal import round_decisions
from ballot_server.store import Store
from tally.manifest import RATING_OPTIONS, Manifest
from tally.roster import collective_keys
from tally.round_kinds import OTHER_KINDS, RoundKind
from tally.rules.consolidate import consolidate, is_rating, runoff_input
from tally.rules.engine import decide_json


def _roll(chair: Chair, ballots: int) -> dict[str, int]:
    roll = chair.roll()
    return {
        "official": roll.official,
        "excluded": len(roll.excluded),
        "present": len(roll.voters),
        "ballots": ballots,
    }


def rule_input(
    chair: Chair,
    subjects: dict[str, int],
    counts: dict[str, list[int]],
    ballots: int,
    options: dict[str, Any] | None = None,
) -> dict:
    """The ``phieukin rules decide`` request for a counted rating round (README contract):
    the profile, the options fixed in the round's manifest, the roll with the ballots cast, and
    per rated member the counts and the facts the caps read."""
    members = {m.id: m for m in chair.members()}
    collectives = chair.collectives()
    keys = collective_keys(collectives)
    entries: list[dict[str, Any]] = []
    for question_id, member_id in subjects.items():
        member = members[member_id]
        entry: dict[str, Any] = {
            "id": question_id,
            "votes": dict(zip(RATING_OPTIONS, counts[question_id], strict=True)),
            "group": member.group,
            "sick_leave_months": member.sick_leave_months,
            "disciplined": member.disciplined,
        }
        if member.civil_servant_pending:
            entry["civil_servant_rating"] = "pending"
        elif member.civil_servant_rating is not None:
            entry["civil_servant_rating"] = str(member.civil_servant_rating)
        if member.disciplined and member.discipline_self_remedied:
            entry["discipline_self_remedied"] = True
        if member.kht_years_before:
            entry["kht_years_before"] = member.kht_years_before
        if member.score is not None and chair.profile().score_scale is not None:
            entry["score"] = member.score
        if member.heads and member.heads in collectives:
            entry["heads"] = keys[member.heads]
        entries.append(entry)
    request: dict[str, Any] = {
        "profile": chair.profile().label,
        "roll": _roll(chair, ballots),
        "subjects": entries,
    }
    if options is not None:
        request["options"] = options
    used = {e["heads"] for e in entries if "heads" in e}
    if used:
        levels = {keys[name]: level for name, level in collectives.items()}
        request["collectives"] = {key: levels[key] for key in sorted(used)}
    return request


def runoff_rule_input(
    chair: Chair, number: int, manifest: Manifest, counts: dict[str, list[int]], ballots: int
) -> dict:
    """The rule request of a counted runoff round: the places the earlier rounds left, and how
    many ballots chose each tied member (``tally.rules.consolidate.runoff_input``)."""
    earlier = round_decisions(chair.store, upto=number - 1)
    rating = next(entry for entry in reversed(earlier) if is_rating(entry))
    chosen = {
        option: count
        for question in manifest.questions
        for option, count in zip(question.options, counts[question.id], strict=True)
    }
    return runoff_input(consolidate(earlier), rating["input"], _roll(chair, ballots), chosen)


class Decisions:
    """The rule decisions of counted rounds."""

    def __init__(self, store: Store, chair: Chair) -> None:
        self.store = store
        self.chair = chair

    def get(self, number: int) -> dict[str, Any] | None:
        return self.store.result(number, "decisions")

    def request(self, number: int, counts: dict[str, list[int]]) -> dict[str, Any] | None:
        """The rule request of a counted round, by the round's kind — the one place the server
        dispatches on it: the members' rating, a runoff at the quota boundary, or another kind
        (``kind_rules``)."""
        rounds = self.chair.rounds
        manifest = rounds.manifest(number)
        ballots = rounds.ballot_count(number)
        kind = manifest.round_kind
        if kind in OTHER_KINDS:
            fixed = convened.of_round(self.store, number)
            profile = self.chair.profile().label
            return kind_request(manifest, counts, _roll(self.chair, ballots), profile, fixed)
        subjects = rounds.row(number)["subjects"]
        roster = {m.id for m in self.chair.members()}
        if not set(subjects.values()) <= roster:
            return None
        if kind is RoundKind.RUNOFF:
            return runoff_rule_input(self.chair, number, manifest, counts, ballots)
        options = manifest.data["meeting"].get("options")
        return rule_input(self.chair, subjects, counts, ballots, options)

    def record(self, number: int, counts: dict[str, list[int]]) -> dict[str, Any] | None:
        """Apply the profile to a round's counts and log input and output in one event.

        Runs inside the transaction that records the counts, so a count is never stored
        without its decisions. A round whose rated members are not on the roster (started
        by a tool without the chair's roster) has no rule context and gets no decisions.
        """
        request = self.request(number, counts)
        if request is None:
            return None
        result = {"input": request, "output": decide_json(request)}
        self.store.add_result(number, "decisions", result)
        self.store.append_event("decisions", {"round": number, **result})
        return result
