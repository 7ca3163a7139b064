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
    signing_key TEXT, alarm INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round, trustee)
);
CREATE TABLE IF NOT EXISTS committee_messages (
    round INTEGER NOT NULL, trustee INTEGER NOT NULL, type TEXT NOT NULL,
    about INTEGER NOT NULL DEFAULT 0, message TEXT NOT NULL,
    PRIMARY KEY (round, trustee, type, about)
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

    def events_page(self, start: int, limit: int) -> list[dict[str, Any]]:
        """At most ``limit`` log entries from event ``start`` on."""
        rows = self.db.execute(
            "SELECT entry FROM events WHERE seq >= ? ORDER BY seq LIMIT ?", [start, limit]
        )
        return [json.loads(row[0]) for row in rows]

    def event_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    # --- the committee of a round ---------------------------------------------------------------

    def committee_members(self, number: int) -> list[dict[str, Any]]:
        """Each member's row: index, announcement (JSON text), confirmed, claimed key, alarm."""
        rows = self.db.execute(
            "SELECT trustee, announcement, confirmed, signing_key, alarm FROM committee "
            "WHERE round = ? ORDER BY trustee",
            [number],
        ).fetchall()
        return [
            {
                "index": r[0],
                "announcement": r[1],
                "confirmed": bool(r[2]),
                "signing_key": r[3],
                "alarm": bool(r[4]),
            }
            for r in rows
        ]

    def set_committee_fields(self, number: int, trustee: int, **fields: Any) -> None:
        """Change a member's row: ``announcement``, ``confirmed``, ``signing_key``, ``alarm`` or
        ``credential_hash``."""
        allowed = {"announcement", "confirmed", "signing_key", "alarm", "credential_hash"}
        if not fields or set(fields) - allowed:
            raise ValueError(f"unknown committee fields {sorted(set(fields) - allowed)}")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(
            f"UPDATE committee SET {assignments} WHERE round = ? AND trustee = ?",
            [*fields.values(), number, trustee],
        )

    def rounds_sharing_link(self, number: int, trustee: int) -> list[int]:
        """The rounds in which member ``trustee`` holds the same link as in round ``number``
        (that round and the runoffs reusing its keys)."""
        rows = self.db.execute(
            "SELECT round FROM committee WHERE trustee = ? AND credential_hash = "
            "(SELECT credential_hash FROM committee WHERE round = ? AND trustee = ?) "
            "ORDER BY round",
            [trustee, number, trustee],
        )
        return [row[0] for row in rows]

    def add_committee_message(
        self, number: int, trustee: int, kind: str, about: int, message: dict[str, Any]
    ) -> None:
        """Keep a member's signed ceremony message (``about``: the other member it concerns)."""
        self.db.execute(
            "INSERT INTO committee_messages (round, trustee, type, about, message) "
            "VALUES (?, ?, ?, ?, ?)",
            [number, trustee, kind, about, canonical_json(message).decode("utf-8")],
        )

    def committee_messages(self, number: int, kind: str) -> list[dict[str, Any]]:
        """Every kept message of one type in a round, by sender then ``about``."""
        rows = self.db.execute(
            "SELECT message FROM committee_messages WHERE round = ? AND type = ? "
            "ORDER BY trustee, about",
            [number, kind],
        )
        return [json.loads(row[0]) for row in rows]

    def forget_committee_messages(self, number: int, trustee: int, kind: str) -> None:
        self.db.execute(
            "DELETE FROM committee_messages WHERE round = ? AND trustee = ? AND type = ?",
            [number, trustee, kind],
        )

    def copy_committee(self, number: int, source: int) -> None:
        """A round reusing the keys of ``source``: the same members, credentials and keys."""
        self.db.execute(
            "INSERT INTO committee (round, trustee, credential_hash, announcement, confirmed, "
            "signing_key, alarm) SELECT ?, trustee, credential_hash, NULL, 1, signing_key, 0 "
            "FROM committee WHERE round = ?",
            [number, source],
        )

    # --- ballots, rounds and their results ------------------------------------------------------

    def ballots_in_arrival_order(self, number: int, offset: int, limit: int) -> list[Any]:
        """Accepted ballots in the order their ``ballot-accepted`` events are in the log."""
        rows = self.db.execute(
            "SELECT ballot FROM ballots WHERE round = ? ORDER BY rowid LIMIT ? OFFSET ?",
            [number, limit, offset],
        )
        return [json.loads(row[0]) for row in rows]

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
        """A round's stored result of ``kind`` (``counts``, ``decisions``, ``override``, …) or
        ``None``."""
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

    def publish_election(self, number: int, election: dict[str, Any]) -> None:
        """The ceremony of a round is done: its election is fixed and tokens can be issued."""
        self.db.execute(
            "UPDATE rounds SET election = ?, phase = 'ready' WHERE number = ?",
            [json.dumps(election), number],
        )

    def set_round_phase(self, number: int, phase: str) -> None:
        self.db.execute("UPDATE rounds SET phase = ? WHERE number = ?", [phase, number])
