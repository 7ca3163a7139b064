"""What bench/faults.py does to a meeting folder and how it judges the outcome: break a file and
check that the server and ``export`` refuse it by name and change nothing, hold the database
lock, fill a small disk, kill an export, flip a byte, export and verify the final record.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _meeting import free_port
from fault_meeting import MeetingRun

from audit.record import load_record
from audit.verify import verify_record
from ballot_server.errors import StoreError
from ballot_server.export import record_bytes, write_record
from ballot_server.log_head import HEAD_NAME
from ballot_server.passphrase import ENVIRONMENT_VARIABLE
from ballot_server.serve import chair_secret
from ballot_server.store import DATABASE_NAME, Store
from tally.ballot import tracker

ROOT = Path(__file__).resolve().parent.parent
WAL_NAME = DATABASE_NAME + "-wal"
MEETING_FILES = (DATABASE_NAME, WAL_NAME, HEAD_NAME)
BANNER = "Phiếu Kín — máy chủ hội nghị"
NO_TMPFS = "skipped: this machine does not allow mounting a small tmpfs (needs root)"
DISK_FULL = "is full"
TMPFS_SIZE = "24m"
_MOUNTS: list[Path] = []


@dataclass
class Row:
    """One line of the table (the JSON shape bench/faults.py prints)."""

    fault: str
    phase: str
    outcome: str
    lost: int
    verify: str
    message: str

    @property
    def silent(self) -> bool:
        """Data lost or changed, and neither the server nor the command line said so."""
        return self.outcome in ("lost", "changed") and not self.message


@dataclass(frozen=True)
class Refusal:
    """How the server and ``export`` met a broken folder."""

    refused: bool  # both refused with a message, without a traceback
    message: str
    unchanged: bool  # the folder's files are byte for byte what they were


@dataclass(frozen=True)
class Exported:
    """The final record and what it says."""

    verify: str  # "ok" (final; a minute's PDF rendered again from the signed minute), "failed",
    # or "—" when there is no record
    lost: int
    counts_match: bool
    problem: str = ""


# --- folders -------------------------------------------------------------------------------------


def fresh_folder(work: Path, name: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    folder = work / slug
    number = 2
    while folder.exists():
        folder, number = work / f"{slug}-{number}", number + 1
    folder.mkdir(parents=True)
    return folder


def copy_meeting(source: Path, target: Path) -> None:
    for name in MEETING_FILES:
        if (source / name).exists():
            shutil.copyfile(source / name, target / name)


def fingerprint(folder: Path) -> dict[str, str]:
    """The bytes of the meeting's files (the scratch index ``-shm`` left out, and an empty WAL,
    which holds nothing, counted as none)."""
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in MEETING_FILES
        if (folder / name).exists() and (name != WAL_NAME or (folder / name).stat().st_size)
    }


# --- breaking the WAL or the head file, and the refusal ------------------------------------------


def delete_wal(folder: Path) -> None:
    (folder / WAL_NAME).unlink()


def delete_head(folder: Path) -> None:
    (folder / HEAD_NAME).unlink()


def cut_wal(fraction: float) -> Callable[[Path], None]:
    def cut(folder: Path) -> None:
        wal = folder / WAL_NAME
        os.truncate(wal, int(wal.stat().st_size * fraction))

    return cut


def cut_wal_to(size: int) -> Callable[[Path], None]:
    def cut(folder: Path) -> None:
        os.truncate(folder / WAL_NAME, size)

    return cut


def phieukin(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballot_server.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("Error: ")]
    return lines[0].removeprefix("Error: ") if lines else ""


def serve_refuses(folder: Path, seconds: float = 30) -> tuple[bool, str]:
    """Start ``phieukin serve`` on ``folder``: (it refused before listening, its message)."""
    # a passphrase the server accepts (through the environment, as on the laptop): any refusal
    # is then the folder's
    environment = {**os.environ, ENVIRONMENT_VARIABLE: chair_secret()}
    server = subprocess.Popen(
        [sys.executable, "-m", "ballot_server.cli", "serve", "--dir", str(folder),
         "--host", "127.0.0.1", "--port", str(free_port())],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment,
    )  # fmt: skip
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line.rstrip())
            if BANNER in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + seconds
    while server.poll() is None and not started.is_set() and time.monotonic() < deadline:
        time.sleep(0.02)
    if server.poll() is None:  # it started (or hangs): a failure of this row
        server.kill()
        server.wait(10)
        return False, ""
    reader.join(5)
    output = "\n".join(lines)
    refused = server.returncode != 0 and "Traceback" not in output
    return refused, _error_line(output)


def refusal_of(
    folder: Path, breaks: Callable[[Path], None], note: Callable[[str], None]
) -> Refusal:
    """Break ``folder`` with ``breaks``; the server and ``export`` must refuse it, by name, and
    change nothing; then the original files are put back."""
    originals = {n: (folder / n).read_bytes() for n in MEETING_FILES if (folder / n).exists()}
    breaks(folder)
    before = fingerprint(folder)
    with ThreadPoolExecutor(2) as pool:  # the server and the command line, at the same time
        serving = pool.submit(serve_refuses, folder)
        exported = phieukin("export", str(folder))
        served, message = serving.result()
    export_refused = exported.returncode in (2, 3) and "Traceback" not in exported.stderr
    unchanged = fingerprint(folder) == before and not (folder / "record.zip").exists()
    note(message or _error_line(exported.stderr))
    for name, data in originals.items():  # the operator puts the files back
        (folder / name).write_bytes(data)
    return Refusal(served and export_refused and bool(message), message, unchanged)


# --- the lock and the disk -----------------------------------------------------------------------


def hold_lock(run: MeetingRun, seconds: float) -> None:
    """Another process takes the write lock now and keeps it ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "lock_holder.py"),
         str(run.folder / DATABASE_NAME), str(seconds)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None
    if holder.stdout.readline().strip() != "held":
        run.stuck.append("the lock holder could not take the lock")
    run.cleanups.append(lambda: holder.wait(seconds + 30))


@contextlib.contextmanager
def small_disk(work: Path, name: str) -> Iterator[Path | None]:
    """A small tmpfs mounted for this row (None where mounting is not allowed)."""
    mount = fresh_folder(work, name)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mount)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        yield None
        return
    _MOUNTS.append(mount)
    try:
        yield mount
    finally:
        unmount(mount)


def unmount(mount: Path) -> None:
    if mount in _MOUNTS:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
        _MOUNTS.remove(mount)


def unmount_all() -> None:
    for mount in list(_MOUNTS):
        unmount(mount)


def fill(mount: Path) -> Path:
    """Fill the disk of ``mount`` to the last byte with one file; returns it."""
    filler = mount / "filler.bin"
    with open(filler, "wb", buffering=0) as handle:
        for chunk in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while handle.write(b"\0" * chunk):
                    pass
    return filler


def fill_until_told(run: MeetingRun, mount: Path) -> None:
    """Fill the disk now; free it once someone has been told the disk is full (or after 20 s)."""
    filler = fill(mount)

    async def free_when_told() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(DISK_FULL in m for m in run.messages):
            await asyncio.sleep(0.05)
        filler.unlink()

    run.background.append(asyncio.ensure_future(free_when_told()))


async def full_disk_export(run: MeetingRun, mount: Path) -> Row:
    """A finished meeting (``run``, its folder on the tmpfs ``mount``) on a full disk: export
    refuses by name and writes nothing; with space freed it writes the whole record."""
    await run.play("end")
    run.server.stop()
    filler = fill(mount)
    before = fingerprint(run.folder)
    refused = phieukin("export", str(run.folder))
    message = _error_line(refused.stderr)
    leftovers = [p.name for p in run.folder.iterdir() if p.name.startswith("record.zip")]
    unchanged = fingerprint(run.folder) == before
    filler.unlink()
    row = judge(run, "disk full", "export", export_and_verify(run))
    if refused.returncode != 3 or DISK_FULL not in message or leftovers or not unchanged:
        problem = f"export on a full disk: exit {refused.returncode}, {message!r}, {leftovers}"
        return Row("disk full", "export", "changed", row.lost, row.verify, problem)
    if row.outcome == "recovered":
        row.outcome, row.message = "refused", message
    return row


# --- export, verify, judge ----------------------------------------------------------------------


def kill_an_export(folder: Path) -> str:
    """SIGKILL ``phieukin export`` while it writes; a record.zip left behind must be whole."""
    export = subprocess.Popen(
        [sys.executable, "-m", "ballot_server.cli", "export", str(folder)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    temporary = folder / "record.zip.tmp"
    deadline = time.monotonic() + 60
    while export.poll() is None and not temporary.exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    export.kill()
    export.wait(10)
    record = folder / "record.zip"
    if record.exists():
        try:
            zipfile.ZipFile(record).testzip()
        except (zipfile.BadZipFile, OSError) as error:
            return f"a killed export left a broken record.zip ({error})"
    return ""


def export_and_verify(run: MeetingRun) -> Exported:
    """Export the record as ``phieukin export`` does, verify it, compare it with the receipts."""
    try:
        path = write_record(run.folder)
    except StoreError as error:
        return Exported("—", len(run.receipts), False, error.message_en)
    record = load_record(path)
    report = verify_record(record, workers=0)
    ballots = record.ballots.get(run.number, [])
    trackers = {tracker(b).hex() for b in ballots}
    lost = sum(1 for r in run.receipts.values() if r["tracker"] not in trackers)
    counts = [
        e["event"]["body"]["counts"]
        for e in record.events
        if e["event"]["type"] == "counts" and e["event"]["body"]["round"] == run.number
    ]
    verdict = "ok" if report.passed else "failed"
    problem = "" if report.passed else "; ".join(f.check for f in report.failures[:3])
    if report.passed and not printed_from_signed_minute(record, report):
        verdict, problem = "failed", "minute.pdf_render: the printed minute is not the signed one's"
    return Exported(verdict, lost, counts == [run.expected_counts()], problem)


def printed_from_signed_minute(record: Any, report: Any) -> bool:
    """A record with a minute carries its printed minute, and the verifier rendered the signed
    minute in the log again and got these very bytes (``minute.pdf_render`` passed): what is
    printed cannot come from any other copy."""
    if record.minute_json is None:
        return True
    rendered = [f for f in report.findings if f.check == "minute.pdf_render"]
    return record.minute_pdf is not None and bool(rendered) and all(f.ok for f in rendered)


def judge(run: MeetingRun, fault: str, phase: str, exported: Exported) -> Any:
    """The row of a played meeting."""
    for cleanup in run.cleanups:
        cleanup()
    refusal = run.refusal
    told = "; ".join(run.messages)
    if refusal is not None and not refusal.refused:
        return Row(fault, phase, "changed", exported.lost, exported.verify,
                   refusal.message or "")  # fmt: skip
    if refusal is not None and not refusal.unchanged:
        return Row(fault, phase, "changed", exported.lost, exported.verify,
                   "the refused folder was changed: " + refusal.message)  # fmt: skip
    if exported.lost or not exported.counts_match:
        outcome = "lost" if exported.lost else "changed"
        return Row(fault, phase, outcome, exported.lost, exported.verify, told)
    if exported.verify != "ok":
        return Row(fault, phase, "stuck", 0, exported.verify, exported.problem or told)
    if run.stuck:
        return Row(fault, phase, "stuck", 0, exported.verify, "; ".join(run.stuck))
    outcome = "refused" if refusal is not None else "recovered"
    return Row(fault, phase, outcome, 0, exported.verify, refusal.message if refusal else told)


# --- a finished meeting's files, broken one way at a time -----------------------------------------


def delete_wal_and_head(folder: Path) -> None:
    """What is left when only meeting.db is copied after a crash."""
    delete_wal(folder)
    delete_head(folder)


BREAKS: dict[str, Callable[[Path], None]] = {
    "wal deleted": delete_wal,
    "wal cut": cut_wal(0.5),
    "wal cut to its header": cut_wal_to(32),
    "log-head file deleted": delete_head,
    "only meeting.db copied": delete_wal_and_head,
}


def image_row(work: Path, crashed: Path, name: str, reference: bytes, exported: Exported) -> Row:
    """Break a copy of a crashed meeting's folder: the server and ``export`` must refuse by name
    and change nothing; with the files put back the record must be the meeting's, whole."""
    folder = fresh_folder(work, name)
    copy_meeting(crashed, folder)
    messages: list[str] = []
    refusal = refusal_of(folder, BREAKS[name], messages.append)
    try:
        whole = record_of(folder)
    except StoreError as error:
        return Row(name, "end", "lost", exported.lost, "—", f"not whole again: {error.message_en}")
    lost = _missing_ballots(reference, whole)
    if not refusal.refused or not refusal.unchanged or whole != reference:
        outcome = "lost" if lost else "changed"
        return Row(name, "end", outcome, lost, exported.verify, refusal.message)
    return Row(name, "end", "refused", 0, exported.verify, refusal.message)


# --- byte flips ----------------------------------------------------------------------------------


def record_of(folder: Path) -> bytes:
    """The record of the meeting in ``folder`` (zip bytes, deterministic), read through the same
    checks as ``export``; raises ``StoreError`` when the store refuses."""
    store = Store(folder, create=False)
    try:
        return record_bytes(store)
    finally:
        store.close()


def flip_row(work: Path, source: Path, name: str, offset: int, reference: bytes) -> Row:
    """Flip one bit of ``source/name`` at ``offset`` in a copy, open it as ``export`` does."""
    folder = fresh_folder(work, f"flip-{name}-{offset}")
    copy_meeting(source, folder)
    path = folder / name
    data = bytearray(path.read_bytes())
    original = data[offset]
    data[offset] ^= 1 << (offset % 8)
    path.write_bytes(bytes(data))
    phase = f"{name} @{offset}"
    before = fingerprint(folder)
    try:
        flipped = record_of(folder)
    except StoreError as error:
        unchanged = fingerprint(folder) == before
        data[offset] = original
        path.write_bytes(bytes(data))
        whole = record_of(folder) == reference
        if not unchanged or not whole:
            return Row("byte flip", phase, "changed", 0, "—", "refused, but the folder changed")
        return Row("byte flip", phase, "refused", 0, "—", error.message_en)
    if flipped == reference:
        return Row("byte flip", phase, "harmless", 0, "ok", "")
    lost = _missing_ballots(reference, flipped)
    target = folder / "flipped.zip"
    target.write_bytes(flipped)
    try:
        verdict = "ok" if verify_record(load_record(target), workers=0).passed else "failed"
    except Exception:  # a record the verifier cannot even read
        verdict = "failed"
    return Row("byte flip", phase, "lost" if lost else "changed", lost, verdict, "")


def _missing_ballots(reference: bytes, flipped: bytes) -> int:
    """Ballots of the reference record that the flipped one does not hold, byte for byte."""
    old, new = zipfile.ZipFile(io.BytesIO(reference)), zipfile.ZipFile(io.BytesIO(flipped))
    missing = 0
    for name in old.namelist():
        if name.startswith("ballots/"):
            have = set(new.read(name).splitlines()) if name in new.namelist() else set()
            missing += sum(1 for line in old.read(name).splitlines() if line not in have)
    return missing
