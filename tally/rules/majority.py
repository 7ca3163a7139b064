"""Base, quorum and the vote level (BRIEF §3, "Base", "Quorum", "Majority").

The vote level walks the levels from ``XS`` down. Cumulatively (the default) the count at a level
is the votes for that level or better; otherwise the level's own votes. The subject gets the first
level whose count meets that level's threshold of the base; if none does the subject is
unresolved — escalated to the committee above, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tally.rules.arithmetic import (
    comparison_text,
    meets,
    percent_text,
    required,
    threshold_text,
)
from tally.rules.inputs import Roll, Votes
from tally.rules.levels import LEVELS, Level, levels_down_to
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
    """The quorum check as a trace line."""
    need = quorum_required(roll, quorum)
    rule = threshold_text(quorum.threshold)
    verdict = "đủ" if quorum_met(roll, quorum) else "không đủ"
    text = (
        f"Túc số: có mặt {roll.present}/{roll.roll_base} (cần {rule} cơ sở "
        f"{roll.roll_base}, tức ≥ {need}) → {verdict}"
    )
    if verdict == "không đủ":
        text += "; cuộc bỏ phiếu không hợp lệ, không xác định mức cho ai"
    numbers = (("present", roll.present), ("base", roll.roll_base), ("required", need))
    return TraceStep(rule=f"quorum.{quorum.value}", text=text, numbers=numbers)


def meeting_base(roll: Roll, option: BaseOption) -> int:
    """The base reported for the meeting; with ``valid_for_person`` each subject's is lower."""
    return roll.roll_base if option is BaseOption.ROLL else roll.present


def subject_base(roll: Roll, votes: Votes, option: BaseOption) -> tuple[int, TraceStep]:
    """The denominator of this subject's thresholds, and the trace line explaining it."""
    blank = roll.present - votes.total
    if option is BaseOption.ROLL:
        base = roll.roll_base
        text = (
            f"Cơ sở tính: {base} = {roll.official} đảng viên chính thức − {roll.excluded} "
            "được trừ (roll)"
        )
    elif option is BaseOption.PRESENT:
        base = roll.present
        text = f"Cơ sở tính: {base} đảng viên chính thức có mặt (present)"
    else:
        base = votes.total
        text = (
            f"Cơ sở tính: {base} = {roll.present} có mặt − {blank} để trống cho người này "
            "(valid_for_person)"
        )
    numbers = (("base", base), ("blank", blank))
    return base, TraceStep(rule=f"base.{option.value}", text=text, numbers=numbers)


def ballot_step(roll: Roll, votes: Votes) -> TraceStep:
    """The subject's counts, blank answers included, as a trace line."""
    parts = ", ".join(f"{level.value} {votes[level]}" for level in LEVELS)
    blank = roll.present - votes.total
    return TraceStep(
        rule="votes",
        text=f"Phiếu: {parts}; để trống {blank} (trên {roll.present} có mặt)",
        numbers=(*((level.value, votes[level]) for level in LEVELS), ("blank", blank)),
    )


@dataclass(frozen=True)
class VoteLevel:
    """The level the votes give (``None`` when unresolved), with the working."""

    level: Level | None
    base: int
    steps: tuple[TraceStep, ...]


def _label(level: Level, cumulative: bool) -> str:
    if not cumulative or level is Level.XS:
        return level.value
    return f"{level.value} trở lên ({'+'.join(lv.value for lv in levels_down_to(level))})"


def vote_level(votes: Votes, base: int, options: RuleOptions) -> VoteLevel:
    """Apply the majority rule to one subject's votes against ``base``."""
    rule = "majority.cumulative" if options.cumulative else "majority.single"
    steps: list[TraceStep] = []
    for level in LEVELS:
        count = votes.cumulative(level) if options.cumulative else votes[level]
        threshold = options.threshold_for(level)
        met = meets(count, base, threshold)
        text = (
            f"{_label(level, options.cumulative)}: {count}/{base} phiếu "
            f"({percent_text(count, base)}) {comparison_text(count, base, threshold)} "
            f"cơ sở {base}"
        )
        text += " → đạt" if met else f" (cần ≥ {required(base, threshold)})"
        steps.append(
            TraceStep(
                rule=f"{rule}.{level.value}",
                text=text,
                numbers=(("count", count), ("base", base), ("required", required(base, threshold))),
            )
        )
        if met:
            steps.append(
                TraceStep(
                    rule="vote_level",
                    text=f"Mức theo phiếu: {level.value} ({level.full_name}), ngưỡng "
                    f"{threshold_text(threshold)}",
                )
            )
            return VoteLevel(level=level, base=base, steps=tuple(steps))
    steps.append(
        TraceStep(
            rule="unresolved",
            text="Không mức nào đạt ngưỡng → chưa xác định; chuyển cấp ủy cấp trên xem xét "
            "(chương trình không suy đoán)",
        )
    )
    return VoteLevel(level=None, base=base, steps=tuple(steps))
