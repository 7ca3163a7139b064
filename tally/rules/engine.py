"""The decision: quorum, then per subject the vote level and the caps, then the quota per group.

``decide`` is a pure function of a ``DecisionRequest``; it returns a ``Decision`` holding every
step of its working. A runoff request (the tied members of a rating round, for the places left)
is decided by ``tally.rules.runoff``. ``Decision.as_json`` is the output contract of
``phieukin rules decide``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

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
from tally.rules.outcome import Decision, GroupResult, Status, SubjectDecision, final_step
from tally.rules.quota import GroupQuota, QuotaCandidate, QuotaMark, apply_quota, quota_step
from tally.rules.runoff import decide_runoff
from tally.rules.trace import TraceStep

__all__ = ["Decision", "Status", "SubjectDecision", "decide", "decide_json"]

NOT_RATED_REASONS = ("admitted_under_6_months", "exempted", "suspended")
"""Reason codes the roster may send (worded by ``tally.rules.wording``); other text is kept."""


def _with_final_step(decision: SubjectDecision) -> SubjectDecision:
    if decision.status is Status.NOT_RATED:
        return decision
    return replace(decision, steps=(*decision.steps, final_step(decision.level, decision.status)))


def _not_rated(subject: Subject) -> SubjectDecision:
    reason = subject.not_rated or ""
    rule = f"not_rated.{reason}" if reason in NOT_RATED_REASONS else "not_rated.other"
    step = TraceStep(code="not_rated", rule=rule, values=(("reason", reason),))
    return SubjectDecision(subject.id, Status.NOT_RATED, None, None, None, (step,))


def _rate(request: DecisionRequest, subject: Subject, quorum: TraceStep) -> SubjectDecision:
    """Vote level and caps for one rated subject in a valid vote (the quota comes later)."""
    base, base_step = subject_base(request.roll, subject.votes, request.options.base)
    majority = vote_level(subject.votes, base, request.options)
    steps = [quorum, base_step, ballot_step(request.roll, subject.votes), *majority.steps]
    profile, collectives = request.profile, request.collectives
    if majority.level is None:
        steps += pending_cap_steps(subject, collectives, profile)
        return SubjectDecision(subject.id, Status.UNRESOLVED, None, None, None, tuple(steps))
    if subject.civil_servant_pending:
        steps += pending_cap_steps(subject, collectives, profile)
        steps.append(
            TraceStep(
                code="pending",
                rule="civil_servant.pending",
                values=(("level", majority.level.value),),
            )
        )
        return SubjectDecision(subject.id, Status.PENDING, majority.level, None, None, tuple(steps))
    capped = apply_caps(majority.level, subject, collectives, profile)
    steps += capped.steps
    return SubjectDecision(
        subject.id, Status.DECIDED, majority.level, capped.level, None, tuple(steps)
    )


def _group_result(quota: GroupQuota) -> GroupResult:
    return GroupResult(
        quota.group, quota.good, quota.max_excellent, quota.kept, quota.over, quota.tied
    )


def _apply_quotas(
    request: DecisionRequest, decisions: dict[str, SubjectDecision]
) -> tuple[GroupResult, ...]:
    """Apply the quota group by group (first-appearance order); update ``decisions`` in place."""
    groups: dict[str, list[Subject]] = {}
    for subject in request.subjects:
        if decisions[subject.id].status is Status.DECIDED and not subject.collective:
            groups.setdefault(subject.group, []).append(subject)
    results: list[GroupResult] = []
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
        results.append(_group_result(group_quota))
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
    if request.runoff is not None:
        return decide_runoff(request)
    roll, options = request.roll, request.options
    valid = quorum_met(roll, options.quorum)
    quorum = quorum_step(roll, options.quorum)
    decisions: dict[str, SubjectDecision] = {}
    for subject in request.subjects:
        if subject.not_rated is not None:
            decisions[subject.id] = _not_rated(subject)
        elif not valid:
            decisions[subject.id] = SubjectDecision(
                subject.id, Status.UNRESOLVED, None, None, None, (quorum,)
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
    """Validate decoded JSON input, decide, and return the JSON output (the CLI's whole job).

    A request naming another ``"kind"`` of round (``tally.rules.kinds``) goes to its decider.
    """
    from tally.rules.kinds import decider, request_kind

    kind = request_kind(data)
    if kind != "rating":
        return decider(kind)(data)
    if isinstance(data, Mapping) and "kind" in data:
        data = {key: value for key, value in data.items() if key != "kind"}
    return decide(parse_request(data)).as_json()
