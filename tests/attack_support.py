"""The laptop's operator as an attacker: a real ``phieukin serve`` process, and its database.

``OperatorLaptop`` runs the meeting server as its own process on 127.0.0.1 (stopped, restarted on
the same folder like a laptop that crashed), and gives the test what an operator who controls
that laptop has: the SQLite file, and the server's signing key in it. ``rewrite_event`` changes
a logged event and re-signs the chain after it with that key — a log that still verifies under
the key every device pinned. ``chair`` and ``public`` are API clients of the running server.
"""

from __future__ import annotations

import copy
import json
import random
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from nacl.signing import SigningKey

from ballot_client.committee import CommitteeMember, MemberFailure
from ballot_client.remote import MeetingClient
from ballot_server.demo import setup_meeting
from tally.aggregate import Aggregate
from tally.ballot import ballot_hash, tracker, verify_ballot
from tally.canonical import canonical_json
from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import RISTRETTO255
from tally.crypto.signatures import sign
from tally.eventlog import SIGNATURE_PURPOSE, LogEntry, event_hash, make_event
from tally.manifest import ElectionContext, Manifest
from tests.process_support import ServerProcess
from tests.server_support import CHAIR_SECRET

BEARER = {"Authorization": f"Bearer {CHAIR_SECRET}"}


class OperatorLaptop:
    """``phieukin serve`` on a meeting folder, in its own process (``tests.process_support``),
    with API clients and the operator's tools; with ``checks=False`` the operator's build without
    the start-up checks of the folder (``tests/operator_server.py``)."""

    def __init__(self, folder: Path, checks: bool = True) -> None:
        self.folder = folder
        module = "ballot_server.cli" if checks else "tests.operator_server"
        self.server = ServerProcess(folder, secret=CHAIR_SECRET, module=module)
        self.url = self.server.base
        self.port = self.server.port
        self.session: aiohttp.ClientSession | None = None
        self.chair_session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self.server.start()
        await self.server.wait_up()

    def stop(self) -> None:
        self.server.stop()

    async def restart(self) -> None:
        """The laptop restarts the server on the same folder (links in memory are lost)."""
        self.stop()
        await self.start()

    @property
    def public(self) -> MeetingClient:
        assert self.session is not None
        return MeetingClient(self.session, self.url)

    @property
    def chair(self) -> MeetingClient:
        assert self.chair_session is not None
        return MeetingClient(self.chair_session, self.url)

    # --- what the operator can do to the database ------------------------------------------------

    def database(self) -> sqlite3.Connection:
        return sqlite3.connect(self.folder / "meeting.db", isolation_level=None, timeout=30)

    def server_key(self) -> SigningKey:
        with self.database() as db:
            (seed,) = db.execute(
                "SELECT value FROM settings WHERE key = 'server_key_seed'"
            ).fetchone()
        return SigningKey(bytes.fromhex(json.loads(seed)))

    def entries(self) -> list[dict[str, Any]]:
        with self.database() as db:
            return [json.loads(r[0]) for r in db.execute("SELECT entry FROM events ORDER BY seq")]

    def find(self, kind: str, number: int) -> int:
        """The position of the event of ``kind`` of round ``number``."""
        for entry in self.entries():
            event = entry["event"]
            if event["type"] == kind and event["body"].get("round") == number:
                return event["seq"]
        raise LookupError(kind)

    def rewrite_event(self, seq: int, change: Callable[[dict[str, Any]], None]) -> None:
        """Change the body of event ``seq`` and re-sign it and every later event with the
        server's own key: the log still verifies from event 0 under the pinned key."""
        entries = self.entries()
        change(entries[seq]["event"]["body"])
        key = self.server_key()
        previous = entries[seq - 1]["hash"]
        db = self.database()
        try:
            db.execute("BEGIN IMMEDIATE")
            for entry in entries[seq:]:
                event = entry["event"]
                event["prev"] = previous
                digest = event_hash(event)
                entry["hash"] = digest.hex()
                entry["signature"] = sign(key, SIGNATURE_PURPOSE, digest).hex()
                previous = digest.hex()
                db.execute(
                    "UPDATE events SET entry = ? WHERE seq = ?",
                    [canonical_json(entry).decode("utf-8"), event["seq"]],
                )
            db.execute("COMMIT")
        finally:
            db.close()

    def execute(self, sql: str, parameters: list[Any]) -> None:
        with self.database() as db:
            db.execute(sql, parameters)

    def rewrite_share(self, number: int, sender: int, change: Callable[[dict], None]) -> None:
        """Change member ``sender``'s relayed shares message in the database (its signature
        kept): what a relay that rewrites a share in transit serves."""
        with self.database() as db:
            (text,) = db.execute(
                "SELECT message FROM committee_messages "
                "WHERE round = ? AND trustee = ? AND type = 'shares'",
                [number, sender],
            ).fetchone()
            message = json.loads(text)
            change(message)
            db.execute(
                "UPDATE committee_messages SET message = ? "
                "WHERE round = ? AND trustee = ? AND type = 'shares'",
                [json.dumps(message), number, sender],
            )

    def stuff_ballot(self, number: int, ballot: dict[str, Any]) -> None:
        """While voting is open: store ``ballot`` as accepted, spend its token and log it with
        the server's key — signed, for want of the card's own key, by another key."""
        text = canonical_json(ballot)
        name = tracker(ballot).hex()
        stranger = SigningKey.generate()
        body = {
            "round": number,
            "tracker": name,
            "token_hash": ballot["token_hash"],
            "ballot_hash": ballot_hash(text).hex(),
            "token_key": stranger.verify_key.encode().hex(),
            "signature": sign(stranger, "ballot", bytes.fromhex(name)).hex(),
        }
        last = self.entries()[-1]
        previous = LogEntry(
            last["event"], bytes.fromhex(last["hash"]), bytes.fromhex(last["signature"])
        )
        entry = make_event(previous, "ballot-accepted", body, self.server_key())
        db = self.database()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO events (seq, entry) VALUES (?, ?)",
                [entry.event["seq"], canonical_json(entry.to_json()).decode("utf-8")],
            )
            db.execute(
                "INSERT INTO ballots (round, tracker, token_hash, ballot) VALUES (?, ?, ?, ?)",
                [number, name, ballot["token_hash"], text.decode("utf-8")],
            )
            db.execute(
                "UPDATE tokens SET state = 'spent' WHERE round = ? AND token_hash = ?",
                [number, ballot["token_hash"]],
            )
            db.execute("COMMIT")
        finally:
            db.close()

    def add_round_outside_the_log(self, source: int, number: int) -> None:
        """A round ``number`` "with the keys of round ``source``" in the database only — one of
        ``source``'s ballots in it, its committee's links copied — that /api/status names once the
        server restarts, and that the signed log never mentions."""
        with self.database() as db:
            manifest, election = db.execute(
                "SELECT manifest, election FROM rounds WHERE number = ?", [source]
            ).fetchone()
            forged = json.loads(manifest) | {"round": number}
            reused = json.loads(election) | {"manifest_hash": Manifest.from_json(forged).hash.hex()}
            db.execute(
                "INSERT INTO rounds (number, phase, manifest, election, subjects) "
                "VALUES (?, 'closed', ?, ?, '{}')",
                [number, json.dumps(forged), json.dumps(reused)],
            )
            db.execute(
                "INSERT INTO committee (round, trustee, credential_hash, confirmed, signing_key) "
                "SELECT ?, trustee, credential_hash, 1, signing_key FROM committee WHERE round = ?",
                [number, source],
            )
            db.execute(
                "INSERT INTO ballots (round, tracker, token_hash, ballot) "
                "SELECT ?, tracker, token_hash, ballot FROM ballots WHERE round = ? LIMIT 1",
                [number, source],
            )


@asynccontextmanager
async def server_process(folder: Path, checks: bool = True) -> AsyncIterator[OperatorLaptop]:
    server = OperatorLaptop(folder, checks)
    async with (
        aiohttp.ClientSession() as session,
        aiohttp.ClientSession(headers=BEARER) as chair_session,
    ):
        server.session, server.chair_session = session, chair_session
        try:
            await server.start()
            yield server
        finally:
            server.stop()


async def chair_starts(
    server: OperatorLaptop, voters: int = 6, rated: int = 3, seed: int = 1
) -> tuple[int, dict[int, str]]:
    """The chair's setup through the API up to a round in its ceremony: (round, credentials)."""
    number, credentials, _ = await setup_meeting(server.chair, voters, rated, random.Random(seed))
    return number, credentials


async def vote(server: OperatorLaptop, number: int, ballots: int, seed: int = 3) -> list[str]:
    """Tokens for everyone present, voting opened, ``ballots`` of them cast; the tokens."""
    chair, public = server.chair, server.public
    tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
    await chair.post(f"/api/chair/rounds/{number}/open", {})
    context = await public.election(number)
    rng = random.Random(seed)
    for token in tokens[:ballots]:
        await public.vote(number, token, [rng.randrange(4) for _ in context.manifest.questions])
    return tokens


class CorruptingMember(CommitteeMember):
    """A member whose device sends member 1 a share that does not decrypt (signed all the same),
    and, if ``lie``, reveals a wrong value when member 1 complains."""

    lie = False

    def _sign(self, kind, body):
        body = copy.deepcopy(body)
        if kind == "shares":
            body["shares"][0]["ciphertext"] = "00" * 48
        if kind == "reveal" and self.lie:
            body["value"] = RISTRETTO255.scalar_to_hex(12345)
        return super()._sign(kind, body)


async def step_all(members: list[CommitteeMember]) -> list[str]:
    """One step of every member, in turn: each one's state, or the reason it stopped."""
    states = []
    for member in members:
        try:
            states.append(await member.step())
        except MemberFailure as failure:
            states.append(failure.reason)
    return states


def doubled_aggregate(context: ElectionContext, ballot: dict) -> dict:
    """2·ballot, said to be the sum of one ballot: one decryption would reveal that ballot."""
    rows = tuple(
        tuple(
            Ciphertext(RISTRETTO255.add(c.alpha, c.alpha), RISTRETTO255.add(c.beta, c.beta))
            for c in row
        )
        for row in verify_ballot(context, ballot).ciphertexts
    )
    return Aggregate(rows, 1).to_json(context)
