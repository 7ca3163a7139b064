"""The committee's report as one JSON document (docs/REPORT.md §7): the contract, extended.

    {"version": 1, "kind": "phieukin/report", "organisation": str,
     "records": [{"file", "cell", "head", "verified": bool, "findings": [str], …}],
     "quota": [{"group", "good", "max_excellent", "kept": [member], "over": [member],
                "tied": [member], …}],
     "decisions": [{"cell", "member", "proposed", "decided", "trace": [...], …}],
     "totals": {"rated": int, "levels": {"XS", "TOT", "HT", "KHT": int}, "unresolved": int,
                "not_rated": int, "excellent_share_of_good": str, …}}

where ``member`` is ``{"cell", "id", "name"}``. Only ever extended: ``rule``, ``statistics``
(per cell), ``cells`` (each counted cell's proposal with the cell's working and its other
rounds), ``other_round_totals`` (those rounds counted by kind) and the fields marked in
docs/REPORT.md are additions. ``trace`` is the decision's working as Vietnamese sentences and
``steps`` the same working as structured steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from tally.errors import ReportError
from tally.report.decide import MemberDecision, decide_all
from tally.report.kinds import other_round_totals
from tally.report.org_quota import GroupOutcome, MemberRef, Proposal, organisation_quota
from tally.report.statistics import LevelCounts, total
from tally.report.wording import render_steps
from tally.rules.profiles import QuotaRule

REPORT_KIND = "phieukin/report"
READINGS = ("inclusive", "exclusive")
RANKING = (
    "XS votes ÷ base, then (XS + TOT) votes ÷ base, as exact fractions, higher first; "
    "equal on both is equal"
)


def organisation_rule(
    cells: Sequence[Mapping[str, Any]], reading: str | None = None
) -> tuple[QuotaRule, bool]:
    """The quota rule and the reading of "good" the organisation counts with: the cells' own,
    which must agree (``reading``, when given, settles the reading only)."""
    rules = {
        (r["share"], r["small_group_below"], r["small_group_max"])
        for r in (cell["quota_rule"] for cell in cells)
    }
    if len(rules) > 1:
        listing = "; ".join(f"{c['cell']}: {c['profile']}" for c in cells)
        raise ReportError(
            "các chi bộ áp dụng tỷ lệ xuất sắc khác nhau (the cells' profiles have different "
            f"quota rules): {listing}",
            field="records",
        )
    share, below, most = rules.pop() if rules else ("1/5", 5, 1)
    rule = QuotaRule(share=Fraction(share), small_group_below=below, small_group_max=most)
    if reading is None:
        readings = {cell["reading"] for cell in cells}
        if len(readings) > 1:
            listing = "; ".join(f"{c['cell']}: {c['reading']}" for c in cells)
            raise ReportError(
                "các chi bộ hiểu «hoàn thành tốt» khác nhau; hãy ghi --reading inclusive hoặc "
                "exclusive (the cells count 'good' differently: give --reading): " + listing,
                field="--reading",
            )
        reading = readings.pop() if readings else "inclusive"
    return rule, reading == "inclusive"


def proposals_of(cells: Sequence[Mapping[str, Any]]) -> list[Proposal]:
    """Every rated member of the counted cells, in the order given."""
    return [
        Proposal(
            member=MemberRef(cell["cell"], member["id"], member["name"]),
            group=member["group"],
            proposed=member["proposed"],
            status=member["status"],
            cell_quota=member["cell_quota"],
            excellent_votes=member["votes"]["XS"],
            good_votes=member["votes"]["XS"] + member["votes"]["TOT"],
            base=member["base"],
        )
        for cell in cells
        for member in cell["members"]
    ]


def _members(part: Sequence[Proposal]) -> list[dict[str, str]]:
    return [p.member.as_json() for p in part]


def quota_json(outcome: GroupOutcome) -> dict[str, Any]:
    """A group's entry in ``quota``."""
    share = outcome.rule.share
    return {
        "group": outcome.group,
        "good": outcome.good,
        "max_excellent": outcome.max_excellent,
        "kept": _members(outcome.kept),
        "over": _members(outcome.over),
        "tied": _members(outcome.tied),
        "places": outcome.places,
        "candidates": len(outcome.ranking),
        "ranking": [
            {
                "member": p.member.as_json(),
                "place": outcome.place(p),
                "XS": f"{p.excellent_votes}/{p.base}",
                "TOT_or_better": f"{p.good_votes}/{p.base}",
                "mark": outcome.mark(p),
            }
            for p in outcome.ranking
        ],
        "lowered_by_cells": _members(outcome.lowered_by_cells),
        "reading": "inclusive" if outcome.good_includes_excellent else "exclusive",
        "share": f"{share.numerator}/{share.denominator}",
    }


def decision_json(decision: MemberDecision) -> dict[str, Any]:
    """A member's entry in ``decisions``: the contract's fields, then the status and steps."""
    data = decision.as_json()
    return {
        "cell": data["cell"],
        "member": data["member"],
        "proposed": data["proposed"],
        "decided": data["decided"],
        "trace": render_steps(decision.steps),
        "status": data["status"],
        "group": data["group"],
        "steps": data["steps"],
    }


def cell_counts(
    cells: Sequence[Mapping[str, Any]], decisions: Sequence[MemberDecision]
) -> list[tuple[str, LevelCounts]]:
    """Each counted cell's counts of the committee's decisions and of those not rated."""
    counts = {cell["cell"]: LevelCounts() for cell in cells}
    for decision in decisions:
        counts[decision.proposal.member.cell].add_decision(decision.decided, decision.status)
    for cell in cells:
        for entry in cell["not_rated"]:
            counts[cell["cell"]].add_not_rated(entry["reason"])
    return list(counts.items())


def make_report(
    organisation: str,
    records: Sequence[Mapping[str, Any]],
    cells: Sequence[Mapping[str, Any]],
    reading: str | None = None,
    date: str = "",
) -> dict[str, Any]:
    """The report of ``organisation`` over the counted ``cells`` (``selection.select_records``),
    listing every record given (``records``)."""
    rule, inclusive = organisation_rule(cells, reading)
    proposals = proposals_of(cells)
    outcomes = organisation_quota(proposals, rule, inclusive)
    decisions = decide_all(proposals, outcomes)
    per_cell = cell_counts(cells, decisions)
    share = rule.share
    return {
        "version": 1,
        "kind": REPORT_KIND,
        "organisation": organisation,
        "records": [dict(record) for record in records],
        "quota": [quota_json(outcome) for outcome in outcomes],
        "decisions": [decision_json(decision) for decision in decisions],
        "totals": total(counts for _, counts in per_cell).as_json(),
        "date": date,
        "rule": {
            "profiles": sorted({cell["profile"] for cell in cells}),
            "reading": "inclusive" if inclusive else "exclusive",
            "share": f"{share.numerator}/{share.denominator}",
            "small_group_below": rule.small_group_below,
            "small_group_max": rule.small_group_max,
            "ranking": RANKING,
        },
        "statistics": [{"cell": cell, **counts.as_json()} for cell, counts in per_cell],
        "cells": [dict(cell) for cell in cells],
        "other_round_totals": other_round_totals(cells),
    }
