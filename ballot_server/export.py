"""``phieukin export``: write the meeting's complete public record as ``record.zip``.

The record is read from the meeting database — after the start-up checks of ``integrity.py``:
a database behind its own log is refused — and written atomically (a temporary file renamed
into place), so an inspector never gets half a record. Its format is docs/RECORD.md.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from pathlib import Path
from typing import Any

from ballot_server.disk import write_file_atomically
from ballot_server.store import Store
from tally.canonical import canonical_json
from tally.crypto.hashing import hash32

RECORD_NAME = "record.zip"
MINUTE_PDF = "minute.pdf"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="xuất hồ sơ công khai record.zip (export the public record)",
        description="Ghi toàn bộ hồ sơ công khai của hội nghị vào DIR/record.zip để kiểm tra.",
    )
    parser.add_argument("dir", type=Path, help="thư mục hội nghị (meeting folder)")
    parser.set_defaults(func=run)


def record_bytes(store: Store, minute_pdf: bytes | None = None) -> bytes:
    """The record of the meeting in ``store`` as the bytes of a zip file."""
    events = store.events()
    meeting = store.setting("meeting", {}) or {}
    rounds = store.round_numbers()
    files: dict[str, bytes] = {
        "events.jsonl": b"".join(canonical_json(entry) + b"\n" for entry in events)
    }
    ballot_counts: dict[str, dict[str, int]] = {}
    for number in rounds:
        ballots = store.ballots(number)
        files[f"ballots/round-{number}.jsonl"] = b"".join(
            canonical_json(ballot) + b"\n" for ballot in ballots
        )
        ballot_counts[str(number)] = {"ballots": len(ballots)}
    if minute_pdf is not None:
        files[MINUTE_PDF] = minute_pdf
    index: dict[str, Any] = {
        "version": 1,
        "kind": "phieukin/record",
        "meeting": {"id": meeting.get("id", ""), "title": meeting.get("title", "")},
        "server_key": store.server_key().verify_key.encode().hex(),
        "events": len(events),
        "head": events[-1]["hash"] if events else "",
        "rounds": ballot_counts,
        "files": sorted(files),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("record.json", canonical_json(index)), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def log_minute_pdf(store: Store) -> bytes | None:
    """Render the current minute's PDF and, if the log does not name these exact bytes yet,
    log their hash (event ``minute-pdf``), so the printed minute is covered by the chain."""
    from ballot_server.chair import Chair, ChairMemory
    from ballot_server.config import ServerConfig
    from ballot_server.minute_pdf import FontsMissing, render_minute_pdf
    from ballot_server.minute_service import Minutes
    from ballot_server.rounds import Rounds

    chair = Chair(store, Rounds(store), ServerConfig(folder=store.path.parent), ChairMemory())
    document = Minutes(store, chair).current()
    if document is None:
        return None
    try:
        pdf = render_minute_pdf(document)
    except FontsMissing as error:
        print(f"Cảnh báo: không in được biên bản PDF ({error}); hồ sơ không kèm PDF.")
        return None
    pdf_hash = hash32("minute-pdf", pdf).hex()
    logged = [e["event"]["body"] for e in store.events() if e["event"]["type"] == "minute-pdf"]
    if not logged or logged[-1].get("pdf_hash") != pdf_hash:
        with store.transaction() as writing:
            writing.append_event(
                "minute-pdf",
                {
                    "digest": document["digest"],
                    "pdf_hash": pdf_hash,
                    "signatures": len(document["signatures"]),
                },
            )
    return pdf


def write_record(folder: Path) -> Path:
    """Write ``folder/record.zip`` atomically from the meeting database in ``folder`` (checked
    whole first; ``StoreError`` if it is not, or if the disk is full: nothing half-written)."""
    store = Store(folder, create=False)
    try:
        minute_pdf = log_minute_pdf(store)
        data = record_bytes(store, minute_pdf)
    finally:
        store.close()
    target = folder / RECORD_NAME
    write_file_atomically(target, data)
    return target


def run(args: argparse.Namespace) -> int:
    target = write_record(args.dir)
    print(f"Đã ghi hồ sơ: {target}")
    return 0
