"""One step of a subject's working: a code, the rule it applies, and its numbers.

Steps are the rule engine's vocabulary. Every sentence a person reads — the trace of
``phieukin rules decide``, the minute, the projector, the results page, the committee page — is
rendered from steps (``tally.rules.wording`` in Python, ``ballot_client/js/rulewords.mjs`` in
the browser), never parsed back out of a sentence, and the verifier compares steps.

In JSON a step is ``{"code": str, "rule": str, "values": {name: value}}`` where each value is an
integer, ``true``/``false``, ``null``, or a short string (a level code, an option code, a group
or collective key, a score written as a decimal, or a reason given as text). ``docs/RULES.md``
§5 lists every code with its values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tally.errors import RuleInputError

Value = int | bool | str | None

STEP_CODES = (
    "quorum",
    "base",
    "votes",
    "level_test",
    "vote_level",
    "unresolved",
    "cap",
    "cap_pending",
    "cap_waived",
    "pending",
    "quota",
    "runoff",
    "final",
    "not_rated",
    "convened_quorum",
    "confidence_votes",
    "confidence_low",
    "approval_votes",
    "approval",
)
"""Every step code: the rating's, in the order they can appear in a subject's working, then
those of the confidence vote and of yes/no decisions (``tally.rules.kind_wording``)."""


@dataclass(frozen=True)
class TraceStep:
    """A step of the working: what kind of step, which rule, with which numbers."""

    code: str
    """What the step is (one of ``STEP_CODES``): ``quorum``, ``cap``, ``quota``, …"""
    rule: str
    """The rule it applies, a stable id such as ``quorum.two_thirds`` or ``cap.sick_leave``;
    the profile cites the regulation behind each rule id (``Profile.citation``)."""
    values: tuple[tuple[str, Value], ...] = field(default=())
    """The numbers the step used, by name, in a fixed order."""

    def value(self, name: str) -> Value:
        """One of the step's values (``None`` when absent)."""
        return dict(self.values).get(name)

    def as_json(self) -> dict[str, object]:
        """The step as it is logged and sent to every page."""
        return {"code": self.code, "rule": self.rule, "values": dict(self.values)}

    @property
    def text(self) -> str:
        """The step as one Vietnamese sentence (the ``trace`` of the output contract)."""
        from tally.rules.wording import render_step

        return render_step(self)


def step_from_json(data: object, where: str = "step") -> TraceStep:
    """Read a step back from its JSON (as logged); a malformed step raises ``RuleInputError``."""
    if not isinstance(data, Mapping) or set(data) != {"code", "rule", "values"}:
        raise RuleInputError("must be {code, rule, values}", field=where)
    code, rule, values = data["code"], data["rule"], data["values"]
    if code not in STEP_CODES or not isinstance(rule, str) or not isinstance(values, Mapping):
        raise RuleInputError("unknown step code or malformed rule/values", field=where)
    for name, value in values.items():
        if not isinstance(name, str) or not (value is None or isinstance(value, int | str)):
            raise RuleInputError(
                f"value {name!r} must be an integer, boolean, text or null", field=where
            )
    return TraceStep(code=code, rule=rule, values=tuple(values.items()))
