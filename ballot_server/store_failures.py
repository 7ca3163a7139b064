"""What a failure of SQLite or of the file system under the meeting folder is told as.

One place maps them to the storage errors of ``errors.py``, each with its Vietnamese and English
message: SQLITE_FULL or ENOSPC is a full disk; SQLITE_BUSY a lock held elsewhere; a corrupt page,
a file that is not a database or text that no longer decodes is damage; anything else the folder
refused is "cannot be written". A violated constraint or a wrong statement is a bug, not a
storage failure: the store lets those through unchanged, to be logged with a reference.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from pathlib import Path

from ballot_server.disk import free_bytes
from ballot_server.errors import (
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreMissing,
    StoreUnwritable,
)
from ballot_server.integrity import DATABASE_NAME

FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
NEARLY_FULL_BYTES = 1_000_000
BUGS = (sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_ERROR, sqlite3.SQLITE_MISUSE)


def translate(error: sqlite3.Error | OSError, folder: Path | None = None) -> StoreError:
    """The ``StoreError`` a client is told for a failure of SQLite or of the file system.

    SQLite reports a full disk as SQLITE_FULL only for its own files' growth; creating or
    growing its shared-memory index on a full disk is an I/O error, so an I/O error while the
    disk of ``folder`` has (almost) no space left is told as a full disk too."""
    if isinstance(error, OSError):
        if error.errno in FULL_ERRNOS:
            return StoreFull()
        return StoreUnwritable(error.strerror or type(error).__name__)
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if _undecodable(error):  # never the text itself: it may be a member's private facts
        column = re.search(r"column '(\w+)'", str(error))
        where = f" ({column[1]})" if column else ""
        return StoreDamaged(
            f"một văn bản đã lưu{where} không còn là UTF-8",
            f"a stored text{where} is no longer valid UTF-8",
        )
    full = folder is not None and free_bytes(folder) < NEARLY_FULL_BYTES
    if code == sqlite3.SQLITE_FULL or (
        full and code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN)
    ):
        return StoreFull()
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreBusy()
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT):
        return StoreDamaged(f"SQLite: {error}", f"SQLite: {error}")
    if code == sqlite3.SQLITE_CANTOPEN:
        return StoreMissing(
            f"Không mở được {DATABASE_NAME} ({error}).", f"{DATABASE_NAME} cannot be opened."
        )
    return StoreUnwritable(f"SQLite: {error}")


def _undecodable(error: sqlite3.Error | OSError) -> bool:
    """A stored text that no longer decodes (Python's sqlite3 says so with a generic error)."""
    return isinstance(error, sqlite3.OperationalError) and "decode" in str(error).lower()


def is_bug(error: sqlite3.Error | OSError) -> bool:
    """A violated constraint or a wrong statement: the program's fault, not the storage's."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return code in BUGS and not _undecodable(error)
