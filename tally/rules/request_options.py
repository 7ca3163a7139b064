"""Validation of the ``options`` input object against the profile's options.

Each key present overrides the profile; each key absent keeps the profile's value. ``thresholds``
may name only some levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TypeVar

from tally.errors import RuleInputError
from tally.rules.arithmetic import Threshold
from tally.rules.levels import Level, parse_level
from tally.rules.options import BaseOption, QuorumOption, RuleOptions

_Choice = TypeVar("_Choice", BaseOption, QuorumOption, Threshold)

_OPTION_FIELDS = {
    "base",
    "quorum",
    "cumulative",
    "thresholds",
    "good_includes_excellent",
    "blank_allowed",
}


def choice(kind: type[_Choice], value: object, path: str) -> _Choice:
    """One of the values of ``kind`` (an option's enumeration); ``RuleInputError`` names
    ``path`` otherwise."""
    allowed = [member.value for member in kind]
    if not isinstance(value, str) or value not in allowed:
        raise RuleInputError(f"must be one of {allowed}, got {value!r}", field=path)
    return kind(value)


def _flag(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise RuleInputError(f"must be true or false, got {value!r}", field=path)
    return value


def parse_thresholds(value: object) -> dict[Level, Threshold]:
    """Validate ``options.thresholds``: level code → ``"more_than_half"`` or ``"2/3"``."""
    if not isinstance(value, Mapping):
        raise RuleInputError("must be a JSON object", field="options.thresholds")
    overrides: dict[Level, Threshold] = {}
    for key, threshold in value.items():
        level = parse_level(key)
        if level is None:
            raise RuleInputError(
                "must be a level code XS, TOT, HT or KHT", field=f"options.thresholds.{key}"
            )
        overrides[level] = choice(Threshold, threshold, f"options.thresholds.{key}")
    return overrides


def parse_options(value: object, defaults: RuleOptions) -> RuleOptions:
    """The profile's options with the overrides in ``value`` (``None`` means none)."""
    if value is None:
        return defaults
    if not isinstance(value, Mapping):
        raise RuleInputError("must be a JSON object", field="options")
    for key in value:
        if key not in _OPTION_FIELDS:
            raise RuleInputError(
                f"unknown option; expected one of {sorted(_OPTION_FIELDS)}", field=f"options.{key}"
            )
    options = defaults
    if "base" in value:
        options = replace(options, base=choice(BaseOption, value["base"], "options.base"))
    if "quorum" in value:
        options = replace(options, quorum=choice(QuorumOption, value["quorum"], "options.quorum"))
    if "cumulative" in value:
        options = replace(options, cumulative=_flag(value["cumulative"], "options.cumulative"))
    if "good_includes_excellent" in value:
        options = replace(
            options,
            good_includes_excellent=_flag(
                value["good_includes_excellent"], "options.good_includes_excellent"
            ),
        )
    if "blank_allowed" in value:
        options = replace(
            options, blank_allowed=_flag(value["blank_allowed"], "options.blank_allowed")
        )
    if "thresholds" in value:
        options = options.with_thresholds(parse_thresholds(value["thresholds"]))
    return options
