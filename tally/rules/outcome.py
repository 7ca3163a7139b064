"""What the rule engine answers: per subject a status, levels, quota flag and steps; per group
the quota's result. ``Decision.as_json`` is the output contract of ``phieukin rules decide``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tally.rules.levels import Level
from tally.rules.options import RuleOptions
from tally.rules.profile_model import Profile
from tally.rules.quota import QuotaMark
from tally.rules.trace import TraceStep


class Status(StrEnum):
    """What the engine could say about a subject."""

    DECIDED = "decided"
    UNRESOLVED = "unresolved"
    """No level reached its threshold (or no quorum): escalated to the committee above."""
    PENDING = "pending"
    """The vote level is known but the decision is held (the civil-service rating is not)."""
    NOT_RATED = "not_rated"


def final_step(level: Level | None, status: Status) -> TraceStep:
    """The last step of a rated subject's working: the proposed level (or none) and status."""
    return TraceStep(
        code="final",
        rule="final",
        values=(("level", None if level is None else level.value), ("status", status.value)),
    )


@dataclass(frozen=True)
class SubjectDecision:
    """The outcome for one subject with its full working."""

    id: str
    status: Status
    vote_level: Level | None
    level: Level | None
    quota: QuotaMark | None
    steps: tuple[TraceStep, ...]

    @property
    def trace(self) -> list[str]:
        """The human-readable trace: one Vietnamese sentence per step."""
        return [step.text for step in self.steps]

    def as_json(self) -> dict[str, object]:
        """The subject's entry in the output contract."""
        return {
            "id": self.id,
            "status": self.status.value,
            "vote_level": None if self.vote_level is None else self.vote_level.value,
            "level": None if self.level is None else self.level.value,
            "quota": None if self.quota is None else self.quota.value,
            "trace": self.trace,
            "steps": [step.as_json() for step in self.steps],
        }


@dataclass(frozen=True)
class GroupResult:
    """A quota group's result as the output lists it (a rating round's or a runoff's)."""

    group: str
    good: int
    max_excellent: int
    kept: tuple[str, ...]
    over: tuple[str, ...]
    tied: tuple[str, ...]
    places: int | None = None
    """Runoff only: the places the runoff filled among the tied members."""
    kept_before: tuple[str, ...] | None = None
    """Runoff only: those who kept XS before the runoff (not in ``kept``)."""

    def as_json(self) -> dict[str, object]:
        """The group's entry in the ``quota`` list of the output."""
        out: dict[str, object] = {
            "group": self.group,
            "good": self.good,
            "max_excellent": self.max_excellent,
            "kept": list(self.kept),
            "over": list(self.over),
            "tied": list(self.tied),
        }
        if self.places is not None:
            out["places"] = self.places
            out["kept_before"] = list(self.kept_before or ())
        return out


@dataclass(frozen=True)
class Decision:
    """The engine's answer for a whole meeting (or for one runoff round)."""

    profile: Profile
    options: RuleOptions
    valid: bool
    base: int
    quorum_required: int
    subjects: tuple[SubjectDecision, ...]
    quota: tuple[GroupResult, ...]
    runoff: bool = False

    def as_json(self) -> dict[str, object]:
        """The output contract of ``phieukin rules decide``: exactly these keys (``runoff`` only
        in the answer to a runoff request)."""
        out: dict[str, object] = {
            "valid": self.valid,
            "base": self.base,
            "quorum_required": self.quorum_required,
            "subjects": [subject.as_json() for subject in self.subjects],
            "quota": [group.as_json() for group in self.quota],
        }
        if self.runoff:
            out["runoff"] = True
        return out
