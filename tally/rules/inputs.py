"""The rule engine's input, as frozen values, and its validation from decoded JSON.

``parse_request`` turns the JSON object of ``phieukin rules decide`` into a ``DecisionRequest``.
It rejects anything it does not understand — an unknown key, a wrong type, a count that cannot
be — with a ``RuleInputError`` naming the field (``subjects[2].votes.XS``), because a typo such as
``"diciplined"`` silently ignored would silently skip a rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from tally.errors import RuleInputError
from tally.rules.levels import LEVELS, Level, parse_level
from tally.rules.options import RuleOptions
from tally.rules.profiles import Profile, get_profile
from tally.rules.request_options import parse_options

DEFAULT_GROUP = "default"
"""The quota group of a subject that names none: the whole cell is one group."""

MAX_SICK_LEAVE_MONTHS = 12


@dataclass(frozen=True)
class Roll:
    """The cell's numbers: official members, those excluded from the base, those present who
    vote, and (when known) how many ballots were cast."""

    official: int
    excluded: int
    present: int
    ballots: int | None = None
    """Ballots received; ``present − ballots`` voters cast none. ``None`` when not given: then
    blank answers and missing ballots are not told apart."""

    @property
    def not_cast(self) -> int | None:
        """Voters present who cast no ballot (``None`` when ``ballots`` is not given)."""
        return None if self.ballots is None else self.present - self.ballots

    @property
    def answered(self) -> int:
        """The ballots a subject's blank answers are counted in: ``ballots``, else ``present``."""
        return self.present if self.ballots is None else self.ballots

    @property
    def roll_base(self) -> int:
        """Official members minus the excluded: the base of the quorum and of option ``roll``."""
        return self.official - self.excluded


@dataclass(frozen=True)
class Votes:
    """A subject's decrypted counts, one per level, in ``LEVELS`` order."""

    counts: tuple[int, int, int, int]

    def __getitem__(self, level: Level) -> int:
        return self.counts[LEVELS.index(level)]

    @property
    def total(self) -> int:
        """Ballots that gave this subject a level (the rest left it blank)."""
        return sum(self.counts)

    def cumulative(self, level: Level) -> int:
        """Votes for ``level`` or better."""
        return sum(self.counts[: LEVELS.index(level) + 1])


NO_VOTES = Votes((0, 0, 0, 0))

_SCORE = re.compile(r"(\d{1,3})(?:\.(\d{1,2}))?")


@dataclass(frozen=True)
class Score:
    """A score on the 100-point scale, exact (an integer or a decimal with up to two places)."""

    value: Fraction

    @property
    def text(self) -> str:
        """The score as written in a step: ``"75"``, ``"89.5"``."""
        whole, rest = divmod(self.value * 100, 100)
        if rest == 0:
            return str(int(whole))
        return f"{int(whole)}.{int(rest):02d}".rstrip("0")


def parse_score(value: object, path: str) -> Score:
    """A score 0–100: a JSON integer, or a string with a decimal point (``"89.5"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        score = Fraction(value)
    elif isinstance(value, str) and (match := _SCORE.fullmatch(value)):
        score = Fraction(int(match[1])) + Fraction(int(match[2] or 0), 10 ** len(match[2] or ""))
    else:
        raise RuleInputError(
            f'must be a number of points 0–100 (an integer or a string like "89.5"), got {value!r}',
            field=path,
        )
    if not 0 <= score <= 100:
        raise RuleInputError(f"must be between 0 and 100, got {value!r}", field=path)
    return Score(score)


@dataclass(frozen=True)
class Subject:
    """One member being rated (or listed as not rated) with what the rules need to know."""

    id: str
    votes: Votes = NO_VOTES
    group: str = DEFAULT_GROUP
    sick_leave_months: int = 0
    disciplined: bool = False
    civil_servant_rating: Level | None = None
    civil_servant_pending: bool = False
    """The civil-service rating of this year is not known yet: the member's decision is held."""
    heads: str | None = None
    not_rated: str | None = None
    discipline_self_remedied: bool = False
    """Disciplined, but the member found the fault and fully remedied its consequences."""
    kht_years_before: int = 0
    """Consecutive years, right before this one, in which the member was rated KHT."""
    score: Score | None = None
    """The member's score on the 100-point scale, where the profile has one."""
    collective: bool = False
    """A collective rated by the meeting (the cell, in its self-rating): no quota, no member
    facts."""


@dataclass(frozen=True)
class RunoffGroup:
    """A quota group left with a tie at its boundary: what the earlier rounds decided."""

    group: str
    good: int
    """Members at TOT or better in the group (after the caps) in the rating round."""
    max_excellent: int
    """The group's quota, fixed by the rating round."""
    kept: tuple[str, ...]
    """Subjects who already keep XS in this group (they take places before the runoff)."""

    @property
    def places(self) -> int:
        """The XS places left for the tied members."""
        return self.max_excellent - len(self.kept)


@dataclass(frozen=True)
class DecisionRequest:
    """Everything one decision needs: the profile, the options in force, the counts.

    A rating round has four-level ``votes`` per subject. A runoff round (``runoff`` given) asks
    only which of the tied members keep XS: each subject's ``votes`` has only ``XS``, the
    number of ballots that chose them, and ``runoff`` gives each group's earlier result.
    """

    profile: Profile
    options: RuleOptions
    roll: Roll
    subjects: tuple[Subject, ...]
    collectives: Mapping[str, Level] = field(default_factory=dict)
    runoff: tuple[RunoffGroup, ...] | None = None


def json_object(value: object, path: str, allowed: set[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RuleInputError("must be a JSON object", field=path)
    for key in value:
        if key not in allowed:
            where = f"{path}.{key}" if path != "input" else str(key)
            raise RuleInputError(f"unknown field; expected one of {sorted(allowed)}", field=where)
    return value


def require_field(data: Mapping[str, object], key: str, path: str) -> object:
    if key not in data:
        raise RuleInputError("is required", field=path)
    return data[key]


def count_value(value: object, path: str, *, maximum: int | None = None) -> int:
    """A non-negative JSON integer (``true``/``false`` are not integers), optionally bounded."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuleInputError(f"must be a non-negative integer, got {value!r}", field=path)
    if maximum is not None and value > maximum:
        raise RuleInputError(f"must be at most {maximum}, got {value}", field=path)
    return value


def text_value(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleInputError("must be a non-empty string", field=path)
    return value


def _flag(data: Mapping[str, object], key: str, path: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise RuleInputError("must be true or false", field=f"{path}.{key}")
    return value


def _level(value: object, path: str) -> Level:
    level = parse_level(value)
    if level is None:
        raise RuleInputError(f"must be one of XS, TOT, HT, KHT, got {value!r}", field=path)
    return level


def parse_roll(value: object) -> Roll:
    """Validate ``roll``: counts that can be, and a base of at least one member."""
    data = json_object(value, "roll", {"official", "excluded", "present", "ballots"})
    official = count_value(require_field(data, "official", "roll.official"), "roll.official")
    excluded = count_value(require_field(data, "excluded", "roll.excluded"), "roll.excluded")
    present = count_value(require_field(data, "present", "roll.present"), "roll.present")
    if official == 0:
        raise RuleInputError(
            "the cell must have at least one official member", field="roll.official"
        )
    if excluded >= official:
        raise RuleInputError(
            f"excluded ({excluded}) must be less than official ({official})", field="roll.excluded"
        )
    if present > official - excluded:
        raise RuleInputError(
            f"present ({present}) exceeds official − excluded ({official - excluded})",
            field="roll.present",
        )
    ballots = None
    if data.get("ballots") is not None:
        ballots = count_value(data["ballots"], "roll.ballots", maximum=present)
    return Roll(official=official, excluded=excluded, present=present, ballots=ballots)


def parse_votes(value: object, path: str, answered: int) -> Votes:
    """Validate one subject's counts: all four levels, summing to no more than the ballots."""
    data = json_object(value, path, {level.value for level in LEVELS})
    counts = tuple(
        count_value(
            require_field(data, level.value, f"{path}.{level.value}"), f"{path}.{level.value}"
        )
        for level in LEVELS
    )
    if sum(counts) > answered:
        raise RuleInputError(
            f"votes sum to {sum(counts)}, more than the {answered} ballots", field=path
        )
    return Votes(counts)  # type: ignore[arg-type]


_SUBJECT_FIELDS = {
    "id",
    "votes",
    "group",
    "sick_leave_months",
    "disciplined",
    "discipline_self_remedied",
    "civil_servant_rating",
    "heads",
    "not_rated",
    "kht_years_before",
    "score",
    "collective",
}
MAX_KHT_YEARS = 50
_MEMBER_FACTS = _SUBJECT_FIELDS - {"id", "votes", "collective", "not_rated"}


def _civil_servant(data: Mapping[str, object], path: str) -> tuple[Level | None, bool]:
    rating = data.get("civil_servant_rating")
    if rating is None:
        return None, False
    if rating == "pending":
        return None, True
    return _level(rating, f"{path}.civil_servant_rating"), False


def parse_subject(
    value: object, path: str, request: Mapping[str, object], roll: Roll, profile: Profile
) -> Subject:
    """Validate one entry of ``subjects`` of a rating round."""
    collectives: Mapping[str, Level] = request["collectives"]  # type: ignore[assignment]
    data = json_object(value, path, _SUBJECT_FIELDS)
    subject_id = text_value(require_field(data, "id", f"{path}.id"), f"{path}.id")
    collective = _flag(data, "collective", path)
    if collective and set(data) & (_MEMBER_FACTS | {"not_rated"}):
        raise RuleInputError("a collective has only an id and votes", field=f"{path}.collective")
    not_rated = None
    if data.get("not_rated") is not None:
        not_rated = text_value(data["not_rated"], f"{path}.not_rated")
    if "votes" in data:
        votes = parse_votes(data["votes"], f"{path}.votes", roll.answered)
    elif not_rated is None:
        raise RuleInputError("is required for a rated subject", field=f"{path}.votes")
    else:
        votes = NO_VOTES
    if not_rated is not None and votes.total:
        raise RuleInputError("a subject who is not rated has no votes", field=f"{path}.votes")
    disciplined = _flag(data, "disciplined", path)
    remedied = _flag(data, "discipline_self_remedied", path)
    if remedied and not disciplined:
        raise RuleInputError(
            "only a disciplined member can have remedied the fault (set disciplined too)",
            field=f"{path}.discipline_self_remedied",
        )
    rating, pending = _civil_servant(data, path)
    heads = data.get("heads")
    if heads is not None:
        heads = text_value(heads, f"{path}.heads")
        if heads not in collectives:
            raise RuleInputError(
                f"names no collective in 'collectives': {heads!r}", field=f"{path}.heads"
            )
    score = None
    if data.get("score") is not None:
        if profile.score_scale is None:
            raise RuleInputError(
                f"the profile {profile.name} has no 100-point scale; a score cannot be used",
                field=f"{path}.score",
            )
        score = parse_score(data["score"], f"{path}.score")
    return Subject(
        id=subject_id,
        votes=votes,
        group=text_value(data.get("group", DEFAULT_GROUP), f"{path}.group"),
        sick_leave_months=count_value(
            data.get("sick_leave_months", 0),
            f"{path}.sick_leave_months",
            maximum=MAX_SICK_LEAVE_MONTHS,
        ),
        disciplined=disciplined,
        civil_servant_rating=rating,
        civil_servant_pending=pending,
        heads=heads,
        not_rated=not_rated,
        discipline_self_remedied=remedied,
        kht_years_before=count_value(
            data.get("kht_years_before", 0), f"{path}.kht_years_before", maximum=MAX_KHT_YEARS
        ),
        score=score,
        collective=collective,
    )


def parse_collectives(value: object) -> dict[str, Level]:
    """Validate ``collectives``: collective id → that collective's level."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RuleInputError("must be a JSON object", field="collectives")
    return {
        text_value(key, "collectives"): _level(level, f"collectives.{key}")
        for key, level in value.items()
    }


def votes_by_subject(data: Mapping[str, object]) -> list[tuple[str, str, object]]:
    """The ``subjects`` of a request of another kind (docs/RULES.md §6): each
    ``{"id", "votes"}`` with a unique id; returns ``(path, id, votes)`` for each, the votes
    still to be read by the kind."""
    entries, seen = [], set()
    for index, item in enumerate(_subject_list(data)):
        where = f"subjects[{index}]"
        entry = json_object(item, where, {"id", "votes"})
        subject_id = text_value(require_field(entry, "id", f"{where}.id"), f"{where}.id")
        if subject_id in seen:
            raise RuleInputError(f"duplicate id {subject_id!r}", field=f"{where}.id")
        seen.add(subject_id)
        entries.append((where, subject_id, require_field(entry, "votes", f"{where}.votes")))
    return entries


def _subject_list(data: Mapping[str, object]) -> list[object]:
    raw = require_field(data, "subjects", "subjects")
    if not isinstance(raw, list):
        raise RuleInputError("must be a JSON array", field="subjects")
    return raw


def _unique(subjects: list[Subject]) -> tuple[Subject, ...]:
    seen: set[str] = set()
    for index, subject in enumerate(subjects):
        if subject.id in seen:
            raise RuleInputError(f"duplicate id {subject.id!r}", field=f"subjects[{index}].id")
        seen.add(subject.id)
    return tuple(subjects)


def parse_request(value: object) -> DecisionRequest:
    """Validate the whole input of ``rules decide`` and resolve the profile and options."""
    data = json_object(
        value, "input", {"profile", "options", "roll", "collectives", "subjects", "runoff"}
    )
    profile_name = data.get("profile")
    if profile_name is not None and not isinstance(profile_name, str):
        raise RuleInputError("must be a string", field="profile")
    profile = get_profile(profile_name)
    options = parse_options(data.get("options"), profile.options)
    roll = parse_roll(require_field(data, "roll", "roll"))
    if data.get("runoff") is not None:
        from tally.rules.runoff_inputs import parse_runoff

        if data.get("collectives") is not None:
            raise RuleInputError("a runoff applies no caps", field="collectives")
        groups, subjects = parse_runoff(data["runoff"], _subject_list(data), roll)
        return DecisionRequest(profile, options, roll, _unique(subjects), {}, groups)
    context = {"collectives": parse_collectives(data.get("collectives"))}
    subjects = [
        parse_subject(raw, f"subjects[{index}]", context, roll, profile)
        for index, raw in enumerate(_subject_list(data))
    ]
    return DecisionRequest(
        profile=profile,
        options=options,
        roll=roll,
        subjects=_unique(subjects),
        collectives=context["collectives"],
    )
