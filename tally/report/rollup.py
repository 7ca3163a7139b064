"""Rolling organisations' reports up into the statistics a higher level publishes
(docs/REPORT.md §8): counts and shares per level, per organisation and in total, without the
members' names.

Each report is read back strictly: version 1 of ``phieukin/report``, and its ``totals`` must be
what its own decisions and its cells' members not rated add up to — a total edited by hand is
refused, naming the file. Two reports of the same organisation, or one record counted in two
reports, are refused too. Shares are recomputed from the summed counts, never averaged.

    {"version": 1, "kind": "phieukin/report-summary",
     "organisations": [{"organisation", "file", "records": [{"cell", "head"}], "totals",
                        "other_round_totals"}],
     "totals": {…the same shape as a report's totals…}, "other_round_totals": {…summed…}}

A report's other rounds (confidence votes, self-ratings, yes/no decisions) are counted again
from its cells, like its totals, and summed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tally.errors import ReportError
from tally.report.document import REPORT_KIND
from tally.report.kinds import add_other_round_totals, other_round_totals
from tally.report.names import organisation_key
from tally.report.statistics import LevelCounts, total

SUMMARY_KIND = "phieukin/report-summary"


def _fail(file: str, message: str) -> ReportError:
    return ReportError(message, field=file)


def recount(report: Mapping[str, Any]) -> LevelCounts:
    """The totals a report's own decisions and its cells' members not rated add up to."""
    counts = LevelCounts()
    for decision in report["decisions"]:
        counts.add_decision(decision["decided"], decision["status"])
    for cell in report["cells"]:
        for entry in cell["not_rated"]:
            counts.add_not_rated(entry["reason"])
    return counts


def read_report(
    file: str, report: object
) -> tuple[str, list[dict[str, str]], LevelCounts, dict[str, Any]]:
    """A report's organisation, counted records (cell and head), totals (checked) and its
    other rounds counted by kind (recounted from its cells)."""
    if not isinstance(report, Mapping):
        raise _fail(file, "không phải báo cáo (not a report: not a JSON object)")
    if report.get("kind") != REPORT_KIND or report.get("version") != 1:
        raise _fail(
            file,
            f"không phải báo cáo phiên bản 1 (expected version 1 of kind {REPORT_KIND!r}, got "
            f"{report.get('kind')!r} version {report.get('version')!r})",
        )
    try:
        organisation = report["organisation"]
        if not isinstance(organisation, str) or not organisation.strip():
            raise ValueError("organisation")
        totals = LevelCounts.from_json(report["totals"])
        counted = recount(report)
        others = other_round_totals(report["cells"])
        records = [
            {"cell": str(r["cell"]), "head": str(r["head"])}
            for r in report["records"]
            if r.get("counted", r.get("verified"))
        ]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        message = f"báo cáo thiếu hoặc sai trường (a field is missing or wrong): {error!r}"
        raise _fail(file, message) from None
    expected = counted.as_json()
    for name in ("rated", "levels", "unresolved", "not_rated"):
        if report["totals"][name] != expected[name]:
            raise _fail(
                file,
                f"tổng số «{name}» không khớp với các quyết định trong báo cáo (totals.{name} is "
                f"{report['totals'][name]!r}; the report's decisions add up to {expected[name]!r})",
            )
    return organisation, records, totals, others


def rollup(reports: Sequence[tuple[str, object]]) -> dict[str, Any]:
    """The summary of several organisations' reports (``(file, parsed JSON)`` each)."""
    seen: dict[str, str] = {}
    heads: dict[str, str] = {}
    organisations = []
    for file, data in reports:
        organisation, records, counts, others = read_report(file, data)
        key = organisation_key(organisation)
        if key in seen:
            raise _fail(
                file,
                f"hai báo cáo của cùng một tổ chức đảng (two reports of «{organisation}»: "
                f"{seen[key]} and {file})",
            )
        seen[key] = file
        for record in records:
            if record["head"] in heads:
                raise _fail(
                    file,
                    f"một hồ sơ được tính trong hai báo cáo (the record of «{record['cell']}», "
                    f"head {record['head'][:16]}…, is counted in {heads[record['head']]} and "
                    f"{file})",
                )
            heads[record["head"]] = file
        organisations.append((organisation, file, records, counts, others))
    return {
        "version": 1,
        "kind": SUMMARY_KIND,
        "organisations": [
            {
                "organisation": organisation,
                "file": file,
                "records": records,
                "totals": counts.as_json(),
                "other_round_totals": others,
            }
            for organisation, file, records, counts, others in organisations
        ],
        "totals": total(entry[3] for entry in organisations).as_json(),
        "other_round_totals": add_other_round_totals([entry[4] for entry in organisations]),
    }
