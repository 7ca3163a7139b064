"""Independent verification of a meeting record: every check, each a named finding.

Reads only the record (``audit.record``) and uses only the election library (``tally``): the
laptop that ran the meeting is not trusted for anything. Checks never stop at the first failure;
a failure that makes later checks meaningless (a manifest that does not parse) skips only the
checks that depend on it, and says so.

Every event type has its body's shape and its checks in one module — the setup
(``setup_checks``), a round's start and keys (``round_checks``), tokens and ballots
(``voting_checks``), the count (``count_checks``), the rounds of other kinds (``kind_checks``:
those convened to a confidence vote, a collective's level taken from a self-rating), the minute
(``minute_check``) — and
``EVENT_BODIES`` below is the list of every type there is: an event of any other type is named
(``log.types``), as is a body of the wrong shape (``log.body``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from audit import (
    count_checks,
    kind_checks,
    minute_check,
    round_checks,
    setup_checks,
    voting_checks,
)
from audit.cast_or_audit import check_audited, check_possession
from audit.decisions_check import check_decisions
from audit.findings import Report
from audit.log_checks import check_index, check_log, check_reading
from audit.record import Record
from audit.schema import Rule
from tally.errors import TallyError
from tally.manifest import ElectionContext, Manifest
from tally.replay import Replay, RoundEvents, events_of, replay

Progress = Callable[[str, int, int], None]

EVENT_BODIES: dict[str, Rule] = {
    **setup_checks.BODIES,
    **round_checks.BODIES,
    **voting_checks.BODIES,
    **count_checks.BODIES,
    **kind_checks.BODIES,
    **minute_check.BODIES,
}
"""Every event type of version 1 and the shape of its body (docs/RECORD.md, "Events")."""


def check_bodies(events: list[Any], report: Report) -> set[int]:
    """``log.types`` and ``log.body``; returns the positions of the events that fit."""
    valid: set[int] = set()
    unknown: list[str] = []
    shapes: list[str] = []
    for position, event in enumerate(events):
        if event is None:
            continue  # named by log.shape
        kind = event.get("type")
        rule = EVENT_BODIES.get(kind) if isinstance(kind, str) else None
        if rule is None:
            unknown.append(f"event {position}: {kind!r}")
            continue
        problem = rule(event.get("body"), "body")
        if problem:
            shapes.append(f"event {position} ({kind}): {problem}")
            continue
        if (position == 0) != (kind == "log-opened"):
            shapes.append(f"event {position} ({kind}): log-opened is event 0 and only event 0")
            continue
        valid.add(position)
    report.expect(
        not unknown, "log.types", "events", "unknown event types: " + "; ".join(unknown[:5])
    )
    report.expect(not shapes, "log.body", "events", "; ".join(shapes[:5]))
    return valid


def verify_record(
    record: Record,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    font_dir: Path | None = None,
) -> Report:
    """Run every check on ``record`` and return the report."""
    report = Report()
    check_reading(record, report)
    _guarded(report, "log", check_log, record, report)
    _guarded(report, "record.json", check_index, record, report)
    events = events_of(record.events)
    valid = check_bodies(events, report)
    _guarded(report, "setup", setup_checks.check_setup, events, valid, report)
    state = replay([e if i in valid else None for i, e in enumerate(events)])
    contexts: dict[int, ElectionContext] = {}
    for number, entry in state.rounds.items():
        if entry.abandoned is not None:
            _guarded(
                report,
                f"round {number}",
                round_checks.check_abandoned,
                entry,
                report,
                f"round {number}",
            )
            continue
        context = _guarded(
            report,
            f"round {number}",
            _check_round,
            record,
            entry,
            state,
            contexts,
            report,
            workers,
            progress,
        )
        if context is not None:
            contexts[number] = context
    _guarded(report, "collectives", kind_checks.check_collectives, state, report)
    _guarded(report, "minute", minute_check.check_minute, record, state, contexts, report, font_dir)
    return report


def _guarded(report: Report, subject: str, check: Callable[..., Any], *args: Any) -> Any:
    """Run one group of checks; data of a form none of them expects is a named finding
    (``record.structure``), never a crash that hides the other findings."""
    try:
        return check(*args)
    except Exception as error:
        detail = f"cannot be checked: {type(error).__name__}: {error}"
        report.fail("record.structure", subject, detail)
        return None


def _check_round(
    record: Record,
    entry: RoundEvents,
    state: Replay,
    contexts: dict[int, ElectionContext],
    report: Report,
    workers: int | None,
    progress: Progress | None,
) -> ElectionContext | None:
    label = f"round {entry.number}"
    round_checks.check_order(entry, report, label)
    if entry.started is None:
        report.fail("round.started", label, "no round-started event")
        return None
    try:
        manifest = Manifest.from_json(entry.started["manifest"])
    except TallyError as error:
        report.fail("round.manifest", label, f"{error}; the rest of the round is not checked")
        return None
    report.expect(
        entry.started["manifest_hash"] == manifest.hash.hex()
        and manifest.data["round"] == entry.number,
        "round.manifest",
        label,
        "the manifest hash or round number does not match",
    )
    round_checks.check_start(entry, manifest, state, report, label)
    context = round_checks.check_election(entry, manifest, contexts, report, label)
    if context is None:
        return None
    valid_tokens = voting_checks.check_tokens(entry, manifest.round_kind, report, label)
    verified = voting_checks.check_ballots_of_round(
        record, entry, context, valid_tokens, report, label, workers, progress
    )
    check_possession(entry, report, label)
    check_audited(entry, context, report, label)
    aggregate = count_checks.check_aggregate(entry, context, verified, report, label)
    if aggregate is not None:
        counts = count_checks.check_decryption(entry, context, aggregate, report, label)
        check_decisions(entry, context, counts, state, report, label)
    return context
