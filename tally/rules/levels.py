"""The four rating levels and their order.

A level is compared by its rank: ``XS`` > ``TOT`` > ``HT`` > ``KHT``. Caps only ever lower a level
(``at_most``), and the majority rule walks the levels from the highest down (``LEVELS``).
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """A rating level, by its code in the minute and on the ballot."""

    XS = "XS"
    TOT = "TOT"
    HT = "HT"
    KHT = "KHT"

    @property
    def full_name(self) -> str:
        """The level's full Vietnamese name as printed in the minute."""
        return LEVEL_TITLES[self]

    @property
    def rank(self) -> int:
        """3 for ``XS`` down to 0 for ``KHT``: a larger rank is a better level."""
        return len(LEVELS) - 1 - LEVELS.index(self)


LEVELS: tuple[Level, ...] = (Level.XS, Level.TOT, Level.HT, Level.KHT)
"""Every level, from the highest to the lowest."""

LEVEL_TITLES: dict[Level, str] = {
    Level.XS: "Hoàn thành xuất sắc nhiệm vụ",
    Level.TOT: "Hoàn thành tốt nhiệm vụ",
    Level.HT: "Hoàn thành nhiệm vụ",
    Level.KHT: "Không hoàn thành nhiệm vụ",
}


def at_most(level: Level, ceiling: Level) -> Level:
    """Return ``level`` lowered to ``ceiling`` if it is above it; never raises a level."""
    return ceiling if level.rank > ceiling.rank else level


def levels_down_to(level: Level) -> tuple[Level, ...]:
    """The levels from ``XS`` down to ``level`` inclusive: what a cumulative count adds up."""
    return LEVELS[: LEVELS.index(level) + 1]


def parse_level(value: object) -> Level | None:
    """Return the level with code ``value``, or ``None`` if it is not a level code."""
    if isinstance(value, str) and value in Level.__members__:
        return Level(value)
    return None
