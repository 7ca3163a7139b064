"""Validation of a runoff request: the earlier result of each tied group, and the runoff counts.

A runoff round asks only which of the members tied at a group's quota boundary keep XS, each
voter choosing up to the places left. The input carries, per group, what the earlier rounds
decided — the group's ``good`` count and quota (``max_excellent``, fixed by the rating round) and
who already keeps XS (``kept``) — and, per tied member, ``{"XS": n}``: how many ballots chose
them. Nothing else about a member is given: the caps were applied in the rating round.
"""

from __future__ import annotations

from collections.abc import Mapping

from tally.errors import RuleInputError
from tally.rules.inputs import (
    DEFAULT_GROUP,
    Roll,
    RunoffGroup,
    Subject,
    Votes,
    count_value,
    json_object,
    require_field,
    text_value,
)

_GROUP_FIELDS = {"group", "good", "max_excellent", "kept"}
_CANDIDATE_FIELDS = {"id", "group", "votes"}


def _group(raw: object, path: str) -> RunoffGroup:
    data = json_object(raw, path, _GROUP_FIELDS)
    kept = require_field(data, "kept", f"{path}.kept")
    if not isinstance(kept, list):
        raise RuleInputError("must be a list of subject ids", field=f"{path}.kept")
    group = RunoffGroup(
        group=text_value(data.get("group", DEFAULT_GROUP), f"{path}.group"),
        good=count_value(require_field(data, "good", f"{path}.good"), f"{path}.good"),
        max_excellent=count_value(
            require_field(data, "max_excellent", f"{path}.max_excellent"), f"{path}.max_excellent"
        ),
        kept=tuple(text_value(k, f"{path}.kept[{i}]") for i, k in enumerate(kept)),
    )
    if len(set(group.kept)) != len(group.kept):
        raise RuleInputError("lists a subject twice", field=f"{path}.kept")
    if group.max_excellent > max(group.good, 1):
        raise RuleInputError(
            f"a quota of {group.max_excellent} with {group.good} good cannot be",
            field=f"{path}.max_excellent",
        )
    if group.places < 1:
        raise RuleInputError(
            f"no place left: {len(group.kept)} already keep XS of {group.max_excellent}",
            field=f"{path}.kept",
        )
    return group


def _candidate(raw: object, path: str, roll: Roll) -> Subject:
    data = json_object(raw, path, _CANDIDATE_FIELDS)
    votes = json_object(require_field(data, "votes", f"{path}.votes"), f"{path}.votes", {"XS"})
    chosen = count_value(
        require_field(votes, "XS", f"{path}.votes.XS"), f"{path}.votes.XS", maximum=roll.answered
    )
    return Subject(
        id=text_value(require_field(data, "id", f"{path}.id"), f"{path}.id"),
        votes=Votes((chosen, 0, 0, 0)),
        group=text_value(data.get("group", DEFAULT_GROUP), f"{path}.group"),
    )


def parse_runoff(
    value: object, raw_subjects: list[object], roll: Roll
) -> tuple[tuple[RunoffGroup, ...], list[Subject]]:
    """Validate ``runoff`` and the tied members in ``subjects``; returns both."""
    data = json_object(value, "runoff", {"groups"})
    raw_groups = require_field(data, "groups", "runoff.groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise RuleInputError("must be a non-empty list", field="runoff.groups")
    groups = tuple(_group(raw, f"runoff.groups[{i}]") for i, raw in enumerate(raw_groups))
    by_name: Mapping[str, RunoffGroup] = {g.group: g for g in groups}
    if len(by_name) != len(groups):
        raise RuleInputError("names a group twice", field="runoff.groups")
    subjects = [_candidate(raw, f"subjects[{i}]", roll) for i, raw in enumerate(raw_subjects)]
    for index, subject in enumerate(subjects):
        group = by_name.get(subject.group)
        if group is None:
            raise RuleInputError(
                f"group {subject.group!r} is not in runoff.groups", field=f"subjects[{index}]"
            )
        if subject.id in group.kept:
            raise RuleInputError(
                "already keeps XS; a runoff ranks only the tied members", field=f"subjects[{index}]"
            )
    for position, group in enumerate(groups):
        members = [s for s in subjects if s.group == group.group]
        if len(members) < 2:
            raise RuleInputError(
                "a runoff group needs at least two tied members",
                field=f"runoff.groups[{position}]",
            )
        chosen = sum(member.votes.total for member in members)
        if chosen > group.places * roll.answered:
            raise RuleInputError(
                f"the members were chosen {chosen} times; {roll.answered} ballots choosing up to "
                f"{group.places} each allow at most {group.places * roll.answered}",
                field=f"runoff.groups[{position}]",
            )
    return groups, subjects
