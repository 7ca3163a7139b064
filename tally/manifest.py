"""The manifest of a voting round and the election that fixes its keys (PROTOCOL.md §4).

``Manifest`` says what is asked; ``Election`` adds the joint key and every trustee's commitments
once the ceremony is done; ``ElectionContext`` is what ballots and decryptions are checked
against, with the fingerprint hₑ that binds every proof to this election.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tally.canonical import canonical_json, check_header, is_integer
from tally.crypto.ceremony import Announcement, expected_share_point, joint_key
from tally.crypto.group import Ristretto255
from tally.crypto.hashing import hash32
from tally.crypto.signatures import verify_key_from_hex
from tally.errors import FormatError
from tally.round_kinds import RoundKind, check_kind, manifest_kind

MANIFEST_KIND = "phieukin/manifest"
ELECTION_KIND = "phieukin/election"
RATING_OPTIONS = ("XS", "TOT", "HT", "KHT")
_QUESTION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _int(data: dict, key: str, subject: str, low: int, high: int) -> int:
    value = data.get(key)
    if not is_integer(value) or not low <= value <= high:
        raise FormatError(f"must be an integer in {low}..{high}", field=f"{subject}.{key}")
    return value


def rating_manifest_json(
    meeting: dict[str, Any],
    rated: Sequence[tuple[str, str]],
    committee: Sequence[str],
    *,
    threshold: int,
    round_number: int = 1,
    blank_allowed: Sequence[str] = (),
) -> dict[str, Any]:
    """The manifest of a rating vote: one question per (id, name) rated, with the four levels.

    Questions whose id is in ``blank_allowed`` accept a blank answer (at most one level);
    every other question needs exactly one.
    """
    questions = [
        question_json(qid, name, RATING_OPTIONS, blank_allowed=qid in blank_allowed)
        for qid, name in rated
    ]
    return _manifest_json(meeting, round_number, questions, committee, threshold)


def question_json(
    qid: str, title: str, options: Sequence[str], *, blank_allowed: bool
) -> dict[str, Any]:
    """A question answered by one of ``options`` (or, where ``blank_allowed``, left blank)."""
    return {
        "id": qid,
        "title": title,
        "options": list(options),
        "min_selections": 0 if blank_allowed else 1,
        "max_selections": 1,
    }


MAX_OPTIONS = 100
"""Options per question: the four levels of a rating, or the members tied in a runoff."""


def _manifest_json(
    meeting: dict[str, Any],
    round_number: int,
    questions: list[dict[str, Any]],
    committee: Sequence[str],
    threshold: int,
) -> dict[str, Any]:
    return {
        "version": 1,
        "kind": MANIFEST_KIND,
        "meeting": meeting,
        "round": round_number,
        "questions": questions,
        "committee": {
            "threshold": threshold,
            "members": [{"index": i, "name": name} for i, name in enumerate(committee, 1)],
        },
    }


def runoff_manifest_json(
    meeting: dict[str, Any],
    groups: Sequence[tuple[str, str, Sequence[tuple[str, str]], int]],
    committee: Sequence[str],
    *,
    threshold: int,
    round_number: int,
) -> dict[str, Any]:
    """The manifest of a runoff at the quota boundary: per tied group ``(question id, title,
    [(option id, member name)], places)``, one question whose options are the tied members,
    each voter choosing up to ``places`` of them (none is allowed)."""
    questions = [
        {
            "id": qid,
            "title": title,
            "options": [option for option, _ in members],
            "option_titles": [name for _, name in members],
            "min_selections": 0,
            "max_selections": places,
        }
        for qid, title, members, places in groups
    ]
    return _manifest_json(meeting, round_number, questions, committee, threshold)


@dataclass(frozen=True)
class Question:
    """One question: a member being rated with the levels as options, or (a runoff) the tied
    members as options, choose up to ``max_selections``."""

    id: str
    title: str
    options: tuple[str, ...]
    min_selections: int = 1
    max_selections: int = 1
    option_titles: tuple[str, ...] | None = None
    """What the phone shows for each option (a member's name), where the option is an id."""

    @property
    def allowed_sums(self) -> tuple[int, ...]:
        """The values the question's sum proof allows: min_selections … max_selections."""
        return tuple(range(self.min_selections, self.max_selections + 1))


@dataclass(frozen=True)
class Manifest:
    """What one round of one meeting asks, and who holds the keys. Its JSON is hashed as is."""

    data: dict[str, Any] = field(repr=False)
    questions: tuple[Question, ...]
    threshold: int
    committee_size: int

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        """Validate a manifest object (PROTOCOL.md §4)."""
        manifest = check_header(data, MANIFEST_KIND, "manifest")
        raw_questions = manifest.get("questions")
        if not isinstance(raw_questions, list) or not 1 <= len(raw_questions) <= 500:
            raise FormatError("expected 1 to 500 questions", field="manifest.questions")
        questions, seen = [], set()
        for position, raw in enumerate(raw_questions):
            subject = f"manifest.questions[{position}]"
            if not isinstance(raw, dict):
                raise FormatError("expected an object", field=subject)
            qid = raw.get("id")
            if not isinstance(qid, str) or not _QUESTION_ID.fullmatch(qid) or qid in seen:
                raise FormatError("id must be unique and match [A-Za-z0-9_-]{1,64}", field=subject)
            seen.add(qid)
            options = raw.get("options")
            if (
                not isinstance(options, list)
                or not 2 <= len(options) <= MAX_OPTIONS
                or not all(isinstance(o, str) and o for o in options)
                or len(set(options)) != len(options)
            ):
                raise FormatError(
                    f"expected 2 to {MAX_OPTIONS} distinct option names", field=f"{subject}.options"
                )
            low = _int(raw, "min_selections", subject, 0, len(options))
            high = _int(raw, "max_selections", subject, low, len(options))
            title = raw.get("title", "")
            if not isinstance(title, str):
                raise FormatError("must be a string", field=f"{subject}.title")
            titles = raw.get("option_titles")
            if titles is not None and (
                not isinstance(titles, list)
                or len(titles) != len(options)
                or not all(isinstance(t, str) and t for t in titles)
            ):
                raise FormatError(
                    "expected one non-empty title per option", field=f"{subject}.option_titles"
                )
            questions.append(
                Question(
                    qid, title, tuple(options), low, high, None if titles is None else tuple(titles)
                )
            )
        committee = manifest.get("committee")
        if not isinstance(committee, dict):
            raise FormatError("expected an object", field="manifest.committee")
        members = committee.get("members")
        if not isinstance(members, list) or not 1 <= len(members) <= 15:
            raise FormatError("expected 1 to 15 members", field="manifest.committee.members")
        for position, member in enumerate(members, start=1):
            if (
                not isinstance(member, dict)
                or not is_integer(member.get("index"))
                or member["index"] != position
            ):
                raise FormatError(
                    "members must be numbered 1..n in order", field="manifest.committee.members"
                )
        threshold = _int(committee, "threshold", "manifest.committee", 1, len(members))
        check_kind(manifest)  # a manifest naming its kind has that kind's shape
        canonical_json(manifest)  # has a canonical form
        return cls(manifest, tuple(questions), threshold, len(members))

    @property
    def round_kind(self) -> RoundKind:
        """What the round asks (``tally.round_kinds``)."""
        return manifest_kind(self.data)

    @cached_property
    def hash(self) -> bytes:
        """manifest_hash = H32("manifest", canonical(manifest))."""
        return hash32("manifest", canonical_json(self.data))

    def to_json(self) -> dict[str, Any]:
        return self.data


@dataclass(frozen=True)
class ElectionContext:
    """A manifest with its keys: everything needed to encrypt, verify and decrypt a round."""

    group: Ristretto255
    manifest: Manifest
    joint_key: bytes
    commitments: tuple[tuple[bytes, ...], ...]  # per trustee 1..n, t commitments each
    signing_keys: tuple[bytes, ...]  # per trustee 1..n, the Ed25519 key that signs the minute
    data: dict[str, Any] = field(repr=False)

    @classmethod
    def from_announcements(
        cls, group: Ristretto255, manifest: Manifest, announcements: Sequence[Announcement]
    ) -> ElectionContext:
        """Build the election from the (already verified) ceremony announcements."""
        ordered = sorted(announcements, key=lambda a: a.index)
        if [a.index for a in ordered] != list(range(1, manifest.committee_size + 1)):
            raise FormatError("need one announcement per committee member", field="trustees")
        key = joint_key(group, ordered)
        data = {
            "version": 1,
            "kind": ELECTION_KIND,
            "manifest_hash": manifest.hash.hex(),
            "joint_key": key.hex(),
            "trustees": [
                {
                    "index": a.index,
                    "commitments": [c.hex() for c in a.commitments],
                    "signing_key": a.signing_key.hex(),
                }
                for a in ordered
            ],
        }
        return cls(
            group,
            manifest,
            key,
            tuple(a.commitments for a in ordered),
            tuple(a.signing_key for a in ordered),
            data,
        )

    @classmethod
    def from_json(cls, group: Ristretto255, manifest: Manifest, data: object) -> ElectionContext:
        """Load an election object and check it against its manifest."""
        election = check_header(data, ELECTION_KIND, "election")
        if election.get("manifest_hash") != manifest.hash.hex():
            raise FormatError("does not match the manifest", field="election.manifest_hash")
        trustees = election.get("trustees")
        if not isinstance(trustees, list) or len(trustees) != manifest.committee_size:
            raise FormatError("one entry per committee member", field="election.trustees")
        commitments, signing_keys = [], []
        for position, trustee in enumerate(trustees, start=1):
            subject = f"election.trustees[{position - 1}]"
            if (
                not isinstance(trustee, dict)
                or not is_integer(trustee.get("index"))
                or trustee["index"] != position
            ):
                raise FormatError("trustees must be numbered 1..n in order", field=subject)
            raw = trustee.get("commitments")
            if not isinstance(raw, list) or len(raw) != manifest.threshold:
                raise FormatError(f"expected {manifest.threshold} commitments", field=subject)
            commitments.append(tuple(group.point_from_hex(c, subject) for c in raw))
            signing_keys.append(
                verify_key_from_hex(trustee.get("signing_key"), f"{subject}.signing_key").encode()
            )
        key = group.point_from_hex(election.get("joint_key"), "election.joint_key")
        if key != group.sum(c[0] for c in commitments):
            raise FormatError("is not the sum of the trustees' commitments", field="joint_key")
        return cls(group, manifest, key, tuple(commitments), tuple(signing_keys), election)

    @cached_property
    def fingerprint(self) -> bytes:
        """hₑ = H32("election", canonical(election))."""
        return hash32("election", canonical_json(self.data))

    def public_share(self, index: int) -> bytes:
        """Kⱼ, trustee ``index``'s public share, from every trustee's commitments."""
        return self.group.sum(expected_share_point(self.group, c, index) for c in self.commitments)

    def to_json(self) -> dict[str, Any]:
        return self.data
