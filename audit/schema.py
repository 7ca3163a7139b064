"""A small language for the shape of JSON bodies: exactly these fields, each of this type.

Every event body in the record has a shape (docs/RECORD.md, "Events"); a body with a missing
field, a field of the wrong type or a field nobody specified is named, so nothing in the record
goes unaccounted for. A rule takes the value and its path and returns ``None`` when the value
fits, or one line saying where and why it does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tally.canonical import is_integer

Rule = Callable[[Any, str], str | None]
HEX = frozenset("0123456789abcdef")


def _simple(test: Callable[[Any], bool], what: str) -> Rule:
    def rule(value: Any, path: str) -> str | None:
        return None if test(value) else f"{path}: expected {what}"

    return rule


def anything(value: Any, path: str) -> str | None:
    """Any JSON value (checked elsewhere, e.g. a manifest by its own loader)."""
    return None


integer = _simple(is_integer, "an integer")
count = _simple(lambda v: is_integer(v) and v >= 0, "an integer ≥ 0")
positive = _simple(lambda v: is_integer(v) and v >= 1, "an integer ≥ 1")
text = _simple(lambda v: isinstance(v, str), "a string")
boolean = _simple(lambda v: isinstance(v, bool), "true or false")
obj = _simple(lambda v: isinstance(v, dict), "an object")
decimal_key = _simple(
    lambda v: isinstance(v, str) and v.isascii() and v.isdecimal() and str(int(v)) == v,
    "a decimal number as a key",
)


def hex_bytes(length: int) -> Rule:
    """Exactly ``length`` bytes of lowercase hex."""
    return _simple(
        lambda v: isinstance(v, str) and len(v) == 2 * length and set(v) <= HEX,
        f"{length} bytes of lowercase hex",
    )


def one_of(*values: str) -> Rule:
    return _simple(lambda v: isinstance(v, str) and v in values, "one of " + ", ".join(values))


def nullable(rule: Rule) -> Rule:
    def check(value: Any, path: str) -> str | None:
        return None if value is None else rule(value, path)

    return check


def list_of(rule: Rule, *, unique: bool = False) -> Rule:
    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, list):
            return f"{path}: expected a list"
        for position, item in enumerate(value):
            problem = rule(item, f"{path}[{position}]")
            if problem:
                return problem
        if unique and len({repr(item) for item in value}) != len(value):
            return f"{path}: an item appears twice"
        return None

    return check


def map_of(key: Rule, rule: Rule) -> Rule:
    """An object whose keys fit ``key`` and whose values fit ``rule``."""

    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, dict):
            return f"{path}: expected an object"
        for name, item in value.items():
            problem = key(name, f"{path} key {name!r}") or rule(item, f"{path}.{name}")
            if problem:
                return problem
        return None

    return check


def shape(required: Mapping[str, Rule], optional: Mapping[str, Rule] | None = None) -> Rule:
    """An object with every ``required`` field, any of the ``optional`` ones, nothing else."""
    optional = optional or {}

    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, dict):
            return f"{path}: expected an object"
        missing = sorted(set(required) - set(value))
        unknown = sorted(set(value) - set(required) - set(optional))
        if missing:
            return f"{path}: missing {', '.join(missing)}"
        if unknown:
            return f"{path}: unknown field {', '.join(unknown)}"
        for name, item in value.items():
            rule = required.get(name) or optional[name]
            problem = rule(item, f"{path}.{name}")
            if problem:
                return problem
        return None

    return check
