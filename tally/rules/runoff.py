"""A runoff at the quota boundary (docs/RULES.md §4.7): only the tied members, for the places left.

When the rating round leaves a tie at a group's quota boundary, the meeting votes again on the
tied members alone. Each voter chooses up to ``places`` of them — the group's quota, fixed by the
rating round, minus those who already keep XS. The members are ranked by how many ballots chose
them; the first ``places`` keep XS, the others are proposed at TOT. If the last place inside and
the first place outside were chosen equally often, everyone with that count stays tied: the
program never breaks a tie, a further runoff does (with the places still left).

The quota is never recomputed from the tied members alone: ``good`` and ``max_excellent`` come
from the rating round, so no place is withheld and the quota is never exceeded.
"""

from __future__ import annotations

from tally.rules.inputs import DecisionRequest, RunoffGroup, Subject
from tally.rules.levels import Level
from tally.rules.majority import meeting_base, quorum_met, quorum_required, quorum_step
from tally.rules.outcome import Decision, GroupResult, Status, SubjectDecision, final_step
from tally.rules.quota import QuotaCandidate, QuotaMark, split_at_boundary
from tally.rules.trace import TraceStep


def _runoff_step(
    group: RunoffGroup,
    members: list[Subject],
    subject: Subject,
    mark: QuotaMark,
    tied: int,
    ballots: int,
) -> TraceStep:
    chosen = subject.votes[Level.XS]
    place = 1 + sum(1 for m in members if m.votes[Level.XS] > chosen)
    return TraceStep(
        code="runoff",
        rule=f"runoff.{mark.value}",
        values=(
            ("group", group.group),
            ("good", group.good),
            ("max_excellent", group.max_excellent),
            ("kept_before", len(group.kept)),
            ("places", group.places),
            ("candidates", len(members)),
            ("votes", chosen),
            ("ballots", ballots),
            ("place", place),
            ("tied_others", tied - 1 if mark is QuotaMark.TIE else 0),
        ),
    )


def decide_runoff(request: DecisionRequest) -> Decision:
    """Rank each group's tied members by the ballots that chose them, for the places left."""
    assert request.runoff is not None
    roll, options = request.roll, request.options
    valid = quorum_met(roll, options.quorum)
    quorum = quorum_step(roll, options.quorum)
    decisions: dict[str, SubjectDecision] = {}
    results: list[GroupResult] = []
    for group in request.runoff:
        members = [s for s in request.subjects if s.group == group.group]
        if valid:
            ranking = sorted(
                (QuotaCandidate(m.id, m.votes[Level.XS], 0) for m in members),
                key=lambda c: c.key,
                reverse=True,
            )
            kept, tied, over = (
                tuple(c.id for c in part) for part in split_at_boundary(ranking, group.places)
            )
        else:
            kept, tied, over = (), tuple(m.id for m in members), ()
        results.append(
            GroupResult(
                group=group.group,
                good=group.good,
                max_excellent=group.max_excellent,
                kept=kept,
                over=over,
                tied=tied,
                places=group.places,
                kept_before=group.kept,
            )
        )
        for member in members:
            mark = (
                QuotaMark.KEPT
                if member.id in kept
                else QuotaMark.OVER
                if member.id in over
                else QuotaMark.TIE
            )
            level = Level.TOT if mark is QuotaMark.OVER else Level.XS
            steps = [quorum]
            if valid:
                steps.append(_runoff_step(group, members, member, mark, len(tied), roll.answered))
            steps.append(final_step(level, Status.DECIDED))
            decisions[member.id] = SubjectDecision(
                id=member.id,
                status=Status.DECIDED,
                vote_level=Level.XS,
                level=level,
                quota=mark,
                steps=tuple(steps),
            )
    return Decision(
        profile=request.profile,
        options=options,
        valid=valid,
        base=meeting_base(roll, options.base),
        quorum_required=quorum_required(roll, options.quorum),
        subjects=tuple(decisions[s.id] for s in request.subjects),
        quota=tuple(results),
        runoff=True,
    )
