"""The rule requests of the confidence vote, yes/no decisions and the cell's self-rating.

Each is the ``phieukin rules decide`` request of its kind (docs/RULES.md §6), built from the
decrypted counts, the round's manifest (its rule options, fixed when it started) and who voted:
those convened and present with the ballots received (confidence), or the cell's roll with the
ballots received (approval and self-rating, with the meeting's profile and options as the
members' rating uses them).
"""

from __future__ import annotations

from typing import Any

from tally.manifest import Manifest
from tally.round_kinds import APPROVAL_OPTIONS, CONFIDENCE_OPTIONS, RATING_OPTIONS, RoundKind


def confidence_request(
    manifest: Manifest, counts: dict[str, list[int]], fixed: dict[str, Any], ballots: int
) -> dict[str, Any]:
    """Those convened and present (as fixed when the round started), the ballots received,
    and per person the counts of each level of confidence."""
    return {
        "kind": "confidence",
        "options": dict(manifest.data["round_options"]),
        "convened": fixed["convened"],
        "present": fixed["present"],
        "ballots": ballots,
        "subjects": [
            {"id": q.id, "votes": dict(zip(CONFIDENCE_OPTIONS, counts[q.id], strict=True))}
            for q in manifest.questions
        ],
    }


def approval_request(
    manifest: Manifest, counts: dict[str, list[int]], roll: dict[str, int]
) -> dict[str, Any]:
    """The roll with the ballots received, and per question the yes and no votes."""
    return {
        "kind": "approval",
        "options": dict(manifest.data["round_options"]),
        "roll": roll,
        "subjects": [
            {"id": q.id, "votes": dict(zip(APPROVAL_OPTIONS, counts[q.id], strict=True))}
            for q in manifest.questions
        ],
    }


def self_rating_request(
    manifest: Manifest, counts: dict[str, list[int]], roll: dict[str, int], profile: str
) -> dict[str, Any]:
    """The meeting's profile and options, the roll with the ballots received, the votes on the
    score and on the cell's level."""
    request: dict[str, Any] = {"kind": "self_rating", "profile": profile, "roll": roll}
    options = manifest.data["meeting"].get("options")
    if options is not None:
        request["options"] = options
    request["score"] = dict(zip(APPROVAL_OPTIONS, counts["score"], strict=True))
    request["level"] = dict(zip(RATING_OPTIONS, counts["level"], strict=True))
    return request


def kind_request(
    manifest: Manifest,
    counts: dict[str, list[int]],
    roll: dict[str, int],
    profile: str,
    fixed: dict[str, Any] | None,
) -> dict[str, Any]:
    """The request of a counted round of another kind (``manifest.round_kind``)."""
    kind = manifest.round_kind
    if kind is RoundKind.CONFIDENCE:
        assert fixed is not None, "a confidence round keeps those convened"
        return confidence_request(manifest, counts, fixed, roll["ballots"])
    if kind is RoundKind.APPROVAL:
        return approval_request(manifest, counts, roll)
    return self_rating_request(manifest, counts, roll, profile)
