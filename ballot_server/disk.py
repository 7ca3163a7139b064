"""Free space on the disk holding the meeting folder: checked at start-up, shown to the chair.

A full disk never loses a committed step (SQLite refuses the write and the store answers
``StoreFull``), but it stops the meeting until space is freed, so the chair is told early: the
server prints the free space when it starts and warns when it is below ``low_disk_bytes``; the
chair's page shows the same warning while it lasts.
"""

from __future__ import annotations

import os
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Any

MEGABYTE = 1_000_000


def free_bytes(folder: Path) -> int:
    """Bytes free for this process on the file system of ``folder`` (0 if it cannot be read)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0


def storage_state(folder: Path, low_bytes: int) -> dict[str, Any]:
    """What the chair's page shows: the free space and whether it runs low."""
    free = free_bytes(folder)
    return {"free_bytes": free, "low": free < low_bytes, "low_bytes": low_bytes}


def startup_lines(folder: Path, low_bytes: int) -> list[str]:
    """The start-up report on free space (Vietnamese, then English)."""
    free = free_bytes(folder)
    lines = [f"Dung lượng trống (free disk space): {free // MEGABYTE} MB"]
    if free < low_bytes:
        lines.append(
            f"CẢNH BÁO: ổ đĩa sắp đầy (dưới {low_bytes // MEGABYTE} MB); hãy giải phóng chỗ "
            "trống trước khi bỏ phiếu. WARNING: the disk is almost full; free some space "
            "before voting."
        )
    return lines


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a temporary file, fsynced, renamed into place. On a
    full disk (or any write error) the temporary file is removed and ``StoreError`` raised; the
    previous ``path``, if any, is left as it was."""
    from ballot_server.store_failures import translate  # (it reads the free space here)

    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as error:
        with suppress(OSError):
            temporary.unlink()
        raise translate(error, path.parent) from None
