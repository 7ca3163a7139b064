"""Benchmark the party committee's report: a synthetic organisation of many cells' real records.

    .venv/bin/python bench/report.py [--cells 50] [--members 25] [--workers 2] [--repeats 2]
                                     [--organisations 40] [--json]

The organisation is built once and cached under ``bench/results/report-org-<cells>x<members>/``
(ignored by git; ``--cache DIR`` elsewhere): each cell a whole meeting run through the server's
own objects (``tests.record_support.build_meeting``: roster, key ceremony, encrypted and proved
ballots, 2-of-3 decryption, the rules, the signed and co-signed minute, the printed PDF), every
member official, present and rated, with votes drawn per member so that each cell has a few
members at XS (two groups of equivalent positions: three leaders per cell, most of them voted
XS, so that the organisation's quota binds on them across the cells, and everyone else).

Then, each ``--repeats`` times, in a fresh process:

- ``report_s``: ``python -m report`` over every record with ``--workers`` processes — verifying
  each record as ``verify`` does, the quota across the cells, and the JSON, XLSX and PDF written;
- ``report_peak_mib``: the peak resident memory of that process (``parent``) and of its
  largest worker (``worker``), and ``parent + workers × worker`` as a bound of the total;
- ``merge_s``: ``python -m report --merge`` over ``--organisations`` organisation reports (the
  report just made, copied under other organisations' names and log heads).

One JSON object is printed (``--json``: only that), with every measured run, not only a median:
the machine is shared, so the spread is part of the answer.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ballot_server.demo import DEMO_MEETING  # noqa: E402
from tally.roster import Member, Membership  # noqa: E402
from tests.record_support import build_meeting  # noqa: E402

CACHE = ROOT / "bench" / "results"
ORGANISATION = "Đảng bộ Khối Cơ quan Ví dụ"
LEADERS = 3
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}

# Runs ``python -m report`` and then prints, on stderr's last line, the peak resident memory in
# KiB of this process and of its largest (waited-for) worker process.
MEASURED = """
import json, resource, runpy, sys
sys.argv = ["python -m report", *sys.argv[1:]]
try:
    runpy.run_module("report", run_name="__main__", alter_sys=True)
except SystemExit as done:
    code = done.code
else:
    code = 0
peak = {
    "parent": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}
print("PEAK " + json.dumps(peak), file=sys.stderr)
sys.exit(code)
"""


def _votes(rng: random.Random, names: list[str], voters: int) -> dict[str, list[int]]:
    """Per member the level each voter gives: strongly excellent (more than half XS) for about
    one member in six — and for most leaders, so that the organisation's quota binds on the
    leaders' group across cells while each cell's 3 leaders are within their own (at most 1) —
    the rest good with a few XS and HT votes, now and then a member at HT."""
    votes = {}
    for position, name in enumerate(names):
        roll = rng.random()
        if roll < (0.6 if position < LEADERS else 0.17):
            excellent = rng.randint(voters // 2 + 1, voters)
            levels = [0] * excellent + [1] * (voters - excellent)
        elif roll < 0.95:
            excellent = rng.randint(0, voters // 3)
            middling = rng.randint(0, 3)
            levels = [0] * excellent + [2] * middling + [1] * (voters - excellent - middling)
        else:
            levels = [2] * (voters // 2 + 2) + [1] * (voters - voters // 2 - 2)
        rng.shuffle(levels)
        votes[name] = levels
    return votes


def build_cell(folder: Path, number: int, members: int) -> Path:
    """One cell's meeting in ``folder``; returns its final record."""
    from datetime import date

    rng = random.Random(number)
    cell = f"Chi bộ {number:02d}"
    roster = [
        Member(
            i,
            f"Đồng chí {number:02d}-{i:02d}",
            Membership.OFFICIAL,
            date(2000 + i % 20, 1 + i % 12, 1 + i % 27),
            group="Lãnh đạo" if i <= LEADERS else "default",
        )
        for i in range(1, members + 1)
    ]
    attendance = {m.name: "present" for m in roster}
    meeting = {**DEMO_MEETING, "cell": cell, "committee_above": ORGANISATION, "locality": "Hà Nội"}
    work = folder / f"meeting-{number:02d}"
    work.mkdir()
    built = build_meeting(
        work,
        voters=members,
        rated=members,
        seed=number,
        workers=2,
        meeting=meeting,
        roster=(roster, attendance),
        votes=_votes(rng, [m.name for m in roster], members),
    )
    path = folder / f"chi-bo-{number:02d}.zip"
    path.write_bytes(built.final)
    for file in sorted(work.iterdir(), reverse=True):
        file.unlink()
    work.rmdir()
    return path


def organisation(cells: int, members: int, say: Any, cache: Path = CACHE) -> list[Path]:
    """The cached organisation's records, built on first use."""
    folder = cache / f"report-org-{cells}x{members}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    started = time.perf_counter()
    for number in range(1, cells + 1):
        path = folder / f"chi-bo-{number:02d}.zip"
        if not path.exists():
            say(f"building cell {number}/{cells} ({members} members)")
            path = build_cell(folder, number, members)
        paths.append(path)
    say(f"{cells} records ready in {time.perf_counter() - started:.0f} s ({folder})")
    return paths


def run_report(arguments: list[str]) -> tuple[float, dict[str, int], subprocess.CompletedProcess]:
    """``python -m report ARGUMENTS`` in a fresh process: seconds, peak memory (KiB), result."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        timeout=1800,
    )
    seconds = time.perf_counter() - started
    peak_line = [line for line in result.stderr.splitlines() if line.startswith("PEAK ")]
    peak = json.loads(peak_line[-1][5:]) if peak_line else {"parent": 0, "worker": 0}
    if result.returncode not in (0, 1):
        raise RuntimeError(f"report failed ({result.returncode}): {result.stderr[-2000:]}")
    return seconds, peak, result


def organisation_reports(report: Path, folder: Path, count: int) -> list[Path]:
    """``count`` organisation reports: ``report`` under other names and log heads."""
    data = json.loads(report.read_text(encoding="utf-8"))
    paths = []
    for number in range(1, count + 1):
        copy = json.loads(json.dumps(data))
        copy["organisation"] = f"Đảng bộ Ví dụ {number:02d}"
        for record in copy["records"]:
            record["head"] = f"{number:04x}{record['head'][4:]}"
        path = folder / f"report-{number:02d}.json"
        path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=50)
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--organisations", type=int, default=40)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the records are kept")
    args = parser.parse_args()

    def say(message: str) -> None:
        if not args.json:
            print(f"… {message}", file=sys.stderr, flush=True)

    records = organisation(args.cells, args.members, say, args.cache)
    runs: list[dict[str, Any]] = []
    merges: list[float] = []
    with tempfile.TemporaryDirectory(prefix="phieukin-bench-report-") as scratch:
        out = Path(scratch) / "report"
        for repeat in range(args.repeats):
            shape = f"{len(records)} records, {args.workers} workers"
            say(f"report {repeat + 1}/{args.repeats}: {shape}")
            seconds, peak, result = run_report(
                [*map(str, records), "--out", str(out), "--workers", str(args.workers)]
            )
            runs.append({"seconds": round(seconds, 1), "peak_kib": peak, "exit": result.returncode})
            say(f"{seconds:.1f} s; {result.stdout.splitlines()[0] if result.stdout else ''}")
        reports = organisation_reports(out / "report.json", Path(scratch), args.organisations)
        for repeat in range(args.repeats):
            say(f"merge {repeat + 1}/{args.repeats}: {len(reports)} organisation reports")
            seconds, _, _ = run_report(["--merge", *map(str, reports), "--out", f"{scratch}/m"])
            merges.append(round(seconds, 2))
        made = json.loads((out / "report.json").read_text(encoding="utf-8"))
        totals = made["totals"]
        quota = [
            {
                "group": q["group"],
                "good": q["good"],
                "max_excellent": q["max_excellent"],
                **{part: len(q[part]) for part in ("kept", "over", "tied", "lowered_by_cells")},
            }
            for q in made["quota"]
        ]
    parent = max(run["peak_kib"]["parent"] for run in runs) / 1024
    worker = max(run["peak_kib"]["worker"] for run in runs) / 1024
    result = {
        "cells": args.cells,
        "members": args.members,
        "workers": args.workers,
        "report_s": [run["seconds"] for run in runs],
        "report_peak_mib": {
            "parent": round(parent, 1),
            "worker": round(worker, 1),
            "bound": round(parent + args.workers * worker, 1),
        },
        "merge_s": merges,
        "organisations": args.organisations,
        "totals": {k: totals[k] for k in ("rated", "levels", "unresolved", "not_rated")}
        | {"excellent_share_of_good": totals["excellent_share_of_good"]},
        "quota": quota,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
