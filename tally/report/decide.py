"""The committee's decision per member, with its working as steps (docs/REPORT.md §5).

Every rated member of a counted cell gets one decision: the cell's proposal, and — for a member
the cell proposes at ``XS`` — the organisation's quota: kept (``XS``), over (one level lower,
``TOT``), or tied at the boundary (no level: the committee decides, the program never breaks a
tie). A member the cell left unresolved or held (``pending``) has no level either; anyone else
is decided at the level the cell proposed. The working is a list of ``TraceStep``s, the rule
engine's vocabulary, with the report's own codes (``STEP_CODES``); ``tally.report.wording``
renders them in Vietnamese or English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tally.report.org_quota import GroupOutcome, MemberRef, Proposal
from tally.rules.trace import TraceStep

STEP_CODES = ("cell_proposal", "org_quota", "org_final")
"""The report's step codes, in the order they appear in a decision's working."""

DECIDED, TIED, UNRESOLVED, PENDING = "decided", "tied", "unresolved", "pending"


@dataclass(frozen=True)
class MemberDecision:
    """The committee's decision on one member's proposal."""

    proposal: Proposal
    decided: str | None
    status: str
    """``decided``; ``tied`` at the organisation's boundary; ``unresolved`` or ``pending`` as
    the cell left it."""
    steps: tuple[TraceStep, ...]

    def as_json(self) -> dict[str, object]:
        """The decision's entry in the report (``trace`` is added by the document, worded)."""
        return {
            "cell": self.proposal.member.cell,
            "member": self.proposal.member.as_json(),
            "group": self.proposal.group,
            "proposed": self.proposal.proposed,
            "decided": self.decided,
            "status": self.status,
            "steps": [step.as_json() for step in self.steps],
        }


def cell_step(proposal: Proposal) -> TraceStep:
    """What the cell proposed, as the first step of the committee's working."""
    return TraceStep(
        code="cell_proposal",
        rule=f"cell.{proposal.status}",
        values=(
            ("level", proposal.proposed),
            ("status", proposal.status),
            ("cell_quota", proposal.cell_quota),
        ),
    )


def _share_text(count: int, base: int) -> str:
    return f"{count}/{base}"


def quota_step(outcome: GroupOutcome, proposal: Proposal) -> TraceStep:
    """The organisation's quota on one candidate, with every number it used."""
    mark = outcome.mark(proposal)
    share = outcome.rule.share * 100
    return TraceStep(
        code="org_quota",
        rule=f"org_quota.{mark}",
        values=(
            ("group", outcome.group),
            ("candidates", len(outcome.ranking)),
            ("cells", len({p.member.cell for p in outcome.ranking})),
            ("good", outcome.good),
            ("max_excellent", outcome.max_excellent),
            ("reading", "inclusive" if outcome.good_includes_excellent else "exclusive"),
            ("share_percent", int(share) if share.denominator == 1 else str(share)),
            ("small_group_below", outcome.rule.small_group_below),
            ("small_group", outcome.good < outcome.rule.small_group_below),
            ("place", outcome.place(proposal)),
            ("XS", proposal.excellent_votes),
            ("TOT_or_better", proposal.good_votes),
            ("base", proposal.base),
            ("XS_share", _share_text(proposal.excellent_votes, proposal.base)),
            ("TOT_or_better_share", _share_text(proposal.good_votes, proposal.base)),
            ("tied_others", len(outcome.tied) - 1 if mark == "tie" else 0),
            ("places", outcome.places),
        ),
    )


def final_step(decided: str | None, status: str) -> TraceStep:
    return TraceStep(
        code="org_final", rule="org.final", values=(("level", decided), ("status", status))
    )


def decide_member(proposal: Proposal, outcomes: Mapping[MemberRef, GroupOutcome]) -> MemberDecision:
    """One member's decision; ``outcomes`` gives each candidate's group outcome."""
    steps = [cell_step(proposal)]
    if proposal.status != DECIDED:
        steps.append(final_step(None, proposal.status))
        return MemberDecision(proposal, None, proposal.status, tuple(steps))
    outcome = outcomes.get(proposal.member)
    if outcome is None:
        steps.append(final_step(proposal.proposed, DECIDED))
        return MemberDecision(proposal, proposal.proposed, DECIDED, tuple(steps))
    steps.append(quota_step(outcome, proposal))
    mark = outcome.mark(proposal)
    decided, status = {"kept": ("XS", DECIDED), "over": ("TOT", DECIDED)}.get(
        mark or "", (None, TIED)
    )
    steps.append(final_step(decided, status))
    return MemberDecision(proposal, decided, status, tuple(steps))


def decide_all(
    proposals: Sequence[Proposal], outcomes: Sequence[GroupOutcome]
) -> list[MemberDecision]:
    """Every member's decision, in the order of ``proposals``."""
    by_candidate = {p.member: outcome for outcome in outcomes for p in outcome.ranking}
    return [decide_member(proposal, by_candidate) for proposal in proposals]
