"""The kinds of round a meeting can hold, carried by the manifest (PROTOCOL.md §4, "Kinds").

One meeting may hold several secret ballots with the same committee keys:

- ``rating`` — each member on the four levels (the annual rating);
- ``runoff`` — a further vote among members tied at the excellent quota's boundary;
- ``confidence`` — the confidence vote (lấy phiếu tín nhiệm) on heads and deputies: per person
  ``CAO`` (tín nhiệm cao), ``TN`` (tín nhiệm) or ``THAP`` (tín nhiệm thấp), voted by those
  convened;
- ``self_rating`` — the cell's own rating: approve the total of its score sheet (``YES``/``NO``)
  and rate the cell on the four levels;
- ``approval`` — one or more yes/no decisions (``YES`` tán thành / ``NO`` không tán thành).

The manifest names its kind in ``round_kind``. A manifest without it is a rating round, or a
runoff when its questions name their options (``option_titles``) — the manifests made before
kinds existed, which stay valid. A manifest that names a kind must have that kind's shape
(``check_kind``); its per-round rule options are in ``round_options`` and a self-rating's score
sheet in ``score_sheet``. Every reader dispatches on ``manifest_kind`` — the one place the kind
is decided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from tally.errors import FormatError
from tally.score_sheet import check_sheet


class RoundKind(StrEnum):
    """What a round asks (the manifest's ``round_kind``)."""

    RATING = "rating"
    RUNOFF = "runoff"
    CONFIDENCE = "confidence"
    SELF_RATING = "self_rating"
    APPROVAL = "approval"


RATING_OPTIONS = ("XS", "TOT", "HT", "KHT")
CONFIDENCE_OPTIONS = ("CAO", "TN", "THAP")
APPROVAL_OPTIONS = ("YES", "NO")
MEMBER_KINDS = frozenset({RoundKind.RATING, RoundKind.RUNOFF})
"""The kinds whose decisions make the cell's proposal of members' levels."""
OTHER_KINDS = frozenset({RoundKind.CONFIDENCE, RoundKind.SELF_RATING, RoundKind.APPROVAL})
"""The kinds with a rule request of their own (``"kind"`` in ``phieukin rules decide``)."""
SELF_RATING_QUESTIONS = (("score", APPROVAL_OPTIONS), ("level", RATING_OPTIONS))

ROUND_OPTIONS: dict[RoundKind, dict[str, tuple[str, ...]]] = {
    RoundKind.CONFIDENCE: {"base": ("ballots", "convened")},
    RoundKind.APPROVAL: {
        "base": ("roll", "present", "valid_for_person"),
        "quorum": ("two_thirds", "more_than_half"),
    },
}
"""The per-round rule options each kind fixes in its manifest, with their values."""


def manifest_kind(manifest: Mapping[str, Any]) -> RoundKind:
    """The kind of the round a manifest (JSON) describes."""
    named = manifest.get("round_kind")
    if named is not None:
        return RoundKind(named)
    questions = manifest.get("questions") or []
    if any(isinstance(q, Mapping) and q.get("option_titles") for q in questions):
        return RoundKind.RUNOFF
    return RoundKind.RATING


def _options_shape(questions: Sequence[Mapping[str, Any]], options: tuple[str, ...]) -> None:
    for position, question in enumerate(questions):
        where = f"manifest.questions[{position}]"
        if tuple(question["options"]) != options:
            raise FormatError(f"must have the options {list(options)}", field=f"{where}.options")
        if question["max_selections"] != 1 or "option_titles" in question:
            raise FormatError("one answer per question, no option titles", field=where)


def _round_options(kind: RoundKind, value: object) -> None:
    allowed = ROUND_OPTIONS.get(kind)
    if allowed is None:
        if value is not None:
            raise FormatError(
                f"a {kind} round has no round options", field="manifest.round_options"
            )
        return
    if not isinstance(value, Mapping) or set(value) != set(allowed):
        raise FormatError(f"expected {sorted(allowed)}", field="manifest.round_options")
    for name, choices in allowed.items():
        if value[name] not in choices:
            raise FormatError(
                f"must be one of {list(choices)}", field=f"manifest.round_options.{name}"
            )


def check_kind(manifest: Mapping[str, Any]) -> RoundKind:
    """Check that a manifest (whose questions are already well-formed) has its kind's shape."""
    named = manifest.get("round_kind")
    if named is None:
        if "round_options" in manifest or "score_sheet" in manifest:
            raise FormatError("round options and a score sheet need a round_kind", field="manifest")
        return manifest_kind(manifest)
    if named not in {kind.value for kind in RoundKind}:
        raise FormatError(
            f"unknown round kind; expected one of {[k.value for k in RoundKind]}",
            field="manifest.round_kind",
        )
    kind = RoundKind(named)
    questions = manifest["questions"]
    if kind is RoundKind.RATING:
        _options_shape(questions, RATING_OPTIONS)
    elif kind is RoundKind.RUNOFF:
        if not all("option_titles" in q for q in questions):
            raise FormatError("a runoff's options are named members", field="manifest.questions")
    elif kind is RoundKind.CONFIDENCE:
        _options_shape(questions, CONFIDENCE_OPTIONS)
    elif kind is RoundKind.APPROVAL:
        _options_shape(questions, APPROVAL_OPTIONS)
    else:
        shape = tuple((q["id"], tuple(q["options"])) for q in questions)
        if shape != SELF_RATING_QUESTIONS:
            raise FormatError(
                "a self-rating asks 'score' (YES/NO) then 'level' (XS, TOT, HT, KHT)",
                field="manifest.questions",
            )
        _options_shape(questions[:1], APPROVAL_OPTIONS)
        _options_shape(questions[1:], RATING_OPTIONS)
    _round_options(kind, manifest.get("round_options"))
    if kind is RoundKind.SELF_RATING:
        check_sheet(manifest.get("score_sheet"))
    elif "score_sheet" in manifest:
        raise FormatError("only a self-rating has a score sheet", field="manifest.score_sheet")
    return kind


def expected_voters(kind: RoundKind, round_roll: Mapping[str, Any]) -> object:
    """How many tokens a round must commit to when voting opens, from its ``round-roll`` event:
    those convened who are present for a confidence vote, else the official members present
    entitled to vote."""
    if kind is RoundKind.CONFIDENCE:
        return (round_roll.get("convened") or {}).get("present")
    return (round_roll.get("roll") or {}).get("voters")
