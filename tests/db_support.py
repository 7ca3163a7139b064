"""Reading a meeting's database file from a test, as an outside observer would.

A separate read-only connection sees exactly what is committed on disk; the server's own
``Store`` is never asked (its SQL lives in ``ballot_server/store.py`` only).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ballot_server.store import DATABASE_NAME


def on_disk(folder: Path, sql: str, *args: Any) -> list[tuple]:
    """The rows of ``sql`` in the meeting database in ``folder`` (what is committed)."""
    connection = sqlite3.connect((folder / DATABASE_NAME).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def dump(folder: Path) -> str:
    """Every statement that would rebuild the database: its whole content as text."""
    connection = sqlite3.connect((folder / DATABASE_NAME).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()
