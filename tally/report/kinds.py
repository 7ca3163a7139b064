"""Rounds of other kinds in a cell's minute, as the committee's report lists them.

The members' levels come from the cell's proposal (rating rounds and their runoffs). Any other
round a cell held — a confidence vote, the cell's self-rating, a yes/no decision — is listed
per cell with what its minute section says, read by the collector registered for its kind in
``COLLECTORS``: a pure function of the minute's section returning plain JSON. A round of a kind
with no collector is still listed (``collected`` false), never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

MEMBER_KINDS = ("rating", "runoff")
"""The kinds of round that make the cell's proposal of members' levels."""

Collector = Callable[[Mapping[str, Any]], dict[str, Any]]

COLLECTORS: dict[str, Collector] = {}
"""Kind → the collector of a round of that kind (one function per kind, in this module)."""


def collect_other_rounds(sections: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every round of the minute that is not a rating or a runoff: ``{"round", "kind",
    "fingerprint", "collected", …what its collector adds}``, in the minute's order."""
    listed = []
    for section in sections:
        kind = str(section.get("kind", "rating"))
        if kind in MEMBER_KINDS:
            continue
        entry: dict[str, Any] = {
            "round": section["round"],
            "kind": kind,
            "fingerprint": section.get("fingerprint"),
        }
        collector = COLLECTORS.get(kind)
        entry["collected"] = collector is not None
        if collector is not None:
            entry.update(collector(section))
        listed.append(entry)
    return listed
