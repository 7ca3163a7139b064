"""Reading ``record.zip`` (docs/RECORD.md) safely: size limits, no paths outside the archive,
strict JSON. Reading never trusts the archive: it only parses; ``verify`` decides.

Only a file that is not a record at all raises ``RecordError`` (not a zip, an unsafe or oversized
member, neither ``record.json`` nor ``events.jsonl``). Everything else that is wrong — a line that
is not JSON, JSON that is not in canonical form, a missing index — is kept as a *problem* with the
check that names it, so the report lists it among the other findings and verification goes on.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tally.canonical import canonical_json, parse_json
from tally.errors import EncodingError, FormatError
from tally.record_index import BALLOTS_PREFIX, EVENTS, INDEX, MINUTE_JSON, RECORD_KIND

MAX_FILES = 1000
MAX_TOTAL_BYTES = 2_000_000_000
MAX_FILE_BYTES = 500_000_000
ENCODING = "record.encoding"


class RecordError(FormatError):
    """The file is not a readable record (not a zip, unsafe layout, no record in it)."""


@dataclass
class Record:
    """The parsed contents of a record; nothing in it is checked yet.

    ``events`` and each round's ``ballots`` hold one item per line, ``None`` where the line
    is not JSON; ``problems`` are (check, subject, detail) of what reading found wrong.
    """

    index: dict[str, Any]
    events: list[Any]
    ballots: dict[int, list[Any]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def minute_pdf(self) -> bytes | None:
        return self.files.get("minute.pdf")

    @property
    def minute_json(self) -> Any:
        """The parsed ``minute.json`` if the record has one (``None`` if absent or not JSON)."""
        data = self.files.get(MINUTE_JSON)
        if data is None:
            return None
        try:
            return parse_json(data)
        except EncodingError:
            return None


def _lines(data: bytes, name: str, problems: list[tuple[str, str, str]]) -> list[Any]:
    """One item per line of a JSON-lines file; every line must be canonical JSON + ``\\n``."""
    if data and not data.endswith(b"\n"):
        problems.append((ENCODING, name, "the last line does not end with a line feed"))
    items: list[Any] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        subject = f"{name}, line {number}"
        try:
            value = parse_json(line)
        except EncodingError as error:
            problems.append((ENCODING, subject, f"not JSON: {error}"))
            items.append(None)
            continue
        if canonical_json(value) != line:
            problems.append((ENCODING, subject, "not in canonical form (PROTOCOL.md §3)"))
        items.append(value)
    return items


def _document(data: bytes, name: str, problems: list[tuple[str, str, str]]) -> Any:
    """A whole-file JSON document, which must be canonical JSON without a final line feed."""
    try:
        value = parse_json(data)
    except EncodingError as error:
        problems.append((ENCODING, name, f"not JSON: {error}"))
        return None
    if canonical_json(value) != data:
        problems.append((ENCODING, name, "not in canonical form (PROTOCOL.md §3)"))
    return value


def _read_members(path: Path) -> dict[str, bytes]:
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
    return files


def load_record(path: Path) -> Record:
    """Open ``path`` and parse every file of the record; raise ``RecordError`` if it is not a
    record at all."""
    files = _read_members(path)
    if INDEX not in files and EVENTS not in files:
        raise RecordError("neither record.json nor events.jsonl is in it", field="record.zip")
    problems: list[tuple[str, str, str]] = []
    index: Any = None
    if INDEX in files:
        index = _document(files[INDEX], INDEX, problems)
    if not isinstance(index, dict):
        index = {}
    elif index.get("kind") != RECORD_KIND or index.get("version") != 1:
        problems.append(("record.format", INDEX, f"expected version 1 of kind {RECORD_KIND!r}"))
    if MINUTE_JSON in files:
        _document(files[MINUTE_JSON], MINUTE_JSON, problems)
    events = _lines(files[EVENTS], EVENTS, problems) if EVENTS in files else []
    ballots: dict[int, list[Any]] = {}
    for name, data in files.items():
        if name.startswith(BALLOTS_PREFIX) and name.endswith(".jsonl"):
            number = name[len(BALLOTS_PREFIX) : -len(".jsonl")]
            if number.isascii() and number.isdigit() and str(int(number)) == number:
                ballots[int(number)] = _lines(data, name, problems)
    return Record(index, events, ballots, files, problems)
