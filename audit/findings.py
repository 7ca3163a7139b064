"""Findings: one named result per check, collected into a report (never stop at the first),
and the verdict the report adds up to (docs/RECORD.md, "Verdicts and exit codes").

A finding is one of four things:

- ``passed``: the check holds;
- ``failed``: the record contradicts itself or the protocol — the record is not sound;
- ``pending``: nothing is wrong, but the record does not (yet) prove a final result — no minute,
  or fewer than t committee co-signatures on it, or a round the minute does not cover;
- ``unchecked``: the check could not be made on this machine (the PDF renderer or its fonts are
  not those the minute was printed with); nothing is concluded from it either way.

The verdict is ``unsound`` if any check failed, else ``interim`` if any is pending, else
``unchecked`` if any could not be made, else ``final``. Only ``final`` exits 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, PENDING, UNCHECKED = "passed", "failed", "pending", "unchecked"
FINAL, UNSOUND, INTERIM, INCOMPLETE = "final", "unsound", "interim", "unchecked"

EXIT_FINAL = 0
EXIT_UNSOUND = 1
EXIT_UNREADABLE = 2
EXIT_INTERIM = 3
EXIT_UNCHECKED = 4
EXIT_CODES = {
    FINAL: EXIT_FINAL,
    UNSOUND: EXIT_UNSOUND,
    INTERIM: EXIT_INTERIM,
    INCOMPLETE: EXIT_UNCHECKED,
}


@dataclass(frozen=True)
class Finding:
    """The outcome of one check on one subject. ``check`` is a stable, dotted name."""

    check: str
    subject: str
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == PASSED

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "subject": self.subject,
            "ok": self.ok,
            "status": self.status,
            "detail": self.detail,
        }


@dataclass
class Report:
    """Every finding of a verification, in order."""

    findings: list[Finding] = field(default_factory=list)

    def ok(self, check: str, subject: str, detail: str = "") -> None:
        self.findings.append(Finding(check, subject, PASSED, detail))

    def fail(self, check: str, subject: str, detail: str = "") -> None:
        self.findings.append(Finding(check, subject, FAILED, detail))

    def pending(self, check: str, subject: str, detail: str) -> None:
        """The record is consistent here but does not prove a final result."""
        self.findings.append(Finding(check, subject, PENDING, detail))

    def unchecked(self, check: str, subject: str, detail: str) -> None:
        """The check could not be made here; say why."""
        self.findings.append(Finding(check, subject, UNCHECKED, detail))

    def expect(self, condition: bool, check: str, subject: str, detail: str = "") -> bool:
        """Record ``check`` as passed or failed; return ``condition``."""
        (self.ok if condition else self.fail)(check, subject, detail if not condition else "")
        return condition

    def of(self, status: str) -> list[Finding]:
        return [f for f in self.findings if f.status == status]

    @property
    def failures(self) -> list[Finding]:
        """The failed checks (not the pending or unchecked ones)."""
        return self.of(FAILED)

    def failed_checks(self) -> set[str]:
        return {f.check for f in self.failures}

    def pending_checks(self) -> set[str]:
        return {f.check for f in self.of(PENDING)}

    @property
    def verdict(self) -> str:
        statuses = {f.status for f in self.findings}
        if FAILED in statuses or not self.findings:
            return UNSOUND
        if PENDING in statuses:
            return INTERIM
        if UNCHECKED in statuses:
            return INCOMPLETE
        return FINAL

    @property
    def passed(self) -> bool:
        """Every check of a final record passed: the only verdict that exits 0."""
        return self.verdict == FINAL

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.passed,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "checks": len(self.findings),
            "failures": len(self.failures),
            "pending": len(self.of(PENDING)),
            "unchecked": len(self.of(UNCHECKED)),
            "findings": [f.to_json() for f in self.findings],
        }


def differences(expected: Any, actual: Any, path: str = "", limit: int = 3) -> list[str]:
    """Where two JSON values differ, as paths with both values (the first ``limit`` of them),
    so a finding says what the log makes and what the record says instead."""
    found: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(found) >= limit or a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                walk(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{where}.{key}")
            return
        if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for position, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{where}[{position}]")
            return
        found.append(f"{where.lstrip('.') or '(whole)'}: {b!r:.60} where the log makes {a!r:.60}")

    walk(expected, actual, path)
    return found
