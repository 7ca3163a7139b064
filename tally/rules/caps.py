"""Caps applied after the vote (BRIEF §3, "Caps"), each recorded with its rule and numbers.

A cap is a ceiling: it lowers a level that is above it and leaves any other level alone. Because
every cap is a ceiling, the order they are applied in does not change the result; the trace lists
them in the brief's order. A cap whose condition holds but which changes nothing is recorded too,
so the minute shows that the rule was checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tally.rules.inputs import Subject
from tally.rules.levels import Level, at_most
from tally.rules.profiles import CapRules
from tally.rules.trace import TraceStep


@dataclass(frozen=True)
class CapTrigger:
    """A cap whose condition holds for a subject: the ceiling and why."""

    rule: str
    ceiling: Level
    reason: str
    numbers: tuple[tuple[str, int], ...] = ()


def cap_triggers(
    subject: Subject, collectives: Mapping[str, Level], caps: CapRules
) -> tuple[CapTrigger, ...]:
    """Every cap whose condition holds for ``subject``, in the brief's order."""
    triggers: list[CapTrigger] = []
    if subject.disciplined:
        triggers.append(
            CapTrigger(
                rule="cap.disciplined",
                ceiling=caps.disciplined_level,
                reason=f"bị kỷ luật trong năm → {caps.disciplined_level.value}",
            )
        )
    if subject.sick_leave_months >= caps.sick_leave_months:
        triggers.append(
            CapTrigger(
                rule="cap.sick_leave",
                ceiling=caps.sick_leave_ceiling,
                reason=f"nghỉ ốm {subject.sick_leave_months} tháng "
                f"≥ {caps.sick_leave_months} tháng → tối đa {caps.sick_leave_ceiling.value}",
                numbers=(
                    ("sick_leave_months", subject.sick_leave_months),
                    ("minimum", caps.sick_leave_months),
                ),
            )
        )
    rating = subject.civil_servant_rating
    if rating is not None and rating is not Level.XS:
        triggers.append(
            CapTrigger(
                rule="cap.civil_servant",
                ceiling=caps.civil_servant_ceiling,
                reason=f"công chức, viên chức xếp loại {rating.value}, dưới XS "
                f"→ tối đa {caps.civil_servant_ceiling.value}",
            )
        )
    if subject.heads is not None:
        collective_level = collectives[subject.heads]
        triggers.append(
            CapTrigger(
                rule="cap.head",
                ceiling=collective_level,
                reason=f"người đứng đầu tập thể «{subject.heads}» "
                f"xếp loại {collective_level.value} → không cao hơn {collective_level.value}",
            )
        )
    return tuple(triggers)


@dataclass(frozen=True)
class CappedLevel:
    """The level after every cap, with one trace step per cap that applied."""

    level: Level
    steps: tuple[TraceStep, ...]


def apply_caps(
    level: Level, subject: Subject, collectives: Mapping[str, Level], caps: CapRules
) -> CappedLevel:
    """Lower ``level`` by every cap that holds for ``subject``; record each one."""
    steps: list[TraceStep] = []
    for trigger in cap_triggers(subject, collectives, caps):
        lowered = at_most(level, trigger.ceiling)
        outcome = (
            f"{level.value} → {lowered.value}" if lowered is not level else (f"giữ {level.value}")
        )
        steps.append(
            TraceStep(
                rule=trigger.rule,
                text=f"Hạn mức ({trigger.reason}): {outcome}",
                numbers=trigger.numbers,
            )
        )
        level = lowered
    return CappedLevel(level=level, steps=tuple(steps))


def pending_cap_steps(
    subject: Subject, collectives: Mapping[str, Level], caps: CapRules
) -> tuple[TraceStep, ...]:
    """For an unresolved subject: the caps the committee above must still apply."""
    return tuple(
        TraceStep(
            rule=trigger.rule,
            text=f"Lưu ý cho cấp trên: hạn mức ({trigger.reason}) chưa áp dụng vì chưa có mức",
            numbers=trigger.numbers,
        )
        for trigger in cap_triggers(subject, collectives, caps)
    )
