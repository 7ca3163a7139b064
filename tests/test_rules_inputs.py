"""Input validation: every malformed or impossible input names the field at fault."""

from __future__ import annotations

import copy

import pytest

from tally.errors import RuleInputError, TallyError
from tally.rules import parse_request

VALID = {
    "roll": {"official": 10, "excluded": 1, "present": 8},
    "collectives": {"chi-bo": "TOT"},
    "subjects": [
        {"id": "a", "votes": {"XS": 5, "TOT": 3, "HT": 0, "KHT": 0}},
        {"id": "b", "votes": {"XS": 0, "TOT": 6, "HT": 1, "KHT": 0}, "heads": "chi-bo"},
    ],
}


def broken(path: tuple[object, ...], value: object) -> dict:
    data = copy.deepcopy(VALID)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def test_valid_input_parses() -> None:
    request = parse_request(VALID)
    assert request.roll.roll_base == 9
    assert [s.id for s in request.subjects] == ["a", "b"]
    assert request.profile.name == "qd366-hd43"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "input"),
        ({**VALID, "extra": 1}, "extra"),
        ({**VALID, "profile": "qd999"}, "profile"),
        ({**VALID, "profile": 7}, "profile"),
        ({**VALID, "options": []}, "options"),
        ({**VALID, "options": {"bas": "roll"}}, "options.bas"),
        ({**VALID, "options": {"base": "everyone"}}, "options.base"),
        ({**VALID, "options": {"quorum": "3/4"}}, "options.quorum"),
        ({**VALID, "options": {"cumulative": "yes"}}, "options.cumulative"),
        ({**VALID, "options": {"good_includes_excellent": 1}}, "options.good_includes_excellent"),
        ({**VALID, "options": {"thresholds": {"XS": "3/4"}}}, "options.thresholds.XS"),
        ({**VALID, "options": {"thresholds": {"A": "2/3"}}}, "options.thresholds.A"),
        (broken(("roll",), KeyError), "roll"),
        (broken(("roll", "present"), KeyError), "roll.present"),
        (broken(("roll", "official"), -1), "roll.official"),
        (broken(("roll", "official"), 0), "roll.official"),
        (broken(("roll", "official"), True), "roll.official"),
        (broken(("roll", "excluded"), 2.5), "roll.excluded"),
        (broken(("roll", "excluded"), 10), "roll.excluded"),
        (broken(("roll", "present"), 10), "roll.present"),
        (broken(("roll", "typo"), 1), "roll.typo"),
        (broken(("subjects",), {}), "subjects"),
        (broken(("subjects", 0), "a"), "subjects[0]"),
        (broken(("subjects", 0, "id"), ""), "subjects[0].id"),
        (broken(("subjects", 1, "id"), "a"), "subjects[1].id"),
        (broken(("subjects", 0, "votes"), KeyError), "subjects[0].votes"),
        (broken(("subjects", 0, "votes", "HT"), KeyError), "subjects[0].votes.HT"),
        (broken(("subjects", 0, "votes", "XS"), -1), "subjects[0].votes.XS"),
        (broken(("subjects", 0, "votes", "XS"), "5"), "subjects[0].votes.XS"),
        (broken(("subjects", 0, "votes", "XS"), 6), "subjects[0].votes"),
        (broken(("subjects", 0, "votes", "BAD"), 0), "subjects[0].votes.BAD"),
        (broken(("subjects", 0, "diciplined"), True), "subjects[0].diciplined"),
        (broken(("subjects", 0, "disciplined"), "true"), "subjects[0].disciplined"),
        (broken(("subjects", 0, "sick_leave_months"), 13), "subjects[0].sick_leave_months"),
        (
            broken(("subjects", 0, "civil_servant_rating"), "good"),
            "subjects[0].civil_servant_rating",
        ),
        (broken(("subjects", 0, "heads"), "nowhere"), "subjects[0].heads"),
        (broken(("subjects", 0, "group"), ""), "subjects[0].group"),
        (broken(("subjects", 0, "not_rated"), ""), "subjects[0].not_rated"),
        (broken(("subjects", 0, "not_rated"), "exempted"), "subjects[0].votes"),
        (broken(("collectives",), ["TOT"]), "collectives"),
        (broken(("collectives", "chi-bo"), "A"), "collectives.chi-bo"),
    ],
)
def test_invalid_input_names_the_field(data: object, field: str) -> None:
    with pytest.raises(RuleInputError) as caught:
        parse_request(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, TallyError)


def test_not_rated_subject_needs_no_votes() -> None:
    data = copy.deepcopy(VALID)
    data["subjects"].append({"id": "c", "not_rated": "suspended"})
    request = parse_request(data)
    assert request.subjects[2].not_rated == "suspended"
    assert request.subjects[2].votes.total == 0


def test_optional_fields_default() -> None:
    subject = parse_request(VALID).subjects[0]
    assert (subject.group, subject.sick_leave_months, subject.disciplined) == ("default", 0, False)
    assert subject.civil_servant_rating is None and subject.heads is None
