"""What a rule profile is made of: options, the quota rule, the caps, the 100-point scale, the
regulation each rule comes from, and notes on how sure we are of each difference.

A profile is data. The counting code reads only these fields, so two eras differ by their data
alone, never by a code path (``tally.rules.profiles`` holds the three profiles).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from tally.rules.levels import Level
from tally.rules.options import RuleOptions


class NoteStatus(StrEnum):
    """How sure we are of a statement about a profile."""

    KNOWN = "known"
    """Read in the regulation's text, or in a report quoting it (the source is named)."""
    ASSUMPTION = "assumption"
    """Carried over from another era or from common practice; not checked against the text."""


@dataclass(frozen=True)
class ProfileNote:
    """One statement about a profile: what, how sure, and from which document and article."""

    topic: str
    text: str
    status: NoteStatus
    source: str


@dataclass(frozen=True)
class QuotaRule:
    """The cap on excellent ratings per group of equivalent positions."""

    share: Fraction = Fraction(1, 5)
    """XS may not exceed ``share`` of the "good" (20%), rounded down."""
    small_group_below: int = 5
    """Where fewer than this many are "good" ..."""
    small_group_max: int = 1
    """... at most this many may be XS."""


@dataclass(frozen=True)
class CapRules:
    """The ceilings applied after the vote, each with its trigger."""

    disciplined_level: Level = Level.KHT
    discipline_exception: bool = False
    """Whether "found the fault and fully remedied its consequences" waives the discipline cap."""
    sick_leave_months: int = 3
    sick_leave_ceiling: Level = Level.HT
    civil_servant_ceiling: Level = Level.TOT
    """A civil servant rated below XS in the civil service is at most this."""
    civil_servant_kht: bool = False
    """Whether a civil servant rated KHT in the civil service is KHT as a party member."""
    kht_years: int | None = None
    """Members rated KHT this many consecutive years before are KHT (``None``: no such rule)."""


@dataclass(frozen=True)
class ScoreBand:
    """On the 100-point scale: from ``minimum`` points up, at most ``level``."""

    minimum: int
    level: Level


def cite(citations: Mapping[str, str], rule: str) -> str:
    """The regulation behind a rule id: the entry of its longest dotted prefix, or ``""``."""
    parts = rule.split(".")
    for end in range(len(parts), 0, -1):
        found = citations.get(".".join(parts[:end]))
        if found:
            return found
    return ""


@dataclass(frozen=True)
class Profile:
    """A named, versioned set of rules chosen per meeting and printed in the minute."""

    name: str
    version: int
    title: str
    documents: tuple[str, ...]
    in_force_from: int
    options: RuleOptions = field(default_factory=RuleOptions)
    quota: QuotaRule = field(default_factory=QuotaRule)
    caps: CapRules = field(default_factory=CapRules)
    min_months_since_admission: int = 6
    """Members admitted less than this many months ago are not rated (the roster applies it);
    0 where the era's rules rate every member who is not exempted or suspended."""
    score_scale: tuple[ScoreBand, ...] | None = None
    """The 100-point scale, highest band first, where the era has one."""
    citations: Mapping[str, str] = field(default_factory=dict)
    """Rule id (or a dotted prefix of one) → the regulation it comes from, in Vietnamese words
    (document, article, clause, point), as the minute prints it."""
    notes: tuple[ProfileNote, ...] = ()

    @property
    def label(self) -> str:
        """``name`` and ``version``: ``qd366-hd43 v2``, the one form in which the manifest, the
        chair's meeting, the rules' input and the minute name a profile."""
        return f"{self.name} v{self.version}"

    def citation(self, rule: str) -> str:
        """The regulation behind ``rule`` (see ``cite``)."""
        return cite(self.citations, rule)

    def score_ceiling(self, points: Fraction) -> tuple[Level, int] | None:
        """The highest level the score allows and the band's minimum, or ``None`` without a
        scale."""
        if self.score_scale is None:
            return None
        for band in self.score_scale:
            if points >= band.minimum:
                return band.level, band.minimum
        last = self.score_scale[-1]
        return last.level, last.minimum

    def as_json(self) -> dict[str, object]:
        """The profile as ``phieukin rules profiles`` and the minute show it."""
        return {
            "label": self.label,
            "name": self.name,
            "version": self.version,
            "title": self.title,
            "documents": list(self.documents),
            "in_force_from": self.in_force_from,
            "options": self.options.as_json(),
            "citations": dict(sorted(self.citations.items())),
            "notes": [
                {"topic": n.topic, "text": n.text, "status": n.status.value, "source": n.source}
                for n in self.notes
            ],
        }
