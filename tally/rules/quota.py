"""The excellent quota per group of equivalent positions (BRIEF §3, "Quota").

Within a group, the number at ``XS`` may not exceed ``floor(share × good)``, where ``good`` is the
number at ``TOT`` or better (or at ``TOT`` alone when ``good_includes_excellent`` is false); where
``good`` is below ``small_group_below`` (5), at most ``small_group_max`` (1). The quota is applied
to the levels *after* the caps: a subject capped below ``XS`` is not at ``XS`` and takes no place.

If more reach ``XS``, they are ranked by ``XS`` votes, then by cumulative ``TOT``-or-better
votes. Those beyond the quota are proposed at ``TOT`` and flagged ``over``. If the last place
inside and the first place outside are tied on both keys, every subject with that pair of votes
keeps ``XS`` and is flagged ``tie``: the program never breaks a tie, a further ballot round does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

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


def max_excellent(good: int, rule: QuotaRule) -> int:
    """``floor(share × good)``, or ``small_group_max`` when ``good < small_group_below``."""
    if good < rule.small_group_below:
        return rule.small_group_max
    return good * rule.share.numerator // rule.share.denominator


def count_good(levels: Sequence[Level], good_includes_excellent: bool) -> int:
    """How many are "good": at ``TOT`` or better, or at ``TOT`` alone."""
    counted = {Level.XS, Level.TOT} if good_includes_excellent else {Level.TOT}
    return sum(1 for level in levels if level in counted)


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

    def as_json(self) -> dict[str, object]:
        """The group's entry in the ``quota`` list of the output."""
        return {
            "group": self.group,
            "good": self.good,
            "max_excellent": self.max_excellent,
            "kept": list(self.kept),
            "over": list(self.over),
            "tied": list(self.tied),
        }


def apply_quota(
    group: str,
    levels: Sequence[Level],
    candidates: Sequence[QuotaCandidate],
    rule: QuotaRule,
    good_includes_excellent: bool,
) -> GroupQuota:
    """Apply the quota to one group: ``levels`` of every decided subject, ``candidates`` at XS."""
    good = count_good(levels, good_includes_excellent)
    limit = max_excellent(good, rule)
    ranking = tuple(sorted(candidates, key=lambda candidate: candidate.key, reverse=True))
    if len(ranking) <= limit:
        kept, over, tied = ranking, (), ()
    elif limit > 0 and ranking[limit - 1].key == ranking[limit].key:
        boundary = ranking[limit].key
        kept = tuple(c for c in ranking if c.key > boundary)
        tied = tuple(c for c in ranking if c.key == boundary)
        over = tuple(c for c in ranking if c.key < boundary)
    else:
        kept, over, tied = ranking[:limit], ranking[limit:], ()
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


def _limit_text(quota: GroupQuota) -> str:
    counted = "đạt TOT trở lên" if quota.good_includes_excellent else "đạt TOT, không tính XS"
    if quota.good < quota.rule.small_group_below:
        return (
            f"tối đa {quota.max_excellent} (dưới {quota.rule.small_group_below} người "
            f"{counted}: {quota.good})"
        )
    share = quota.rule.share * 100
    percent = f"{share.numerator}" if share.denominator == 1 else f"{share}"
    return f"tối đa {quota.max_excellent} = ⌊{percent}% × {quota.good}⌋ ({quota.good} {counted})"


def quota_step(quota: GroupQuota, subject_id: str) -> TraceStep:
    """The quota's effect on one subject at ``XS``, as a trace line."""
    candidate = next(c for c in quota.ranking if c.id == subject_id)
    place = 1 + sum(1 for c in quota.ranking if c.key > candidate.key)
    head = (
        f"Tỷ lệ XS nhóm «{quota.group}»: {len(quota.ranking)} đạt XS, {_limit_text(quota)}; "
        f"xếp thứ {place}/{len(quota.ranking)} ({candidate.excellent_votes} phiếu XS, "
        f"{candidate.good_or_better_votes} phiếu TOT trở lên)"
    )
    mark = quota.mark(subject_id)
    if mark is QuotaMark.KEPT:
        tail = " → giữ XS"
    elif mark is QuotaMark.OVER:
        tail = " → vượt tỷ lệ: đề xuất TOT (đánh dấu «over»)"
    else:
        tail = (
            f" → hoà ở ranh giới với {len(quota.tied) - 1} người khác: giữ XS, đánh dấu "
            "«tie»; bỏ phiếu vòng sau, chương trình không phá hoà"
        )
    numbers = (
        ("good", quota.good),
        ("max_excellent", quota.max_excellent),
        ("place", place),
        ("XS", candidate.excellent_votes),
        ("TOT_or_better", candidate.good_or_better_votes),
    )
    return TraceStep(rule=f"quota.{mark}", text=head + tail, numbers=numbers)
