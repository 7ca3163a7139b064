"""Reading ``record.zip`` (docs/RECORD.md) safely: size limits, no paths outside the archive,
strict JSON. Reading never trusts the archive: it only parses; ``verify`` decides."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tally.canonical import parse_json
from tally.errors import EncodingError, FormatError

MAX_FILES = 1000
MAX_TOTAL_BYTES = 2_000_000_000
MAX_FILE_BYTES = 500_000_000
RECORD_KIND = "phieukin/record"


class RecordError(FormatError):
    """The file is not a readable record (not a zip, wrong layout, malformed JSON)."""


@dataclass
class Record:
    """The parsed contents of a record; nothing in it is checked yet."""

    index: dict[str, Any]
    events: list[Any]
    ballots: dict[int, list[Any]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def minute_pdf(self) -> bytes | None:
        return self.files.get("minute.pdf")


def _lines(data: bytes, name: str) -> list[Any]:
    items = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(parse_json(line))
        except EncodingError as error:
            raise RecordError(f"line {number}: {error}", field=name) from None
    return items


def load_record(path: Path) -> Record:
    """Open ``path`` and parse every file of the record; raise ``RecordError`` if unreadable."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise RecordError(f"not a readable zip file: {error}", field=str(path)) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_FILES:
            raise RecordError("too many files", field="record.zip")
        if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
            raise RecordError("too large when unpacked", field="record.zip")
        files: dict[str, bytes] = {}
        for member in members:
            name = member.filename
            if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                raise RecordError("a file name points outside the record", field=name)
            if member.file_size > MAX_FILE_BYTES:
                raise RecordError("file too large", field=name)
            if name in files:
                raise RecordError("file appears twice", field=name)
            try:
                files[name] = archive.read(member)
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                RuntimeError,
                NotImplementedError,
            ) as error:
                raise RecordError(f"unreadable: {error}", field=name) from None
    if "record.json" not in files or "events.jsonl" not in files:
        raise RecordError("record.json and events.jsonl are required", field="record.zip")
    try:
        index = parse_json(files["record.json"])
    except EncodingError as error:
        raise RecordError(str(error), field="record.json") from None
    if not isinstance(index, dict) or index.get("kind") != RECORD_KIND:
        raise RecordError(f"expected kind {RECORD_KIND!r}", field="record.json")
    if index.get("version") != 1:
        raise RecordError(f"unknown version {index.get('version')!r}", field="record.json")
    ballots: dict[int, list[Any]] = {}
    for name, data in files.items():
        if name.startswith("ballots/round-") and name.endswith(".jsonl"):
            number = name[len("ballots/round-") : -len(".jsonl")]
            if not number.isdigit():
                raise RecordError("bad ballot file name", field=name)
            ballots[int(number)] = _lines(data, name)
    return Record(index, _lines(files["events.jsonl"], "events.jsonl"), ballots, files)
