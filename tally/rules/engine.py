"""The decision: quorum, then per subject the vote level and the caps, then the quota per group.

``decide`` is a pure function of a ``DecisionRequest``; it returns a ``Decision`` holding every
step of its working. ``Decision.as_json`` is the output contract of ``phieukin rules decide``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from tally.rules.caps import apply_caps, pending_cap_steps
from tally.rules.inputs import DecisionRequest, Subject, parse_request
from tally.rules.levels import Level
from tally.rules.majority import (
    ballot_step,
    meeting_base,
    quorum_met,
    quorum_required,
    quorum_step,
    subject_base,
    vote_level,
)
from tally.rules.options import RuleOptions
from tally.rules.profiles import Profile
from tally.rules.quota import GroupQuota, QuotaCandidate, QuotaMark, apply_quota, quota_step
from tally.rules.trace import TraceStep


class Status(StrEnum):
    """What the engine could say about a subject."""

    DECIDED = "decided"
    UNRESOLVED = "unresolved"
    NOT_RATED = "not_rated"


NOT_RATED_REASONS: dict[str, str] = {
    "admitted_under_6_months": "kết nạp chưa đủ 6 tháng",
    "exempted": "được miễn công tác và sinh hoạt đảng",
    "suspended": "đang bị đình chỉ sinh hoạt đảng",
}
"""Reason codes the roster may send, and how the minute words them; other text is kept as is."""


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
        }


@dataclass(frozen=True)
class Decision:
    """The engine's answer for a whole meeting."""

    profile: Profile
    options: RuleOptions
    valid: bool
    base: int
    quorum_required: int
    subjects: tuple[SubjectDecision, ...]
    quota: tuple[GroupQuota, ...]

    def as_json(self) -> dict[str, object]:
        """The output contract of ``phieukin rules decide``: exactly these keys."""
        return {
            "valid": self.valid,
            "base": self.base,
            "quorum_required": self.quorum_required,
            "subjects": [subject.as_json() for subject in self.subjects],
            "quota": [group.as_json() for group in self.quota],
        }


def _final_step(level: Level | None) -> TraceStep:
    if level is None:
        return TraceStep(rule="final", text="Mức đề xuất: chưa xác định")
    return TraceStep(rule="final", text=f"Mức đề xuất: {level.value} ({level.full_name})")


def _with_final_step(decision: SubjectDecision) -> SubjectDecision:
    if decision.status is Status.NOT_RATED:
        return decision
    return replace(decision, steps=(*decision.steps, _final_step(decision.level)))


def _not_rated(subject: Subject) -> SubjectDecision:
    reason = subject.not_rated or ""
    text = f"Không xếp loại: {NOT_RATED_REASONS.get(reason, reason)}"
    return SubjectDecision(
        id=subject.id,
        status=Status.NOT_RATED,
        vote_level=None,
        level=None,
        quota=None,
        steps=(TraceStep(rule="not_rated", text=text),),
    )


def _rate(request: DecisionRequest, subject: Subject, quorum: TraceStep) -> SubjectDecision:
    """Vote level and caps for one rated subject in a valid vote (the quota comes later)."""
    base, base_line = subject_base(request.roll, subject.votes, request.options.base)
    majority = vote_level(subject.votes, base, request.options)
    steps = [quorum, base_line, ballot_step(request.roll, subject.votes), *majority.steps]
    if majority.level is None:
        steps += pending_cap_steps(subject, request.collectives, request.profile.caps)
        return SubjectDecision(
            id=subject.id,
            status=Status.UNRESOLVED,
            vote_level=None,
            level=None,
            quota=None,
            steps=tuple(steps),
        )
    capped = apply_caps(majority.level, subject, request.collectives, request.profile.caps)
    steps += capped.steps
    return SubjectDecision(
        id=subject.id,
        status=Status.DECIDED,
        vote_level=majority.level,
        level=capped.level,
        quota=None,
        steps=tuple(steps),
    )


def _apply_quotas(
    request: DecisionRequest, decisions: dict[str, SubjectDecision]
) -> tuple[GroupQuota, ...]:
    """Apply the quota group by group (first-appearance order); update ``decisions`` in place."""
    groups: dict[str, list[Subject]] = {}
    for subject in request.subjects:
        if decisions[subject.id].status is Status.DECIDED:
            groups.setdefault(subject.group, []).append(subject)
    results: list[GroupQuota] = []
    for group, members in groups.items():
        levels = [decisions[member.id].level or Level.KHT for member in members]
        candidates = [
            QuotaCandidate(member.id, member.votes[Level.XS], member.votes.cumulative(Level.TOT))
            for member in members
            if decisions[member.id].level is Level.XS
        ]
        group_quota = apply_quota(
            group,
            levels,
            candidates,
            request.profile.quota,
            request.options.good_includes_excellent,
        )
        results.append(group_quota)
        for candidate in candidates:
            before = decisions[candidate.id]
            mark = group_quota.mark(candidate.id)
            decisions[candidate.id] = replace(
                before,
                level=Level.TOT if mark is QuotaMark.OVER else Level.XS,
                quota=mark,
                steps=(*before.steps, quota_step(group_quota, candidate.id)),
            )
    return tuple(results)


def decide(request: DecisionRequest) -> Decision:
    """Apply every rule of the request's profile and options to the plaintext counts."""
    roll, options = request.roll, request.options
    valid = quorum_met(roll, options.quorum)
    quorum = quorum_step(roll, options.quorum)
    decisions: dict[str, SubjectDecision] = {}
    for subject in request.subjects:
        if subject.not_rated is not None:
            decisions[subject.id] = _not_rated(subject)
        elif not valid:
            decisions[subject.id] = SubjectDecision(
                id=subject.id,
                status=Status.UNRESOLVED,
                vote_level=None,
                level=None,
                quota=None,
                steps=(quorum,),
            )
        else:
            decisions[subject.id] = _rate(request, subject, quorum)
    quota = _apply_quotas(request, decisions) if valid else ()
    finished = tuple(_with_final_step(decisions[subject.id]) for subject in request.subjects)
    return Decision(
        profile=request.profile,
        options=options,
        valid=valid,
        base=meeting_base(roll, options.base),
        quorum_required=quorum_required(roll, options.quorum),
        subjects=finished,
        quota=quota,
    )


def decide_json(data: Mapping[str, object] | object) -> dict[str, object]:
    """Validate decoded JSON input, decide, and return the JSON output (the CLI's whole job)."""
    return decide(parse_request(data)).as_json()
