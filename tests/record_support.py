"""A real meeting record built in-process, and the tools to tamper with one.

``build_meeting`` runs a whole meeting against the real application on a real SQLite file: the
chair's part, the voters' ballots and the count go through the server's own objects (``Chair``,
``Rounds``, ``Counting``, ``Minutes``) — no HTTP, so it is fast enough for a 500-ballot
benchmark — while the committee's key ceremony is the simulated committee
(``ballot_client.simulated``, the one committee client) over HTTP: the chair sets up the meeting
from a roster, the committee claims its links and makes the key, tokens are issued (one spare
card cancelled before opening), voters' ballots are encrypted, proved and accepted, voting
closes, two of three committee members decrypt, the rules decide, the chair makes the minute and
every committee member co-signs it. The record (``ballot_server.export.record_bytes``) is taken
while voting is open and at the end, the end one with the printed minute (``log_minute_pdf``),
exactly as ``phieukin export`` does. With ``confidence``, a confidence vote (docs/RULES.md §6)
among an imported list of those convened follows the rating with the same committee keys;
``kinds`` adds rounds of any other kind (``KindRound``: a confidence vote, the cell's
self-rating, yes/no decisions) with designed ballots. ``meeting``, ``roster`` and ``votes`` make
a designed cell (the committee's report builds several cells of one party organisation this
way).

``meeting_record()`` is the one small meeting the tamper and CLI tests share (built once per
test process). ``Parts`` opens a record into dicts; ``pack`` zips it again; ``resign`` rewrites
the whole hash chain and its signatures with a key of the caller's choice — an attacker's key
(who then also rewrites event 0 and ``record.json``), or the real server key when a test extends
the record legitimately.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
import random
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from nacl.signing import SigningKey

from ballot_client.committee import CommitteeMember
from ballot_client.remote import MeetingClient
from ballot_client.simulated import run_committee
from ballot_server import keys
from ballot_server.audits import Audits
from ballot_server.chair import Chair, ChairMemory
from ballot_server.convened import set_convened
from ballot_server.demo import DEMO_MEETING, build_roster
from ballot_server.export import log_minute_pdf, record_bytes
from ballot_server.minute_service import Minutes
from ballot_server.roster_import import CSV_TYPE, roster_csv
from ballot_server.rounds import Rounds
from tally.aggregate import Aggregate
from tally.audited import open_ballot
from tally.ballot import encrypt_ballot, make_ballot, tracker, verify_ballot
from tally.canonical import canonical_json
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import system_nonce
from tally.crypto.signatures import sign
from tally.eventlog import GENESIS, SIGNATURE_PURPOSE, event_hash
from tally.manifest import ElectionContext, Manifest
from tally.minute import SIGNATURE_PURPOSE as MINUTE_PURPOSE
from tally.minute_log import minute_document
from tally.record_index import MINUTE_JSON, record_index
from tally.roster import Member
from tally.submission import make_submission
from tally.token import token_hash
from tests.server_support import decryption_share, make_app

BASE_URL = "http://127.0.0.1:8080"
MEETING = DEMO_MEETING


@dataclass
class BuiltMeeting:
    """A finished meeting: its records and what a test needs to forge or extend them."""

    final: bytes  # record.zip after the minute is signed
    open: bytes  # record.zip exported while voting was open (half the ballots in)
    server_key: SigningKey  # the real server key (to extend a record legitimately)
    context: ElectionContext
    trustees: list[CommitteeMember]
    absent: list[int] = field(default_factory=list)  # ids of members not present
    choices: list[list[int]] = field(default_factory=list)


def _ballot(manifest: dict, election: dict, token: str, choice: list[int]) -> dict:
    context = ElectionContext.from_json(RISTRETTO255, Manifest.from_json(manifest), election)
    return make_ballot(context, token_hash(token), choice, system_nonce)


def make_ballots(
    context: ElectionContext, tokens: list[str], choices: list[list[int]], workers: int = 1
) -> list[dict]:
    """Encrypt and prove one ballot per token (in ``workers`` processes when > 1)."""
    manifest, election = context.manifest.to_json(), context.to_json()
    if workers <= 1:
        return [_ballot(manifest, election, t, c) for t, c in zip(tokens, choices, strict=True)]
    with ProcessPoolExecutor(workers) as pool:
        return list(
            pool.map(
                _ballot,
                [manifest] * len(tokens),
                [election] * len(tokens),
                tokens,
                choices,
                chunksize=8,
            )
        )


def accept_signed(
    rounds: Rounds, context: ElectionContext, number: int, token: str, ballot: dict
) -> None:
    """Accept ``ballot`` as the server does a submission signed with ``token``'s key."""
    verified = verify_ballot(context, ballot)
    submission = make_submission(token, ballot)
    rounds.accept_ballot(
        number,
        verified.token_hash.hex(),
        verified.tracker.hex(),
        ballot,
        token_key=submission["token_key"],
        signature=submission["signature"],
    )


Votes = dict[str, list[int]]
"""A designed vote: per rated member's name, the level index (0 XS … 3 KHT) each voter gives."""


def build_meeting(
    folder: Path,
    voters: int = 6,
    rated: int = 4,
    seed: int = 2026,
    workers: int = 1,
    audits: int = 0,
    confidence: bool = False,
    *,
    meeting: dict[str, str] | None = None,
    roster: tuple[list[Member], dict[str, str]] | None = None,
    votes: Votes | None = None,
    kinds: Sequence[KindRound] = (),
) -> BuiltMeeting:
    """Run a whole meeting in ``folder`` (see the module docstring) and export its records.
    With ``audits``, that many voters first audit an encryption of their choices (PROTOCOL.md
    §8.1) before casting; the audited ballots are logged when voting closes. With
    ``confidence``, a confidence vote among an imported list of those convened follows the
    rating, with the same committee keys, before the minute (docs/RULES.md §6).

    ``meeting`` replaces the meeting's facts (another cell, another party committee above),
    ``roster`` the demo roster (members and attendance by name), and ``votes`` the random
    choices: voter ``v`` gives each rated member ``votes[name][v]`` (members not named get
    ``TOT``). ``kinds`` are further rounds of other kinds held after the rating (after the
    confidence vote of ``confidence``), in order, with the same committee keys."""
    held = ((CONFIDENCE_ROUND,) if confidence else ()) + tuple(kinds)
    design = Design(meeting, roster, votes, held)
    return asyncio.run(_build_meeting(folder, voters, rated, seed, workers, audits, design))


@dataclass(frozen=True)
class Design:
    """What ``build_meeting`` was asked to design rather than draw from the demo."""

    meeting: dict[str, str] | None = None
    roster: tuple[list[Member], dict[str, str]] | None = None
    votes: Votes | None = None
    kinds: tuple[KindRound, ...] = ()


@dataclass
class ReadyMeeting:
    """A meeting whose round is ready for tokens: the app's services and the committee."""

    app: web.Application
    chair: Chair
    number: int
    members: list[CommitteeMember]
    credentials: dict[int, str]
    context: ElectionContext


async def ready_meeting(
    client: TestClient,
    voters: int,
    rated: int,
    rng: random.Random,
    design: Design | None = None,
) -> ReadyMeeting:
    """The chair's setup through the server's own objects (no HTTP), then the key ceremony of
    the simulated committee over HTTP — the same member code as a phone or ``phieukin
    trustee``."""
    app = client.server.app
    store, rounds = app[keys.STORE], app[keys.ROUNDS]
    chair = Chair(store, rounds, app[keys.CONFIG], ChairMemory())
    design = design or Design()
    chair.set_meeting(design.meeting or MEETING)
    members, attendance = design.roster or build_roster(voters, rated, rng)
    chair.import_roster(roster_csv(members), CSV_TYPE)
    ids = {m.name: m.id for m in chair.members()}
    chair.set_attendance({str(ids[n]): a for n, a in attendance.items()})
    roll = chair.roll()
    chair.set_rated(list(roll.rated)[:rated])
    chair.set_committee(list(roll.voters)[-3:], 2, approved=True)
    number = chair.start_round(BASE_URL)["round"]
    credentials = {
        int(link["index"]): link["url"].split("#c=")[1].split("&")[0]
        for link in chair.memory.committee[number]
    }
    public = MeetingClient(client.session, str(client.make_url("")).rstrip("/"))
    committee, context = await run_committee(public, number, credentials)
    return ReadyMeeting(app, chair, number, committee, credentials, context)


async def _build_meeting(
    folder: Path,
    voters: int,
    rated: int,
    seed: int,
    workers: int,
    audits: int,
    design: Design,
) -> BuiltMeeting:
    rng = random.Random(seed)
    async with TestClient(TestServer(make_app(folder), host="127.0.0.1")) as client:
        ready = await ready_meeting(client, voters, rated, rng, design)
        app, chair, number, context = ready.app, ready.chair, ready.number, ready.context
        store, rounds = app[keys.STORE], app[keys.ROUNDS]
        tokens = chair.issue_tokens(number, None, BASE_URL)["tokens"]
        spare = rounds.issue_tokens(number, 1)[0]  # a spare card, voided before opening
        chair.cancel_token(number, {"token": spare})
        chair.open_voting(number)
        questions = context.manifest.questions
        choices = [[rng.choices(range(4), (3, 10, 3, 1))[0] for _ in questions] for _ in tokens]
        if design.votes is not None:
            names = {m.id: m.name for m in chair.members()}
            subjects = rounds.row(number)["subjects"]
            choices = [
                [design.votes.get(names[subjects[q.id]], [1] * len(tokens))[v] for q in questions]
                for v in range(len(tokens))
            ]
        opened = _vote_and_count(ready, number, tokens, choices, audits, workers)
        for held in design.kinds:
            _kind_round(ready, rng, audits, held)
        minutes = Minutes(store, chair)
        document, _ = minutes.make({"number": "07", "time": "16:30"})
        digest = bytes.fromhex(document["digest"])
        for member in ready.members:
            signature = sign(SigningKey(member.record.signing_seed), MINUTE_PURPOSE, digest)
            minutes.add_signature(
                ready.credentials[member.index],
                {"digest": document["digest"], "signature": signature.hex()},
            )
        final = record_bytes(store, log_minute_pdf(store))  # as ``phieukin export`` does
        absent = [i for i, mark in chair.attendance().items() if mark.value != "present"]
        return BuiltMeeting(
            final, opened, store.server_key(), context, ready.members, absent, choices
        )


def _vote_and_count(
    ready: ReadyMeeting,
    number: int,
    tokens: list[str],
    choices: list[list[int]],
    audits: int,
    workers: int = 1,
) -> bytes:
    """Cast one ballot per token (the first ``audits`` voters audit an encryption first), close,
    and have committee members 1 and 3 decrypt; returns the record exported half-way through."""
    store, rounds = ready.app[keys.STORE], ready.app[keys.ROUNDS]
    context = rounds.context(number)
    ballots = make_ballots(context, tokens, choices, workers)
    for token, choice in zip(tokens[:audits], choices, strict=False):
        sealed = encrypt_ballot(context, token_hash(token), choice, system_nonce)
        audited = open_ballot(context, sealed)
        receipt = tracker(audited).hex()
        Audits(store, rounds).receive(number, receipt, canonical_json(audited).decode())
    half = len(ballots) // 2
    opened = b""
    for position, (token, ballot) in enumerate(zip(tokens, ballots, strict=True)):
        if position == half:
            opened = record_bytes(store)
        accept_signed(rounds, context, number, token, ballot)
    ready.chair.close_voting(number, True)
    aggregate = Aggregate.from_json(context, rounds.aggregate(number))
    for member in (ready.members[0], ready.members[2]):
        share = decryption_share(member, context, aggregate)
        ready.app[keys.COUNTING].add_share(number, member.index, share.to_json(context))
    return opened


CONVENED = [
    {"name": "Nguyễn Thị Khách", "present": True},
    {"name": "Lê Văn Mời", "present": True},
    {"name": "Phạm Thị Dự", "present": True},
    {"name": "Hoàng Văn Họp", "present": True},
    {"name": "Vũ Thị Vắng", "present": False},
]
"""Those convened to the confidence round of ``build_meeting(confidence=True)``: 4 of 5 present."""


@dataclass(frozen=True)
class KindRound:
    """A round of another kind (docs/RULES.md §6) for ``build_meeting`` to hold after the
    rating: ``spec`` as ``POST /api/chair/rounds`` takes it besides ``kind`` (or a function of
    the chair that makes it, for a spec naming members by id); ``choices`` per voter the option
    index of each question (``None``: drawn at random); ``convened`` the list of those convened
    the chair imports first (a confidence vote's, ``POST /api/chair/convened``)."""

    kind: str
    spec: dict[str, Any] | Callable[[Chair], dict[str, Any]]
    choices: list[list[int]] | None = None
    convened: dict[str, Any] | None = None


def _confidence_spec(chair: Chair) -> dict[str, Any]:
    head = next(iter(chair.roll().voters))
    return {
        "subjects": [
            {"member_id": head, "position": "Bí thư chi bộ"},
            {"name": "Trần Văn Ngoài", "position": "Giám đốc"},
        ]
    }


CONFIDENCE_ROUND = KindRound(
    "confidence", _confidence_spec, convened={"source": "list", "people": CONVENED}
)
"""The confidence vote of ``build_meeting(confidence=True)``: on a member of the cell and on
someone from outside it, among an imported list of those convened."""


def _kind_round(ready: ReadyMeeting, rng: random.Random, audits: int, held: KindRound) -> None:
    """Hold a round of another kind with the committee's keys of round 1: start it, issue the
    tokens of those who vote in it, cast, close and decrypt."""
    chair = ready.chair
    if held.convened is not None:
        set_convened(ready.app[keys.STORE], held.convened)
    spec = held.spec(chair) if callable(held.spec) else held.spec
    number = chair.start_round(BASE_URL, kind=held.kind, spec=spec)["round"]
    tokens = chair.issue_tokens(number, None, BASE_URL)["tokens"]
    chair.open_voting(number)
    questions = chair.rounds.context(number).manifest.questions
    choices = held.choices
    if choices is None:
        choices = [
            [rng.choices(range(len(q.options)), _WEIGHTS.get(len(q.options)))[0] for q in questions]
            for _ in tokens
        ]
    if len(choices) != len(tokens):
        raise ValueError(f"{len(choices)} designed ballots for {len(tokens)} voters")
    _vote_and_count(ready, number, tokens, choices, audits)


_WEIGHTS = {3: (5, 3, 2)}
"""The weights of a random answer among three options (a confidence vote's: mostly high)."""


@cache
def meeting_record(audits: int = 0, confidence: bool = False) -> BuiltMeeting:
    """The small meeting every record test shares: 6 voters, 4 rated, built once (for each
    number of voters who first audit an encryption, with or without a confidence round)."""
    folder = Path(tempfile.mkdtemp(prefix="phieukin-record-"))
    try:
        return build_meeting(
            folder, voters=6, rated=4, seed=7, audits=audits, confidence=confidence
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_records(folder: Path, **more: bytes) -> dict[str, Path]:
    """The shared meeting's records as files in ``folder``: ``final``, ``open`` and any given
    as ``name=bytes``, each ``<name>.zip``."""
    built = meeting_record()
    contents = {"final": built.final, "open": built.open, **more}
    paths = {}
    for name, data in contents.items():
        paths[name] = folder / f"{name}.zip"
        paths[name].write_bytes(data)
    return paths


# --- opening, changing and closing a record ------------------------------------------------------


@dataclass
class Parts:
    """A record opened into plain data. Change it freely, then ``pack`` it."""

    index: dict[str, Any]
    entries: list[dict[str, Any]]  # {"event", "hash", "signature"} in log order
    ballots: dict[int, list[dict[str, Any]]]
    files: dict[str, bytes]  # every other file (minute.pdf, …)

    @classmethod
    def open(cls, data: bytes) -> Parts:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            raw = {name: archive.read(name) for name in archive.namelist()}
        index = json.loads(raw.pop("record.json"))
        entries = [json.loads(line) for line in raw.pop("events.jsonl").splitlines() if line]
        ballots = {}
        for name in [n for n in raw if n.startswith("ballots/round-")]:
            number = int(name[len("ballots/round-") : -len(".jsonl")])
            ballots[number] = [json.loads(line) for line in raw.pop(name).splitlines() if line]
        return cls(index, entries, ballots, raw)

    def copy(self) -> Parts:
        return copy.deepcopy(self)

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The events (not the entries), all or of one type; they are live: edit in place."""
        return [e["event"] for e in self.entries if kind is None or e["event"]["type"] == kind]

    def position(self, kind: str, nth: int = 0) -> int:
        """Where the ``nth`` event of type ``kind`` is in the log."""
        return [i for i, e in enumerate(self.entries) if e["event"]["type"] == kind][nth]

    def bodies(self, kind: str) -> list[dict[str, Any]]:
        return [e["body"] for e in self.events(kind)]

    def body(self, kind: str, nth: int = 0) -> dict[str, Any]:
        return self.entries[self.position(kind, nth)]["event"]["body"]

    def pack(self) -> bytes:
        """The record as zip bytes, exactly as given (nothing is recomputed)."""
        files = {
            "record.json": canonical_json(self.index),
            "events.jsonl": b"".join(canonical_json(e) + b"\n" for e in self.entries),
            **{
                f"ballots/round-{n}.jsonl": b"".join(canonical_json(b) + b"\n" for b in ballots)
                for n, ballots in self.ballots.items()
            },
            **self.files,
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    def resign(self, key: SigningKey) -> Parts:
        """Renumber, rechain, rehash and re-sign every event with ``key``; name ``key`` in event
        0, and write ``record.json`` and ``minute.json`` again from the new log — what an
        attacker who controls the laptop can do. With the real server key this extends a record
        legitimately."""
        key_hex = key.verify_key.encode().hex()
        previous = GENESIS
        for seq, entry in enumerate(self.entries):
            event = entry["event"]
            event["seq"] = seq
            event["prev"] = previous.hex()
            if seq == 0:
                event["body"]["server_key"] = key_hex
            digest = event_hash(event)
            entry["hash"] = digest.hex()
            entry["signature"] = sign(key, SIGNATURE_PURPOSE, digest).hex()
            previous = digest
        document = minute_document(self.entries)
        if document is None:
            self.files.pop(MINUTE_JSON, None)
        else:
            self.files[MINUTE_JSON] = canonical_json(document)
        names = [*(f"ballots/round-{n}.jsonl" for n in self.ballots), "events.jsonl", *self.files]
        self.index = record_index(self.entries, sorted(names))
        return self


def attacker_key() -> SigningKey:
    return SigningKey(bytes([0xA7]) * 32)
