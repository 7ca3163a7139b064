"""Exact threshold arithmetic: every comparison is done on integers, never on floats.

"More than half" of a base ``b`` means ``2·n > b``; "two thirds" means *at least* two thirds,
``3·n ≥ 2·b``. ``required`` gives the smallest count that meets a threshold, so the trace can say
how many votes were needed. Percentages are for display only and are rounded half up to one
decimal with integer arithmetic.
"""

from __future__ import annotations

from enum import StrEnum


class Threshold(StrEnum):
    """How many of the base a count must reach."""

    MORE_THAN_HALF = "more_than_half"
    TWO_THIRDS = "2/3"


def meets(count: int, base: int, threshold: Threshold) -> bool:
    """Whether ``count`` reaches ``threshold`` of ``base`` (exact, by cross-multiplication).

    A base of zero is never met: with no valid ballot nothing can be decided.
    """
    if base <= 0:
        return False
    if threshold is Threshold.MORE_THAN_HALF:
        return 2 * count > base
    return 3 * count >= 2 * base


def required(base: int, threshold: Threshold) -> int:
    """The smallest count that meets ``threshold`` of ``base`` (at least 1)."""
    if threshold is Threshold.MORE_THAN_HALF:
        return base // 2 + 1
    return max(1, -(-2 * base // 3))


def percent_text(count: int, base: int, lang: str = "vi") -> str:
    """``count/base`` as a percentage with one decimal: ``12, 20`` → ``"60,0%"`` (``"60.0%"`` in
    English); ``"—"`` for a base of zero."""
    if base <= 0:
        return "—"
    tenths = (count * 2000 + base) // (2 * base)
    mark = "." if lang == "en" else ","
    return f"{tenths // 10}{mark}{tenths % 10}%"
