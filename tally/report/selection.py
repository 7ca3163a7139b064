"""Which organisation a report is for, and which records it counts (docs/REPORT.md §2).

Each record given is first checked at the edge exactly as ``phieukin verify`` checks it; what
comes here is the outcome per record (a ``check``: ``{"file", "verdict", "findings", "head",
"fingerprints", "cell", "organisation", "collected", "problem"}``). Only a **final** record — the
verdict for which ``verify`` exits 0 — of the report's organisation is counted. Every other
record is listed with the reason it is left out, in this order of precedence:

``unreadable`` (not a record), ``duplicate`` (the same log head as a record given before it),
``unsound`` / ``interim`` / ``unchecked`` (its verdict), ``other_organisation``,
``not_collected`` (its minute lacks what the report needs), ``same_cell`` (two different final
records of one cell: neither is counted — the committee chooses, the program does not).

The organisation is the one named with ``--organisation``; without it, every final record must
name the same one (when none is final, every readable record), else the report is refused
(``ReportError``) with each record's name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tally.errors import ReportError
from tally.report.names import organisation_key, same_organisation, text_key

FINAL = "final"
VERDICT_REASONS = ("unreadable", "unsound", "interim", "unchecked")


def choose_organisation(checks: Sequence[Mapping[str, Any]], wanted: str | None) -> str:
    """The organisation the report is for: ``wanted`` if given, else the one every final record
    names — or, when no record is final, the one every readable record names — refused,
    naming each record's organisation, when they differ or name none."""
    if wanted is not None and wanted.strip():
        return " ".join(wanted.split())
    final = [c for c in checks if c.get("verdict") == FINAL]
    named_by = final or [c for c in checks if c.get("verdict") != "unreadable"]
    named: dict[str, str] = {}
    for check in named_by:
        named.setdefault(organisation_key(check.get("organisation")), check["organisation"])
    if len(named) == 1 and "" not in named:
        return next(iter(named.values()))
    if not named_by:
        raise ReportError(
            "không có hồ sơ nào đọc được để xác định tổ chức đảng; hãy ghi --organisation "
            "(no readable record names the organisation: give --organisation)",
            field="records",
        )
    listing = "; ".join(f"{c['file']}: «{c.get('organisation') or ''}»" for c in named_by)
    raise ReportError(
        "các hồ sơ ghi tên tổ chức đảng khác nhau hoặc để trống; hãy ghi --organisation "
        "(the records name different organisations, or none: give --organisation): " + listing,
        field="records",
    )


def _entry(check: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "file": check["file"],
        "cell": check.get("cell"),
        "head": check.get("head"),
        "verified": check.get("verdict") == FINAL,
        "findings": list(check.get("findings") or []),
        "verdict": check.get("verdict"),
        "organisation": check.get("organisation"),
        "fingerprints": list(check.get("fingerprints") or []),
        "counted": False,
        "reason": None,
    }


def _exclude(entry: dict[str, Any], reason: str, finding: str | None = None) -> None:
    entry["reason"] = reason
    if finding:
        entry["findings"].append(finding)


def select_records(
    checks: Sequence[Mapping[str, Any]], organisation: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The report's ``records`` (every record given, in order, with ``counted`` and ``reason``)
    and the cells counted (each the collected proposal with its record's ``head``)."""
    entries = [_entry(check) for check in checks]
    heads: dict[str, str] = {}
    candidates: list[int] = []
    for position, (check, entry) in enumerate(zip(checks, entries, strict=True)):
        verdict = check.get("verdict")
        head = check.get("head")
        if verdict == "unreadable":
            _exclude(entry, "unreadable")
            continue
        if head and head in heads:
            _exclude(entry, "duplicate", f"the same log head as {heads[head]}")
            continue
        if head:
            heads[head] = check["file"]
        if verdict != FINAL:
            _exclude(entry, str(verdict) if verdict in VERDICT_REASONS else "unsound")
            continue
        if not same_organisation(check.get("organisation"), organisation):
            named = check.get("organisation") or ""
            _exclude(
                entry,
                "other_organisation",
                f"organisation: the record names «{named}», the report is for «{organisation}»",
            )
            continue
        if check.get("collected") is None:
            _exclude(entry, "not_collected", str(check.get("problem") or ""))
            continue
        candidates.append(position)
    by_cell: dict[str, list[int]] = {}
    for position in candidates:
        by_cell.setdefault(text_key(checks[position].get("cell")), []).append(position)
    cells = []
    for position in candidates:
        same = by_cell[text_key(checks[position].get("cell"))]
        if len(same) > 1:
            others = ", ".join(checks[i]["file"] for i in same if i != position)
            _exclude(entries[position], "same_cell", f"the same cell as {others}")
            continue
        entries[position]["counted"] = True
        cells.append({**checks[position]["collected"], "head": checks[position].get("head")})
    return entries, cells
