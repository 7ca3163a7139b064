"""Yes/no decisions by secret ballot (biểu quyết bằng phiếu kín): docs/RULES.md §6.3.

Each question is approved when ``YES`` (tán thành) is **strictly more than half** of the base —
exactly half is not enough. The base, like the rating's, is the official members minus those
excluded under the Charter (``roll``; a blank answer or a missing ballot counts against), or the
official members present (``present``), or the ballots that answer that question
(``valid_for_person``). The quorum is the rating's (two thirds of the roll base; option more than
half); below it nothing is approved.

Request and answer (``phieukin rules decide``)::

    {"kind": "approval", "options": {"base": "roll"|"present"|"valid_for_person",
                                     "quorum": "two_thirds"|"more_than_half"}?,
     "roll": {"official": int, "excluded": int, "present": int, "ballots": int?},
     "subjects": [{"id": str, "votes": {"YES": int, "NO": int}}]}
    → {"kind": "approval", "valid": bool, "base": int, "quorum_required": int,
       "subjects": [{"id", "status": "approved"|"rejected", "trace": [str], "steps": [step]}]}

The cell's self-rating approves its score with the same rule over the same base as its members'
rating (``tally.rules.self_rating``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tally.errors import RuleInputError
from tally.rules.arithmetic import Threshold, meets, required
from tally.rules.inputs import (
    Roll,
    count_value,
    json_object,
    parse_roll,
    require_field,
    votes_by_subject,
)
from tally.rules.majority import quorum_met, quorum_required, quorum_step
from tally.rules.options import BaseOption, QuorumOption
from tally.rules.request_options import choice
from tally.rules.trace import TraceStep

ANSWERS = ("YES", "NO")


@dataclass(frozen=True)
class ApprovalSubject:
    id: str
    yes: int
    no: int


@dataclass(frozen=True)
class ApprovalRequest:
    base: BaseOption
    quorum: QuorumOption
    roll: Roll
    subjects: tuple[ApprovalSubject, ...]


def parse_answers(value: object, where: str, answered: int) -> tuple[int, int]:
    """``{"YES": int, "NO": int}`` summing to no more than the ballots."""
    votes = json_object(value, where, set(ANSWERS))
    yes, no = (
        count_value(require_field(votes, key, f"{where}.{key}"), f"{where}.{key}")
        for key in ANSWERS
    )
    if yes + no > answered:
        raise RuleInputError(
            f"votes sum to {yes + no}, more than the {answered} ballots", field=where
        )
    return yes, no


def parse_options(value: object) -> tuple[BaseOption, QuorumOption]:
    """``options``: the base and the quorum (each optional)."""
    if value is None:
        return BaseOption.ROLL, QuorumOption.TWO_THIRDS
    options = json_object(value, "options", {"base", "quorum"})
    return (
        choice(BaseOption, options.get("base", "roll"), "options.base"),
        choice(QuorumOption, options.get("quorum", "two_thirds"), "options.quorum"),
    )


def parse_approval(data: object) -> ApprovalRequest:
    """Validate an approval request; a ``RuleInputError`` names the field."""
    request = json_object(data, "input", {"kind", "options", "roll", "subjects"})
    base, quorum = parse_options(request.get("options"))
    roll = parse_roll(require_field(request, "roll", "roll"))
    subjects = []
    for where, subject_id, votes in votes_by_subject(request):
        yes, no = parse_answers(votes, f"{where}.votes", roll.answered)
        subjects.append(ApprovalSubject(subject_id, yes, no))
    return ApprovalRequest(base, quorum, roll, tuple(subjects))


def approval_base(roll: Roll, option: BaseOption, yes: int, no: int) -> int:
    """The denominator: the roll base, the members present, or the ballots that answer."""
    if option is BaseOption.ROLL:
        return roll.roll_base
    if option is BaseOption.PRESENT:
        return roll.present
    return yes + no


def approval_steps(
    roll: Roll, base_option: BaseOption, quorum: QuorumOption, yes: int, no: int
) -> tuple[str, list[TraceStep]]:
    """One question's status and working: the quorum, the votes and base, the majority."""
    steps = [quorum_step(roll, quorum)]
    if not quorum_met(roll, quorum):
        steps.append(TraceStep(code="approval", rule="approval.no_quorum"))
        return "rejected", steps
    base = approval_base(roll, base_option, yes, no)
    met = meets(yes, base, Threshold.MORE_THAN_HALF)
    steps.append(
        TraceStep(
            code="approval_votes",
            rule=f"approval.base.{base_option.value}",
            values=(
                ("YES", yes),
                ("NO", no),
                ("blank", roll.answered - yes - no),
                ("not_cast", roll.not_cast),
                ("option", base_option.value),
                ("base", base),
                ("official", roll.official),
                ("excluded", roll.excluded),
                ("present", roll.present),
            ),
        )
    )
    steps.append(
        TraceStep(
            code="approval",
            rule="approval.approved" if met else "approval.rejected",
            values=(
                ("YES", yes),
                ("base", base),
                ("required", required(base, Threshold.MORE_THAN_HALF)),
                ("met", met),
            ),
        )
    )
    return ("approved" if met else "rejected"), steps


def subject_json(subject_id: str, status: str, steps: list[TraceStep]) -> dict[str, object]:
    """A question's entry in the answer."""
    from tally.rules.wording import render_step

    return {
        "id": subject_id,
        "status": status,
        "trace": [render_step(step) for step in steps],
        "steps": [step.as_json() for step in steps],
    }


def decide_approval_json(data: Mapping[str, object] | object) -> dict[str, object]:
    """Decide an approval request (the JSON answer of ``phieukin rules decide``)."""
    request = parse_approval(data)
    roll = request.roll
    subjects = []
    for subject in request.subjects:
        status, steps = approval_steps(roll, request.base, request.quorum, subject.yes, subject.no)
        subjects.append(subject_json(subject.id, status, steps))
    return {
        "kind": "approval",
        "valid": quorum_met(roll, request.quorum),
        "base": roll.roll_base if request.base is BaseOption.ROLL else roll.present,
        "quorum_required": quorum_required(roll, request.quorum),
        "subjects": subjects,
    }
