"""The statistics per level a party organisation reports upward (docs/REPORT.md §6).

Counted from the committee's decisions, per cell and in total: the members rated (those on a
cell's rating ballot), how many are decided at each level, how many have no decided level and
why (the cell reached none, the cell held the member, tied at the organisation's boundary), and
how many were not rated and why. Shares are of those rated; the excellent are also given as a
share of those decided at good or better (``XS`` ÷ (``XS`` + ``TOT``)) — the figure published
reports quote ("hoàn thành tốt nhiệm vụ là 2.874, trong đó hoàn thành xuất sắc nhiệm vụ là 574,
bằng 20%"). Every share is computed from integers (``tally.rules.arithmetic.percent_text``:
one decimal, rounded half up, decimal comma), never averaged from other shares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tally.rules.arithmetic import percent_text

LEVEL_CODES = ("XS", "TOT", "HT", "KHT")
NO_LEVEL = ("unresolved", "pending", "tied")
"""Why a rated member has no decided level: the cell reached none, held, tied at the boundary."""


def _zero_levels() -> dict[str, int]:
    return dict.fromkeys(LEVEL_CODES, 0)


def _zero_no_level() -> dict[str, int]:
    return dict.fromkeys(NO_LEVEL, 0)


@dataclass
class LevelCounts:
    """Counts per level of one cell, one organisation, or many."""

    levels: dict[str, int] = field(default_factory=_zero_levels)
    no_level: dict[str, int] = field(default_factory=_zero_no_level)
    not_rated: dict[str, int] = field(default_factory=dict)
    """Reason code → how many were not rated for it."""

    @property
    def rated(self) -> int:
        return sum(self.levels.values()) + sum(self.no_level.values())

    @property
    def unresolved(self) -> int:
        return sum(self.no_level.values())

    @property
    def good_or_better(self) -> int:
        return self.levels["XS"] + self.levels["TOT"]

    def add_decision(self, decided: str | None, status: str) -> None:
        """Count one rated member's decision (``decided`` level, or why there is none)."""
        if decided is not None:
            self.levels[decided] += 1
        else:
            self.no_level[status] += 1

    def add_not_rated(self, reason: str) -> None:
        self.not_rated[reason] = self.not_rated.get(reason, 0) + 1

    def add(self, other: LevelCounts) -> None:
        """Add ``other``'s counts to these."""
        for code, count in other.levels.items():
            self.levels[code] += count
        for status, count in other.no_level.items():
            self.no_level[status] += count
        for reason, count in other.not_rated.items():
            self.not_rated[reason] = self.not_rated.get(reason, 0) + count

    def as_json(self) -> dict[str, Any]:
        """``{"rated", "levels", "unresolved", "not_rated", "excellent_share_of_good"}`` (the
        report's ``totals``) and the details: ``good_or_better``, ``shares`` of those rated,
        ``unresolved_reasons``, ``not_rated_reasons``."""
        rated = self.rated
        return {
            "rated": rated,
            "levels": dict(self.levels),
            "unresolved": self.unresolved,
            "not_rated": sum(self.not_rated.values()),
            "excellent_share_of_good": percent_text(self.levels["XS"], self.good_or_better),
            "good_or_better": self.good_or_better,
            "shares": {
                **{code: percent_text(n, rated) for code, n in self.levels.items()},
                "unresolved": percent_text(self.unresolved, rated),
            },
            "unresolved_reasons": dict(self.no_level),
            "not_rated_reasons": dict(sorted(self.not_rated.items())),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LevelCounts:
        """Read the counts back from ``as_json`` (shares are recomputed, never read)."""
        counts = cls()
        counts.levels = {code: _count(data["levels"][code]) for code in LEVEL_CODES}
        reasons = data.get("unresolved_reasons")
        if reasons is None:
            counts.no_level["unresolved"] = _count(data["unresolved"])
        else:
            counts.no_level = {status: _count(reasons.get(status, 0)) for status in NO_LEVEL}
        not_rated = data.get("not_rated_reasons")
        if not_rated is None:
            counts.not_rated = {"other": _count(data["not_rated"])} if data["not_rated"] else {}
        else:
            counts.not_rated = {str(k): _count(v) for k, v in not_rated.items()}
        return counts


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"not a count: {value!r}")
    return value


def total(parts: Iterable[LevelCounts]) -> LevelCounts:
    """The sum of several counts."""
    summed = LevelCounts()
    for part in parts:
        summed.add(part)
    return summed
