"""The record's index (``record.json``) and its list of files, both functions of the event log.

``phieukin export`` writes the index with ``record_index`` and ``verify`` recomputes it from the
log it checks: every fact in ``record.json`` is a fact of the log (docs/RECORD.md), so an index
that says anything else — another meeting title, another ballot count, a file the log does not
account for — is caught by comparing the two.

``entries`` are the stored log entries ``{"event", "hash", "signature"}`` in order; nothing here
checks them (``verify`` does), and malformed entries never raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

RECORD_KIND = "phieukin/record"
INDEX = "record.json"
EVENTS = "events.jsonl"
BALLOTS_PREFIX = "ballots/round-"
MINUTE_JSON = "minute.json"
MINUTE_PDF = "minute.pdf"


def _events(entries: Sequence[Any]) -> list[dict[str, Any]]:
    """Each entry's event as a dict with a dict body (``{}`` where malformed)."""
    events = []
    for entry in entries:
        event = entry.get("event") if isinstance(entry, dict) else None
        if not isinstance(event, dict):
            event = {}
        body = event.get("body")
        events.append({"type": event.get("type"), "body": body if isinstance(body, dict) else {}})
    return events


def _round(body: dict[str, Any]) -> int | None:
    number = body.get("round")
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def started_rounds(entries: Sequence[Any]) -> list[int]:
    """The round numbers of the ``round-started`` events, in order, each once."""
    numbers: list[int] = []
    for event in _events(entries):
        number = _round(event["body"])
        if event["type"] == "round-started" and number is not None and number not in numbers:
            numbers.append(number)
    return numbers


def ballot_file(number: int) -> str:
    return f"{BALLOTS_PREFIX}{number}.jsonl"


def record_files(entries: Sequence[Any]) -> list[str]:
    """The files a record of this log holds besides ``record.json``, sorted:

    ``events.jsonl``; ``ballots/round-<n>.jsonl`` for every round started; ``minute.json`` once
    a minute is logged; ``minute.pdf`` when a ``minute-pdf`` event comes after the last minute
    (the PDF printed from that minute is then part of the record).
    """
    events = _events(entries)
    names = [EVENTS, *(ballot_file(n) for n in started_rounds(entries))]
    minutes = [i for i, e in enumerate(events) if e["type"] == "minute"]
    if minutes:
        names.append(MINUTE_JSON)
        if any(e["type"] == "minute-pdf" for e in events[minutes[-1] :]):
            names.append(MINUTE_PDF)
    return sorted(names)


def record_index(entries: Sequence[Any], files: Sequence[str]) -> dict[str, Any]:
    """The ``phieukin/record`` index of a record made of this log and these files.

    ``meeting`` is the id and title of the last ``meeting-set`` event (empty strings before
    one); ``server_key`` is event 0's; ``events`` and ``head`` are the log's length and last
    hash; ``rounds`` gives, per round started, the number of ``ballot-accepted`` events.
    """
    events = _events(entries)
    meeting: dict[str, Any] = {}
    server_key = ""
    counts = {number: 0 for number in started_rounds(entries)}
    for event in events:
        body = event["body"]
        if event["type"] == "log-opened" and not server_key:
            server_key = body.get("server_key", "")
        elif event["type"] == "meeting-set" and isinstance(body.get("meeting"), dict):
            meeting = body["meeting"]
        elif event["type"] == "ballot-accepted" and _round(body) in counts:
            counts[_round(body)] += 1  # type: ignore[index]
    last = entries[-1] if entries else None
    return {
        "version": 1,
        "kind": RECORD_KIND,
        "meeting": {"id": meeting.get("id", ""), "title": meeting.get("title", "")},
        "server_key": server_key,
        "events": len(entries),
        "head": last.get("hash", "") if isinstance(last, dict) else "",
        "rounds": {str(number): {"ballots": n} for number, n in sorted(counts.items())},
        "files": sorted(files),
    }
