"""Starting a round of another kind: the confidence vote, the cell's self-rating, yes/no decisions.

The chair starts such a round with ``POST /api/chair/rounds {"kind": …}`` and what the kind
needs (docs/API.md): the people voted on and their positions (confidence), the score sheet
(self-rating), the decisions asked (approval). ``plan`` checks the request and makes the round's
manifest (``tally.kind_manifests``) with the kind's rule options, its subjects and what its
``round-roll`` event adds (those convened, for a confidence vote). ``electorate`` says who votes
in a round of any kind — the cell's official members present, or those convened present — so
tokens and the quorum check at opening follow the round's kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ballot_server import convened
from ballot_server.errors import BadRequest
from tally.errors import FormatError
from tally.kind_manifests import (
    approval_manifest_json,
    confidence_manifest_json,
    self_rating_manifest_json,
)
from tally.round_kinds import ROUND_OPTIONS, RoundKind
from tally.rules.arithmetic import Threshold, meets, required

if TYPE_CHECKING:
    from ballot_server.chair import Chair
    from ballot_server.store import Store

KINDS = ("rating", "confidence", "self_rating", "approval")
MAX_SUBJECTS = 50
MAX_TEXT = 300
SPEC_FIELDS = {
    "confidence": {"subjects", "base", "blank_allowed"},
    "approval": {"questions", "base", "blank_allowed"},
    "self_rating": {"score_sheet", "blank_allowed"},
    "rating": set(),
}


@dataclass(frozen=True)
class KindPlan:
    """A round of another kind, ready to start."""

    manifest: dict[str, Any]
    subjects: dict[str, int | None]
    """Question id → the roster member it is about (``None``: not a roster member)."""
    roll_extra: dict[str, Any]
    """What the round's ``round-roll`` event adds (``convened`` for a confidence vote)."""


@dataclass(frozen=True)
class Electorate:
    """Who votes in a round: how many, and whether enough are present."""

    voters: int
    quorum_met: bool
    required: int
    base: int
    convened: bool = False


def _text(value: object, where: str, *, optional: bool = False) -> str:
    if optional and value in (None, ""):
        return ""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise BadRequest(
            f"«{where}» phải là chữ, 1 đến {MAX_TEXT} ký tự.",
            f"{where!r} must be a text of 1 to {MAX_TEXT} characters.",
        )
    return " ".join(value.split())


def _list(value: object, where: str) -> list:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_SUBJECTS:
        raise BadRequest(
            f"«{where}» cần từ 1 đến {MAX_SUBJECTS} mục.",
            f"{where!r} must list 1 to {MAX_SUBJECTS} entries.",
        )
    return value


def _choice(spec: dict[str, Any], name: str, kind: RoundKind) -> str | None:
    allowed = ROUND_OPTIONS[kind][name]
    value = spec.get(name)
    if value is not None and value not in allowed:
        raise BadRequest(
            f"«{name}» phải là một trong {', '.join(allowed)}.",
            f"{name!r} must be one of {list(allowed)}.",
        )
    return value


def check_spec(kind: object, spec: dict[str, Any]) -> str:
    """The kind of round asked for, after checking the request names only its fields."""
    if kind not in KINDS:
        raise BadRequest(
            "Loại vòng bỏ phiếu không hợp lệ.",
            f"'kind' must be one of {list(KINDS)}.",
            code="bad_kind",
        )
    unknown = set(spec) - SPEC_FIELDS[str(kind)]
    if unknown:
        raise BadRequest(
            f"Trường lạ: {', '.join(sorted(unknown))}.", f"Unknown fields: {sorted(unknown)}."
        )
    blank = spec.get("blank_allowed")
    if blank is not None and not isinstance(blank, bool):
        raise BadRequest(
            "«blank_allowed» phải là true/false.", "'blank_allowed' must be a boolean."
        )
    return str(kind)


def _common(chair: Chair, spec: dict[str, Any], frame: dict[str, Any]) -> dict[str, Any]:
    """What every kind's manifest takes from the frame and the request: the committee's
    threshold, the round's number, and whether a blank answer is allowed (default: as the
    meeting's options say)."""
    return {
        "threshold": frame["threshold"],
        "round_number": frame["round"],
        "blank_allowed": spec.get("blank_allowed", chair.options().blank_allowed),
    }


def _confidence(chair: Chair, spec: dict[str, Any], frame: dict[str, Any]) -> KindPlan:
    by_id = {m.id: m for m in chair.members()}
    subjects: dict[str, int | None] = {}
    titled = []
    for position, raw in enumerate(_list(spec.get("subjects"), "subjects"), start=1):
        if not isinstance(raw, dict) or set(raw) - {"member_id", "name", "position"}:
            raise BadRequest(
                f"Người thứ {position}: cần member_id hoặc name, và position.",
                f"Subject {position}: expected member_id or name, and position.",
            )
        member_id = raw.get("member_id")
        if (member_id is None) == (raw.get("name") is None):
            raise BadRequest(
                f"Người thứ {position}: chọn một đảng viên hoặc ghi tên.",
                f"Subject {position}: give member_id or name (one of them).",
            )
        if member_id is not None:
            if isinstance(member_id, bool) or member_id not in by_id:
                raise BadRequest(
                    f"Người thứ {position}: không có đảng viên này.",
                    f"Subject {position}: no member {member_id!r}.",
                )
            name = by_id[member_id].name
        else:
            name = _text(raw["name"], "name")
        office = _text(raw.get("position"), "position", optional=True)
        qid = f"c{position:02d}"
        subjects[qid] = member_id
        titled.append((qid, f"{name} — {office}" if office else name))
    fixed = convened.numbers(chair.store, chair.roll())
    manifest = confidence_manifest_json(
        frame["meeting"],
        titled,
        frame["committee"],
        base=_choice(spec, "base", RoundKind.CONFIDENCE) or "ballots",
        **_common(chair, spec, frame),
    )
    return KindPlan(manifest, subjects, {"convened": fixed})


def _approval(chair: Chair, spec: dict[str, Any], frame: dict[str, Any]) -> KindPlan:
    questions = []
    for position, raw in enumerate(_list(spec.get("questions"), "questions"), start=1):
        title = raw.get("title") if isinstance(raw, dict) and set(raw) == {"title"} else raw
        questions.append((f"q{position:02d}", _text(title, "questions")))
    manifest = approval_manifest_json(
        frame["meeting"],
        questions,
        frame["committee"],
        base=_choice(spec, "base", RoundKind.APPROVAL) or "roll",
        quorum=chair.options().quorum.value,
        **_common(chair, spec, frame),
    )
    return KindPlan(manifest, dict.fromkeys((q for q, _ in questions), None), {})


def _self_rating(chair: Chair, spec: dict[str, Any], frame: dict[str, Any]) -> KindPlan:
    try:
        manifest = self_rating_manifest_json(
            frame["meeting"],
            spec.get("score_sheet"),
            frame["committee"],
            **_common(chair, spec, frame),
        )
    except FormatError as error:
        raise BadRequest(
            f"Bảng điểm tự đánh giá không hợp lệ ({error.field}).",
            f"Invalid score sheet: {error}",
            code="score_sheet_invalid",
        ) from None
    return KindPlan(manifest, {"score": None, "level": None}, {})


def plan(chair: Chair, kind: str, spec: dict[str, Any], frame: dict[str, Any]) -> KindPlan:
    """The manifest, subjects and roll additions of a round of ``kind`` (not ``rating``).

    ``frame``: the manifest's ``meeting``, the committee's names, the threshold and the round's
    number, as the rating round's manifest would have them.
    """
    if kind == "confidence":
        return _confidence(chair, spec, frame)
    if kind == "approval":
        return _approval(chair, spec, frame)
    return _self_rating(chair, spec, frame)


def electorate(chair: Chair, number: int | None) -> Electorate:
    """Who votes in round ``number``: those convened and present for a confidence vote (at
    least two thirds of those convened), else the official members present entitled to vote
    (the quorum of the meeting's options)."""
    fixed = None if number is None else convened.of_round(chair.store, number)
    if fixed is not None:
        need = required(fixed["convened"], Threshold.TWO_THIRDS)
        met = meets(fixed["present"], fixed["convened"], Threshold.TWO_THIRDS)
        return Electorate(fixed["present"], met, need, fixed["convened"], convened=True)
    roll = chair.roll()
    return Electorate(len(roll.voters), roll.quorum_met, roll.quorum_required, roll.base)


def self_rating_levels(store: Store) -> list[dict[str, Any]]:
    """Every counted self-rating round with the level the cell voted for itself (``None`` when
    unresolved): what the chair may take as the cell's level for the cap on its head."""
    found = []
    for number in store.round_numbers():
        decisions = store.result(number, "decisions")
        output = (decisions or {}).get("output") or {}
        if output.get("kind") == "self_rating":
            level = output["level"]
            found.append({"round": number, "level": level["level"], "status": level["status"]})
    return found
