"""The organisation's binding quota on "hoàn thành xuất sắc", across its cells (docs/REPORT.md §4).

Per group of equivalent positions (the same label in any cell is the same group), over every
member of every counted cell:

- **G** (``good``) is the number the cells propose at ``TOT`` or better (decided members only:
  a cell's ``XS`` whether it kept the place or left a tie at its own boundary, and a cell's
  ``TOT``, including those its own quota lowered);
- the limit is the profile's quota rule on G under the reading of "good" the cells counted with
  (``tally.rules.quota.max_excellent``: 20% of G rounded down, at most 1 where G < 5; or the
  exclusive reading);
- the **candidates** are the members their cell proposes at ``XS``; cells differ in size, so
  they are ranked by **shares of the base** their cell's rules used for them, as exact
  fractions of integers: first ``XS`` votes ÷ base, then ``XS``+``TOT`` votes ÷ base, more is
  better on each, compared in that order;
- if more candidates than the limit: when the last place inside and the first outside have
  equal keys, everyone with that key is **tied** (left to the committee, never broken), those
  above keep ``XS``, those below are **over**; otherwise the first ``limit`` keep ``XS`` and
  the rest are over. Over means proposed one level lower, ``TOT``.

The committee never raises a cell's proposal: a member the cell's own quota put at ``TOT`` is
counted in G and listed (``lowered_by_cells``), not ranked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from tally.report.names import text_key
from tally.rules.profiles import QuotaRule
from tally.rules.quota import max_excellent, split_at_boundary

GOOD_LEVELS = ("XS", "TOT")


@dataclass(frozen=True)
class MemberRef:
    """A member as the report names one: the cell, the subject id in the cell's record, the name."""

    cell: str
    id: str
    name: str

    def as_json(self) -> dict[str, str]:
        return {"cell": self.cell, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class Proposal:
    """One member's proposal from their cell, with the facts the organisation's quota reads."""

    member: MemberRef
    group: str
    """The group of equivalent positions as the cell labelled it."""
    proposed: str | None
    status: str
    """``decided``, ``unresolved`` or ``pending`` in the cell's proposal."""
    cell_quota: str | None
    """The cell's own quota flag: ``kept``, ``over``, ``tie``, or ``None``."""
    excellent_votes: int
    good_votes: int
    """``XS`` + ``TOT`` votes (cumulative "good or better")."""
    base: int

    @property
    def excellent_share(self) -> Fraction:
        return Fraction(self.excellent_votes, self.base) if self.base > 0 else Fraction(0)

    @property
    def good_share(self) -> Fraction:
        return Fraction(self.good_votes, self.base) if self.base > 0 else Fraction(0)

    @property
    def key(self) -> tuple[Fraction, Fraction]:
        """The ranking key across cells: exact shares of the base, compared in order."""
        return (self.excellent_share, self.good_share)

    @property
    def is_good(self) -> bool:
        return self.status == "decided" and self.proposed in GOOD_LEVELS

    @property
    def is_candidate(self) -> bool:
        return self.status == "decided" and self.proposed == "XS"


@dataclass(frozen=True)
class GroupOutcome:
    """The organisation's quota for one group."""

    group: str
    good: int
    max_excellent: int
    ranking: tuple[Proposal, ...]
    """The candidates best first; equal keys keep the order the records were given in."""
    kept: tuple[Proposal, ...]
    over: tuple[Proposal, ...]
    tied: tuple[Proposal, ...]
    lowered_by_cells: tuple[Proposal, ...]
    rule: QuotaRule
    good_includes_excellent: bool

    @property
    def places(self) -> int:
        """The places left to the committee among the tied (0 when nobody is tied)."""
        return self.max_excellent - len(self.kept) if self.tied else 0

    def mark(self, proposal: Proposal) -> str | None:
        """``kept``, ``over`` or ``tie`` for a candidate, ``None`` for anyone else."""
        for mark, part in (("kept", self.kept), ("over", self.over), ("tie", self.tied)):
            if proposal in part:
                return mark
        return None

    def place(self, proposal: Proposal) -> int:
        """1 + the number of candidates with a strictly better key (equal keys, equal place)."""
        return 1 + sum(1 for other in self.ranking if other.key > proposal.key)


def group_proposals(proposals: Sequence[Proposal]) -> dict[str, list[Proposal]]:
    """The proposals by group key (``tally.report.names.text_key``), in first-appearance order."""
    groups: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        groups.setdefault(text_key(proposal.group), []).append(proposal)
    return groups


def apply_group(
    proposals: Sequence[Proposal], rule: QuotaRule, good_includes_excellent: bool
) -> GroupOutcome:
    """The organisation's quota over the proposals of one group (all cells)."""
    good = sum(1 for p in proposals if p.is_good)
    limit = max_excellent(good, rule, good_includes_excellent)
    ranking = tuple(
        sorted((p for p in proposals if p.is_candidate), key=lambda p: p.key, reverse=True)
    )
    kept, tied, over = split_at_boundary(ranking, limit)
    return GroupOutcome(
        group=proposals[0].group,
        good=good,
        max_excellent=limit,
        ranking=ranking,
        kept=kept,
        over=over,
        tied=tied,
        lowered_by_cells=tuple(
            p for p in proposals if p.status == "decided" and p.cell_quota == "over"
        ),
        rule=rule,
        good_includes_excellent=good_includes_excellent,
    )


def organisation_quota(
    proposals: Sequence[Proposal], rule: QuotaRule, good_includes_excellent: bool
) -> tuple[GroupOutcome, ...]:
    """The quota of every group with at least one member decided at ``TOT`` or better."""
    return tuple(
        apply_group(members, rule, good_includes_excellent)
        for members in group_proposals(proposals).values()
        if any(p.is_good for p in members)
    )
