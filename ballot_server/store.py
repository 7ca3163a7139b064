"""The meeting's durable state: one SQLite file per meeting folder, through sqlite-utils.

WAL journal with ``synchronous=FULL``: a transaction is on disk when ``commit`` returns, so a
ballot is durable before its receipt is sent, and a crash or power cut loses nothing committed
and corrupts nothing. Every state change happens in one ``transaction()`` together with the
event that records it, so the table state and the signed event log never disagree.

Ballots are stored without IP address, user agent or timestamp; tokens only as hashes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils
from nacl.signing import SigningKey

from tally.canonical import canonical_json
from tally.eventlog import LogEntry, make_event

DATABASE_NAME = "meeting.db"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (
    id INTEGER PRIMARY KEY, data TEXT NOT NULL, attendance TEXT NOT NULL DEFAULT 'unknown'
);
CREATE TABLE IF NOT EXISTS rounds (
    number INTEGER PRIMARY KEY, phase TEXT NOT NULL, manifest TEXT NOT NULL,
    election TEXT, subjects TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS committee (
    round INTEGER NOT NULL, trustee INTEGER NOT NULL, credential_hash TEXT NOT NULL,
    announcement TEXT, confirmed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round, trustee)
);
CREATE TABLE IF NOT EXISTS trustee_shares (
    round INTEGER NOT NULL, sender INTEGER NOT NULL, recipient INTEGER NOT NULL,
    share TEXT NOT NULL, PRIMARY KEY (round, sender, recipient)
);
CREATE TABLE IF NOT EXISTS tokens (
    round INTEGER NOT NULL, token_hash TEXT NOT NULL, state TEXT NOT NULL,
    PRIMARY KEY (round, token_hash)
);
CREATE TABLE IF NOT EXISTS ballots (
    round INTEGER NOT NULL, tracker TEXT NOT NULL, token_hash TEXT NOT NULL,
    ballot TEXT NOT NULL,
    PRIMARY KEY (round, tracker), UNIQUE (round, token_hash)
);
CREATE TABLE IF NOT EXISTS results (
    round INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (round, kind, key)
);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL);
"""


class Store:
    """The meeting database. Not thread-safe: the server uses it from its event loop only."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / DATABASE_NAME
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db = sqlite_utils.Database(connection)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.conn.executescript(_SCHEMA)
        self._in_transaction = False
        self._open_log()

    def _open_log(self) -> None:
        """Event 0 publishes the server's event-signing key; every later event is signed by it."""
        if self.last_event() is not None:
            return
        with self.transaction() as store:
            key = store.server_key()
            store.append_event(
                "log-opened",
                {"server_key": key.verify_key.encode().hex(), "schema": SCHEMA_VERSION},
            )

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One atomic, durable step: BEGIN IMMEDIATE … COMMIT, rolled back on any error."""
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        self._in_transaction = True
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._in_transaction = False

    # --- settings ----------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )

    # --- event log ---------------------------------------------------------------------------

    def server_key(self) -> SigningKey:
        """The server's Ed25519 event-signing key (made once, with the meeting)."""
        seed = self.setting("server_key_seed")
        if seed is None:
            key = SigningKey.generate()
            self.set_setting("server_key_seed", key.encode().hex())
            return key
        return SigningKey(bytes.fromhex(seed))

    def last_event(self) -> LogEntry | None:
        row = self.db.execute("SELECT entry FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        return LogEntry(
            data["event"], bytes.fromhex(data["hash"]), bytes.fromhex(data["signature"])
        )

    def append_event(self, event_type: str, body: dict[str, Any]) -> LogEntry:
        """Append a signed event; must run inside ``transaction()`` with the change it records."""
        if not self._in_transaction:
            raise RuntimeError("events are appended inside a transaction")
        entry = make_event(self.last_event(), event_type, body, self.server_key())
        self.db.execute(
            "INSERT INTO events (seq, entry) VALUES (?, ?)",
            [entry.event["seq"], canonical_json(entry.to_json()).decode("utf-8")],
        )
        return entry

    def events(self, start: int = 0) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT entry FROM events WHERE seq >= ? ORDER BY seq", [start])
        return [json.loads(row[0]) for row in rows]

    # --- rounds and their results --------------------------------------------------------------

    def round_numbers(self) -> list[int]:
        """Every round's number, in order."""
        return [row[0] for row in self.db.execute("SELECT number FROM rounds ORDER BY number")]

    def round_manifests(self, upto: int) -> list[dict[str, Any]]:
        """The manifests of rounds 1 … ``upto``, in order."""
        rows = self.db.execute(
            "SELECT manifest FROM rounds WHERE number <= ? ORDER BY number", [upto]
        ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def result(self, number: int, kind: str) -> Any:
        """A round's stored result of ``kind`` (``counts``, ``decisions``, …) or ``None``."""
        row = self.db.execute(
            "SELECT data FROM results WHERE round = ? AND kind = ? AND key = ''", [number, kind]
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def add_result(self, number: int, kind: str, data: Any) -> None:
        """Store a round's result of ``kind`` (once; inside the transaction that logs it)."""
        self.db.execute(
            "INSERT INTO results (round, kind, key, data) VALUES (?, ?, '', ?)",
            [number, kind, json.dumps(data, ensure_ascii=False)],
        )

    def events_of_types(self, *types: str) -> list[dict[str, Any]]:
        """The log entries whose event type is one of ``types``, in log order."""
        marks = ", ".join("?" for _ in types)
        rows = self.db.execute(
            f"SELECT entry FROM events WHERE json_extract(entry, '$.event.type') IN ({marks}) "
            "ORDER BY seq",
            list(types),
        )
        return [json.loads(row[0]) for row in rows]

    def ballots_in_tracker_order(self, number: int) -> list[dict[str, Any]]:
        """The accepted ballots of round ``number``, sorted by tracker (never arrival order)."""
        rows = self.db.execute(
            "SELECT ballot FROM ballots WHERE round = ? ORDER BY tracker", [number]
        )
        return [json.loads(row[0]) for row in rows]
