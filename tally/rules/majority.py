"""Base, quorum and the vote level (docs/RULES.md §4.2–§4.4).

The vote level walks the levels from ``XS`` down. Cumulatively (the default) the count at a level
is the votes for that level or better; otherwise the level's own votes. The subject gets the first
level whose count meets that level's threshold of the base; if none does the subject is
unresolved — escalated to the committee above, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tally.rules.arithmetic import meets, required
from tally.rules.inputs import Roll, Votes
from tally.rules.levels import LEVELS, Level
from tally.rules.options import BaseOption, QuorumOption, RuleOptions
from tally.rules.trace import TraceStep


def quorum_required(roll: Roll, quorum: QuorumOption) -> int:
    """The fewest official members present for a valid vote, out of the roll base.

    The quorum is always measured against official − excluded, whatever base the thresholds
    use: measured against ``present`` it would always be met.
    """
    return required(roll.roll_base, quorum.threshold)


def quorum_met(roll: Roll, quorum: QuorumOption) -> bool:
    """Whether the members present make the vote valid."""
    return meets(roll.present, roll.roll_base, quorum.threshold)


def quorum_step(roll: Roll, quorum: QuorumOption) -> TraceStep:
    """The quorum check as a step."""
    return TraceStep(
        code="quorum",
        rule=f"quorum.{quorum.value}",
        values=(
            ("present", roll.present),
            ("base", roll.roll_base),
            ("required", quorum_required(roll, quorum)),
            ("threshold", quorum.threshold.value),
            ("met", quorum_met(roll, quorum)),
        ),
    )


def meeting_base(roll: Roll, option: BaseOption) -> int:
    """The base reported for the meeting; with ``valid_for_person`` each subject's is lower."""
    return roll.roll_base if option is BaseOption.ROLL else roll.present


def blank_answers(roll: Roll, votes: Votes) -> int:
    """Ballots cast that left this subject blank (with ``ballots`` unknown, also the voters
    present who cast no ballot)."""
    return roll.answered - votes.total


def subject_base(roll: Roll, votes: Votes, option: BaseOption) -> tuple[int, TraceStep]:
    """The denominator of this subject's thresholds, and the step explaining it."""
    if option is BaseOption.ROLL:
        base = roll.roll_base
    elif option is BaseOption.PRESENT:
        base = roll.present
    else:
        base = votes.total
    step = TraceStep(
        code="base",
        rule=f"base.{option.value}",
        values=(
            ("option", option.value),
            ("base", base),
            ("official", roll.official),
            ("excluded", roll.excluded),
            ("present", roll.present),
            ("blank", blank_answers(roll, votes)),
            ("not_cast", roll.not_cast),
        ),
    )
    return base, step


def ballot_step(roll: Roll, votes: Votes) -> TraceStep:
    """The subject's counts, blank answers and missing ballots apart, as a step."""
    return TraceStep(
        code="votes",
        rule="votes",
        values=(
            *((level.value, votes[level]) for level in LEVELS),
            ("blank", blank_answers(roll, votes)),
            ("not_cast", roll.not_cast),
            ("present", roll.present),
            ("ballots", roll.ballots),
        ),
    )


@dataclass(frozen=True)
class VoteLevel:
    """The level the votes give (``None`` when unresolved), with the working."""

    level: Level | None
    base: int
    steps: tuple[TraceStep, ...]


def vote_level(votes: Votes, base: int, options: RuleOptions) -> VoteLevel:
    """Apply the majority rule to one subject's votes against ``base``."""
    rule = "majority.cumulative" if options.cumulative else "majority.single"
    steps: list[TraceStep] = []
    for level in LEVELS:
        count = votes.cumulative(level) if options.cumulative else votes[level]
        threshold = options.threshold_for(level)
        met = meets(count, base, threshold)
        steps.append(
            TraceStep(
                code="level_test",
                rule=f"{rule}.{level.value}",
                values=(
                    ("level", level.value),
                    ("cumulative", options.cumulative),
                    ("count", count),
                    ("base", base),
                    ("threshold", threshold.value),
                    ("required", required(base, threshold)),
                    ("met", met),
                ),
            )
        )
        if met:
            steps.append(
                TraceStep(
                    code="vote_level",
                    rule=rule,
                    values=(("level", level.value), ("threshold", threshold.value)),
                )
            )
            return VoteLevel(level=level, base=base, steps=tuple(steps))
    steps.append(TraceStep(code="unresolved", rule="majority.unresolved"))
    return VoteLevel(level=None, base=base, steps=tuple(steps))
