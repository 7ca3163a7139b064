"""The minute against the record (``minute.content``): what the signed minute says must be what
the log says.

The committee signs the minute's digest and the paper minute prints it, so the minute is the
anchor an inspector compares with the paper. That only helps if every fact in it that the log
also holds is compared with the log: the server key and the log's head at the time the minute
was made (an attacker who re-signs the whole log with a key of their own changes both), the
committee's signing keys (those of the key ceremony), the meeting, the rule profile named in the
manifest, the roll, and per round the election fingerprint, ballots, tokens, votes and decisions.
"""

from __future__ import annotations

from typing import Any

from nacl.signing import VerifyKey

from audit.findings import Report
from audit.kind_checks import expected_section
from audit.record import Record
from audit.replay import Replay
from tally.canonical import canonical_json
from tally.crypto.hashing import hash32
from tally.crypto.signatures import verify_key_from_hex, verify_signature
from tally.errors import TallyError
from tally.manifest import RATING_OPTIONS, ElectionContext
from tally.minute import MEETING_FIELDS
from tally.minute_sections import proposal_section
from tally.round_kinds import OTHER_KINDS
from tally.rules.profiles import get_profile
from tally.rules.request_options import parse_options

ROLL_FIELDS = ("official", "probationary", "base", "quorum", "quorum_required", "voters")


def check_minute_content(
    record: Record, state: Replay, contexts: dict[int, ElectionContext], report: Report
) -> None:
    """Compare the logged minute with the log before it; one ``minute.content`` finding."""
    minute = (state.minute or {}).get("minute")
    try:
        problems = _differences(record, state, contexts, minute)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        problems = [f"malformed minute: {error!r}"]
    report.expect(not problems, "minute.content", "minute", "; ".join(problems[:5]))


def subject_names(contexts: dict[int, ElectionContext]) -> dict[str, str]:
    """Each subject id → the name the manifests give (a rating question's title, a runoff
    option's title)."""
    names: dict[str, str] = {}
    for number in sorted(contexts):
        for question in contexts[number].manifest.questions:
            if question.option_titles:
                names.update(zip(question.options, question.option_titles, strict=True))
            else:
                names[question.id] = question.title
    return names


def _differences(
    record: Record, state: Replay, contexts: dict[int, ElectionContext], minute: Any
) -> list[str]:
    problems: list[str] = []

    def expect(condition: bool, what: str) -> None:
        if not condition:
            problems.append(what)

    positions = [
        i
        for i, entry in enumerate(record.events)
        if isinstance(entry, dict) and (entry.get("event") or {}).get("type") == "minute"
    ]
    at = positions[-1]
    facts = minute["record"]
    expect(facts["server_key"] == state.server_key, "another server key than event 0's")
    expect(
        at > 0
        and facts["head_hash"] == record.events[at - 1].get("hash")
        and facts["events"] == at,
        "another head of the log than the events before the minute",
    )
    meeting = state.meeting
    expect(
        all(minute["meeting"][name] == meeting.get(name, "") for name in MEETING_FIELDS),
        "another meeting than the log's",
    )
    first = contexts[min(contexts)] if contexts else None
    expect(first is not None, "no verified election")
    if first is None:
        return problems
    keys = [c["signing_key"] for c in sorted(minute["committee"], key=lambda c: c["index"])]
    expect(
        keys == [k.hex() for k in first.signing_keys]
        and minute["threshold"] == first.manifest.threshold,
        "another committee (signing keys, threshold) than the key ceremony's",
    )
    label = first.manifest.data["meeting"].get("profile", "")
    profile = minute["profile"]
    named = get_profile(profile["name"])
    fixed = parse_options(first.manifest.data["meeting"].get("options"), named.options)
    expect(
        f"{profile['name']} v{profile['version']}" == label
        and named.version == profile["version"]
        and profile["options"] == fixed.as_json()
        and profile["citations"] == dict(sorted(named.citations.items())),
        f"another rule profile or options than the manifest's ({label})",
    )
    entries = state.rounds
    roll = (entries[min(contexts)].roll or {}).get("roll", {})
    expect(
        all(minute["roll"][name] == roll.get(name) for name in ROLL_FIELDS)
        and minute["roll"]["present"] == roll.get("present"),
        "another roll than the one logged with the round",
    )
    counted = [n for n, e in entries.items() if e.counts is not None]
    names = subject_names(contexts)
    expect([r["round"] for r in minute["rounds"]] == counted, "not the counted rounds")
    for section in minute["rounds"]:
        number = section["round"]
        entry, context = entries.get(number), contexts.get(number)
        if entry is None or context is None or entry.decisions is None or entry.counts is None:
            problems.append(f"round {number}: not counted in the log")
            continue
        if context.manifest.round_kind in OTHER_KINDS:
            expect(
                section == expected_section(entry, context, context.fingerprint.hex()),
                f"round {number}: not the section its log makes ({section.get('kind')})",
            )
            continue
        output = entry.decisions.get("output") or {}
        decided = {s["id"]: s for s in output.get("subjects", [])}
        counts = entry.counts.get("counts") or {}
        expect(
            section["fingerprint"] == context.fingerprint.hex()
            and section["ballots"] == len(entry.accepted)
            and section["voters"] == (entry.roll or {}).get("roll", {}).get("voters")
            and section["valid"] == output.get("valid"),
            f"round {number}: fingerprint, ballots, voters or validity differ",
        )
        expect(
            section["cancelled_tokens"]
            == len(entry.cancelled_before_open) + len(entry.cancelled_after_open),
            f"round {number}: cancelled tokens differ",
        )
        if section.get("kind") == "runoff":
            people = [c for q in section["questions"] for c in q["candidates"]]
            chosen = {
                option: [count]
                for q in context.manifest.questions
                for option, count in zip(q.options, counts.get(q.id, []), strict=False)
            }
        else:
            people = section["subjects"]
            chosen = counts
        expect(
            sorted(s["id"] for s in people) == sorted(decided),
            f"round {number}: other members rated",
        )
        for person in people:
            logged = decided.get(person["id"], {})
            votes = (
                [person["votes"]]
                if section.get("kind") == "runoff"
                else [person["votes"][level] for level in RATING_OPTIONS]
            )
            same = (
                person["name"] == names.get(person["id"])
                and votes == chosen.get(person["id"])
                and all(
                    person[name] == logged.get(name) for name in ("level", "quota", "steps")
                )
            )
            expect(same, f"round {number}, {person['id']}: name, votes or decision differ")
    expected = proposal_section(
        [{"round": n, "decisions": entries[n].decisions} for n in counted], names
    )
    expect(minute["proposal"] == expected, "the proposal is not the one the decisions make")
    return problems


def check_minute(
    record: Record, state: Replay, contexts: dict[int, ElectionContext], report: Report
) -> None:
    """The minute: its digest, the server's and the committee's signatures, the PDF's hash,
    and its content against the record."""
    if state.minute is None:
        report.expect(
            record.minute_pdf is None,
            "minute.present",
            "minute",
            "a minute PDF without a minute in the log",
        )
        return
    minute = state.minute.get("minute")
    try:
        digest = hash32("minute", canonical_json(minute))
    except TallyError as error:
        report.fail("minute.digest", "minute", str(error))
        return
    report.expect(
        state.minute.get("digest") == digest.hex(),
        "minute.digest",
        "minute",
        "the logged digest is not the minute's",
    )
    try:
        server_key = verify_key_from_hex(state.server_key, "server key")
        verify_signature(
            server_key, "minute", digest, state.minute.get("server_signature"), "minute"
        )
        report.ok("minute.server_signature", "minute")
    except TallyError as error:
        report.fail("minute.server_signature", "minute", str(error))
    first = contexts.get(min(contexts)) if contexts else None
    for signature in state.minute_signatures:
        trustee = signature.get("trustee")
        subject = f"minute, committee member {trustee}"
        try:
            if (
                first is None
                or not isinstance(trustee, int)
                or not 1 <= trustee <= len(first.signing_keys)
            ):
                raise ValueError("not a committee member")
            key = VerifyKey(first.signing_keys[trustee - 1])
            if signature.get("digest", digest.hex()) != digest.hex():
                raise ValueError("signs another minute")
            verify_signature(key, "minute", digest, signature.get("signature"), subject)
            report.ok("minute.signature", subject)
        except (TallyError, ValueError) as error:
            report.fail("minute.signature", subject, str(error))
    logged_pdf = state.minute_pdf or {}
    if logged_pdf or record.minute_pdf is not None:
        actual = None if record.minute_pdf is None else hash32("minute-pdf", record.minute_pdf)
        report.expect(
            actual is not None
            and actual.hex() == logged_pdf.get("pdf_hash")
            and logged_pdf.get("digest") == digest.hex(),
            "minute.pdf",
            "minute.pdf",
            "the PDF is not the one the log names for this minute",
        )
    check_minute_content(record, state, contexts, report)
