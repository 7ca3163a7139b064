"""The confidence vote (lấy phiếu tín nhiệm, QĐ 96-QĐ/TW): docs/RULES.md §6.1.

Those convened vote on each person at one of three levels: ``CAO`` (tín nhiệm cao), ``TN`` (tín
nhiệm), ``THAP`` (tín nhiệm thấp). The vote is valid only when at least two thirds of those
convened are present. Per person the counts of each level and their shares of the base — the
ballots cast (option: those convened) — and a flag when "tín nhiệm thấp" is more than half and
less than two thirds (``over_half_low``), or two thirds or more (``two_thirds_low``), each with
its consequence in words. Exact integer arithmetic (``tally.rules.arithmetic``); the working is
structured steps like the rating's.

Request and answer (``phieukin rules decide``)::

    {"kind": "confidence", "options": {"base": "ballots"|"convened"}?, "convened": int,
     "present": int, "ballots": int?,
     "subjects": [{"id": str, "votes": {"CAO": int, "TN": int, "THAP": int}}]}
    → {"kind": "confidence", "valid": bool, "base": int, "quorum_required": int,
       "subjects": [{"id", "votes", "flag": null|"over_half_low"|"two_thirds_low",
                     "trace": [str], "steps": [step]}]}

``ballots`` (the ballots received) is optional: without it every voter present is taken to have
cast one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tally.errors import RuleInputError
from tally.rules.arithmetic import Threshold, meets, required
from tally.rules.inputs import count_value, json_object, require_field, votes_by_subject
from tally.rules.trace import TraceStep

LEVELS = ("CAO", "TN", "THAP")
BASES = ("ballots", "convened")
FLAGS = {"over_half": "over_half_low", "two_thirds": "two_thirds_low"}


@dataclass(frozen=True)
class ConfidenceSubject:
    id: str
    votes: tuple[int, int, int]


@dataclass(frozen=True)
class ConfidenceRequest:
    base_option: str
    convened: int
    present: int
    ballots: int | None
    subjects: tuple[ConfidenceSubject, ...]

    @property
    def cast(self) -> int:
        """The ballots cast (``present`` when ``ballots`` is not given)."""
        return self.present if self.ballots is None else self.ballots

    @property
    def base(self) -> int:
        return self.cast if self.base_option == "ballots" else self.convened


def parse_confidence(data: object) -> ConfidenceRequest:
    """Validate a confidence request; a ``RuleInputError`` names the field."""
    request = json_object(
        data, "input", {"kind", "options", "convened", "present", "ballots", "subjects"}
    )
    base = "ballots"
    if request.get("options") is not None:
        options = json_object(request["options"], "options", {"base"})
        base = options.get("base", base)
        if base not in BASES:
            raise RuleInputError(
                f"must be one of {list(BASES)}, got {base!r}", field="options.base"
            )
    convened = count_value(require_field(request, "convened", "convened"), "convened")
    if convened == 0:
        raise RuleInputError("at least one person must be convened", field="convened")
    present = count_value(require_field(request, "present", "present"), "present", maximum=convened)
    ballots = None
    if request.get("ballots") is not None:
        ballots = count_value(request["ballots"], "ballots", maximum=present)
    cast = present if ballots is None else ballots
    subjects = []
    for where, subject_id, raw in votes_by_subject(request):
        votes = json_object(raw, f"{where}.votes", set(LEVELS))
        counts = tuple(
            count_value(
                require_field(votes, level, f"{where}.votes.{level}"), f"{where}.votes.{level}"
            )
            for level in LEVELS
        )
        if sum(counts) > cast:
            raise RuleInputError(
                f"votes sum to {sum(counts)}, more than the {cast} ballots", field=f"{where}.votes"
            )
        subjects.append(ConfidenceSubject(subject_id, counts))  # type: ignore[arg-type]
    return ConfidenceRequest(base, convened, present, ballots, tuple(subjects))


def quorum_required(convened: int) -> int:
    """At least two thirds of those convened must be present."""
    return required(convened, Threshold.TWO_THIRDS)


def _quorum_step(request: ConfidenceRequest) -> TraceStep:
    return TraceStep(
        code="convened_quorum",
        rule="confidence.quorum",
        values=(
            ("convened", request.convened),
            ("present", request.present),
            ("required", quorum_required(request.convened)),
            ("met", meets(request.present, request.convened, Threshold.TWO_THIRDS)),
        ),
    )


def low_flag(low: int, base: int) -> str | None:
    """``two_thirds_low`` when low ≥ 2/3 of the base; ``over_half_low`` when low > 1/2 of it
    (and less than 2/3); ``None`` otherwise (exactly half is not flagged)."""
    if meets(low, base, Threshold.TWO_THIRDS):
        return FLAGS["two_thirds"]
    if meets(low, base, Threshold.MORE_THAN_HALF):
        return FLAGS["over_half"]
    return None


def _subject_steps(request: ConfidenceRequest, subject: ConfidenceSubject) -> list[TraceStep]:
    high, trust, low = subject.votes
    base = request.base
    flag = low_flag(low, base)
    mark = next((name for name, value in FLAGS.items() if value == flag), "none")
    return [
        TraceStep(
            code="confidence_votes",
            rule=f"confidence.base.{request.base_option}",
            values=(
                ("CAO", high),
                ("TN", trust),
                ("THAP", low),
                ("blank", request.cast - sum(subject.votes)),
                ("option", request.base_option),
                ("base", base),
                ("ballots", request.cast),
                ("convened", request.convened),
            ),
        ),
        TraceStep(
            code="confidence_low",
            rule=f"confidence.low.{mark}",
            values=(
                ("THAP", low),
                ("base", base),
                ("over_half", required(base, Threshold.MORE_THAN_HALF)),
                ("two_thirds", required(base, Threshold.TWO_THIRDS)),
                ("flag", flag),
            ),
        ),
    ]


def decide_confidence_json(data: Mapping[str, object] | object) -> dict[str, object]:
    """Decide a confidence request (the JSON answer of ``phieukin rules decide``)."""
    from tally.rules.wording import render_step

    request = parse_confidence(data)
    quorum = _quorum_step(request)
    valid = bool(quorum.value("met"))
    subjects = []
    for subject in request.subjects:
        steps = [quorum, *(_subject_steps(request, subject) if valid else [])]
        flag = steps[-1].value("flag") if valid else None
        subjects.append(
            {
                "id": subject.id,
                "votes": dict(zip(LEVELS, subject.votes, strict=True)),
                "flag": flag,
                "trace": [render_step(step) for step in steps],
                "steps": [step.as_json() for step in steps],
            }
        )
    return {
        "kind": "confidence",
        "valid": valid,
        "base": request.base,
        "quorum_required": quorum_required(request.convened),
        "subjects": subjects,
    }
