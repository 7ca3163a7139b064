"""Named, versioned rule profiles: the rules of each era as data, never as code paths.

A meeting picks one profile by name; the minute prints its name and version. The counting code
reads only the profile's fields, so two eras differ by their data alone. Each profile carries
``notes`` saying where it differs from the others and whether that is known from a source or an
assumption (see ``docs/RULES.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from tally.errors import RuleInputError
from tally.rules.levels import Level
from tally.rules.options import RuleOptions


class NoteStatus(StrEnum):
    """How sure we are of a note about a profile."""

    KNOWN = "known"
    """Stated by the brief or read in a source."""
    ASSUMPTION = "assumption"
    """The brief's default carried over; not checked against the era's text."""


@dataclass(frozen=True)
class ProfileNote:
    """One statement about a profile: what, how sure, and from where."""

    topic: str
    text: str
    status: NoteStatus
    source: str


@dataclass(frozen=True)
class QuotaRule:
    """The cap on excellent ratings per group of equivalent positions."""

    share: Fraction = Fraction(1, 5)
    """XS may not exceed ``floor(share × good)``."""
    small_group_below: int = 5
    """Where fewer than this many are "good" ..."""
    small_group_max: int = 1
    """... at most this many may be XS."""


@dataclass(frozen=True)
class CapRules:
    """The ceilings applied after the vote, each with its trigger."""

    disciplined_level: Level = Level.KHT
    sick_leave_months: int = 3
    sick_leave_ceiling: Level = Level.HT
    civil_servant_ceiling: Level = Level.TOT
    """A civil servant rated below XS in the civil service is at most this."""


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
    """Members admitted less than this many months ago are not rated (the roster applies it)."""
    notes: tuple[ProfileNote, ...] = ()

    @property
    def label(self) -> str:
        """``name`` and ``version``: ``qd366-hd43 v1``, the one form in which the manifest, the
        chair's meeting, the rules' input and the minute name a profile."""
        return f"{self.name} v{self.version}"


_BRIEF = "BRIEF §3"
_COUNTING_ASSUMED = ProfileNote(
    topic="counting",
    text="Base, quorum (2/3), cumulative majority (> 1/2) and the not-rated cases are the "
    "brief's defaults; not checked against this era's text.",
    status=NoteStatus.ASSUMPTION,
    source=_BRIEF,
)
_SMALL_GROUP_ASSUMED = ProfileNote(
    topic="quota",
    text="'Fewer than 5 at TOT or better → at most 1 XS' applied as in the brief; not checked "
    "against this era's text.",
    status=NoteStatus.ASSUMPTION,
    source=_BRIEF,
)
_GOOD_READING = ProfileNote(
    topic="quota",
    text="The 20% is read as 20% of those at TOT or better (XS included); the text says '20% of "
    "those rated good' and local guidance reads it both ways, hence the option "
    "good_includes_excellent.",
    status=NoteStatus.ASSUMPTION,
    source=_BRIEF,
)

QD132_HD21 = Profile(
    name="qd132-hd21",
    version=1,
    title="Quy định 132-QĐ/TW (08/3/2018) và Hướng dẫn 21-HD/BTCTW (18/10/2019)",
    documents=(
        "Quy định 132-QĐ/TW ngày 08/3/2018",
        "Hướng dẫn 16-HD/BTCTW ngày 24/9/2018",
        "Hướng dẫn 21-HD/BTCTW ngày 18/10/2019",
    ),
    in_force_from=2018,
    notes=(
        ProfileNote(
            topic="documents",
            text="QĐ 132 of 08/3/2018 was first implemented by HD 16-HD/BTCTW of 24/9/2018; "
            "cell plans for the 2019–2022 reviews cite HD 21-HD/BTCTW of 18/10/2019.",
            status=NoteStatus.KNOWN,
            source="HD 16-HD/BTCTW header; kế hoạch 09-KH/ĐU xã La Bằng (2020)",
        ),
        _COUNTING_ASSUMED,
        _SMALL_GROUP_ASSUMED,
        _GOOD_READING,
    ),
)

QD124_HD25 = Profile(
    name="qd124-hd25",
    version=1,
    title="Quy định 124-QĐ/TW và Hướng dẫn 25-HD/BTCTW (2023)",
    documents=("Quy định 124-QĐ/TW (2023)", "Hướng dẫn 25-HD/BTCTW (2023)"),
    in_force_from=2023,
    notes=(
        ProfileNote(
            topic="documents",
            text="Replaces QĐ 132 from the 2023 review on.",
            status=NoteStatus.KNOWN,
            source=_BRIEF,
        ),
        ProfileNote(
            topic="quota",
            text="XS limited to 20% of TOT-or-better per group of equivalent positions, rounded "
            "down; caps on sick leave, civil servants and heads as in the brief.",
            status=NoteStatus.KNOWN,
            source=_BRIEF,
        ),
        _COUNTING_ASSUMED,
        _SMALL_GROUP_ASSUMED,
        _GOOD_READING,
    ),
)

QD366_HD43 = Profile(
    name="qd366-hd43",
    version=1,
    title="Quy định 366-QĐ/TW và Hướng dẫn 43-HD/BTCTW (2025)",
    documents=("Quy định 366-QĐ/TW (2025)", "Hướng dẫn 43-HD/BTCTW (2025)"),
    in_force_from=2025,
    notes=(
        ProfileNote(
            topic="documents",
            text="Current rules from the 2025 review on; the brief names it last, so it is the "
            "default.",
            status=NoteStatus.KNOWN,
            source=_BRIEF,
        ),
        ProfileNote(
            topic="score",
            text="Adds a 100-point scale (XS needs a total of at least 90 points, QĐ 366 art. 11 "
            "cl. 1). The score is assessed before the ballot and decides who may be proposed; it "
            "is not part of the vote counting, so no option of this profile depends on it.",
            status=NoteStatus.KNOWN,
            source="BRIEF §3; QĐ 366-QĐ/TW điều 11 khoản 1",
        ),
        _COUNTING_ASSUMED,
        _SMALL_GROUP_ASSUMED,
        _GOOD_READING,
    ),
)

PROFILES: dict[str, Profile] = {
    profile.name: profile for profile in (QD132_HD21, QD124_HD25, QD366_HD43)
}
"""Every profile by name."""

DEFAULT_PROFILE: Profile = QD366_HD43
"""The current rules: the profile used when a meeting names none."""


def get_profile(name: str | None) -> Profile:
    """The profile named ``name`` — its label ``"<name> v<version>"``, the one form a record
    names a profile in, or a bare name for that name's current version — or the default when
    ``None``; unknown names raise."""
    if name is None:
        return DEFAULT_PROFILE
    by_label = {profile.label: profile for profile in PROFILES.values()}
    try:
        return by_label[name] if name in by_label else PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise RuleInputError(f"unknown profile {name!r}; known: {known}", field="profile") from None
