"""Findings: one named result per check, collected into a report (never stop at the first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """The outcome of one check on one subject. ``check`` is a stable, dotted name."""

    check: str
    subject: str
    ok: bool
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "subject": self.subject, "ok": self.ok, "detail": self.detail}


@dataclass
class Report:
    """Every finding of a verification, in order."""

    findings: list[Finding] = field(default_factory=list)

    def ok(self, check: str, subject: str, detail: str = "") -> None:
        self.findings.append(Finding(check, subject, True, detail))

    def fail(self, check: str, subject: str, detail: str = "") -> None:
        self.findings.append(Finding(check, subject, False, detail))

    def expect(self, condition: bool, check: str, subject: str, detail: str = "") -> bool:
        """Record ``check`` as passed or failed; return ``condition``."""
        (self.ok if condition else self.fail)(check, subject, detail if not condition else "")
        return condition

    @property
    def passed(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    def failed_checks(self) -> set[str]:
        return {f.check for f in self.failures}

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.passed,
            "checks": len(self.findings),
            "failures": len(self.failures),
            "findings": [f.to_json() for f in self.findings],
        }
