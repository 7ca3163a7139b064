"""One small meeting played against a real ``phieukin serve`` process, phase by phase, with a
fault injected at a chosen phase (for bench/faults.py).

The phases: ceremony, tokens issued, open, mid-voting, close, decryption, minute, co-signing,
end (after the last signature); export is bench/faults.py's. A ``Fault`` acts either right after
the phase's first request was answered (every request of the chair, the committee and the
voters goes through a ``TripwireClient``), or at the start of the phase (``before``); at
mid-voting, once half of the receipts are in while other ballots are in flight. The usual
action is ``kill_and_restart``: SIGKILL of the server and its workers, the row's damage to the
folder (with its checks), and a restart on the same folder and port. The people in the room
then carry on as they would: voters resend the same ballot until they have a receipt (also when
told "nothing was saved, send again"), the committee and the chair repeat the step that failed.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import _meeting
import aiohttp
import crash
from _meeting import MeetingClient, ServerError, ServerProcess

from ballot_client.committee import CommitteeMember, MemoryKeeper
from ballot_client.remote import CREDENTIAL_HEADER
from ballot_client.simulated import decrypt_round, run_ceremony
from ballot_server.demo import setup_meeting
from tally.ballot import make_ballot
from tally.canonical import canonical_json
from tally.crypto.nonces import system_nonce
from tally.submission import make_submission
from tally.token import token_hash

T = TypeVar("T")
PHASES = (
    "ceremony",
    "tokens issued",
    "open",
    "mid-voting",
    "close",
    "decryption",
    "minute",
    "co-signing",
    "end",
    "export",
)
# the request after whose answer the server is killed, per phase
TRIGGERS = {
    "ceremony": r"/ceremony/announcement$",
    "tokens issued": r"^/api/chair/rounds/\d+/tokens$",
    "open": r"^/api/chair/rounds/\d+/open$",
    "close": r"^/api/chair/rounds/\d+/close$",
    "decryption": r"/decryption$",
    "minute": r"^/api/chair/minute$",
    "co-signing": r"^/api/minute/signatures$",
}
RETRY_PAUSE = 0.2
RESEND = (503, 507)

Action = Callable[["MeetingRun"], Awaitable[None]]


@dataclass(frozen=True)
class Fault:
    """What happens to the meeting, and when."""

    phase: str
    action: Action
    before: bool = False  # at the start of the phase, not after its first answered request


async def kill_and_restart(run: MeetingRun, damage: Action | None = None) -> None:
    """Kill the server now (a crash, a power cut), let ``damage`` break what it breaks (and undo
    it), and start the server again on the same folder."""
    run.server.kill()
    run.kills += 1
    if damage is not None:
        await damage(run)
    await run.start()
    await run.check_after_restart()


class TripwireClient(MeetingClient):
    """A ``MeetingClient`` that tells the run about every answered request."""

    def __init__(self, session: aiohttp.ClientSession, base: str, run: MeetingRun) -> None:
        super().__init__(session, base)
        self.run = run

    async def post(self, path: str, payload: Any, **kwargs: Any) -> Any:
        answer = await super().post(path, payload, **kwargs)
        await self.run.answered(path)
        return answer


@dataclass
class MeetingRun:
    """The meeting of one fault row: who holds what (tokens, committee keys, receipts) and what
    the people were told along the way."""

    folder: Path
    voters: int
    rated: int
    seed: int
    deadline: float
    fault: Fault | None = None
    server: ServerProcess = field(init=False)
    messages: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)
    choices: dict[str, list[int]] = field(default_factory=dict)
    kills: int = 0
    refusal: Any = None  # how the server met the row's broken folder (fault_checks.Refusal)
    cleanups: list[Callable[[], object]] = field(default_factory=list)
    background: list[asyncio.Future] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server = ServerProcess(self.folder)
        self.rng = random.Random(self.seed)
        self._armed = self.fault
        self.members: dict[int, CommitteeMember] = {}
        self.credentials: dict[int, str] = {}
        self.tokens: list[str] = []
        self.reissued = False  # the chair re-issued every card after a restart
        self.number = 0
        self.context: Any = None
        self.digest = ""

    # --- faults ----------------------------------------------------------------------------------

    def note(self, message: str) -> None:
        if message and message not in self.messages:
            self.messages.append(message)

    async def answered(self, path: str) -> None:
        """After each answered request: act if this is the armed phase's first request."""
        armed = self._armed
        if armed and not armed.before and re.search(TRIGGERS.get(armed.phase, "^$"), path):
            await self.strike()

    async def strike(self, phase: str | None = None) -> None:
        """The fault acts now (once); ``phase``: only if it is armed for that phase."""
        armed = self._armed
        if armed is None or (phase is not None and armed.phase != phase):
            return
        self._armed = None
        await armed.action(self)

    async def start(self) -> None:
        self.server.start()
        await self.server.wait_up(self.public, max(5.0, min(60.0, self.seconds_left())))

    def seconds_left(self) -> float:
        return self.deadline - time.monotonic()

    async def again(self, step: Callable[[], Awaitable[T]]) -> T:
        """Run a step of a person in the room until it goes through: after a lost connection
        (the server restarting) or an answer saying nothing was saved, the same step again."""
        while True:
            try:
                return await step()
            except (aiohttp.ClientConnectionError, TimeoutError):
                if self.seconds_left() < 0:
                    raise
            except ServerError as error:
                if error.status not in RESEND or self.seconds_left() < 0:
                    raise
                self.note(error.message)
            await asyncio.sleep(RETRY_PAUSE)

    # --- the meeting -----------------------------------------------------------------------------

    async def play(self, until: str = "end") -> None:
        """The whole meeting up to (and including) phase ``until``; the server is left running."""
        timeout = aiohttp.ClientTimeout(total=60, connect=5)
        async with (
            aiohttp.ClientSession(timeout=timeout) as public_session,
            _meeting.chair_session(self.server.secret, 60) as chair_session,
        ):
            self.public = TripwireClient(public_session, self.server.base, self)
            self.chair = TripwireClient(chair_session, self.server.base, self)
            await self.start()
            for phase in ("setup", *PHASES[: PHASES.index(until) + 1]):
                if self._armed and self._armed.before:
                    await self.strike(phase)
                if phase == "end":
                    await self.strike("end")
                    break
                await getattr(self, "phase_" + phase.replace(" ", "_").replace("-", "_"))()
            await asyncio.gather(*self.background)

    async def phase_setup(self) -> None:
        self.number, self.credentials, _ = await setup_meeting(
            self.chair, self.voters, self.rated, self.rng
        )
        self.members = {
            i: CommitteeMember(self.public, credential, self.number, MemoryKeeper())
            for i, credential in sorted(self.credentials.items())
        }

    async def phase_ceremony(self) -> None:
        members = list(self.members.values())
        self.context = await self.again(lambda: run_ceremony(self.public, self.number, members))

    async def check_after_restart(self) -> None:
        """What the chair needs next must have survived the restart: the cards to print once
        tokens are issued. The committee links were only in memory: a member whose device has
        not claimed theirs yet gets a new one, which the chair re-issues (the old one stops)."""
        state = await self.again(lambda: self.chair.get("/api/chair/state"))
        rounds = [r for r in state["rounds"] if r["round"] == self.number]
        if not rounds:
            return
        current = rounds[0]
        if current["phase"] == "ceremony":
            for link in current.get("committee") or []:
                if not link.get("url") and not link.get("claimed"):
                    await self.reissue(link["index"])
        issued = current["tokens"]["issued"]
        if current["phase"] == "ready" and issued:
            await self.check_print_sheet(issued)

    async def reissue(self, index: int) -> None:
        path = f"/api/chair/rounds/{self.number}/committee/{index}/link"
        link = await self.again(lambda: self.chair.post(path, {}))
        if not link.get("url"):
            self.stuck.append(f"after the restart the chair cannot re-issue link {index}")
            return
        credential = link["url"].split("#c=")[1].split("&")[0]
        self.credentials[index] = credential
        self.members[index].headers = {CREDENTIAL_HEADER: credential}

    async def phase_tokens_issued(self) -> None:
        issued = await self.again(
            lambda: self.chair.post(f"/api/chair/rounds/{self.number}/tokens", {})
        )
        if not self.reissued:  # else the cards of that answer were cancelled after the restart
            self.take_tokens(issued["tokens"])

    def take_tokens(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.choices = {t: [self.rng.randrange(4) for _ in range(self.rated)] for t in tokens}

    async def check_print_sheet(self, issued: int) -> None:
        """After a restart with tokens issued and not yet printed: can the chair print them?
        A restart forgets the plaintext tokens, so the sheet is empty; the chair then does what
        the page tells them — re-issue every card (the old ones cancelled, logged) — and prints
        the new sheet, which must hold every new card. Stuck if either fails."""
        path = f"/chair/rounds/{self.number}/tokens/print"

        async def sheet() -> str:
            async with self.chair.session.get(self.server.base + path) as response:
                return await response.text()

        cards = (await self.again(sheet)).count('class="token-card')
        if cards >= issued:
            return
        reissue = f"/api/chair/rounds/{self.number}/tokens/reissue"
        try:
            answer = await self.again(lambda: self.chair.post(reissue, {}))
        except ServerError as error:
            self.stuck.append(
                f"after the restart the print sheet has {cards} of {issued} cards and "
                f"re-issuing was refused: {error.message}"
            )
            return
        self.reissued = True
        self.take_tokens(answer["tokens"])
        self.note(
            f"after the restart the chair re-issued every card ({answer['cancelled']} cancelled, "
            f"{len(self.tokens)} new)"
        )
        cards = (await self.again(sheet)).count('class="token-card')
        if cards < len(self.tokens):
            self.stuck.append(
                f"after re-issuing the print sheet has {cards} of {len(self.tokens)} cards"
            )

    async def phase_open(self) -> None:
        await self.again(lambda: self.chair.post(f"/api/chair/rounds/{self.number}/open", {}))

    async def phase_mid_voting(self) -> None:
        """Every voter sends (a few at a time); with the fault armed here, the server is struck
        once half of the receipts are in, while other ballots are in flight."""
        self.context = self.context or await self.public.election(self.number)
        tally = crash.Tally()
        url = f"{self.server.base}/api/rounds/{self.number}/ballots"
        limit = asyncio.Semaphore(4)

        async def voter(index: int, token: str) -> None:
            async with limit, _meeting.phone_session(index) as phone:
                ballot = make_ballot(
                    self.context, token_hash(token), self.choices[token], system_nonce
                )
                body = canonical_json(make_submission(token, ballot))
                receipt = await crash.submit_until_receipt(phone, url, body, self.deadline, tally)
                if receipt is not None:
                    self.receipts[token] = receipt

        async def striker() -> None:
            armed = self._armed
            if armed is None or armed.phase != "mid-voting" or armed.before:
                return
            half = max(1, len(self.tokens) // 2)
            while len(self.receipts) < half and self.seconds_left() > 0:
                await asyncio.sleep(0.01)
            await self.strike("mid-voting")

        await asyncio.gather(striker(), *(voter(i, t) for i, t in enumerate(self.tokens)))
        for message in tally.told_to_resend:
            self.note(message)
        for error in tally.errors:
            self.stuck.append(f"a voter was refused: {error}")

    async def phase_close(self) -> None:
        await self.again(
            lambda: self.chair.post(f"/api/chair/rounds/{self.number}/close", {"confirm": True})
        )

    async def phase_decryption(self) -> None:
        for index in (min(self.members), max(self.members)):
            member = self.members[index]
            await self.again(lambda m=member: decrypt_round(self.public, self.number, [m]))

    async def phase_minute(self) -> None:
        made = await self.again(lambda: self.chair.post("/api/chair/minute", {}))
        self.digest = made["digest"]

    async def phase_co_signing(self) -> None:
        """Each member's device checks the minute against the log, then co-signs it."""
        for _, member in sorted(self.members.items()):

            async def sign(m: CommitteeMember = member) -> None:
                await m.sign_minute(await self.public.get("/api/minute"))

            await self.again(sign)

    def expected_counts(self) -> dict[str, list[int]]:
        """The counts the receipted ballots must give."""
        received = [self.choices[t] for t in self.receipts]
        return _meeting.expected_counts(self.context, received)
