"""Checking every record given to the report, in worker processes (docs/REPORT.md §2).

Each record is verified exactly as ``phieukin verify`` verifies it — ``audit.verify.verify_record``,
the same checks, the same verdict — one record per task in a pool of ``workers`` processes (each
verifying its record's ballots on one core, so the pool never nests). A worker returns only
what the report needs: the verdict, the findings that are not passes, the record's log head and
election fingerprints, the cell and organisation the log names, and, for a final record, the
cell's proposal read from its signed minute (``tally.report.cell.collect_cell``). Records are
read one at a time in each worker, so memory stays that of the largest record per worker.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from audit.findings import FINAL, PASSED
from audit.record import RecordError, load_record
from audit.verify import verify_record
from tally.errors import CellError
from tally.minute_log import minute_document
from tally.replay import events_of, replay
from tally.report.cell import collect_cell

MAX_FINDINGS = 40
"""At most this many findings per record are kept in the report (the rest are counted)."""

Done = Callable[[int, int, dict[str, Any]], None]
"""Called after each record: (records done, records in all, the record's check)."""


def _findings(report: Any) -> list[str]:
    found = [
        f"{f.check} — {f.subject}: {f.detail}".rstrip(": ")
        for f in report.findings
        if f.status != PASSED
    ]
    if len(found) > MAX_FINDINGS:
        found = [*found[:MAX_FINDINGS], f"… {len(found) - MAX_FINDINGS} more"]
    return found


def unreadable(file: str) -> dict[str, Any]:
    """The check of a file that is not a readable record (the fields every check has)."""
    return {
        "file": file,
        "verdict": "unreadable",
        "findings": [],
        "head": None,
        "fingerprints": [],
        "cell": None,
        "organisation": None,
        "collected": None,
        "problem": None,
    }


def check_record(file: str, font_dir: str | None = None) -> dict[str, Any]:
    """Verify one record and read what the report needs from it (runs in a worker)."""
    check = unreadable(file)
    try:
        record = load_record(Path(file))
    except RecordError as error:
        check["findings"] = [str(error)]
        return check
    report = verify_record(record, workers=1, font_dir=Path(font_dir) if font_dir else None)
    state = replay(events_of(record.events))
    last = record.events[-1] if record.events else None
    check.update(
        verdict=report.verdict,
        findings=_findings(report),
        head=last.get("hash") if isinstance(last, dict) else None,
        fingerprints=[(entry.election or {}).get("fingerprint") for entry in state.rounds.values()],
        cell=state.meeting.get("cell"),
        organisation=state.meeting.get("committee_above"),
    )
    if report.verdict == FINAL:
        document = minute_document(record.events) or {}
        inputs = {
            number: (entry.decisions or {}).get("input") for number, entry in state.rounds.items()
        }
        try:
            check["collected"] = collect_cell(document.get("minute") or {}, inputs)
        except CellError as error:
            check["problem"] = str(error)
    return check


def _failed(file: str, error: BaseException) -> dict[str, Any]:
    """The check of a record whose worker failed (out of memory, killed): unreadable here."""
    check = unreadable(file)
    check["findings"] = [f"could not be checked: {type(error).__name__}: {error}"]
    return check


def check_records(
    files: Sequence[str],
    workers: int = 1,
    font_dir: Path | None = None,
    done: Done | None = None,
) -> list[dict[str, Any]]:
    """Every record's check, in the order given; ``done`` is told after each one."""
    fonts = str(font_dir) if font_dir else None
    checks: dict[int, dict[str, Any]] = {}

    def finish(position: int, check: dict[str, Any]) -> None:
        checks[position] = check
        if done:
            done(len(checks), len(files), check)

    if workers <= 1 or len(files) <= 1:
        for position, file in enumerate(files):
            finish(position, check_record(file, fonts))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(check_record, file, fonts): i for i, file in enumerate(files)}
            for future in as_completed(futures):
                position = futures[future]
                try:
                    finish(position, future.result())
                except Exception as error:
                    finish(position, _failed(files[position], error))
    return [checks[position] for position in range(len(files))]
