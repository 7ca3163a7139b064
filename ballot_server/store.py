"""The meeting's durable state: one SQLite file per meeting folder. Every SQL statement of the
server is here, as a named method; the services above never write SQL.

WAL journal with ``synchronous=FULL``: a transaction is on disk when ``commit`` returns, so a
ballot is durable before its receipt is sent, and a crash or power cut loses nothing committed
and corrupts nothing. Every state change happens in one ``transaction()`` together with the
event that records it, so the table state and the signed event log never disagree; after the
commit the log's new head is appended to the log-head file (``log_head.py``) and fsynced, so a
database that later turns out older than its own log is refused at start-up (``integrity.py``).

Failures are never left half-done: a transaction that fails to begin or to commit is rolled
back and leaves the store usable; a write lock held by another program is waited for at most
``busy_seconds`` and then answered with ``StoreBusy`` (retryable); a full disk gives
``StoreFull``; a damaged file ``StoreDamaged``, after which nothing more is written.

Python's own ``sqlite3`` is used directly. sqlite-utils was used before only as a wrapper around
``execute``: its table API introspects the schema on every insert and runs its own (deferred)
transactions, while every write here must be one ``BEGIN IMMEDIATE`` step together with its
event, and several statements are conditional updates whose row count decides the answer
(a token is spent or cancelled only if it was still issued). Plain SQL in one module says that
exactly, and one dependency fewer reaches the machine that holds the meeting.

Ballots are stored without IP address, user agent or timestamp; tokens and credentials only as
hashes; chair sessions only as hashes of their identifiers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from ballot_server import integrity
from ballot_server.consistency import TableFacts
from ballot_server.errors import (
    StoreDamaged,
)
from ballot_server.integrity import DATABASE_NAME, DatabaseFacts
from ballot_server.log_head import HEAD_NAME, Head, HeadFile
from ballot_server.store_failures import is_bug, translate
from tally.canonical import canonical_json
from tally.eventlog import LogEntry, make_event

__all__ = ["DATABASE_NAME", "HEAD_NAME", "Store"]

SCHEMA_VERSION = 1
BUSY_SECONDS = 2.0

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
CREATE TABLE IF NOT EXISTS audits (
    round INTEGER NOT NULL, tracker TEXT NOT NULL, audited TEXT NOT NULL,
    logged INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round, tracker)
);
CREATE TABLE IF NOT EXISTS chair_sessions (id_hash TEXT PRIMARY KEY, expires REAL NOT NULL);
"""


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _decode(text: str, what_en: str, what_vi: str) -> Any:
    """A stored JSON text, or ``StoreDamaged`` naming what could not be read."""
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        raise StoreDamaged(f"không đọc được {what_vi}", f"{what_en} cannot be read") from None


def read_database(path: Path, wal_present: bool) -> DatabaseFacts | None:
    """Read what the start-up check needs without writing anything: a read-only connection,
    and one that ignores the (absent) WAL if there is none, so that no file is created. Every
    read is in one read transaction: a server running meanwhile (``export`` beside it) may
    commit, but this sees one consistent state."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    uri = path.resolve().as_uri() + ("?mode=ro" if wal_present else "?mode=ro&immutable=1")
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise translate(error, path.parent) from None
    try:
        connection.execute("BEGIN")
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        check = [r[0] for r in connection.execute("PRAGMA integrity_check")]
        events, seed = [], None
        if "events" in tables:
            rows = connection.execute("SELECT entry FROM events ORDER BY seq").fetchall()
            events = [_decode(r[0], "an event of the log", "một sự kiện của nhật ký") for r in rows]
        if "settings" in tables:
            row = connection.execute(
                "SELECT value FROM settings WHERE key = 'server_key_seed'"
            ).fetchone()
            seed = None if row is None else _decode(row[0], "the server key", "khóa của máy chủ")
        return DatabaseFacts(check, events, seed, _table_facts(connection, tables))
    except sqlite3.Error as error:
        raise translate(error, path.parent) from None
    finally:
        connection.close()


def _table_facts(connection: sqlite3.Connection, tables: set[str]) -> TableFacts | None:
    """The rows the start-up check compares with the log (``consistency.py``)."""
    if not {"ballots", "tokens", "results", "rounds", "members", "settings"} <= tables:
        return None

    def rows(sql: str) -> list[Any]:
        return connection.execute(sql).fetchall()

    return TableFacts(
        ballots=rows("SELECT round, tracker, token_hash, ballot FROM ballots"),
        tokens=rows("SELECT round, token_hash, state FROM tokens"),
        results=rows("SELECT round, kind, key, data FROM results"),
        rounds=rows("SELECT number, phase, manifest, election FROM rounds"),
        members=rows("SELECT id, data, attendance FROM members"),
        settings=dict(
            rows(
                "SELECT key, value FROM settings "
                "WHERE key IN ('meeting', 'convened', 'round_convened')"
            )
        ),
        audits=rows("SELECT round, tracker, audited, logged FROM audits")
        if "audits" in tables
        else [],
    )


class Store:
    """The meeting database. Not thread-safe: the server uses it from its event loop only.

    Opening checks the folder first (``integrity.py``); ``create=False`` refuses a folder that
    holds no meeting instead of starting one (the command-line tools)."""

    def __init__(
        self, folder: Path, *, create: bool = True, busy_seconds: float = BUSY_SECONDS
    ) -> None:
        self.folder = folder
        self.path = folder / DATABASE_NAME
        layout = integrity.folder_layout(folder)
        try:
            if layout.is_new:
                if not create:
                    raise integrity.missing_meeting(folder)
                folder.mkdir(parents=True, exist_ok=True)
                head = HeadFile.create(folder / HEAD_NAME)
            else:
                integrity.check_files(layout)
                heads = integrity.anchored_heads(layout)
                integrity.check_database(layout, read_database(self.path, layout.wal), heads)
                head = HeadFile(folder / HEAD_NAME)
        except OSError as error:
            raise translate(error, folder) from None
        self._head = head
        self._in_transaction = False
        self.damaged: StoreDamaged | None = None
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=busy_seconds
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as error:
            head.close()
            raise translate(error, folder) from None
        self._anchored = -1
        if self.last_event() is None:
            self._open_log()

    def _open_log(self) -> None:
        """Event 0 publishes the server's event-signing key; every later event is signed by it.
        Only a folder holding no meeting gets here (``integrity.py``)."""
        key = SigningKey.generate()
        with self.transaction() as store:
            store.set_setting("server_key_seed", key.encode().hex())
            store.append_event(
                "log-opened",
                {"server_key": key.verify_key.encode().hex(), "schema": SCHEMA_VERSION},
            )

    def close(self) -> None:
        self._db.close()
        self._head.close()

    # --- statements and transactions -----------------------------------------------------------

    def _fail(self, error: sqlite3.Error | OSError) -> Exception:
        if is_bug(error):
            return error
        failure = translate(error, self.folder)
        if isinstance(failure, StoreDamaged):
            self.damaged = failure  # never write on top of a damaged file
        return failure

    def _rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._fail(error) from None

    def _row(self, sql: str, parameters: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(sql, parameters)
        return rows[0] if rows else None

    def _run(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one changing statement (inside ``transaction()``); returns the rows changed."""
        if not self._in_transaction:
            raise RuntimeError("changes are made inside a transaction")
        try:
            return self._db.execute(sql, parameters).rowcount
        except sqlite3.Error as error:
            raise self._fail(error) from None

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One atomic, durable step: BEGIN IMMEDIATE … COMMIT, rolled back on any error; then
        the log's head is anchored. Whatever fails, the store is usable afterwards."""
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        if self.damaged is not None:
            raise self.damaged
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            self._rollback()
            raise self._fail(error) from None
        self._in_transaction = True
        try:
            yield self
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            self._rollback()
            raise self._fail(error) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._in_transaction = False
        self._anchor()

    def _rollback(self) -> None:
        if self._db.in_transaction:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def _anchor(self) -> None:
        """Append the committed head to the log-head file unless it is there already."""
        head = self.head()
        if head is None or head.seq <= self._anchored:
            return
        try:
            self._head.append(head)
        except OSError as error:
            raise self._fail(error) from None
        self._anchored = head.seq

    def head(self) -> Head | None:
        """The sequence number and hash of the last event in the database."""
        row = self._row(
            "SELECT seq, json_extract(entry, '$.hash') FROM events ORDER BY seq DESC LIMIT 1"
        )
        return None if row is None else Head(row[0], row[1])

    # --- settings ----------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        row = self._row("SELECT value FROM settings WHERE key = ?", [key])
        return default if row is None else _decode(row[0], f"the setting {key}", f"thiết lập {key}")

    def set_setting(self, key: str, value: Any) -> None:
        self._run(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, _encode(value)],
        )

    # --- event log ---------------------------------------------------------------------------

    def server_key(self) -> SigningKey:
        """The server's Ed25519 event-signing key (made once, with the meeting's log)."""
        seed = self.setting("server_key_seed")
        if seed is None:
            raise StoreDamaged("thiếu khóa ký của máy chủ", "the server's signing key is missing")
        return SigningKey(bytes.fromhex(seed))

    def last_event(self) -> LogEntry | None:
        row = self._row("SELECT entry FROM events ORDER BY seq DESC LIMIT 1")
        if row is None:
            return None
        data = _decode(row[0], "the last event", "sự kiện cuối của nhật ký")
        return LogEntry(
            data["event"], bytes.fromhex(data["hash"]), bytes.fromhex(data["signature"])
        )

    def append_event(self, event_type: str, body: dict[str, Any]) -> LogEntry:
        """Append a signed event; must run inside ``transaction()`` with the change it records."""
        if not self._in_transaction:
            raise RuntimeError("events are appended inside a transaction")
        entry = make_event(self.last_event(), event_type, body, self.server_key())
        self._run(
            "INSERT INTO events (seq, entry) VALUES (?, ?)",
            [entry.event["seq"], canonical_json(entry.to_json()).decode("utf-8")],
        )
        return entry

    def events(self, start: int = 0) -> list[dict[str, Any]]:
        rows = self._rows("SELECT entry FROM events WHERE seq >= ? ORDER BY seq", [start])
        return [_decode(row[0], "an event of the log", "một sự kiện của nhật ký") for row in rows]

    def events_page(self, start: int, limit: int) -> list[dict[str, Any]]:
        """At most ``limit`` log entries from event ``start`` on."""
        rows = self._rows(
            "SELECT entry FROM events WHERE seq >= ? ORDER BY seq LIMIT ?", [start, limit]
        )
        return [_decode(row[0], "an event of the log", "một sự kiện của nhật ký") for row in rows]

    def event_count(self) -> int:
        return self._rows("SELECT COUNT(*) FROM events")[0][0]

    def events_of_types(self, *types: str) -> list[dict[str, Any]]:
        """The log entries whose event type is one of ``types``, in log order."""
        marks = ", ".join("?" for _ in types)
        rows = self._rows(
            f"SELECT entry FROM events WHERE json_extract(entry, '$.event.type') IN ({marks}) "
            "ORDER BY seq",
            types,
        )
        return [_decode(row[0], "an event of the log", "một sự kiện của nhật ký") for row in rows]

    # --- members -------------------------------------------------------------------------------

    def members(self) -> list[dict[str, Any]]:
        """Every roster member's stored facts, by id."""
        rows = self._rows("SELECT data FROM members ORDER BY id")
        return [_decode(r[0], "a member", "một đảng viên") for r in rows]

    def attendance(self) -> dict[int, str]:
        return dict(self._rows("SELECT id, attendance FROM members"))  # type: ignore[arg-type]

    def replace_members(self, members: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """The new roster (id, facts), attendance unknown."""
        self._run("DELETE FROM members")
        for member_id, data in members:
            self._run(
                "INSERT INTO members (id, data, attendance) VALUES (?, ?, 'unknown')",
                [member_id, _encode(data)],
            )

    def set_attendance(self, member_id: int, mark: str) -> None:
        self._run("UPDATE members SET attendance = ? WHERE id = ?", [mark, member_id])

    # --- rounds ----------------------------------------------------------------------------------

    def round_numbers(self) -> list[int]:
        return [r[0] for r in self._rows("SELECT number FROM rounds ORDER BY number")]

    def round_manifests(self, upto: int) -> list[dict[str, Any]]:
        """The manifests of rounds 1 … ``upto``, in order."""
        rows = self._rows("SELECT manifest FROM rounds WHERE number <= ? ORDER BY number", [upto])
        return [_decode(r[0], "a manifest", "một bản kê phiếu") for r in rows]

    def last_round(self) -> int | None:
        return self._rows("SELECT MAX(number) FROM rounds")[0][0]

    def round_row(self, number: int) -> dict[str, Any] | None:
        row = self._row(
            "SELECT number, phase, manifest, election, subjects FROM rounds WHERE number = ?",
            [number],
        )
        if row is None:
            return None
        what = f"round {number}", f"vòng {number}"
        return {
            "number": row[0],
            "phase": row[1],
            "manifest": _decode(row[2], *what),
            "election": None if row[3] is None else _decode(row[3], *what),
            "subjects": _decode(row[4], *what),
        }

    def insert_round(
        self,
        number: int,
        phase: str,
        manifest: dict[str, Any],
        election: dict[str, Any] | None,
        subjects: dict[str, int],
    ) -> None:
        self._run(
            "INSERT INTO rounds (number, phase, manifest, election, subjects) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                number,
                phase,
                _encode(manifest),
                None if election is None else _encode(election),
                _encode(subjects),
            ],
        )

    def set_round_phase(self, number: int, phase: str) -> None:
        self._run("UPDATE rounds SET phase = ? WHERE number = ?", [phase, number])

    def publish_election(self, number: int, election: dict[str, Any]) -> None:
        """The ceremony's result: the round's election, and the round is ready."""
        self._run(
            "UPDATE rounds SET election = ?, phase = 'ready' WHERE number = ?",
            [_encode(election), number],
        )

    # --- the committee and its key ceremony ------------------------------------------------------

    def add_trustee(self, number: int, trustee: int, credential_hash: str) -> None:
        self._run(
            "INSERT INTO committee (round, trustee, credential_hash) VALUES (?, ?, ?)",
            [number, trustee, credential_hash],
        )

    def copy_committee(self, number: int, source: int) -> None:
        """A round reusing the keys of ``source``: the same members, credentials and claimed
        keys, all confirmed."""
        self._run(
            "INSERT INTO committee (round, trustee, credential_hash, announcement, confirmed, "
            "signing_key, alarm) SELECT ?, trustee, credential_hash, NULL, 1, signing_key, 0 "
            "FROM committee WHERE round = ?",
            [number, source],
        )

    def trustee_by_credential(self, number: int, credential_hash: str) -> int | None:
        row = self._row(
            "SELECT trustee FROM committee WHERE round = ? AND credential_hash = ?",
            [number, credential_hash],
        )
        return None if row is None else row[0]

    def committee_members(self, number: int) -> list[dict[str, Any]]:
        """Each member's row: index, announcement (JSON text), confirmed, claimed key, alarm."""
        rows = self._rows(
            "SELECT trustee, announcement, confirmed, signing_key, alarm FROM committee "
            "WHERE round = ? ORDER BY trustee",
            [number],
        )
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
        self._run(
            f"UPDATE committee SET {assignments} WHERE round = ? AND trustee = ?",
            [*fields.values(), number, trustee],
        )

    def rounds_sharing_link(self, number: int, trustee: int) -> list[int]:
        """The rounds in which member ``trustee`` holds the same link as in round ``number``
        (that round and the runoffs reusing its keys)."""
        rows = self._rows(
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
        self._run(
            "INSERT INTO committee_messages (round, trustee, type, about, message) "
            "VALUES (?, ?, ?, ?, ?)",
            [number, trustee, kind, about, canonical_json(message).decode("utf-8")],
        )

    def committee_messages(self, number: int, kind: str) -> list[dict[str, Any]]:
        """Every kept message of one type in a round, by sender then ``about``."""
        rows = self._rows(
            "SELECT message FROM committee_messages WHERE round = ? AND type = ? "
            "ORDER BY trustee, about",
            [number, kind],
        )
        return [_decode(row[0], "a committee message", "một thông điệp của ban") for row in rows]

    def forget_committee_messages(self, number: int, trustee: int, kind: str) -> None:
        self._run(
            "DELETE FROM committee_messages WHERE round = ? AND trustee = ? AND type = ?",
            [number, trustee, kind],
        )

    # --- tokens and ballots ----------------------------------------------------------------------

    def add_tokens(self, number: int, hashes: Sequence[str]) -> None:
        for digest in hashes:
            self._run(
                "INSERT INTO tokens (round, token_hash, state) VALUES (?, ?, 'issued')",
                [number, digest],
            )

    def token_counts(self, number: int) -> dict[str, int]:
        rows = self._rows(
            "SELECT state, COUNT(*) FROM tokens WHERE round = ? GROUP BY state", [number]
        )
        counts = {"issued": 0, "spent": 0, "cancelled": 0}
        counts.update({state: n for state, n in rows})
        return counts

    def token_hashes(self, number: int, state: str) -> list[str]:
        """The hashes of the round's tokens in ``state``, in hash order."""
        rows = self._rows(
            "SELECT token_hash FROM tokens WHERE round = ? AND state = ? ORDER BY token_hash",
            [number, state],
        )
        return [r[0] for r in rows]

    def token_state(self, number: int, digest: str) -> str | None:
        row = self._row(
            "SELECT state FROM tokens WHERE round = ? AND token_hash = ?", [number, digest]
        )
        return None if row is None else row[0]

    def cancel_token(self, number: int, digest: str) -> bool:
        """Cancel a token that is still unused; False if there is none such."""
        changed = self._run(
            "UPDATE tokens SET state = 'cancelled' WHERE round = ? AND token_hash = ? "
            "AND state = 'issued'",
            [number, digest],
        )
        return changed == 1

    def add_ballot(self, number: int, tracker: str, digest: str, ballot: str) -> None:
        """Store a verified ballot (canonical JSON) and spend its token."""
        self._run(
            "INSERT INTO ballots (round, tracker, token_hash, ballot) VALUES (?, ?, ?, ?)",
            [number, tracker, digest, ballot],
        )
        self._run(
            "UPDATE tokens SET state = 'spent' WHERE round = ? AND token_hash = ?",
            [number, digest],
        )

    def has_ballot(self, number: int, digest: str, tracker: str) -> bool:
        """Whether this very ballot (tracker) was accepted on this token."""
        row = self._row(
            "SELECT 1 FROM ballots WHERE round = ? AND token_hash = ? AND tracker = ?",
            [number, digest, tracker],
        )
        return row is not None

    def ballot_count(self, number: int) -> int:
        return self._rows("SELECT COUNT(*) FROM ballots WHERE round = ?", [number])[0][0]

    def ballots(self, number: int) -> list[dict[str, Any]]:
        """The accepted ballots in tracker order (never arrival order)."""
        rows = self._rows("SELECT ballot FROM ballots WHERE round = ? ORDER BY tracker", [number])
        return [_decode(r[0], "a ballot", "một phiếu") for r in rows]

    def ballots_in_arrival_order(self, number: int, offset: int, limit: int) -> list[Any]:
        """Accepted ballots in the order their ``ballot-accepted`` events are in the log."""
        rows = self._rows(
            "SELECT ballot FROM ballots WHERE round = ? ORDER BY rowid LIMIT ? OFFSET ?",
            [number, limit, offset],
        )
        return [_decode(row[0], "a ballot", "một phiếu") for row in rows]

    def trackers(self, number: int) -> list[str]:
        return [r[0] for r in self._rows("SELECT tracker FROM ballots WHERE round = ?", [number])]

    def cast_tracker(self, number: int, digest: str) -> str | None:
        """The tracker of the ballot cast with the token whose hash is ``digest``, if any."""
        row = self._row(
            "SELECT tracker FROM ballots WHERE round = ? AND token_hash = ?", [number, digest]
        )
        return None if row is None else row[0]

    def is_cast(self, number: int, tracker: str) -> bool:
        """Whether a cast ballot of the round has this tracker."""
        row = self._row("SELECT 1 FROM ballots WHERE round = ? AND tracker = ?", [number, tracker])
        return row is not None

    # --- audited ballots (opened on the phone, never counted) ------------------------------------

    def audit(self, number: int, tracker: str) -> dict[str, Any] | None:
        """The audited ballot of the round with this tracker, if received."""
        row = self._row(
            "SELECT audited FROM audits WHERE round = ? AND tracker = ?", [number, tracker]
        )
        return None if row is None else _decode(row[0], "an audited ballot", "một phiếu kiểm tra")

    def add_audit(self, number: int, tracker: str, audited: str, logged: bool) -> None:
        """Store a checked audited ballot (its canonical JSON)."""
        self._run(
            "INSERT INTO audits (round, tracker, audited, logged) VALUES (?, ?, ?, ?)",
            [number, tracker, audited, int(logged)],
        )

    def unlogged_audits(self, number: int) -> list[tuple[str, dict[str, Any]]]:
        """The round's audited ballots not yet in the event log, in tracker order."""
        rows = self._rows(
            "SELECT tracker, audited FROM audits WHERE round = ? AND logged = 0 ORDER BY tracker",
            [number],
        )
        return [(r[0], _decode(r[1], "an audited ballot", "một phiếu kiểm tra")) for r in rows]

    def log_pending_audits(self, number: int) -> int:
        """Log the round's audited ballots not yet in the log as ``ballot-audited`` events, in
        tracker order (inside the caller's transaction); returns how many."""
        pending = self.unlogged_audits(number)
        for tracker, audited in pending:
            self.append_event(
                "ballot-audited", {"round": number, "tracker": tracker, "audited": audited}
            )
        self._run("UPDATE audits SET logged = 1 WHERE round = ? AND logged = 0", [number])
        return len(pending)

    def audit_trackers(self, number: int) -> list[str]:
        """Every audited ballot's tracker in the round."""
        return [r[0] for r in self._rows("SELECT tracker FROM audits WHERE round = ?", [number])]

    # --- results (aggregate, decryption shares, counts, decisions) -------------------------------

    def result(self, number: int, kind: str, key: str = "") -> Any:
        """A round's stored result of ``kind`` (``counts``, ``decisions``, …) or ``None``."""
        row = self._row(
            "SELECT data FROM results WHERE round = ? AND kind = ? AND key = ?",
            [number, kind, key],
        )
        what = f"{kind} of round {number}", f"{kind} của vòng {number}"
        return None if row is None else _decode(row[0], *what)

    def results(self, number: int, kind: str) -> dict[str, Any]:
        rows = self._rows(
            "SELECT key, data FROM results WHERE round = ? AND kind = ?", [number, kind]
        )
        what = f"{kind} of round {number}", f"{kind} của vòng {number}"
        return {key: _decode(data, *what) for key, data in rows}

    def add_result(self, number: int, kind: str, data: Any, key: str = "") -> None:
        self._run(
            "INSERT INTO results (round, kind, key, data) VALUES (?, ?, ?, ?)",
            [number, kind, key, _encode(data)],
        )

    # --- chair sessions --------------------------------------------------------------------------

    def add_chair_session(self, id_hash: str, expires: float, now: float, keep: int) -> None:
        """A new chair session; expired ones, and the oldest beyond ``keep``, are dropped."""
        self._run("DELETE FROM chair_sessions WHERE expires <= ?", [now])
        self._run("INSERT INTO chair_sessions (id_hash, expires) VALUES (?, ?)", [id_hash, expires])
        self._run(
            "DELETE FROM chair_sessions WHERE id_hash NOT IN "
            "(SELECT id_hash FROM chair_sessions ORDER BY expires DESC LIMIT ?)",
            [keep],
        )

    def chair_session_expires(self, id_hash: str) -> float | None:
        row = self._row("SELECT expires FROM chair_sessions WHERE id_hash = ?", [id_hash])
        return None if row is None else row[0]

    def remove_chair_session(self, id_hash: str) -> None:
        self._run("DELETE FROM chair_sessions WHERE id_hash = ?", [id_hash])
