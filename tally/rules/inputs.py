"""The rule engine's input, as frozen values, and its validation from decoded JSON.

``parse_request`` turns the JSON object of ``phieukin rules decide`` into a ``DecisionRequest``.
It rejects anything it does not understand — an unknown key, a wrong type, a count that cannot
be — with a ``RuleInputError`` naming the field (``subjects[2].votes.XS``), because a typo such as
``"diciplined"`` silently ignored would silently skip a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    """The cell's numbers: official members, those excluded from the base, those present."""

    official: int
    excluded: int
    present: int

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


@dataclass(frozen=True)
class Subject:
    """One member being rated (or listed as not rated) with what the rules need to know."""

    id: str
    votes: Votes = NO_VOTES
    group: str = DEFAULT_GROUP
    sick_leave_months: int = 0
    disciplined: bool = False
    civil_servant_rating: Level | None = None
    heads: str | None = None
    not_rated: str | None = None


@dataclass(frozen=True)
class DecisionRequest:
    """Everything one decision needs: the profile, the options in force, the counts."""

    profile: Profile
    options: RuleOptions
    roll: Roll
    subjects: tuple[Subject, ...]
    collectives: Mapping[str, Level] = field(default_factory=dict)


def _object(value: object, path: str, allowed: set[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RuleInputError("must be a JSON object", field=path)
    for key in value:
        if key not in allowed:
            where = f"{path}.{key}" if path != "input" else str(key)
            raise RuleInputError(f"unknown field; expected one of {sorted(allowed)}", field=where)
    return value


def _require(data: Mapping[str, object], key: str, path: str) -> object:
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


def _text(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleInputError("must be a non-empty string", field=path)
    return value


def _level(value: object, path: str) -> Level:
    level = parse_level(value)
    if level is None:
        raise RuleInputError(f"must be one of XS, TOT, HT, KHT, got {value!r}", field=path)
    return level


def parse_roll(value: object) -> Roll:
    """Validate ``roll``: counts that can be, and a base of at least one member."""
    data = _object(value, "roll", {"official", "excluded", "present"})
    official = count_value(_require(data, "official", "roll.official"), "roll.official")
    excluded = count_value(_require(data, "excluded", "roll.excluded"), "roll.excluded")
    present = count_value(_require(data, "present", "roll.present"), "roll.present")
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
    return Roll(official=official, excluded=excluded, present=present)


def parse_votes(value: object, path: str, present: int) -> Votes:
    """Validate one subject's counts: all four levels, summing to no more than ``present``."""
    data = _object(value, path, {level.value for level in LEVELS})
    counts = tuple(
        count_value(_require(data, level.value, f"{path}.{level.value}"), f"{path}.{level.value}")
        for level in LEVELS
    )
    if sum(counts) > present:
        raise RuleInputError(
            f"votes sum to {sum(counts)}, more than the {present} members present", field=path
        )
    return Votes(counts)  # type: ignore[arg-type]


_SUBJECT_FIELDS = {
    "id",
    "votes",
    "group",
    "sick_leave_months",
    "disciplined",
    "civil_servant_rating",
    "heads",
    "not_rated",
}


def parse_subject(
    value: object, path: str, roll: Roll, collectives: Mapping[str, Level]
) -> Subject:
    """Validate one entry of ``subjects``."""
    data = _object(value, path, _SUBJECT_FIELDS)
    subject_id = _text(_require(data, "id", f"{path}.id"), f"{path}.id")
    not_rated = None
    if data.get("not_rated") is not None:
        not_rated = _text(data["not_rated"], f"{path}.not_rated")
    if "votes" in data:
        votes = parse_votes(data["votes"], f"{path}.votes", roll.present)
    elif not_rated is None:
        raise RuleInputError("is required for a rated subject", field=f"{path}.votes")
    else:
        votes = NO_VOTES
    if not_rated is not None and votes.total:
        raise RuleInputError("a subject who is not rated has no votes", field=f"{path}.votes")
    disciplined = data.get("disciplined", False)
    if not isinstance(disciplined, bool):
        raise RuleInputError("must be true or false", field=f"{path}.disciplined")
    rating = data.get("civil_servant_rating")
    heads = data.get("heads")
    if heads is not None:
        heads = _text(heads, f"{path}.heads")
        if heads not in collectives:
            raise RuleInputError(
                f"names no collective in 'collectives': {heads!r}", field=f"{path}.heads"
            )
    return Subject(
        id=subject_id,
        votes=votes,
        group=_text(data.get("group", DEFAULT_GROUP), f"{path}.group"),
        sick_leave_months=count_value(
            data.get("sick_leave_months", 0),
            f"{path}.sick_leave_months",
            maximum=MAX_SICK_LEAVE_MONTHS,
        ),
        disciplined=disciplined,
        civil_servant_rating=(
            None if rating is None else _level(rating, f"{path}.civil_servant_rating")
        ),
        heads=heads,
        not_rated=not_rated,
    )


def parse_collectives(value: object) -> dict[str, Level]:
    """Validate ``collectives``: collective id → that collective's level."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RuleInputError("must be a JSON object", field="collectives")
    return {
        _text(key, "collectives"): _level(level, f"collectives.{key}")
        for key, level in value.items()
    }


def parse_request(value: object) -> DecisionRequest:
    """Validate the whole input of ``rules decide`` and resolve the profile and options."""
    data = _object(value, "input", {"profile", "options", "roll", "collectives", "subjects"})
    profile_name = data.get("profile")
    if profile_name is not None and not isinstance(profile_name, str):
        raise RuleInputError("must be a string", field="profile")
    profile = get_profile(profile_name)
    options = parse_options(data.get("options"), profile.options)
    roll = parse_roll(_require(data, "roll", "roll"))
    collectives = parse_collectives(data.get("collectives"))
    raw_subjects = _require(data, "subjects", "subjects")
    if not isinstance(raw_subjects, list):
        raise RuleInputError("must be a JSON array", field="subjects")
    subjects: list[Subject] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_subjects):
        subject = parse_subject(raw, f"subjects[{index}]", roll, collectives)
        if subject.id in seen:
            raise RuleInputError(f"duplicate id {subject.id!r}", field=f"subjects[{index}].id")
        seen.add(subject.id)
        subjects.append(subject)
    return DecisionRequest(
        profile=profile,
        options=options,
        roll=roll,
        subjects=tuple(subjects),
        collectives=collectives,
    )
