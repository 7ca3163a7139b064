"""Fault suite: a real meeting server under every fault at every phase; nothing receipted may be
lost, and nothing may be lost or changed without a word.

    .venv/bin/python bench/faults.py [--ci] [--json] [--only TEXT] [--voters 6] [--rated 2]

Each row plays a small meeting against a real ``phieukin serve`` process (bench/fault_meeting.py)
and injects one fault:

- kill: SIGKILL of the server (and its workers) at each phase: ceremony (after the first member's
  announcement), tokens issued, open, mid-voting (ballots in flight), close, decryption (after the
  first share), minute, co-signing (after the first signature), end; and of ``phieukin export``
  itself. The server is restarted on the same folder; voters resend, the chair and the committee
  repeat their last step;
- lock: another process holds the database's write lock (bench/lock_holder.py) while voters
  vote, and while the chair makes the minute;
- WAL: after a SIGKILL (the newest pages still in meeting.db-wal) the WAL is deleted or cut
  short, or the log-head file is deleted, or only meeting.db is copied to a new folder: the
  server and ``export`` must refuse, name what is missing and change nothing; with the original
  file back the meeting must go on whole;
- disk full: the meeting folder on a small tmpfs, filled up during voting and before export (needs
  ``mount``, i.e. root; the rows are skipped with a message where the machine does not allow it);
- byte flips: single bytes of meeting.db flipped at seeded random offsets (the server stopped),
  and one in the middle of the WAL of a crashed server.

It prints one table: fault, phase, outcome, lost (receipted ballots missing from the final
record), verify (``phieukin verify``'s verdict on the final record: ``ok`` only if final, its
printed minute rendered again from the signed minute in the log byte for byte), message (what
people were told). Outcomes: ``recovered`` (went on by itself), ``refused`` (stopped with a clear
message, changed nothing, and whole again once the fault was undone), ``harmless`` (a flipped
byte nothing reads), ``stuck`` (could not go on as people would, see the message), ``lost``,
``skipped``.
With ``--json`` the last line is one JSON object:

    {"rows": [{"fault", "phase", "outcome", "lost", "verify", "message"}], "lost": int,
     "silent": int}

``silent`` counts the rows where data was lost or changed and nothing said so. Exit status 0
only if nothing was lost, nothing silently, and every row recovered, refused, was harmless or
skipped. ``--ci`` runs the subset that ``make test`` runs. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fault_checks as checks
from fault_checks import Row
from fault_meeting import PHASES, Fault, MeetingRun, kill_and_restart

ROOT = Path(__file__).resolve().parent.parent
KILL_PHASES = tuple(phase for phase in PHASES if phase != "export")  # export: kill_export
CI_ROWS = (
    "kill/ceremony",
    "kill/mid-voting",
    "lock/mid-voting",
    "disk full/mid-voting",
    "after the meeting (ci)",
)


@dataclass(frozen=True)
class Options:
    voters: int
    rated: int
    seed: int
    lock_seconds: float
    flips: int
    time_limit: float
    work: Path


Scenario = Callable[[Options], Awaitable[Row | list[Row]]]


# --- rows that play a meeting with a fault ----------------------------------------------------


def meeting(options: Options, folder: Path, fault: Fault | None = None) -> MeetingRun:
    """A meeting of the suite's shape in ``folder``, with ``fault`` (or none)."""
    deadline = time.monotonic() + options.time_limit
    return MeetingRun(folder, options.voters, options.rated, options.seed, deadline, fault)


async def meeting_row(
    options: Options, name: str, phase: str, fault: Fault | None, folder: Path | None = None
) -> Row:
    """Play the whole meeting with ``fault``, export, verify, and judge what came out."""
    run = meeting(options, folder or checks.fresh_folder(options.work, f"{name}-{phase}"), fault)
    try:
        await run.play("end")
    except Exception as error:  # the meeting could not go on: say how
        run.server.stop()
        return Row(name, phase, "stuck", 0, "—", f"{type(error).__name__}: {error}"[:300])
    run.server.stop()
    return checks.judge(run, name, phase, checks.export_and_verify(run))


def kill_at(phase: str) -> Scenario:
    async def scenario(options: Options) -> Row:
        return await meeting_row(options, "kill", phase, Fault(phase, kill_and_restart))

    return scenario


def wal_fault(name: str, phase: str, breaks: Callable[[Path], None]) -> Scenario:
    """Kill at ``phase``, break the WAL (or the head file), check the refusal, put it back."""

    async def scenario(options: Options) -> Row:
        async def damage(run: MeetingRun) -> None:
            run.refusal = checks.refusal_of(run.folder, breaks, run.note)

        fault = Fault(phase, lambda run: kill_and_restart(run, damage))
        return await meeting_row(options, name, phase, fault)

    return scenario


def lock_at(phase: str) -> Scenario:
    """Another process holds the write lock from the start of ``phase`` (mid-voting: from half
    of the receipts) for ``--lock-seconds``."""

    async def scenario(options: Options) -> Row:
        async def hold(run: MeetingRun) -> None:
            checks.hold_lock(run, options.lock_seconds)

        fault = Fault(phase, hold, before=phase != "mid-voting")
        row = await meeting_row(options, "lock", phase, fault)
        if row.outcome == "recovered" and "held by another program" not in row.message:
            row.outcome, row.message = "stuck", "the lock was never reported: " + row.message
        return row

    return scenario


def disk_full_at(phase: str) -> Scenario:
    """The meeting folder on a small tmpfs; at ``phase`` the disk is filled, and freed again
    once someone has been told."""

    async def scenario(options: Options) -> Row:
        with checks.small_disk(options.work, f"disk-{phase}") as mount:
            if mount is None:
                return Row("disk full", phase, "skipped", 0, "—", checks.NO_TMPFS)
            if phase == "export":
                return await checks.full_disk_export(meeting(options, mount / "meeting"), mount)

            async def fill(run: MeetingRun) -> None:
                checks.fill_until_told(run, mount)

            fault = Fault(phase, fill, before=phase != "mid-voting")
            return await meeting_row(options, "disk full", phase, fault, folder=mount / "meeting")

    return scenario


async def kill_export(options: Options) -> Row:
    """``phieukin export`` itself is killed half-way: never half a record.zip."""
    folder = checks.fresh_folder(options.work, "kill-export")
    run = meeting(options, folder)
    await run.play("end")
    run.server.stop()
    problem = checks.kill_an_export(folder)
    row = checks.judge(run, "kill", "export", checks.export_and_verify(run))
    if problem:
        row.outcome, row.message = "changed", problem
    return row


def after_the_meeting(breaks: list[str]) -> Scenario:
    """One finished meeting; a copy of its folder as a crash leaves it (the newest pages still
    in the WAL) is broken in each of the ways ``breaks`` names, then single bytes are flipped in
    the folder as a normal stop leaves it, and one in the middle of the crashed one's WAL."""

    async def scenario(options: Options) -> list[Row]:
        folder = checks.fresh_folder(options.work, "meeting")
        run = meeting(options, folder)
        await run.play("end")
        crashed = checks.fresh_folder(options.work, "crashed")
        checks.copy_meeting(folder, crashed)  # the server still running: a crash image
        run.server.stop()
        clean = checks.fresh_folder(options.work, "stopped")
        checks.copy_meeting(folder, clean)
        reference = checks.record_of(clean)
        exported = checks.export_and_verify(run)
        if exported.lost or exported.verify != "ok":
            return [checks.judge(run, "the meeting itself", "end", exported)]
        rows = [
            checks.image_row(options.work, crashed, name, reference, exported) for name in breaks
        ]
        rng = random.Random(options.seed)
        size = (clean / checks.DATABASE_NAME).stat().st_size
        for offset in sorted(rng.sample(range(size), min(options.flips, size))):
            rows.append(
                checks.flip_row(options.work, clean, checks.DATABASE_NAME, offset, reference)
            )
        middle = (crashed / checks.WAL_NAME).stat().st_size // 2
        rows.append(checks.flip_row(options.work, crashed, checks.WAL_NAME, middle, reference))
        return rows

    return scenario


def scenarios(options: Options) -> dict[str, Scenario]:
    """Every group of rows of the suite, by name, in table order."""
    table: dict[str, Scenario] = {f"kill/{p}": kill_at(p) for p in KILL_PHASES}
    table["kill/export"] = kill_export
    table["lock/mid-voting"] = lock_at("mid-voting")
    table["lock/minute"] = lock_at("minute")
    table["wal deleted/mid-voting"] = wal_fault("wal deleted", "mid-voting", checks.delete_wal)
    table["disk full/mid-voting"] = disk_full_at("mid-voting")
    table["disk full/export"] = disk_full_at("export")
    table["after the meeting/wal, log head, byte flips"] = after_the_meeting(list(checks.BREAKS))
    table["after the meeting (ci)"] = after_the_meeting(
        ["wal deleted", "wal cut", "only meeting.db copied"]
    )
    return table


async def run_suite(options: Options, names: list[str]) -> list[Row]:
    rows: list[Row] = []
    table = scenarios(options)
    for name in names:
        started = time.monotonic()
        result = await table[name](options)
        for row in result if isinstance(result, list) else [result]:
            rows.append(row)
            print(f"{row.fault:>24} {row.phase:<14} {row.outcome:<10} {row.lost:>4} "
                  f"{row.verify:<8} {row.message[:110]}", file=sys.stderr, flush=True)  # fmt: skip
        print(f"{'':>24} ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)
    return rows


def print_table(rows: list[Row]) -> None:
    header = ("fault", "phase", "outcome", "lost", "verify", "message")
    widths = [max(len(header[0]), *(len(r.fault) for r in rows)), 14, 9, 4, 8]
    print(" | ".join(h.ljust(w) for h, w in zip(header, [*widths, 0], strict=True)))
    for row in rows:
        cells = (row.fault, row.phase, row.outcome, str(row.lost), row.verify)
        print(" | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " | "
              + row.message)  # fmt: skip


def summary(rows: list[Row]) -> dict[str, Any]:
    return {
        "rows": [asdict(row) for row in rows],
        "lost": sum(row.lost for row in rows),
        "silent": sum(row.silent for row in rows),
    }


def passed(rows: list[Row]) -> bool:
    good = ("recovered", "refused", "harmless", "skipped")
    return all(row.outcome in good and row.lost == 0 for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ci", action="store_true", help="the subset that make test runs")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument("--only", default="", help="rows whose fault/phase contains this text")
    parser.add_argument("--voters", type=int, default=6)
    parser.add_argument("--rated", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--flips", type=int, default=12, help="bytes flipped in meeting.db")
    parser.add_argument("--lock-seconds", type=float, default=7.0)
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per row")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="phieukin-faults-"))
    options = Options(
        voters=args.voters,
        rated=args.rated,
        seed=args.seed,
        lock_seconds=min(args.lock_seconds, 4.0) if args.ci else args.lock_seconds,
        flips=min(args.flips, 3) if args.ci else args.flips,
        time_limit=args.time_limit,
        work=work,
    )
    names = [
        name
        for name in scenarios(options)
        if (name in CI_ROWS if args.ci else "(ci)" not in name) and args.only in name
    ]
    try:
        rows = asyncio.run(run_suite(options, names))
    finally:
        with contextlib.suppress(OSError):
            checks.unmount_all()
        shutil.rmtree(work, ignore_errors=True)
    print_table(rows)
    result = summary(rows)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0 if passed(rows) and result["silent"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
