"""The manifests of the confidence vote, the cell's self-rating and yes/no decisions.

Each is the common manifest frame (``tally.manifest``) with the round's kind, its questions in
that kind's shape, its rule options (``round_options``) and, for the self-rating, the score
sheet (PROTOCOL.md §4, "Kinds"). A blank answer is allowed where ``blank_allowed`` says so (the
question's ``min_selections`` is 0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tally.manifest import _manifest_json, question_json
from tally.round_kinds import APPROVAL_OPTIONS, CONFIDENCE_OPTIONS, RATING_OPTIONS, RoundKind
from tally.rules.wording import LEVEL_WORDS
from tally.score_sheet import compute_sheet


def _with_kind(frame: dict[str, Any], kind: RoundKind, options: dict | None) -> dict[str, Any]:
    frame["round_kind"] = kind.value
    if options is not None:
        frame["round_options"] = options
    return frame


def confidence_manifest_json(
    meeting: dict[str, Any],
    subjects: Sequence[tuple[str, str]],
    committee: Sequence[str],
    *,
    threshold: int,
    round_number: int,
    blank_allowed: bool = True,
    base: str = "ballots",
) -> dict[str, Any]:
    """A confidence vote: one question per ``(id, "name — position")`` with the three levels of
    confidence; the shares are of the ballots cast (``base`` ``"ballots"``) or of those convened."""
    questions = [
        question_json(q, t, CONFIDENCE_OPTIONS, blank_allowed=blank_allowed) for q, t in subjects
    ]
    frame = _manifest_json(meeting, round_number, questions, committee, threshold)
    return _with_kind(frame, RoundKind.CONFIDENCE, {"base": base})


def approval_manifest_json(
    meeting: dict[str, Any],
    questions: Sequence[tuple[str, str]],
    committee: Sequence[str],
    *,
    threshold: int,
    round_number: int,
    blank_allowed: bool = True,
    base: str = "roll",
    quorum: str = "two_thirds",
) -> dict[str, Any]:
    """Yes/no decisions: one question per ``(id, the decision's text)``."""
    asked = [
        question_json(q, t, APPROVAL_OPTIONS, blank_allowed=blank_allowed) for q, t in questions
    ]
    frame = _manifest_json(meeting, round_number, asked, committee, threshold)
    return _with_kind(frame, RoundKind.APPROVAL, {"base": base, "quorum": quorum})


def self_rating_titles(sheet: Mapping[str, Any]) -> tuple[str, str]:
    """The two questions of a self-rating as the phone and the minute print them."""
    total = str(sheet["total"]).replace(".", ",")
    level = sheet["proposed_level"]
    return (
        f"Tán thành tổng điểm tự đánh giá của chi bộ: {total} điểm",
        f"Xếp loại chất lượng chi bộ (dự thảo đề xuất: {LEVEL_WORDS['vi'][level]})",
    )


def self_rating_manifest_json(
    meeting: dict[str, Any],
    draft: object,
    committee: Sequence[str],
    *,
    threshold: int,
    round_number: int,
    blank_allowed: bool = True,
) -> dict[str, Any]:
    """The cell's self-rating: the score sheet computed from the draft, then two questions —
    approve its total, and the cell's level."""
    sheet = compute_sheet(draft)
    score, level = self_rating_titles(sheet)
    questions = [
        question_json("score", score, APPROVAL_OPTIONS, blank_allowed=blank_allowed),
        question_json("level", level, RATING_OPTIONS, blank_allowed=blank_allowed),
    ]
    frame = _with_kind(
        _manifest_json(meeting, round_number, questions, committee, threshold),
        RoundKind.SELF_RATING,
        None,
    )
    frame["score_sheet"] = sheet
    return frame
