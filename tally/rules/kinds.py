"""The one place where ``phieukin rules decide`` dispatches on the request's ``"kind"``.

A request without ``"kind"`` (or with ``"kind": "rating"``) is the members' rating — the
contract of the first version, unchanged. ``"confidence"``, ``"approval"`` and ``"self_rating"``
are the other secret ballots of the meeting (docs/RULES.md §6); each answer names its kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tally.errors import RuleInputError

KINDS = ("rating", "confidence", "approval", "self_rating")


def request_kind(data: object) -> str:
    """The kind a request names (``"rating"`` when it names none); an unknown one is refused."""
    if not isinstance(data, Mapping) or "kind" not in data:
        return "rating"
    kind = data["kind"]
    if kind not in KINDS:
        raise RuleInputError(f"must be one of {list(KINDS)}, got {kind!r}", field="kind")
    return str(kind)


def decider(kind: str) -> Callable[[object], dict[str, object]]:
    """The function that decides a request of ``kind`` other than the rating."""
    if kind == "confidence":
        from tally.rules.confidence import decide_confidence_json

        return decide_confidence_json
    if kind == "approval":
        from tally.rules.approval import decide_approval_json

        return decide_approval_json
    from tally.rules.self_rating import decide_self_rating_json

    return decide_self_rating_json
