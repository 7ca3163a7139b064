"""The cell's self-assessed score sheet (phiếu tự chấm điểm của chi bộ): exact arithmetic.

The secretary drafts the sheet; the members approve its total and rate the cell by secret ballot
(a ``self_rating`` round, docs/RULES.md §6). The sheet is fixed in that round's manifest
(``score_sheet``), printed in the minute item by item, and recomputed by every reader: the
server when the chair enters it, the manifest's loader (so a sheet whose numbers do not add up is
refused wherever it is read — the phone, the verifier), and the browser (``roundkinds.mjs``).

Points are written as decimal strings with at most one decimal place (``"28"``, ``"28.5"``) and
computed as integers of **tenths** of a point: never a float.

- Each **criterion** has its maximum and the points the cell gives itself (at most the maximum).
- Each **deduction** is a target the cell missed, tied to a criterion: 0.5 point for each full 5%
  of the target missed (a shortfall of 12% takes 1 point), at most 2 points per target.
- Each **bonus** is an achievement, at most 2 points.
- Deductions and bonuses each carry the reason and who is responsible.
- A criterion's net points are its points minus its deductions (not below 0); the **total** is the
  criteria's net points plus the bonuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tally.errors import FormatError

POINT_TENTHS = 10
DEDUCTION_PER_STEP = 5
"""Tenths of a point taken for each full step of shortfall (0.5 point)."""
SHORTFALL_STEP = 50
"""A step of shortfall in tenths of a percent (5%)."""
MAX_DEDUCTION = 20
"""At most 2 points per target (in tenths)."""
MAX_BONUS = 20
"""At most 2 points per achievement (in tenths)."""
MAX_CRITERIA, MAX_DEDUCTIONS, MAX_BONUSES = 50, 100, 50
MAX_TEXT = 300
LEVELS = ("XS", "TOT", "HT", "KHT")
_DECIMAL = re.compile(r"(\d{1,3})(?:\.(\d))?")

_CRITERION_KEYS = {"title", "max", "points"}
_DEDUCTION_KEYS = {"criterion", "target", "shortfall_percent", "reason", "responsible"}
_BONUS_KEYS = {"achievement", "points", "reason", "responsible"}
_SHEET_KEYS = {"criteria", "deductions", "bonuses", "proposed_level"}


def tenths(value: object, where: str) -> int:
    """``"28.5"`` (or the integer 28) → 285; anything else names the field."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 999:
        return value * POINT_TENTHS
    if isinstance(value, str) and (match := _DECIMAL.fullmatch(value)):
        return int(match[1]) * POINT_TENTHS + int(match[2] or 0)
    raise FormatError(
        f'must be a number with at most one decimal ("28" or "28.5"), got {value!r}', field=where
    )


def points_text(value: int) -> str:
    """285 tenths → ``"28.5"``; 280 → ``"28"`` (the form the manifest holds)."""
    whole, rest = divmod(value, POINT_TENTHS)
    return f"{whole}.{rest}" if rest else str(whole)


def deduction_tenths(shortfall: int) -> int:
    """Tenths of a point taken for a shortfall given in tenths of a percent (exact)."""
    return min(MAX_DEDUCTION, DEDUCTION_PER_STEP * (shortfall // SHORTFALL_STEP))


def _object(value: object, where: str, keys: set[str], extra: set[str] = frozenset()) -> dict:
    if not isinstance(value, Mapping):
        raise FormatError("must be an object", field=where)
    unknown = set(value) - keys - extra
    if unknown:
        raise FormatError(f"unknown fields {sorted(unknown)}", field=where)
    missing = keys - set(value)
    if missing:
        raise FormatError(f"missing fields {sorted(missing)}", field=where)
    return dict(value)


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise FormatError(f"must be a text of 1 to {MAX_TEXT} characters", field=where)
    return " ".join(value.split())


def _list(value: object, where: str, low: int, high: int) -> list:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise FormatError(f"must be a list of {low} to {high} entries", field=where)
    return value


def compute_sheet(draft: object, where: str = "score_sheet") -> dict[str, Any]:
    """The complete sheet from a draft (criteria, deductions, bonuses, proposed level): every
    deduction's points, each criterion's net, and the totals, as the manifest holds them."""
    data = _object(draft, where, _SHEET_KEYS, _COMPUTED_KEYS)
    criteria = []
    for i, raw in enumerate(_list(data["criteria"], f"{where}.criteria", 1, MAX_CRITERIA)):
        at = f"{where}.criteria[{i}]"
        entry = _object(raw, at, _CRITERION_KEYS, {"deducted", "net"})
        most, given = tenths(entry["max"], f"{at}.max"), tenths(entry["points"], f"{at}.points")
        if not 0 < most <= 100 * POINT_TENTHS:
            raise FormatError("the maximum must be more than 0 and at most 100", field=f"{at}.max")
        if given > most:
            raise FormatError("more points than the criterion's maximum", field=f"{at}.points")
        criteria.append(
            {"title": _text(entry["title"], f"{at}.title"), "max": most, "points": given}
        )
    deducted = [0] * len(criteria)
    deductions = []
    for i, raw in enumerate(_list(data["deductions"], f"{where}.deductions", 0, MAX_DEDUCTIONS)):
        at = f"{where}.deductions[{i}]"
        entry = _object(raw, at, _DEDUCTION_KEYS, {"points"})
        criterion = entry["criterion"]
        if isinstance(criterion, bool) or not isinstance(criterion, int):
            raise FormatError("must be the index of a criterion", field=f"{at}.criterion")
        if not 0 <= criterion < len(criteria):
            raise FormatError("names no criterion", field=f"{at}.criterion")
        shortfall = tenths(entry["shortfall_percent"], f"{at}.shortfall_percent")
        if not 0 < shortfall <= 100 * POINT_TENTHS:
            raise FormatError(
                "must be more than 0 and at most 100", field=f"{at}.shortfall_percent"
            )
        taken = deduction_tenths(shortfall)
        deducted[criterion] += taken
        deductions.append(
            {
                "criterion": criterion,
                "target": _text(entry["target"], f"{at}.target"),
                "shortfall_percent": points_text(shortfall),
                "points": points_text(taken),
                "reason": _text(entry["reason"], f"{at}.reason"),
                "responsible": _text(entry["responsible"], f"{at}.responsible"),
            }
        )
    bonuses, bonus_total = [], 0
    for i, raw in enumerate(_list(data["bonuses"], f"{where}.bonuses", 0, MAX_BONUSES)):
        at = f"{where}.bonuses[{i}]"
        entry = _object(raw, at, _BONUS_KEYS)
        points = tenths(entry["points"], f"{at}.points")
        if not 0 < points <= MAX_BONUS:
            raise FormatError("a bonus is more than 0 and at most 2 points", field=f"{at}.points")
        bonus_total += points
        bonuses.append(
            {
                "achievement": _text(entry["achievement"], f"{at}.achievement"),
                "points": points_text(points),
                "reason": _text(entry["reason"], f"{at}.reason"),
                "responsible": _text(entry["responsible"], f"{at}.responsible"),
            }
        )
    level = data["proposed_level"]
    if level not in LEVELS:
        raise FormatError("must be XS, TOT, HT or KHT", field=f"{where}.proposed_level")
    nets = [max(0, c["points"] - d) for c, d in zip(criteria, deducted, strict=True)]
    return {
        "criteria": [
            {
                "title": c["title"],
                "max": points_text(c["max"]),
                "points": points_text(c["points"]),
                "deducted": points_text(d),
                "net": points_text(n),
            }
            for c, d, n in zip(criteria, deducted, nets, strict=True)
        ],
        "deductions": deductions,
        "bonuses": bonuses,
        "max_total": points_text(sum(c["max"] for c in criteria)),
        "criteria_total": points_text(sum(c["points"] for c in criteria)),
        "deductions_total": points_text(sum(deducted)),
        "bonuses_total": points_text(bonus_total),
        "total": points_text(sum(nets) + bonus_total),
        "proposed_level": level,
    }


_COMPUTED_KEYS = {
    "max_total",
    "criteria_total",
    "deductions_total",
    "bonuses_total",
    "total",
}


def check_sheet(sheet: object, where: str = "manifest.score_sheet") -> dict[str, Any]:
    """A sheet as a manifest holds it: it must be exactly what ``compute_sheet`` makes of it
    (every number recomputed); otherwise ``FormatError`` names the first number that differs."""
    computed = compute_sheet(sheet, where)
    if computed == sheet:
        return computed
    assert isinstance(sheet, Mapping)
    for key in ("criteria", "deductions", "bonuses", *sorted(_COMPUTED_KEYS)):
        if sheet.get(key) != computed[key]:
            raise FormatError(
                "the numbers of the score sheet do not add up", field=f"{where}.{key}"
            )
    raise FormatError("the score sheet is not in its computed form", field=where)
