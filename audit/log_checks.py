"""The record as files: what reading found, the signed log, the index and the list of files.

- ``record.encoding``: every JSON file is canonical (PROTOCOL.md §3), one object per line for
  ``events.jsonl`` and the ballot files, each line ending with a line feed;
- ``record.format``: ``record.json`` is a version-1 ``phieukin/record``;
- ``log.*``: the chain, each hash and each signature under the key of event 0;
- ``index.*``: ``record.json`` is exactly the index that ``tally.record_index`` makes of the
  log and of the files the log accounts for;
- ``record.files``: the zip holds exactly ``record.json`` and the files the index lists.
"""

from __future__ import annotations

from nacl.signing import VerifyKey

from audit.findings import Report, differences
from audit.record import Record
from tally.crypto.signatures import verify_key_from_hex
from tally.errors import TallyError
from tally.eventlog import verify_log
from tally.record_index import INDEX, record_files, record_index

INDEX_FIELDS = ("version", "kind", "meeting", "server_key", "events", "head", "rounds", "files")
INDEX_CHECKS = {"server_key": "index.server_key", "events": "index.head", "head": "index.head"}


def check_reading(record: Record, report: Report) -> None:
    """What reading the files found: non-canonical or unparseable JSON, a foreign index."""
    for check, subject, detail in record.problems:
        report.fail(check, subject, detail)
    checks = {check for check, _, _ in record.problems}
    if "record.encoding" not in checks:
        report.ok("record.encoding", "every file", "canonical JSON, line by line")
    if "record.format" not in checks:
        report.expect(INDEX in record.files, "record.format", INDEX, "record.json is missing")


def check_log(record: Record, report: Report) -> None:
    """The chain, the hashes and the server's signature on every event (PROTOCOL.md §10)."""
    entries = record.events
    if not entries:
        report.fail("log.present", "events.jsonl", "the log is empty")
        return
    first = entries[0].get("event", {}) if isinstance(entries[0], dict) else {}
    first = first if isinstance(first, dict) else {}
    body = first.get("body", {})
    key_hex = (
        body.get("server_key")
        if first.get("type") == "log-opened" and isinstance(body, dict)
        else None
    )
    try:
        key = verify_key_from_hex(key_hex, "event 0 server_key")
    except TallyError as error:
        report.fail("log.server_key", "event 0", str(error))
        return
    report.ok("log.server_key", "event 0")
    findings = verify_log(entries, VerifyKey(key.encode()))
    for finding in findings:
        report.fail(f"log.{finding.check}", finding.subject, finding.detail)
    if not findings:
        report.ok("log.chain", f"{len(entries)} events, hashes and signatures")


def check_index(record: Record, report: Report) -> None:
    """``record.json`` against the index of the log, and the zip's files against the index."""
    expected = record_index(record.events, record_files(record.events))
    index = record.index
    unknown = sorted(set(index) - set(INDEX_FIELDS))
    report.expect(not unknown, "index.format", INDEX, f"unknown fields: {unknown}")
    for name in INDEX_FIELDS:
        if name in ("version", "kind"):
            continue
        check = INDEX_CHECKS.get(name, f"index.{name}")
        report.expect(
            index.get(name) == expected[name],
            check,
            INDEX,
            "; ".join(differences(expected[name], index.get(name), name)),
        )
    listed = index.get("files") if isinstance(index.get("files"), list) else []
    present = set(record.files) - {INDEX}
    unlisted = sorted(present - set(listed))
    missing = sorted(set(listed) - present)
    report.expect(
        not unlisted and not missing,
        "record.files",
        "record.zip",
        f"files not listed in record.json: {unlisted}; listed but missing: {missing}",
    )
