"""The roster and the roll call: who is counted in the base, who votes, who is rated
(docs/RULES.md §4.1–4.3).

``compute_roll`` is a pure function of the roster, the attendance and the meeting date. It
returns a ``Roll`` holding every number the chair sees and the minute prints — official members,
each exclusion from the base with its reason, who is present, who votes, who is rated and who is
not and why, the base and the quorum — and ``Roll.rule_roll`` turns it into the rule engine's
input, so the quorum arithmetic is the engine's own (``tally.rules.majority``), never a copy.

The rules (docs/RULES.md):

- **Who votes:** official members present who are not suspended. Probationary members are rated
  but never vote. A member on temporary activity elsewhere votes in that other cell; being
  excluded from this cell's base, they do not vote here either.
- **Base:** the official members minus those on temporary activity elsewhere, those exempted
  *and absent*, the suspended, and those absent for the whole meeting with an accepted reason.
  Absent members without a reason (and those not yet marked) stay in the base.
- **Quorum:** official members present who vote, at least two thirds of the base (option: more
  than half).
- **Not rated:** exempted, suspended from party activity, and — where the profile says so
  (QĐ 124, QĐ 366; ``min_months_since_admission``) — admitted less than six months before the
  meeting. A member suspended only from party-committee activity is still rated and still votes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from tally.rules.inputs import DEFAULT_GROUP
from tally.rules.inputs import Roll as RuleRoll
from tally.rules.levels import Level
from tally.rules.majority import meeting_base, quorum_met, quorum_required
from tally.rules.options import RuleOptions


class Membership(StrEnum):
    """Đảng viên chính thức or dự bị."""

    OFFICIAL = "official"
    PROBATIONARY = "probationary"


class Suspension(StrEnum):
    """Whether, and from what, a member is suspended (đình chỉ sinh hoạt)."""

    NONE = "none"
    PARTY = "party"
    """Suspended from party activity: excluded from the base, does not vote, not rated."""
    COMMITTEE = "committee"
    """Suspended from party-committee activity only: still votes and is still rated."""


class Attendance(StrEnum):
    """What the chair marked for a member."""

    PRESENT = "present"
    ABSENT_EXCUSED = "absent_excused"
    """Absent for the whole meeting with an accepted reason: excluded from the base."""
    ABSENT = "absent"
    """Absent without an accepted reason: stays in the base."""
    UNKNOWN = "unknown"
    """Not marked yet: counted like ``ABSENT`` (in the base, not present)."""


class Exclusion(StrEnum):
    """Why an official member is not counted in the base (first that applies)."""

    TEMPORARY_ELSEWHERE = "temporary_elsewhere"
    SUSPENDED = "suspended"
    EXEMPTED_ABSENT = "exempted_absent"
    ABSENT_EXCUSED = "absent_excused"


class NotRated(StrEnum):
    """Why a member is not on the ballot; the codes are the rule engine's ``not_rated``."""

    ADMITTED_UNDER_6_MONTHS = "admitted_under_6_months"
    EXEMPTED = "exempted"
    SUSPENDED = "suspended"


EXCLUSION_TEXT: dict[Exclusion, str] = {
    Exclusion.TEMPORARY_ELSEWHERE: "đang sinh hoạt tạm thời nơi khác",
    Exclusion.SUSPENDED: "đang bị đình chỉ sinh hoạt đảng",
    Exclusion.EXEMPTED_ABSENT: "được miễn sinh hoạt và vắng mặt",
    Exclusion.ABSENT_EXCUSED: "vắng mặt cả buổi có lý do được chấp nhận",
}
NOT_RATED_TEXT: dict[NotRated, str] = {
    NotRated.ADMITTED_UNDER_6_MONTHS: "kết nạp chưa đủ 6 tháng",
    NotRated.EXEMPTED: "được miễn công tác và sinh hoạt đảng",
    NotRated.SUSPENDED: "đang bị đình chỉ sinh hoạt đảng",
}


@dataclass(frozen=True)
class Member:
    """One roster line: the facts the rules need about a member, nothing more."""

    id: int
    name: str
    membership: Membership
    admitted: date
    exempted: bool = False
    suspended: Suspension = Suspension.NONE
    temporary_elsewhere: bool = False
    sick_leave_months: int = 0
    disciplined: bool = False
    civil_servant_rating: Level | None = None
    heads: str | None = None
    """The collective this member heads (a cap: not above that collective's level)."""
    group: str = DEFAULT_GROUP
    """The group of equivalent positions for the excellent quota."""
    civil_servant_pending: bool = False
    """A civil servant whose rating of this year is not known yet (the decision is held)."""
    discipline_self_remedied: bool = False
    """Disciplined, but found the fault and fully remedied it (QĐ 124's exception)."""
    kht_years_before: int = 0
    """Consecutive years right before this one rated KHT."""
    score: str | None = None
    """The score on the 100-point scale (QĐ 366), as written: ``"89.5"``."""

    @property
    def official(self) -> bool:
        return self.membership is Membership.OFFICIAL

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "membership": self.membership.value,
            "admitted": self.admitted.isoformat(),
            "exempted": self.exempted,
            "suspended": self.suspended.value,
            "temporary_elsewhere": self.temporary_elsewhere,
            "sick_leave_months": self.sick_leave_months,
            "disciplined": self.disciplined,
            "civil_servant_rating": (
                None if self.civil_servant_rating is None else self.civil_servant_rating.value
            ),
            "heads": self.heads,
            "group": self.group,
            "civil_servant_pending": self.civil_servant_pending,
            "discipline_self_remedied": self.discipline_self_remedied,
            "kht_years_before": self.kht_years_before,
            "score": self.score,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Member:
        """The inverse of ``to_json`` (for values this program stored itself)."""
        rating = data.get("civil_servant_rating")
        return cls(
            id=int(data["id"]),  # type: ignore[arg-type]
            name=str(data["name"]),
            membership=Membership(data["membership"]),
            admitted=date.fromisoformat(str(data["admitted"])),
            exempted=bool(data.get("exempted", False)),
            suspended=Suspension(data.get("suspended", "none")),
            temporary_elsewhere=bool(data.get("temporary_elsewhere", False)),
            sick_leave_months=int(data.get("sick_leave_months", 0)),  # type: ignore[arg-type]
            disciplined=bool(data.get("disciplined", False)),
            civil_servant_rating=None if rating is None else Level(str(rating)),
            heads=None if data.get("heads") is None else str(data["heads"]),
            group=str(data.get("group", DEFAULT_GROUP)),
            civil_servant_pending=bool(data.get("civil_servant_pending", False)),
            discipline_self_remedied=bool(data.get("discipline_self_remedied", False)),
            kht_years_before=int(data.get("kht_years_before", 0)),  # type: ignore[arg-type]
            score=None if data.get("score") is None else str(data["score"]),
        )


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - date(year, month, 1)).days
    return date(year, month, min(day.day, last_day))


def admitted_recently(member: Member, meeting_date: date, months: int = 6) -> bool:
    """Admitted less than ``months`` calendar months before the meeting date."""
    return meeting_date < add_months(member.admitted, months)


def exclusion(member: Member, attendance: Attendance) -> Exclusion | None:
    """Why an official member is not in the base, or ``None`` if they are."""
    if not member.official:
        return None
    if member.temporary_elsewhere:
        return Exclusion.TEMPORARY_ELSEWHERE
    if member.suspended is Suspension.PARTY:
        return Exclusion.SUSPENDED
    if member.exempted and attendance is not Attendance.PRESENT:
        return Exclusion.EXEMPTED_ABSENT
    if attendance is Attendance.ABSENT_EXCUSED:
        return Exclusion.ABSENT_EXCUSED
    return None


def not_rated_reason(member: Member, meeting_date: date, months: int = 6) -> NotRated | None:
    """Why a member is not rated this year, or ``None`` if they are."""
    if member.suspended is Suspension.PARTY:
        return NotRated.SUSPENDED
    if member.exempted:
        return NotRated.EXEMPTED
    if admitted_recently(member, meeting_date, months):
        return NotRated.ADMITTED_UNDER_6_MONTHS
    return None


@dataclass(frozen=True)
class Roll:
    """The roll call of one meeting: every number the chair sees and the minute prints."""

    official: int
    probationary: int
    excluded: tuple[tuple[int, Exclusion], ...]
    present: tuple[int, ...]
    """Every member marked present, official or probationary."""
    voters: tuple[int, ...]
    """Official members present who vote here: the tokens to issue."""
    absent: tuple[tuple[int, Attendance], ...]
    rated: tuple[int, ...]
    not_rated: tuple[tuple[int, NotRated], ...]
    options: RuleOptions = field(default_factory=RuleOptions)

    @property
    def base(self) -> int:
        """Official members minus those excluded: the quorum's base (option ``roll``)."""
        return self.official - len(self.excluded)

    @property
    def rule_roll(self) -> RuleRoll:
        """The rule engine's ``roll``: the voters are its ``present``."""
        return RuleRoll(
            official=self.official, excluded=len(self.excluded), present=len(self.voters)
        )

    @property
    def quorum_required(self) -> int:
        return quorum_required(self.rule_roll, self.options.quorum)

    @property
    def quorum_met(self) -> bool:
        return quorum_met(self.rule_roll, self.options.quorum)

    @property
    def threshold_base(self) -> int:
        """The denominator of the thresholds under the base option (per person for
        ``valid_for_person``, where this is its upper bound: the voters)."""
        return meeting_base(self.rule_roll, self.options.base)

    def summary(self) -> dict[str, object]:
        """The roll as the event log records it (``attendance``, ``round-roll``) and the minute
        counts it: numbers, and members only by id with the reason of an exclusion or of not
        being rated (docs/RECORD.md, "The roll")."""
        return {
            "official": self.official,
            "probationary": self.probationary,
            "excluded": [{"id": i, "reason": r.value} for i, r in self.excluded],
            "base": self.base,
            "base_option": self.options.base.value,
            "quorum": self.options.quorum.value,
            "quorum_required": self.quorum_required,
            "quorum_met": self.quorum_met,
            "present": len(self.present),
            "voters": len(self.voters),
            "not_rated": [{"id": i, "reason": r.value} for i, r in self.not_rated],
        }

    def to_json(self) -> dict[str, object]:
        return {
            "official": self.official,
            "probationary": self.probationary,
            "excluded": [
                {"id": i, "reason": r.value, "text": EXCLUSION_TEXT[r]} for i, r in self.excluded
            ],
            "base": self.base,
            "base_option": self.options.base.value,
            "threshold_base": self.threshold_base,
            "quorum": self.options.quorum.value,
            "quorum_required": self.quorum_required,
            "quorum_met": self.quorum_met,
            "present": list(self.present),
            "voters": list(self.voters),
            "absent": [{"id": i, "attendance": a.value} for i, a in self.absent],
            "rated": list(self.rated),
            "not_rated": [
                {"id": i, "reason": r.value, "text": NOT_RATED_TEXT[r]} for i, r in self.not_rated
            ],
        }


def compute_roll(
    members: Iterable[Member],
    attendance: Mapping[int, Attendance],
    meeting_date: date,
    options: RuleOptions | None = None,
    *,
    min_months_since_admission: int = 6,
) -> Roll:
    """Apply the roll-call rules to the roster: base, present, voters, rated, not rated (in
    roster order).

    ``attendance`` maps member ids to what the chair marked; a member missing from it is
    ``UNKNOWN`` (counted as absent without reason). ``min_months_since_admission`` comes from
    the meeting's profile.
    """
    roster: Sequence[Member] = tuple(members)
    excluded, present, voters, absent, rated, not_rated = [], [], [], [], [], []
    for member in roster:
        mark = attendance.get(member.id, Attendance.UNKNOWN)
        reason = exclusion(member, mark)
        if reason is not None:
            excluded.append((member.id, reason))
        if mark is Attendance.PRESENT:
            present.append(member.id)
            if member.official and reason is None:
                voters.append(member.id)
        else:
            absent.append((member.id, mark))
        why = not_rated_reason(member, meeting_date, min_months_since_admission)
        if why is None:
            rated.append(member.id)
        else:
            not_rated.append((member.id, why))
    official = sum(1 for m in roster if m.official)
    return Roll(
        official=official,
        probationary=len(roster) - official,
        excluded=tuple(excluded),
        present=tuple(present),
        voters=tuple(voters),
        absent=tuple(absent),
        rated=tuple(rated),
        not_rated=tuple(not_rated),
        options=options or RuleOptions(),
    )


def collective_keys(collectives: Iterable[str]) -> dict[str, str]:
    """An ASCII key per collective name (canonical JSON keys are ASCII; the rules' input names
    a collective by its key): the name without diacritics, lower-case, words joined by '-',
    made unique with a number if needed, the names taken in sorted order."""
    keys: dict[str, str] = {}
    for name in sorted(collectives):
        plain = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
        words = re.findall(r"[a-z0-9]+", plain.encode("ascii", "ignore").decode().lower())
        key, suffix = "-".join(words) or "tap-the", 2
        while key in keys.values():
            key, suffix = f"{'-'.join(words) or 'tap-the'}-{suffix}", suffix + 1
        keys[name] = key
    return keys
