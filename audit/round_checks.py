"""One round's start: its manifest, who it rates, its place in the log, and the committee's keys.

- ``round.started``, ``round.manifest``: the round has a manifest whose hash and number match;
- ``round.meeting``: the manifest names the meeting as the chair set it (id, title, cell, date,
  place, rule profile) and the options in force (the last ``options-set``, else the profile's);
- ``round.committee``: a round with its own key ceremony has the committee the chair named;
- ``round.roll``, ``round.subjects``: the round logs who it rates — the manifest's questions, each
  a member of the roster by name, rated under the roll; the members the chair chose, or, for a
  runoff, one question per group the earlier rounds left tied at its quota boundary, its options
  exactly the tied members, choose up to the places left (``round.runoff``); a round of another
  kind (a confidence vote, yes/no decisions, the self-rating) names its own subjects and those
  convened (``audit/kind_checks.py``);
- ``round.order``: the round's events come in the order of its phases, each once where once is
  all there can be;
- ``ceremony.*``, ``election.*``: every committee member's proofs, one share to each other member,
  every member confirmed, the joint key and the fingerprint; or, where ``keys_of_round`` names an
  earlier round (a runoff, or any later round of the same committee), exactly that round's keys
  and committee; every ceremony message signed with the key that claimed the member's link,
  every confirmation naming the election published, every complaint settled in the open
  (``audit/ceremony_check.py``);
- ``round.abandoned``: a round whose ceremony was abandoned has no election and no vote.
"""

from __future__ import annotations

from typing import Any

from audit import schema as s
from audit.ceremony_check import check_ceremony_messages, check_confirmations
from audit.findings import Report
from audit.kind_checks import CONVENED, check_kind_start
from audit.setup_checks import ROLL_SUMMARY
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.errors import TallyError
from tally.manifest import ElectionContext, Manifest
from tally.replay import Replay, RoundEvents
from tally.round_kinds import OTHER_KINDS
from tally.rules.consolidate import consolidate, tied_groups
from tally.rules.profiles import get_profile

GROUP = RISTRETTO255
MANIFEST_MEETING_FIELDS = ("id", "title", "cell", "date", "place", "profile")
"""What a manifest repeats of the chair's meeting (besides the options in force)."""
ROUND = {"round": s.positive}
SIGNED = {**ROUND, "trustee": s.positive, "signature": s.hex_bytes(64)}
BODIES: dict[str, s.Rule] = {
    "round-started": s.shape(
        {**ROUND, "manifest": s.obj, "manifest_hash": s.hex_bytes(32)},
        {"keys_of_round": s.positive},
    ),
    "round-roll": s.shape(
        {
            **ROUND,
            "subjects": s.map_of(s.text, s.nullable(s.positive)),
            "roll": ROLL_SUMMARY,
            "runoff_of": s.nullable(s.positive),
        },
        {"runoff_groups": s.map_of(s.text, s.text), "convened": CONVENED},
    ),
    # the committee's signed messages (PROTOCOL.md §14.2): the message's body and its signature
    "trustee-claimed": s.shape({**SIGNED, "signing_key": s.hex_bytes(32)}),
    "trustee-announced": s.shape({**SIGNED, "announcement": s.obj}),
    "trustee-shares": s.shape({**SIGNED, "shares": s.list_of(s.obj)}),
    "trustee-complaint": s.shape({**SIGNED, "accused": s.positive, "check": s.text}),
    "trustee-reveal": s.shape({**SIGNED, "recipient": s.positive, "value": s.hex_bytes(32)}),
    "trustee-confirmed": s.shape({**SIGNED, "election": s.hex_bytes(32)}),
    "trustee-dispute": s.shape(
        {
            **ROUND,
            "accuser": s.positive,
            "accused": s.positive,
            "outcome": s.one_of("share-valid", "share-invalid"),
            "wrong": s.nullable(s.positive),
        }
    ),
    "committee-alarm": s.shape(
        {**ROUND, "trustee": s.positive, "offered_key": s.nullable(s.hex_bytes(32))}
    ),
    "committee-restored": s.shape({**ROUND, "trustee": s.positive}),
    "committee-link-reissued": s.shape({**ROUND, "trustee": s.positive, "released": s.boolean}),
    "ceremony-abandoned": s.shape({**ROUND, "reason": s.text}),
    "election-published": s.shape(
        {**ROUND, "election": s.obj, "fingerprint": s.hex_bytes(32)},
        {"keys_of_round": s.positive},
    ),
}

# The phase of each event of a round; a round's events never go back to an earlier phase.
PHASES: dict[str, tuple[int, int]] = {
    "round-started": (0, 0),
    "round-roll": (1, 3),  # a runoff publishes its (reused) keys with its start
    "trustee-claimed": (2, 2),
    "trustee-announced": (2, 2),
    "trustee-shares": (2, 2),
    "trustee-confirmed": (2, 2),
    "trustee-complaint": (2, 2),
    "trustee-reveal": (2, 2),
    "trustee-dispute": (2, 2),
    "committee-link-reissued": (2, 2),
    "committee-alarm": (0, 11),  # a link opened on another device: at any time, moves no phase
    "committee-restored": (0, 11),
    "ceremony-abandoned": (2, 2),  # the round ends here (round.abandoned)
    "election-published": (3, 3),
    "tokens-issued": (4, 4),
    "token-cancelled": (4, 6),
    "voting-opened": (5, 5),
    "ballot-accepted": (6, 6),
    "ballot-audited": (0, 11),  # moves no phase: audits.window says when one may come
    "voting-closed": (7, 7),
    "aggregate": (8, 8),
    "small-round-override": (8, 8),
    "decryption-share": (9, 9),
    "decryption-share-rejected": (9, 9),
    "counts": (10, 10),
    "decisions": (11, 11),
}
ONCE = {
    "ceremony-abandoned",
    "small-round-override",
    "round-started",
    "round-roll",
    "election-published",
    "voting-opened",
    "voting-closed",
    "aggregate",
    "counts",
    "decisions",
}


def check_abandoned(entry: RoundEvents, report: Report, label: str) -> None:
    """``round.abandoned``: a round whose ceremony the chair gave up has no election and no
    vote (its order is checked like any round's)."""
    check_order(entry, report, label)
    report.expect(
        entry.election is None and entry.opened is None and not entry.accepted,
        "round.abandoned",
        label,
        "an abandoned ceremony with an election or a vote",
    )


def check_order(entry: RoundEvents, report: Report, label: str) -> None:
    """``round.order``: phases never go back; single events are single."""
    phase, problems = 0, []
    seen: set[str] = set()
    for position, kind in entry.phases:
        low, high = PHASES.get(kind, (phase, phase))
        if phase > high:
            problems.append(f"event {position} ({kind}) after a later phase")
        if kind in ONCE and kind in seen:
            problems.append(f"event {position} ({kind}) a second time")
        seen.add(kind)
        phase = max(phase, low)
    report.expect(not problems, "round.order", label, "; ".join(problems[:3]))


def _named(manifest: Manifest) -> dict[str, str]:
    """Each subject id → the name the manifest gives it (a rating question's title; a runoff
    option's title)."""
    names: dict[str, str] = {}
    for question in manifest.questions:
        if question.option_titles:
            names.update(zip(question.options, question.option_titles, strict=True))
        else:
            names[question.id] = question.title
    return names


def check_start(
    entry: RoundEvents,
    manifest: Manifest,
    state: Replay,
    report: Report,
    label: str,
) -> None:
    """The round's manifest against the setup, and who it rates."""
    setup = entry.setup
    meeting = setup.get("meeting") or {}
    named = dict(manifest.data["meeting"])
    options = named.pop("options", None)
    fixed = setup.get("options") or get_profile(meeting.get("profile") or None).options.as_json()
    report.expect(
        named == {name: meeting.get(name) for name in MANIFEST_MEETING_FIELDS} and options == fixed,
        "round.meeting",
        label,
        "the manifest does not name the meeting, its profile and options as the chair set them",
    )
    source = (entry.started or {}).get("keys_of_round")
    committee = setup.get("committee")
    runoff_of = entry.roll["runoff_of"] if entry.roll is not None else None
    if source is None or runoff_of is None:
        names = [m["name"] for m in manifest.data["committee"]["members"]]
        report.expect(
            committee is not None
            and names == [m["name"] for m in committee["members"]]
            and manifest.threshold == committee["threshold"],
            "round.committee",
            label,
            "the manifest's committee is not the one the chair named",
        )
    if entry.roll is None:
        report.fail("round.roll", label, "no round-roll event: who is rated is not logged")
        return
    report.ok("round.roll", label)
    check_kind_start(entry, manifest, report, label)
    if manifest.round_kind in OTHER_KINDS:
        return
    roster = {m["id"]: m["name"] for m in setup.get("members") or []}
    subjects = entry.roll["subjects"]
    titles = _named(manifest)
    not_rated = {n["id"] for n in entry.roll["roll"]["not_rated"]}
    report.expect(
        set(subjects) == set(titles)
        and len(set(subjects.values())) == len(subjects)
        and all(roster.get(member) == titles[q] for q, member in subjects.items() if q in titles)
        and not set(subjects.values()) & not_rated,
        "round.subjects",
        label,
        "the questions are not members of the roster by name, or a member is not rated",
    )
    if runoff_of is None:
        rated = setup.get("rated")
        allowed = [i for i in roster if i not in not_rated]
        chosen = allowed if rated is None else [i for i in rated if i in allowed]
        report.expect(
            set(subjects.values()) == set(chosen)
            and not any(q.option_titles for q in manifest.questions),
            "round.subjects",
            label,
            "the members rated are not those the chair chose",
        )
        return
    report.expect(
        _is_the_runoff_called_for(entry, manifest, state, runoff_of, source),
        "round.runoff",
        label,
        f"not the runoff the rounds up to {runoff_of} call for (the tied members, the places "
        "left, the same committee keys)",
    )


def _is_the_runoff_called_for(
    entry: RoundEvents, manifest: Manifest, state: Replay, runoff_of: Any, source: Any
) -> bool:
    """A runoff asks, per group still tied at its quota boundary after the earlier rounds
    (``tally.rules.consolidate``), to choose up to the places left among exactly its tied
    members; it reuses the keys of the last counted round before it."""
    earlier = [
        {"round": n, **e.decisions}
        for n, e in state.rounds.items()
        if 0 < n < entry.number and e.decisions is not None
    ]
    if not earlier or runoff_of != source or runoff_of != earlier[-1]["round"]:
        return False
    try:
        groups = tied_groups(consolidate(earlier))
    except (KeyError, TypeError, ValueError):
        return False
    asked = {
        frozenset(q.options): (q.min_selections, q.max_selections)
        for q in manifest.questions
        if q.option_titles
    }
    called = {frozenset(g["tied"]): (0, g["max_excellent"] - len(g["kept"])) for g in groups}
    group_of = {frozenset(g["tied"]): g["group"] for g in groups}
    labelled = {q.id: group_of.get(frozenset(q.options)) for q in manifest.questions}
    members = {}
    for e in state.rounds.values():
        if 0 < e.number < entry.number and e.roll is not None:
            members.update(e.roll["subjects"])
    subjects = entry.roll["subjects"] if entry.roll else {}
    return (
        len(asked) == len(manifest.questions)
        and asked == called
        and all(members.get(option) == member for option, member in subjects.items())
        and (entry.roll or {}).get("runoff_groups", labelled) == labelled
    )


def check_election(
    entry: RoundEvents,
    manifest: Manifest,
    contexts: dict[int, ElectionContext],
    report: Report,
    label: str,
) -> ElectionContext | None:
    """The committee's keys: the ceremony's proofs, or the keys of the round named."""
    if entry.election is None:
        report.fail("election.published", label, "no election-published event")
        return None
    published = entry.election.get("election")
    source = entry.started.get("keys_of_round") if entry.started else None
    report.expect(
        entry.election.get("keys_of_round") == source,
        "election.reused_keys",
        label,
        "round-started and election-published name different key sources",
    )
    if source is not None:
        previous = contexts.get(source)
        expected = (
            None
            if previous is None or source >= entry.number
            else {**previous.to_json(), "manifest_hash": manifest.hash.hex()}
        )
        report.expect(
            expected is not None
            and published == expected
            and previous is not None
            and previous.manifest.data["committee"] == manifest.data["committee"]
            and not entry.announcements
            and not entry.shares
            and not entry.confirmed,
            "election.reused_keys",
            label,
            f"not the committee keys of round {source}",
        )
    else:
        _check_ceremony(entry, manifest, published, report, label)
    try:
        context = ElectionContext.from_json(GROUP, manifest, published)
    except TallyError as error:
        report.fail("election.format", label, str(error))
        return None
    report.expect(
        entry.election.get("fingerprint") == context.fingerprint.hex(),
        "election.fingerprint",
        label,
        "the logged fingerprint is not the election's",
    )
    return context


def _check_ceremony(
    entry: RoundEvents, manifest: Manifest, published: Any, report: Report, label: str
) -> None:
    announcements = []
    members = range(1, manifest.committee_size + 1)
    for index in members:
        subject = f"{label}, committee member {index}"
        try:
            announcement = ceremony.Announcement.from_json(
                GROUP, entry.announcements.get(index), manifest.threshold
            )
            if announcement.index != index:
                raise ValueError("index mismatch")
            ceremony.verify_announcement(GROUP, manifest.hash, announcement, manifest.threshold)
            announcements.append(announcement)
            report.ok("ceremony.announcement", subject)
        except (TallyError, ValueError) as error:
            report.fail("ceremony.announcement", subject, str(error))
        shares = entry.shares.get(index) or []
        try:
            parsed = [ceremony.EncryptedShare.from_json(GROUP, share) for share in shares]
        except TallyError:
            parsed = []
        others = [j for j in members if j != index]
        report.expect(
            len(parsed) == len(shares)
            and sorted(share.recipient for share in parsed) == others
            and all(share.sender == index for share in parsed),
            "ceremony.shares",
            subject,
            "not one well-formed share to each other member",
        )
    report.expect(
        set(entry.announcements) <= set(members)
        and set(entry.shares) <= set(members)
        and entry.confirmed == set(members),
        "ceremony.confirmed",
        label,
        "not every member confirmed their shares, or a stranger took part",
    )
    # every message signed with the key that claimed the link; complaints settled in the open
    check_ceremony_messages(entry, manifest, report, label)
    fingerprint = (entry.election or {}).get("fingerprint")
    check_confirmations(entry, str(fingerprint), report, label)
    if len(announcements) == manifest.committee_size:
        expected = ElectionContext.from_announcements(GROUP, manifest, announcements)
        report.expect(
            published == expected.to_json(),
            "election.joint_key",
            label,
            "the published election is not the one the announcements make",
        )
