"""Start-up checks of a meeting folder: a meeting is only opened for writing when it is whole.

Before the server (or ``export``, or ``minute``) opens a meeting's database for writing, the
folder is inspected without changing anything in it:

- a folder holding any part of a meeting (``meeting.db``, ``meeting.db-wal`` or the log-head
  file ``meeting.head``) is never given a new log or a new server key;
- ``PRAGMA integrity_check`` must pass (``quick_check`` and more: every index must also match
  its table; 0.07 s on the 53 MB database of a 500-voter, 50-rated meeting), the event log in
  the database must be a sound chain signed by the meeting's server key, and the tables must
  say what the log says (``consistency.py``);
- the database must reach every head anchored in ``meeting.head`` (``log_head.py``): if it
  does not, committed events are missing — the WAL file was lost, cut short or replaced.

Each failure raises a specific ``StoreError`` naming what is missing or damaged; nothing is
written, so putting the missing file back makes the meeting whole again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.exceptions import CryptoError
from nacl.signing import SigningKey

from ballot_server.consistency import TableFacts, check_tables
from ballot_server.errors import StoreBehindLog, StoreDamaged, StoreMissing
from ballot_server.log_head import HEAD_NAME, Head, HeadFileDamaged, read_heads
from tally.eventlog import verify_log

DATABASE_NAME = "meeting.db"
WAL_NAME = DATABASE_NAME + "-wal"


@dataclass(frozen=True)
class Layout:
    """Which of a meeting's files the folder holds."""

    folder: Path
    database: bool  # meeting.db, not empty
    wal: bool  # meeting.db-wal
    head: bool  # meeting.head

    @property
    def is_new(self) -> bool:
        """No part of a meeting is there: a new meeting may be made."""
        return not (self.database or self.wal or self.head)


@dataclass(frozen=True)
class DatabaseFacts:
    """What the start-up check reads from the database, read-only."""

    integrity_check: list[str]
    events: list[dict[str, Any]]
    server_key_seed: str | None
    tables: TableFacts | None = None  # None: the database has no meeting tables yet


def folder_layout(folder: Path) -> Layout:
    database = folder / DATABASE_NAME
    return Layout(
        folder=folder,
        database=database.is_file() and database.stat().st_size > 0,
        wal=(folder / WAL_NAME).is_file(),
        head=(folder / HEAD_NAME).is_file(),
    )


def missing_meeting(folder: Path) -> StoreMissing:
    return StoreMissing(
        f"Thư mục {folder} không có hội nghị nào (không có {DATABASE_NAME}).",
        f"The folder {folder} holds no meeting (no {DATABASE_NAME}).",
    )


def check_files(layout: Layout) -> None:
    """Refuse a folder whose database or WAL has lost its log-head file (e.g. only
    ``meeting.db`` was copied): without it, a database behind its log cannot be told."""
    if layout.head:
        return
    present = DATABASE_NAME if layout.database else WAL_NAME
    raise StoreMissing(
        f"Thư mục {layout.folder} có {present} nhưng thiếu tệp {HEAD_NAME} (đầu nhật ký). "
        "Hãy chép đủ cả thư mục hội nghị (meeting.db, meeting.db-wal, meeting.head); "
        "máy chủ không tạo nhật ký mới trong thư mục đã có hội nghị.",
        f"The folder {layout.folder} has {present} but not its log-head file {HEAD_NAME}. "
        "Copy the whole meeting folder (meeting.db, meeting.db-wal, meeting.head); a folder "
        "that holds a meeting never gets a new log.",
    )


def anchored_heads(layout: Layout) -> list[Head]:
    try:
        return read_heads(layout.folder / HEAD_NAME)
    except HeadFileDamaged as error:
        raise StoreDamaged(
            f"tệp {HEAD_NAME} hỏng ({error})", f"{HEAD_NAME} is damaged ({error})"
        ) from None


def check_database(layout: Layout, facts: DatabaseFacts | None, heads: list[Head]) -> None:
    """The database passes ``integrity_check``, its log is a sound signed chain, its tables
    say what the log says, and it reaches
    every anchored head. ``facts`` is None when there is no database file."""
    if facts is None:
        if heads:
            raise StoreMissing(
                f"Thiếu {DATABASE_NAME} trong {layout.folder}, dù nhật ký đã có "
                f"{heads[-1].seq + 1} sự kiện ({HEAD_NAME}).",
                f"{DATABASE_NAME} is missing from {layout.folder}, but {HEAD_NAME} anchors "
                f"{max(h.seq for h in heads) + 1} events.",
            )
        return
    if facts.integrity_check != ["ok"]:
        detail = "; ".join(facts.integrity_check[:3])
        raise StoreDamaged(
            f"integrity_check báo lỗi ({detail})", f"integrity_check failed ({detail})"
        )
    _check_chain(facts)
    if facts.tables is not None:
        check_tables(facts.events, facts.tables)
    by_seq = {entry["event"]["seq"]: entry["hash"] for entry in facts.events}
    wrong = [head for head in heads if by_seq.get(head.seq) != head.hash]
    rewritten = [head for head in wrong if head.seq in by_seq]
    if rewritten:
        raise _behind(layout, rewritten[0], len(facts.events), True)
    if wrong:
        raise _behind(layout, max(wrong, key=lambda h: h.seq), len(facts.events), False)


def _check_chain(facts: DatabaseFacts) -> None:
    if not facts.events:
        return
    try:
        key = SigningKey(bytes.fromhex(facts.server_key_seed or "")).verify_key
    except (ValueError, TypeError, CryptoError):
        raise StoreDamaged(
            "thiếu hoặc hỏng khóa ký của máy chủ", "the server's signing key is missing or damaged"
        ) from None
    findings = verify_log(facts.events, key)
    if findings:
        first = findings[0]
        raise StoreDamaged(
            f"nhật ký sự kiện hỏng ở {first.subject} ({first.check})",
            f"the event log is damaged at {first.subject} ({first.check}: {first.detail})",
        )
    opened = facts.events[0]["event"]
    if opened.get("type") != "log-opened" or opened["body"].get("server_key") != key.encode().hex():
        raise StoreDamaged(
            "sự kiện đầu tiên không công bố khóa máy chủ này",
            "the first event does not publish this server key",
        )


def _behind(layout: Layout, head: Head, events: int, rewritten: bool) -> StoreBehindLog:
    if rewritten:
        return StoreBehindLog(
            f"sự kiện {head.seq} trong cơ sở dữ liệu khác với sự kiện đã neo trong {HEAD_NAME}; "
            "đây không phải nhật ký của hội nghị này (một bản sao cũ hoặc lạ)",
            f"event {head.seq} in the database differs from the one anchored in {HEAD_NAME}; "
            "this is not this meeting's log (an old or foreign copy)",
        )
    wal_vi = "bị mất" if not layout.wal else "bị hỏng hoặc không thuộc cơ sở dữ liệu này"
    wal_en = "missing" if not layout.wal else "damaged or does not belong to this database"
    return StoreBehindLog(
        f"cơ sở dữ liệu chậm hơn chính nhật ký của nó: {HEAD_NAME} đã neo sự kiện {head.seq} "
        f"nhưng cơ sở dữ liệu chỉ có {events} sự kiện; tệp {WAL_NAME} {wal_vi}. "
        f"Không thay đổi gì; hãy đặt lại tệp {WAL_NAME} gốc rồi khởi động lại",
        f"the database is behind its own log: {HEAD_NAME} anchors event {head.seq} but the "
        f"database holds {events} events; the file {WAL_NAME} is {wal_en}. Nothing was "
        f"changed; put the original {WAL_NAME} back and start again",
    )
