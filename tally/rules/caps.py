"""Caps applied after the vote (docs/RULES.md §4.5), each recorded with its rule and numbers.

A cap is a ceiling: it lowers a level that is above it and leaves any other level alone. Because
every cap is a ceiling, the order they are applied in does not change the result; the steps list
them in a fixed order. A cap whose condition holds but which changes nothing is recorded too,
so the minute shows that the rule was checked. Which caps exist, and their ceilings, is the
profile's data: the discipline exception, the civil-service KHT, two KHT years before, and the
100-point score are present only in the profiles whose regulation has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tally.rules.inputs import Subject
from tally.rules.levels import Level, at_most
from tally.rules.profile_model import Profile
from tally.rules.trace import TraceStep, Value


@dataclass(frozen=True)
class CapTrigger:
    """A cap whose condition holds for a subject: the ceiling, and the numbers of why."""

    rule: str
    ceiling: Level
    values: tuple[tuple[str, Value], ...] = ()


def _discipline(subject: Subject, profile: Profile) -> list[CapTrigger | TraceStep]:
    if not subject.disciplined:
        return []
    caps = profile.caps
    if subject.discipline_self_remedied and caps.discipline_exception:
        waived = TraceStep(
            code="cap_waived",
            rule="cap.disciplined",
            values=(("ceiling", caps.disciplined_level.value),),
        )
        return [waived]
    return [CapTrigger("cap.disciplined", caps.disciplined_level)]


def _civil_service(subject: Subject, profile: Profile) -> list[CapTrigger]:
    rating, caps = subject.civil_servant_rating, profile.caps
    if rating is None or rating is Level.XS:
        return []
    if rating is Level.KHT and caps.civil_servant_kht:
        return [CapTrigger("cap.civil_servant_kht", Level.KHT, (("rating", rating.value),))]
    return [
        CapTrigger("cap.civil_servant", caps.civil_servant_ceiling, (("rating", rating.value),))
    ]


def cap_triggers(
    subject: Subject, collectives: Mapping[str, Level], profile: Profile
) -> tuple[CapTrigger | TraceStep, ...]:
    """Every cap whose condition holds for ``subject`` (and every waived cap, as a step)."""
    caps = profile.caps
    found: list[CapTrigger | TraceStep] = _discipline(subject, profile)
    if caps.kht_years is not None and subject.kht_years_before >= caps.kht_years:
        found.append(
            CapTrigger(
                "cap.kht_years",
                Level.KHT,
                (("years", subject.kht_years_before), ("minimum", caps.kht_years)),
            )
        )
    if subject.sick_leave_months >= caps.sick_leave_months:
        found.append(
            CapTrigger(
                "cap.sick_leave",
                caps.sick_leave_ceiling,
                (("months", subject.sick_leave_months), ("minimum", caps.sick_leave_months)),
            )
        )
    found += _civil_service(subject, profile)
    if subject.score is not None:
        ceiling = profile.score_ceiling(subject.score.value)
        if ceiling is not None:
            level, minimum = ceiling
            found.append(
                CapTrigger("cap.score", level, (("score", subject.score.text), ("band", minimum)))
            )
    if subject.heads is not None:
        level = collectives[subject.heads]
        found.append(
            CapTrigger(
                "cap.head",
                level,
                (("collective", subject.heads), ("collective_level", level.value)),
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class CappedLevel:
    """The level after every cap, with one step per cap that applied."""

    level: Level
    steps: tuple[TraceStep, ...]


def apply_caps(
    level: Level, subject: Subject, collectives: Mapping[str, Level], profile: Profile
) -> CappedLevel:
    """Lower ``level`` by every cap that holds for ``subject``; record each one."""
    steps: list[TraceStep] = []
    for trigger in cap_triggers(subject, collectives, profile):
        if isinstance(trigger, TraceStep):
            steps.append(trigger)
            continue
        lowered = at_most(level, trigger.ceiling)
        steps.append(
            TraceStep(
                code="cap",
                rule=trigger.rule,
                values=(
                    ("from", level.value),
                    ("to", lowered.value),
                    ("ceiling", trigger.ceiling.value),
                    *trigger.values,
                ),
            )
        )
        level = lowered
    return CappedLevel(level=level, steps=tuple(steps))


def pending_cap_steps(
    subject: Subject, collectives: Mapping[str, Level], profile: Profile
) -> tuple[TraceStep, ...]:
    """For a subject without a level: the caps the committee above must still apply."""
    return tuple(
        trigger
        if isinstance(trigger, TraceStep)
        else TraceStep(
            code="cap_pending",
            rule=trigger.rule,
            values=(("ceiling", trigger.ceiling.value), *trigger.values),
        )
        for trigger in cap_triggers(subject, collectives, profile)
    )
