"""The excellent quota per group of equivalent positions (docs/RULES.md §4.6).

Within a group, with ``G`` the number at ``TOT`` or better after the caps:

- **inclusive reading** (``good_includes_excellent``, the default): the number at ``XS`` may not
  exceed ``floor(share × G)``; where ``G`` is below ``small_group_below`` (5), at most
  ``small_group_max`` (1);
- **exclusive reading**: the cap holds on the final proposal — the ``X`` kept at ``XS`` may not
  exceed ``share`` of the ``G − X`` finally proposed at ``TOT`` (at most 1 where fewer than 5 are
  at ``TOT``): the largest such ``X``, which for 20% is ``floor(G / 6)`` (3 XS + 9 TOT keep 2;
  4 XS + 14 TOT keep 3).

The quota is applied to the levels *after* the caps: a subject capped below ``XS`` is not at
``XS`` and takes no place.

If more reach ``XS``, they are ranked by ``XS`` votes, then by cumulative ``TOT``-or-better
votes. Those beyond the quota are proposed at ``TOT`` and flagged ``over``. If the last place
inside and the first place outside are tied on both keys, every subject with that pair of votes
keeps ``XS`` and is flagged ``tie``: the program never breaks a tie, a further ballot round does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from tally.rules.levels import Level
from tally.rules.profiles import QuotaRule
from tally.rules.trace import TraceStep


class QuotaMark(StrEnum):
    """What the quota did to one subject at ``XS``."""

    KEPT = "kept"
    OVER = "over"
    TIE = "tie"


@dataclass(frozen=True)
class QuotaCandidate:
    """A subject at ``XS`` after the caps, with the two ranking keys."""

    id: str
    excellent_votes: int
    good_or_better_votes: int

    @property
    def key(self) -> tuple[int, int]:
        """The ranking key: more is better on both, compared in order."""
        return (self.excellent_votes, self.good_or_better_votes)


def share_of(good: int, rule: QuotaRule) -> int:
    """``floor(share × good)``, or ``small_group_max`` when ``good < small_group_below``."""
    if good < rule.small_group_below:
        return rule.small_group_max
    return good * rule.share.numerator // rule.share.denominator


def max_excellent(good: int, rule: QuotaRule, good_includes_excellent: bool = True) -> int:
    """The most at ``XS`` among ``good`` at ``TOT`` or better, under either reading."""
    if good_includes_excellent:
        return share_of(good, rule)
    return max((x for x in range(good + 1) if x <= share_of(good - x, rule)), default=0)


def count_good(levels: Sequence[Level]) -> int:
    """How many are at ``TOT`` or better."""
    return sum(1 for level in levels if level in (Level.XS, Level.TOT))


@dataclass(frozen=True)
class GroupQuota:
    """The quota's working for one group."""

    group: str
    good: int
    max_excellent: int
    ranking: tuple[QuotaCandidate, ...]
    """The ``XS`` candidates best first; tied candidates keep their input order."""
    kept: tuple[str, ...]
    over: tuple[str, ...]
    tied: tuple[str, ...]
    rule: QuotaRule
    good_includes_excellent: bool

    def mark(self, subject_id: str) -> QuotaMark | None:
        """The subject's flag, or ``None`` if the subject was not at ``XS``."""
        if subject_id in self.kept:
            return QuotaMark.KEPT
        if subject_id in self.over:
            return QuotaMark.OVER
        if subject_id in self.tied:
            return QuotaMark.TIE
        return None


class Ranked(Protocol):
    """Anything ranked by a key compared in order, more is better (a cell's candidate by its
    counts, an organisation's by its shares of the cells' bases)."""

    @property
    def key(self) -> Any: ...


R = TypeVar("R", bound=Ranked)


def split_at_boundary(ranking: Sequence[R], places: int) -> tuple[tuple[R, ...], ...]:
    """``(kept, tied, over)`` of a ranking (best first) for ``places`` places.

    If the last place inside and the first place outside have the same key, everyone with that
    key is tied (never split by the program); ties wholly inside or outside are not flagged.
    """
    ranking = tuple(ranking)
    if len(ranking) <= places:
        return ranking, (), ()
    if places > 0 and ranking[places - 1].key == ranking[places].key:
        boundary = ranking[places].key
        return (
            tuple(c for c in ranking if c.key > boundary),
            tuple(c for c in ranking if c.key == boundary),
            tuple(c for c in ranking if c.key < boundary),
        )
    return ranking[:places], (), ranking[places:]


def apply_quota(
    group: str,
    levels: Sequence[Level],
    candidates: Sequence[QuotaCandidate],
    rule: QuotaRule,
    good_includes_excellent: bool,
) -> GroupQuota:
    """Apply the quota to one group: ``levels`` of every decided subject, ``candidates`` at XS."""
    good = count_good(levels)
    limit = max_excellent(good, rule, good_includes_excellent)
    ranking = tuple(sorted(candidates, key=lambda candidate: candidate.key, reverse=True))
    kept, tied, over = split_at_boundary(ranking, limit)
    return GroupQuota(
        group=group,
        good=good,
        max_excellent=limit,
        ranking=ranking,
        kept=tuple(c.id for c in kept),
        over=tuple(c.id for c in over),
        tied=tuple(c.id for c in tied),
        rule=rule,
        good_includes_excellent=good_includes_excellent,
    )


def quota_step(quota: GroupQuota, subject_id: str) -> TraceStep:
    """The quota's effect on one subject at ``XS``, as a step."""
    candidate = next(c for c in quota.ranking if c.id == subject_id)
    place = 1 + sum(1 for c in quota.ranking if c.key > candidate.key)
    mark = quota.mark(subject_id)
    rule = quota.rule
    share = rule.share * 100
    return TraceStep(
        code="quota",
        rule=f"quota.{mark}",
        values=(
            ("group", quota.group),
            ("candidates", len(quota.ranking)),
            ("good", quota.good),
            ("max_excellent", quota.max_excellent),
            ("reading", "inclusive" if quota.good_includes_excellent else "exclusive"),
            ("share_percent", int(share) if share.denominator == 1 else str(share)),
            ("small_group_below", rule.small_group_below),
            ("small_group", quota.good < rule.small_group_below),
            ("place", place),
            ("XS", candidate.excellent_votes),
            ("TOT_or_better", candidate.good_or_better_votes),
            ("tied_others", len(quota.tied) - 1 if mark is QuotaMark.TIE else 0),
        ),
    )
