"""``phieukin export``: write the meeting's complete public record as ``record.zip``.

The record is read from the meeting database — after the start-up checks of ``integrity.py``:
a database behind its own log is refused — and written atomically (a temporary file renamed
into place), so an inspector never gets half a record. Its format is docs/RECORD.md.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

from ballot_server.disk import write_file_atomically
from ballot_server.store import Store
from tally.canonical import canonical_json
from tally.crypto.hashing import hash32
from tally.minute_log import MINUTE_EVENT_TYPES, minute_document
from tally.record_index import (
    EVENTS,
    INDEX,
    MINUTE_JSON,
    MINUTE_PDF,
    ballot_file,
    record_files,
    record_index,
)

RECORD_NAME = "record.zip"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="xuất hồ sơ công khai record.zip (export the public record)",
        description="Ghi toàn bộ hồ sơ công khai của hội nghị vào DIR/record.zip để kiểm tra.",
    )
    parser.add_argument("dir", type=Path, help="thư mục hội nghị (meeting folder)")
    parser.set_defaults(func=run)


def record_bytes(store: Store, minute_pdf: bytes | None = None) -> bytes:
    """The record of the meeting in ``store`` as the bytes of a zip file.

    Everything is taken from the event log except the ballots' own bytes (the log holds their
    trackers): the index (``tally.record_index``) and ``minute.json`` (the signed minute as
    the log holds it) are functions of the log, so ``verify`` recomputes them and compares.
    """
    entries = store.events()
    files: dict[str, bytes] = {EVENTS: b"".join(canonical_json(entry) + b"\n" for entry in entries)}
    for number in store.round_numbers():
        files[ballot_file(number)] = b"".join(
            canonical_json(ballot) + b"\n" for ballot in store.ballots(number)
        )
    document = minute_document(entries)
    if document is not None:
        files[MINUTE_JSON] = canonical_json(document)
    if minute_pdf is not None:
        files[MINUTE_PDF] = minute_pdf
    index = record_index(entries, sorted(files))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(INDEX, canonical_json(index)), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


class ExportError(RuntimeError):
    """The record cannot be written completely (the message says why, in both languages)."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


def log_minute_pdf(store: Store) -> bytes | None:
    """Render the PDF of the signed minute in the log and, if the log does not name these exact
    bytes yet, log their hash with what the rendering depends on (event ``minute-pdf``), so the
    printed minute is covered by the chain and the verifier can render it again."""
    from audit.minute_pdf import FontsMissing, render_minute_pdf, renderer

    document = minute_document(store.events_of_types(*MINUTE_EVENT_TYPES))
    if document is None:
        return None
    try:
        pdf = render_minute_pdf(document)
        used = renderer()
    except FontsMissing as error:
        if MINUTE_PDF in record_files(store.events()):
            raise ExportError(
                f"không in được biên bản PDF mà nhật ký đã ghi ({error})",
                "the log already names a printed minute, which cannot be rendered here "
                "(the Liberation fonts are missing)",
            ) from None
        print(f"Cảnh báo: không in được biên bản PDF ({error}); hồ sơ không kèm PDF.")
        return None
    pdf_hash = hash32("minute-pdf", pdf).hex()
    logged = store.events_of_types("minute", "minute-pdf")
    last = logged[-1]["event"] if logged else {}
    if last.get("type") != "minute-pdf" or last["body"].get("pdf_hash") != pdf_hash:
        with store.transaction() as writing:
            writing.append_event(
                "minute-pdf",
                {
                    "digest": document["digest"],
                    "pdf_hash": pdf_hash,
                    "signatures": len(document["signatures"]),
                    "renderer": used,
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
    try:
        target = write_record(args.dir)
    except ExportError as error:
        print(f"Lỗi: {error.message_vi}", file=sys.stderr)
        print(f"Error: {error.message_en}", file=sys.stderr)
        return 1
    print(f"Đã ghi hồ sơ: {target}")
    return 0
