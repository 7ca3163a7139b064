"""The counting options a profile fixes and a meeting may override (docs/RULES.md §3).

``RuleOptions`` is the part of a profile that the chair may choose per meeting and that the
``options`` object of ``phieukin rules decide`` can change: which base, which quorum, cumulative
or not, the threshold of each level, whether "good" counts the excellent too, and whether a
ballot may leave a member blank. It is a frozen value, read once at the edge and passed down;
the chair's choice is fixed in the round's manifest and printed in words in the minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from tally.rules.arithmetic import Threshold
from tally.rules.levels import LEVELS, Level


class BaseOption(StrEnum):
    """Which number is the denominator of every threshold."""

    ROLL = "roll"
    """Official members of the cell minus those excluded by the Charter's rules."""
    PRESENT = "present"
    """Official members present who vote."""
    VALID_FOR_PERSON = "valid_for_person"
    """Present minus the blank answers about that one subject."""


class QuorumOption(StrEnum):
    """How many of the roll base must be present for the vote to be valid."""

    TWO_THIRDS = "two_thirds"
    """At least two thirds."""
    MORE_THAN_HALF = "more_than_half"
    """Strictly more than half."""

    @property
    def threshold(self) -> Threshold:
        """The same rule as a ``Threshold``."""
        if self is QuorumOption.TWO_THIRDS:
            return Threshold.TWO_THIRDS
        return Threshold.MORE_THAN_HALF


def uniform_thresholds(threshold: Threshold) -> tuple[tuple[Level, Threshold], ...]:
    """The same threshold for every level, highest level first."""
    return tuple((level, threshold) for level in LEVELS)


@dataclass(frozen=True)
class RuleOptions:
    """The per-meeting options; the defaults are those of every profile (docs/RULES.md §3)."""

    base: BaseOption = BaseOption.ROLL
    quorum: QuorumOption = QuorumOption.TWO_THIRDS
    cumulative: bool = True
    thresholds: tuple[tuple[Level, Threshold], ...] = field(
        default_factory=lambda: uniform_thresholds(Threshold.MORE_THAN_HALF)
    )
    good_includes_excellent: bool = True
    blank_allowed: bool = True
    """Whether a ballot may leave a member blank ("Không đánh giá"); a blank counts against the
    person under the bases ``roll`` and ``present``."""

    def __post_init__(self) -> None:
        levels = tuple(level for level, _ in self.thresholds)
        if levels != LEVELS:
            raise ValueError("thresholds must name every level once, from XS down to KHT")

    def threshold_for(self, level: Level) -> Threshold:
        """The threshold the (cumulative or single) count at ``level`` must reach."""
        return dict(self.thresholds)[level]

    def with_thresholds(self, overrides: dict[Level, Threshold]) -> RuleOptions:
        """A copy where the levels in ``overrides`` get their new threshold."""
        merged = tuple((level, overrides.get(level, old)) for level, old in self.thresholds)
        return replace(self, thresholds=merged)

    def as_json(self) -> dict[str, object]:
        """The options in the shape of the ``options`` input object."""
        return {
            "base": self.base.value,
            "quorum": self.quorum.value,
            "cumulative": self.cumulative,
            "thresholds": {level.value: threshold.value for level, threshold in self.thresholds},
            "good_includes_excellent": self.good_includes_excellent,
            "blank_allowed": self.blank_allowed,
        }
