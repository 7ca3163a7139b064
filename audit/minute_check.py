"""The minute: what the committee signed, against the log; the printed PDF; and whether the
record is final (docs/RECORD.md, "The minute", "The printed minute", "Verdicts").

The committee co-signs the minute's digest and the paper minute prints it, so the minute is the
anchor an inspector compares with the paper, and what catches a whole log re-signed with another
key. That holds only if everything the minute says is what the log says, so each minute is
rebuilt from the log before it (``tally.minute_log.minute_facts`` and ``build_minute``, the same
two functions the server makes it with) and must be equal to it, field for field:

- ``minute.digest``, ``minute.server_signature``: the digest is the minute's and the server
  signed it with the key of event 0;
- ``minute.content``: the minute is the one the log before it makes (the meeting, the committee
  and its signing keys, the roll, every round's tokens, ballots, votes and decisions, the profile,
  the log's head and key); only the document number and time come from the chair;
- ``minute.signature``: every co-signature signs the minute in force when it was logged, once
  per member, with that member's key from the key ceremony;
- ``minute.pdf``: every ``minute-pdf`` event names the minute in force and its number of
  signatures; the PDF in the record has the hash the last one logs;
- ``minute.pdf_render``: the PDF is, byte for byte, the rendering of the signed minute as the log
  holds it at that event (``unchecked`` where this machine's renderer or fonts are not the ones
  the event names);
- ``minute.json``: ``minute.json`` is the signed minute as the whole log holds it;
- ``minute.present`` and ``minute.cosigned`` make the verdict: a record is final only with a
  minute covering every round and at least t valid committee co-signatures on it; otherwise it
  is interim (``pending``), never sound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nacl.signing import VerifyKey

from audit import schema as s
from audit.findings import Report, differences
from audit.record import Record
from tally.crypto.hashing import hash32
from tally.crypto.signatures import verify_key_from_hex, verify_signature
from tally.errors import TallyError
from tally.manifest import ElectionContext
from tally.minute import build_minute, minute_digest
from tally.minute_log import minute_document, minute_facts
from tally.record_index import MINUTE_JSON
from tally.replay import Replay

HASH = s.hex_bytes(32)
SIGNATURE = s.hex_bytes(64)
BODIES: dict[str, s.Rule] = {
    "minute": s.shape({"minute": s.obj, "digest": HASH, "server_signature": SIGNATURE}),
    "minute-signature": s.shape({"digest": HASH, "trustee": s.positive, "signature": SIGNATURE}),
    "minute-pdf": s.shape(
        {
            "digest": HASH,
            "pdf_hash": HASH,
            "signatures": s.count,
            "renderer": s.shape({"reportlab": s.text, "fonts": HASH}),
        }
    ),
}


def _committee_keys(
    position: int, state: Replay, contexts: dict[int, ElectionContext]
) -> tuple[list[bytes], int] | None:
    """The signing keys and threshold of the last verified round started before ``position``."""
    started = [
        (entry.phases[0][0], number)
        for number, entry in state.rounds.items()
        if entry.phases and entry.phases[0][1] == "round-started" and number in contexts
    ]
    before = [number for at, number in sorted(started) if at < position]
    if not before:
        return None
    context = contexts[before[-1]]
    return list(context.signing_keys), context.manifest.threshold


def _check_one_minute(
    entries: list[Any], position: int, body: dict[str, Any], server_key: str, report: Report
) -> None:
    subject = f"minute (event {position})"
    minute = body["minute"]
    try:
        digest = minute_digest(minute)
    except TallyError as error:
        report.fail("minute.digest", subject, str(error))
        return
    report.expect(
        body["digest"] == digest.hex(), "minute.digest", subject, "the digest is not the minute's"
    )
    try:
        verify_signature(
            verify_key_from_hex(server_key, "server key"),
            "minute",
            digest,
            body["server_signature"],
            subject,
        )
        report.ok("minute.server_signature", subject)
    except TallyError as error:
        report.fail("minute.server_signature", subject, str(error))
    try:
        meeting = minute["meeting"]
        facts = minute_facts(
            entries[:position], meeting["number"], meeting["start_time"], meeting["end_time"]
        )
        expected = build_minute(facts)
        problems = differences(expected, minute)
    except (TallyError, KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        problems = [f"the log before it does not make a minute: {error}"]
    report.expect(not problems, "minute.content", subject, "; ".join(problems))


def _signatures(
    state: Replay, contexts: dict[int, ElectionContext], report: Report
) -> dict[int, set[int]]:
    """Check every co-signature; returns, per minute position, the members who validly signed."""
    signed: dict[int, set[int]] = {at: set() for at, _ in state.minutes}
    for position, body in state.minute_signatures:
        trustee = body["trustee"]
        subject = f"minute, committee member {trustee} (event {position})"
        current = [(at, minute) for at, minute in state.minutes if at < position]
        keys = _committee_keys(position, state, contexts)
        try:
            if not current:
                raise ValueError("no minute before it")
            at, minute = current[-1]
            if body["digest"] != minute["digest"]:
                raise ValueError("signs another minute than the one in force")
            if keys is None or not 1 <= trustee <= len(keys[0]):
                raise ValueError("not a member of the committee")
            if trustee in signed[at]:
                raise ValueError("signed this minute twice")
            verify_signature(
                VerifyKey(keys[0][trustee - 1]),
                "minute",
                bytes.fromhex(minute["digest"]),
                body["signature"],
                subject,
            )
            signed[at].add(trustee)
            report.ok("minute.signature", subject)
        except (TallyError, ValueError) as error:
            report.fail("minute.signature", subject, str(error))
    return signed


def _pdf_events(state: Replay, report: Report) -> None:
    for position, body in state.minute_pdfs:
        current = [(at, minute) for at, minute in state.minutes if at < position]
        signatures = {
            sig["trustee"]
            for at, sig in state.minute_signatures
            if current
            and current[-1][0] < at < position
            and sig["digest"] == current[-1][1]["digest"]
        }
        report.expect(
            bool(current)
            and body["digest"] == current[-1][1]["digest"]
            and body["signatures"] == len(signatures),
            "minute.pdf",
            f"minute-pdf (event {position})",
            "does not name the minute in force and its number of signatures",
        )


def check_pdf(record: Record, state: Replay, report: Report, font_dir: Path | None) -> None:
    """The PDF in the record: the hash the log names, and the rendering of the signed minute."""
    pdf = record.minute_pdf
    if pdf is None:
        return
    last_minute = state.minutes[-1][0] if state.minutes else -1
    logged = [(at, body) for at, body in state.minute_pdfs if at > last_minute]
    if not logged:
        report.fail("minute.pdf", "minute.pdf", "no minute-pdf event after the minute names it")
        return
    at, body = logged[-1]
    report.expect(
        hash32("minute-pdf", pdf).hex() == body["pdf_hash"],
        "minute.pdf",
        "minute.pdf",
        "the PDF is not the one the log names",
    )
    document = minute_document(record.events, upto=at)
    try:
        from audit import minute_pdf
    except ImportError as error:
        report.unchecked("minute.pdf_render", "minute.pdf", f"no PDF renderer here ({error})")
        return
    fonts = font_dir or minute_pdf.FONT_DIR
    try:
        used = minute_pdf.renderer(fonts)
    except minute_pdf.FontsMissing as error:
        report.unchecked("minute.pdf_render", "minute.pdf", str(error))
        return
    try:
        again = minute_pdf.render_minute_pdf(document, fonts)
    except Exception as error:  # a minute the renderer cannot print is a finding, not a crash
        detail = f"the signed minute does not render: {error}"
        report.fail("minute.pdf_render", "minute.pdf", detail)
        return
    if again == pdf:
        report.expect(
            used == body["renderer"],
            "minute.pdf_render",
            "minute.pdf",
            f"the log names another renderer ({body['renderer']}) than the one that makes "
            f"these bytes ({used})",
        )
    elif used == body["renderer"]:
        report.fail(
            "minute.pdf_render",
            "minute.pdf",
            "the PDF is not the rendering of the signed minute in the log",
        )
    else:
        report.unchecked(
            "minute.pdf_render",
            "minute.pdf",
            f"the minute was printed with {body['renderer']}, this machine renders with "
            f"{used}: install that reportlab and those fonts (--fonts DIR) to check the PDF",
        )


def check_minute(
    record: Record,
    state: Replay,
    contexts: dict[int, ElectionContext],
    report: Report,
    font_dir: Path | None = None,
) -> None:
    """Every minute check, and the two that decide whether the record is final."""
    if not state.minutes:
        if state.minute_signatures or state.minute_pdfs:
            report.fail("minute.present", "minute", "signatures or a PDF without a minute")
        else:
            report.pending(
                "minute.present", "minute", "no minute in the log: the record is interim"
            )
        return
    for position, body in state.minutes:
        _check_one_minute(record.events, position, body, state.server_key, report)
    signed = _signatures(state, contexts, report)
    _pdf_events(state, report)
    check_pdf(record, state, report, font_dir)
    if MINUTE_JSON in record.files:
        report.expect(
            record.minute_json == minute_document(record.events),
            "minute.json",
            MINUTE_JSON,
            "minute.json is not the signed minute the log holds",
        )
    last, _ = state.minutes[-1]
    later = [
        number
        for number, entry in state.rounds.items()
        if entry.phases and entry.phases[0][0] > last
    ]
    if later:
        report.pending(
            "minute.present",
            "minute",
            f"round(s) {later} started after the last minute: no minute covers them",
        )
    else:
        report.ok("minute.present", "minute")
    keys = _committee_keys(last, state, contexts)
    count, needed = len(signed[last]), (keys[1] if keys else 1)
    size = len(keys[0]) if keys else 0
    if count >= needed and keys is not None:
        report.ok("minute.cosigned", "minute", f"{count} of {size}, {needed} needed")
    else:
        report.pending(
            "minute.cosigned",
            "minute",
            f"{count} of {size} committee members have co-signed the minute; {needed} needed",
        )
