"""The log-head file: the event log's head, anchored outside SQLite.

SQLite keeps the newest committed pages in ``meeting.db-wal``; a database copied without that
file, or a WAL cut short, opens without a word and is simply older. So after each committed
step the server also appends the new head of the event log — its sequence number and hash — to
``meeting.head``, a small append-only text file in the meeting folder, and fsyncs it before any
receipt or answer goes out. At start-up the database must reach every head in that file.

    phieukin/log-head 1
    0 9f2c…(64 hex digits)
    7 41ab…

The first line names the format. A line is ``<seq> <hash>``; lines are only ever appended. A
last line without its newline is a write torn by a crash: the step it records was committed
but not yet answered, so it is ignored (and cut off before the next append).
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

HEAD_NAME = "meeting.head"
HEADER = b"phieukin/log-head 1\n"
_LINE = re.compile(rb"(0|[1-9][0-9]{0,11}) ([0-9a-f]{64})")


class HeadFileDamaged(Exception):
    """A complete line of the log-head file is not ``<seq> <hash>`` (or the header is wrong)."""


@dataclass(frozen=True)
class Head:
    """One anchored head of the event log."""

    seq: int
    hash: str


def read_heads(path: Path) -> list[Head]:
    """Every head recorded in the file at ``path`` (a torn last line is left out)."""
    data = path.read_bytes()
    if not data.startswith(HEADER):
        if HEADER.startswith(data):  # the header itself was torn: nothing was anchored
            return []
        raise HeadFileDamaged("the first line is not the log-head header")
    lines = data[len(HEADER) :].split(b"\n")
    heads = []
    for number, line in enumerate(lines[:-1], start=2):  # lines[-1]: empty, or a torn write
        match = _LINE.fullmatch(line)
        if match is None:
            raise HeadFileDamaged(f"line {number} is not '<seq> <hash>'")
        heads.append(Head(int(match[1]), match[2].decode("ascii")))
    return heads


def _fsync_folder(folder: Path) -> None:
    """Make a new directory entry durable (the file exists after a power cut)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync(descriptor: int) -> None:
    (getattr(os, "fdatasync", None) or os.fsync)(descriptor)


class HeadFile:
    """The open log-head file of one meeting, appended to after every committed step."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor = os.open(path, os.O_WRONLY | os.O_APPEND)
        self._cut_torn_line()

    @classmethod
    def create(cls, path: Path) -> HeadFile:
        """Make a new, empty log-head file (only for a new meeting), durably."""
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(descriptor, HEADER)
            _sync(descriptor)
        finally:
            os.close(descriptor)
        _fsync_folder(path.parent)
        return cls(path)

    def _cut_torn_line(self) -> None:
        """Drop a last line a crash left without its newline (nothing was answered for it)."""
        data = self.path.read_bytes()
        if data.endswith(b"\n"):
            return
        keep = len(HEADER) if len(data) < len(HEADER) else data.rfind(b"\n") + 1
        if keep < len(HEADER):
            os.ftruncate(self._descriptor, 0)
            os.write(self._descriptor, HEADER)
        else:
            os.ftruncate(self._descriptor, keep)
        _sync(self._descriptor)

    def append(self, head: Head) -> None:
        """Append one head and wait until it is on disk. A write that fails part-way (a full
        disk) is cut off again, so the file never holds half a line followed by more."""
        line = f"{head.seq} {head.hash}\n".encode("ascii")
        size = os.fstat(self._descriptor).st_size
        try:
            written = 0
            while written < len(line):
                written += os.write(self._descriptor, line[written:])
            _sync(self._descriptor)
        except OSError:
            with suppress(OSError):  # else the torn line is cut off at the next start
                os.ftruncate(self._descriptor, size)
            raise

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1
