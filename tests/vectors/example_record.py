"""The example record in ``tests/vectors/example-record/``: a whole small meeting with a runoff,
written from the specification (docs/RECORD.md, PROTOCOL.md) with the election library alone.

Every random value comes from the deterministic streams of PROTOCOL.md §12 (or, for the server
key, the tokens and the committee's signing keys, from ``H32`` of a fixed label), so the files
come out the same byte for byte on every run; ``python -m tests.vectors.generate`` writes them
and ``--check`` compares. ``tests/test_example_record.py`` verifies the record: final, exit 0.

The meeting: four members (three official, one probationary), all present; three vote. The
committee is the three official members, 2 of 3, its head the first. Round 1 rates all four;
two members reach "excellent" with the same votes where the quota allows one, so round 2 is the
runoff the consolidated proposal calls for — one question, choose up to the one place left
between the two — with round 1's keys (``keys_of_round``); in it one unused token is cancelled
after opening, which leaves two ballots: a small round, decrypted after the chair recorded why
(PROTOCOL.md §15). Round 1 had a spare card cancelled before opening, and its first voter audited
one encryption (logged at closing) before casting. Every ballot is submitted with the proof of
possession of its token (PROTOCOL.md §6.1). The minute covers both rounds and is co-signed by
all three; the PDF printed from it is in the record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from nacl.signing import SigningKey

from audit.minute_pdf import render_minute_pdf, renderer
from tally.aggregate import aggregate_ballots
from tally.audited import open_ballot
from tally.ballot import ballot_hash, encrypt_ballot, make_ballot, tracker, verify_ballot
from tally.canonical import canonical_json
from tally.committee_message import sign_message
from tally.crypto.group import RISTRETTO255
from tally.crypto.hashing import hash32
from tally.crypto.nonces import TestNonces
from tally.crypto.signatures import sign
from tally.decryption import combine_decryption_shares, make_decryption_share
from tally.eventlog import LogEntry, make_event
from tally.manifest import (
    RATING_OPTIONS,
    ElectionContext,
    Manifest,
    rating_manifest_json,
    runoff_manifest_json,
)
from tally.minute import build_minute, minute_digest
from tally.minute_log import minute_document, minute_facts
from tally.record_index import INDEX, MINUTE_JSON, MINUTE_PDF, ballot_file, record_index
from tally.roster import Attendance, Member, Membership, compute_roll
from tally.round_check import is_small
from tally.rules.consolidate import consolidate, runoff_input, tied_groups
from tally.rules.engine import decide_json
from tally.rules.profiles import DEFAULT_PROFILE
from tally.submission import make_submission
from tally.token import base32_encode, token_hash, token_set_commitment
from tests.vectors.committee import simulate_ceremony

GROUP = RISTRETTO255
PROFILE = DEFAULT_PROFILE
MEETING = {
    "id": "vd-2026-12",
    "title": "Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm 2026",
    "cell": "Chi bộ Phòng Ví dụ",
    "committee_above": "Đảng bộ Sở Ví dụ",
    "date": "2026-12-15",
    "locality": "Hà Nội",
    "place": "Phòng họp tầng 2",
    "start_time": "14:00",
    "chair": "Đồng chí Nguyễn Văn An",
    "secretary": "Đồng chí Trần Thị Bình",
    "purpose": "Bỏ phiếu kín đánh giá, xếp loại đảng viên",
    "profile": PROFILE.label,
}
MEMBERS = [
    Member(1, "Nguyễn Văn An", Membership.OFFICIAL, date(2010, 3, 2)),
    Member(2, "Trần Thị Bình", Membership.OFFICIAL, date(2012, 6, 1)),
    Member(3, "Lê Đức Cường", Membership.OFFICIAL, date(2015, 9, 2)),
    Member(4, "Phạm Thu Dung", Membership.PROBATIONARY, date(2026, 1, 5)),
]
COMMITTEE = [1, 2, 3]
THRESHOLD = 2
# Per ballot, the chosen option index (XS, TOT, HT, KHT) for each question in order.
ROUND_1 = [[0, 0, 1, 1], [0, 0, 1, 2], [0, 0, 1, 1]]
ROUND_2 = [[[0]], [[0]]]  # both choose the first tied member; the third token is cancelled


def _seed(label: str) -> bytes:
    return hash32("test-rng", f"example-record {label}")


def _token(label: str) -> str:
    return base32_encode(_seed(label)[:16])


class _Log:
    """The event log being written: each event signed by the example's server key."""

    def __init__(self) -> None:
        self.key = SigningKey(_seed("server key"))
        self.entries: list[LogEntry] = []

    def add(self, kind: str, body: dict[str, Any]) -> None:
        previous = self.entries[-1] if self.entries else None
        self.entries.append(make_event(previous, kind, body, self.key))

    def json(self) -> list[dict[str, Any]]:
        return [entry.to_json() for entry in self.entries]


def _ceremony(log: _Log, number: int, manifest: Manifest) -> tuple[ElectionContext, dict]:
    """The ceremony as the members' devices send it (PROTOCOL.md §14): each claims its link with
    the key it drew, then announces, sends its shares and confirms the election — every message
    signed with that key and logged with its signature."""
    done = simulate_ceremony(manifest, "example-trustee")
    context = done.context
    keys = {i: SigningKey(secrets.signing_seed) for i, (secrets, _) in done.made.items()}

    def signed(event: str, i: int, kind: str, body: dict[str, Any]) -> None:
        message = sign_message(keys[i], manifest.hash, i, kind, body)
        log.add(event, {"round": number, "trustee": i, **body, "signature": message.signature})

    for i in sorted(done.made):
        signing_key = keys[i].verify_key.encode().hex()
        signed("trustee-claimed", i, "claim", {"signing_key": signing_key})
    for i, (_, announcement) in done.made.items():
        signed("trustee-announced", i, "announcement", {"announcement": announcement.to_json()})
    for i, shares in done.sent.items():
        signed("trustee-shares", i, "shares", {"shares": [s.to_json() for s in shares]})
    for j in done.made:
        signed("trustee-confirmed", j, "confirmation", {"election": context.fingerprint.hex()})
    log.add(
        "election-published",
        {"round": number, "election": context.to_json(), "fingerprint": context.fingerprint.hex()},
    )
    secrets = {i: (done.secret_shares[i], done.made[i][0].signing_seed) for i in done.made}
    return context, secrets


def _vote(
    log: _Log,
    number: int,
    context: ElectionContext,
    choices: list[list[int]],
    spare: bool,
    keys: dict,
    roll: Any,
    decide: Callable[[dict[str, list[int]], dict[str, int]], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Tokens, voting, the aggregate, the committee's decryption (members 1 and 3), and the
    rules (``decide(counts, rule roll)`` gives the rules' input)."""
    tokens = [_token(f"round {number} token {k}") for k in range(len(roll.voters))]
    log.add("tokens-issued", {"round": number, "count": len(tokens)})
    if spare:
        log.add("tokens-issued", {"round": number, "count": 1})
        spare_hash = token_hash(_token(f"round {number} spare")).hex()
        log.add("token-cancelled", {"round": number, "token_hash": spare_hash})
    hashes = sorted(token_hash(t) for t in tokens)
    log.add(
        "voting-opened",
        {
            "round": number,
            "token_hashes": [h.hex() for h in hashes],
            "token_commitment": token_set_commitment(hashes).hex(),
        },
    )
    ballots, audited = [], []
    for k, choice in enumerate(choices):
        binding = token_hash(tokens[k])
        if spare and k == 0:  # the first voter of round 1 audits one encryption, then casts
            nonces = TestNonces(f"example-audited-{number}-{k}")
            encrypted = encrypt_ballot(context, binding, choice, nonces)
            audited.append((tracker(encrypted.data).hex(), open_ballot(context, encrypted)))
        ballot = make_ballot(context, binding, choice, TestNonces(f"example-ballot-{number}-{k}"))
        ballots.append(ballot)
        submission = make_submission(tokens[k], ballot)
        body = {
            "round": number,
            "tracker": tracker(ballot).hex(),
            "token_hash": binding.hex(),
            "ballot_hash": ballot_hash(canonical_json(ballot)).hex(),
            "token_key": submission["token_key"],
            "signature": submission["signature"],
        }
        log.add("ballot-accepted", body)
    for token in tokens[len(choices) :]:
        log.add("token-cancelled", {"round": number, "token_hash": token_hash(token).hex()})
    for tracked, opened in sorted(audited, key=lambda a: a[0]):  # logged at close, in order
        log.add("ballot-audited", {"round": number, "tracker": tracked, "audited": opened})
    aggregate = aggregate_ballots(context, [verify_ballot(context, b).ciphertexts for b in ballots])
    log.add("voting-closed", {"round": number, "ballot_count": len(ballots), "unused_tokens": 0})
    log.add("aggregate", {"round": number, "aggregate": aggregate.to_json(context)})
    if is_small(len(ballots), len(choices)):  # the unused tokens were cancelled after opening
        reason = "Chi bộ nhỏ: hội nghị đồng ý kiểm phiếu vòng này"
        override = {"ballots": len(ballots), "tokens": len(choices), "reason": reason}
        log.add("small-round-override", {"round": number, **override})
    shares = []
    for trustee in (1, 3):
        share = make_decryption_share(
            context,
            trustee,
            keys[trustee][0],
            aggregate,
            TestNonces(f"example-decrypt-{number}-{trustee}"),
        )
        shares.append(share)
        body = {"round": number, "trustee": trustee, "share": share.to_json(context)}
        log.add("decryption-share", body)
    table = combine_decryption_shares(context, aggregate, shares)
    counts = {q.id: list(row) for q, row in zip(context.manifest.questions, table, strict=True)}
    log.add("counts", {"round": number, "trustees": [1, 3], "counts": counts})
    rule_roll = {
        "official": roll.official,
        "excluded": len(roll.excluded),
        "present": len(roll.voters),
        "ballots": len(ballots),
    }
    request = decide(counts, rule_roll)
    log.add("decisions", {"round": number, "input": request, "output": decide_json(request)})
    return ballots


def example_record() -> dict[str, bytes]:
    """Every file of the example record, by name."""
    log = _Log()
    log.add("log-opened", {"server_key": log.key.verify_key.encode().hex(), "schema": 1})
    log.add("meeting-set", {"meeting": MEETING})
    log.add(
        "roster-imported",
        {
            "members": [
                {"id": m.id, "name": m.name, "membership": m.membership.value} for m in MEMBERS
            ],
            "official": sum(1 for m in MEMBERS if m.official),
            "probationary": sum(1 for m in MEMBERS if not m.official),
        },
    )
    attendance = {m.id: Attendance.PRESENT for m in MEMBERS}
    roll = compute_roll(
        MEMBERS,
        attendance,
        date.fromisoformat(MEETING["date"]),
        PROFILE.options,
        min_months_since_admission=PROFILE.min_months_since_admission,
    )
    marks = {str(i): mark.value for i, mark in attendance.items()}
    log.add("attendance", {"attendance": marks, "roll": roll.summary()})
    log.add("rated-set", {"rated": list(roll.rated), "reasons": {}})
    by_id = {m.id: m for m in MEMBERS}
    head = COMMITTEE[0]
    log.add(
        "committee-set",
        {
            "members": [{"id": i, "name": by_id[i].name} for i in COMMITTEE],
            "threshold": THRESHOLD,
            "head": {"id": head, "name": by_id[head].name},
            "approved_by_meeting": True,
        },
    )
    names = [by_id[i].name for i in COMMITTEE]
    summary = {**roll.summary(), "rated_reasons": {}}
    meeting = {k: MEETING[k] for k in ("id", "title", "cell", "date", "place", "profile")}
    meeting["options"] = PROFILE.options.as_json()
    ballots: dict[int, list[dict[str, Any]]] = {}

    # Round 1: every member rated under the roll, blank answers allowed by the options.
    subjects = {f"m{i:03d}": i for i in roll.rated}
    manifest = Manifest.from_json(
        rating_manifest_json(
            meeting,
            [(q, by_id[i].name) for q, i in subjects.items()],
            names,
            threshold=THRESHOLD,
            round_number=1,
            blank_allowed=list(subjects) if PROFILE.options.blank_allowed else (),
        )
    )
    body = {"round": 1, "manifest": manifest.to_json(), "manifest_hash": manifest.hash.hex()}
    log.add("round-started", body)
    log.add("round-roll", {"round": 1, "subjects": subjects, "roll": summary, "runoff_of": None})
    context, keys = _ceremony(log, 1, manifest)

    def rating(counts: dict[str, list[int]], rule_roll: dict[str, int]) -> dict[str, Any]:
        return {
            "profile": PROFILE.label,
            "options": meeting["options"],
            "roll": rule_roll,
            "subjects": [
                {
                    "id": question,
                    "votes": dict(zip(RATING_OPTIONS, counts[question], strict=True)),
                    "group": "default",
                    "sick_leave_months": 0,
                    "disciplined": False,
                }
                for question in subjects
            ],
        }

    ballots[1] = _vote(log, 1, context, ROUND_1, True, keys, roll, rating)
    logged = log.entries[-1].event["body"]
    decided = [{"round": 1, "input": logged["input"], "output": logged["output"]}]

    # Round 2: the runoff the consolidated proposal calls for, with round 1's keys.
    groups = tied_groups(consolidate(decided))
    questions = []
    for position, group in enumerate(groups, start=1):
        places = group["max_excellent"] - len(group["kept"])
        title = f"Chọn tối đa {places} trong {len(group['tied'])} đồng chí để giữ mức XS"
        options = [(subject, by_id[subjects[subject]].name) for subject in group["tied"]]
        questions.append((f"xs-{position}", title, options, places))
    manifest = Manifest.from_json(
        runoff_manifest_json(meeting, questions, names, threshold=THRESHOLD, round_number=2)
    )
    runoff = {subject: subjects[subject] for g in groups for subject in g["tied"]}
    election = {**context.to_json(), "manifest_hash": manifest.hash.hex()}
    again = ElectionContext.from_json(GROUP, manifest, election)
    log.add(
        "round-started",
        {
            "round": 2,
            "manifest": manifest.to_json(),
            "manifest_hash": manifest.hash.hex(),
            "keys_of_round": 1,
        },
    )
    log.add(
        "election-published",
        {
            "round": 2,
            "election": election,
            "fingerprint": again.fingerprint.hex(),
            "keys_of_round": 1,
        },
    )
    log.add(
        "round-roll",
        {
            "round": 2,
            "subjects": runoff,
            "roll": summary,
            "runoff_of": 1,
            "runoff_groups": {q[0]: g["group"] for q, g in zip(questions, groups, strict=True)},
        },
    )

    def runoff_rules(counts: dict[str, list[int]], rule_roll: dict[str, int]) -> dict[str, Any]:
        chosen = {
            option: count
            for question in manifest.questions
            for option, count in zip(question.options, counts[question.id], strict=True)
        }
        return runoff_input(consolidate(decided), decided[0]["input"], rule_roll, chosen)

    ballots[2] = _vote(log, 2, again, ROUND_2, False, keys, roll, runoff_rules)

    minute = build_minute(minute_facts(log.json(), "07", "14:00", "16:30"))
    digest = minute_digest(minute)
    server_signature = sign(log.key, "minute", digest).hex()
    log.add(
        "minute", {"minute": minute, "digest": digest.hex(), "server_signature": server_signature}
    )
    for trustee in sorted(keys):
        signature = sign(SigningKey(keys[trustee][1]), "minute", digest).hex()
        log.add(
            "minute-signature", {"digest": digest.hex(), "trustee": trustee, "signature": signature}
        )
    document = minute_document(log.json())
    assert document is not None
    pdf = render_minute_pdf(document)
    log.add(
        "minute-pdf",
        {
            "digest": digest.hex(),
            "pdf_hash": hash32("minute-pdf", pdf).hex(),
            "signatures": len(document["signatures"]),
            "renderer": renderer(),
        },
    )
    entries = log.json()
    files = {
        "events.jsonl": b"".join(canonical_json(e) + b"\n" for e in entries),
        **{
            ballot_file(n): b"".join(
                canonical_json(b) + b"\n" for b in sorted(ballots[n], key=lambda b: tracker(b))
            )
            for n in ballots
        },
        MINUTE_JSON: canonical_json(minute_document(entries)),
        MINUTE_PDF: pdf,
    }
    files[INDEX] = canonical_json(record_index(entries, sorted(files)))
    return files
