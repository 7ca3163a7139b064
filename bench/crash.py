"""Crash safety: SIGKILL the meeting server while ballots are in flight; nothing may be lost.

    .venv/bin/python bench/crash.py --voters 200 --rated 30 --kills 5 [--seed 7]

A real ``phieukin serve`` process runs a meeting set up through the chair's API; simulated
voters (at most ``--concurrency`` at a time) encrypt their ballots and submit them with the
Python client. At ``--kills`` random moments while ballots are in flight the server and its
proof-checking workers are killed with SIGKILL and the server is restarted on the same folder,
port and chair passphrase. A voter whose request failed resends the very same ballot until it
has a receipt (the server answers 201 the first time and 200 with the same receipt again).
Then the chair closes voting, two of the three committee members (kept in this process across
the restarts) decrypt the tally and sign the minute, the record is exported and verified as an
inspector would. One JSON object is printed:

    {"receipts": n, "in_record": n, "lost": 0, "duplicates": 0, "verify": "ok", "kills": 5, …}

``lost`` counts receipts whose tracker is not in the record, ``duplicates`` trackers or tokens
that appear twice. Exit status 0 only if nothing was lost, nothing is duplicated, every voter
has a receipt, the decrypted counts match the simulated choices and the record verifies.
Every wait is bounded (``--time-limit``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _meeting
import aiohttp
from _meeting import Meeting, MeetingClient, ServerProcess

from audit.record import load_record
from audit.verify import verify_record
from ballot_server.export import write_record
from tally.ballot import make_ballot, tracker
from tally.canonical import canonical_json
from tally.crypto.nonces import system_nonce
from tally.submission import make_submission
from tally.token import token_hash

RESEND_PAUSE = 0.1  # seconds between resends while the server is down
RESEND_STATUSES = (503, 507)  # "nothing was saved, send again" (store busy, disk full)
REQUEST_SECONDS = 60.0  # one submission; a killed server resets the connection long before


@dataclass
class Tally:
    """What the voters saw."""

    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> receipt
    statuses: Counter = field(default_factory=Counter)  # 201 / 200 answers
    resent: int = 0  # voters who had to resend at least once
    failures: int = 0  # failed sends (connection lost, server down)
    errors: list[str] = field(default_factory=list)  # any refusal: never expected
    told_to_resend: Counter = field(default_factory=Counter)  # 503/507 messages, by text


async def submit_until_receipt(
    session: aiohttp.ClientSession, url: str, body: bytes, deadline: float, tally: Tally
) -> dict[str, Any] | None:
    """Send ``body`` (one encrypted ballot) until the server answers; resend the same bytes
    after any lost connection, and after an answer saying nothing was saved (503, 507), as the
    phone's "send again" does. Returns the receipt, or None after a refusal or the deadline."""
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        try:
            async with session.post(
                url, data=body, headers={"Content-Type": "application/json"}
            ) as response:
                answer = await response.json(content_type=None)
                if response.status in (200, 201):
                    tally.statuses[response.status] += 1
                    if attempts > 1:
                        tally.resent += 1
                    return answer
                if response.status in RESEND_STATUSES:
                    tally.told_to_resend[answer.get("message_en", "")] += 1
                    await asyncio.sleep(RESEND_PAUSE)
                    continue
                tally.errors.append(f"{response.status} {answer.get('error')} (try {attempts})")
                return None
        except (aiohttp.ClientError, TimeoutError, json.JSONDecodeError):
            tally.failures += 1
            await asyncio.sleep(RESEND_PAUSE)
    tally.errors.append("no receipt before the deadline")
    return None


async def vote_all(
    server: ServerProcess,
    public: MeetingClient,
    meeting: Meeting,
    choices: list[list[int]],
    concurrency: int,
    kills: int,
    rng: random.Random,
    deadline: float,
) -> tuple[Tally, int]:
    """Every voter submits while the killer strikes; returns what the voters saw and the
    number of kills made."""
    tally = Tally()
    limit = asyncio.Semaphore(concurrency)
    url = f"{server.base}/api/rounds/{meeting.number}/ballots"
    total = len(meeting.tokens)

    async def voter(index: int, token: str, choice: list[int]) -> None:
        async with limit, _meeting.phone_session(index) as phone:
            ballot = make_ballot(meeting.context, token_hash(token), choice, system_nonce)
            body = canonical_json(make_submission(token, ballot))
            receipt = await submit_until_receipt(phone, url, body, deadline, tally)
            if receipt is not None:
                tally.receipts[token] = receipt

    # kill points: after a random number of receipts within the first two thirds (so ballots
    # are still in flight however fast the server is), plus a random few milliseconds, so the
    # kill lands while other ballots are being checked, stored or answered
    last = max(kills + 1, (2 * total) // 3)
    targets = sorted(rng.sample(range(1, last), kills))
    made = 0

    async def killer() -> None:
        nonlocal made
        for target in targets:
            while len(tally.receipts) < target and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            await asyncio.sleep(rng.uniform(0.0, 0.05))
            if len(tally.receipts) >= total or time.monotonic() >= deadline:
                return
            server.kill()
            made += 1
            server.start()
            await server.wait_up(public, max(1.0, min(60.0, deadline - time.monotonic())))

    voters = [
        voter(i, t, c) for i, (t, c) in enumerate(zip(meeting.tokens, choices, strict=True))
    ]
    await asyncio.gather(killer(), *voters)
    return tally, made


def check_record(path: Path, number: int, tally: Tally) -> tuple[dict[str, Any], list[str]]:
    """Compare the receipts with the exported record and verify it."""
    record = load_record(path)
    report = verify_record(record)
    ballots = record.ballots.get(number, [])
    trackers = [tracker(b).hex() for b in ballots]
    tokens = [b.get("token_hash") for b in ballots]
    accepted = [
        e["event"]["body"]
        for e in record.events
        if e["event"]["type"] == "ballot-accepted" and e["event"]["body"]["round"] == number
    ]
    receipt_trackers = {r["tracker"] for r in tally.receipts.values()}
    in_record = set(trackers)
    duplicates = (
        (len(trackers) - len(set(trackers)))
        + (len(tokens) - len(set(tokens)))
        + (len(accepted) - len({a["tracker"] for a in accepted}))
        + (len(accepted) - len({a["token_hash"] for a in accepted}))
    )
    result = {
        "receipts": len(tally.receipts),
        "in_record": len(receipt_trackers & in_record),
        "lost": len(receipt_trackers - in_record),
        "duplicates": duplicates,
        "verify": "ok" if report.passed else "failed",
        "record_ballots": len(ballots),
        "accepted_events": len(accepted),
        "unreceipted_in_record": len(in_record - receipt_trackers),
    }
    problems = [f"{f.check}: {f.subject} {f.detail}" for f in report.failures][:10]
    return result, problems


async def play(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    rng = random.Random(args.seed)
    started = time.monotonic()
    deadline = started + args.time_limit
    server = ServerProcess(folder)
    timeout = aiohttp.ClientTimeout(total=REQUEST_SECONDS, connect=5)
    connector = aiohttp.TCPConnector(limit=args.concurrency + 4)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout, connector=connector) as session,
            _meeting.chair_session(server.secret) as chair_session,
        ):
            public = MeetingClient(session, server.base)
            chair = MeetingClient(chair_session, server.base)
            server.start()
            await server.wait_up(public)
            meeting = await _meeting.open_meeting(public, chair, args.voters, args.rated, args.seed)
            choices = [
                [
                    rng.choices(range(4), weights=(3, 10, 3, 1))[0]
                    for _ in meeting.context.manifest.questions
                ]
                for _ in meeting.tokens
            ]
            tally, kills = await vote_all(
                server, public, meeting, choices, args.concurrency, args.kills, rng, deadline
            )
            voting_seconds = time.monotonic() - started
            budget = max(5.0, deadline - time.monotonic())
            await server.wait_up(public, budget)
            closed, counts = await _meeting.retry(
                lambda: _meeting.close_and_count(public, chair, meeting), budget
            )
            digest = await _meeting.make_minute(public, chair, meeting)
            expected = _meeting.expected_counts(
                meeting.context,
                [c for t, c in zip(meeting.tokens, choices, strict=True) if t in tally.receipts],
            )
    finally:
        server.stop()
    path = write_record(folder)
    result, problems = check_record(path, meeting.number, tally)
    result.update(
        kills=kills,
        seconds=round(time.monotonic() - started, 1),
        voting_seconds=round(voting_seconds, 1),
        voters=len(meeting.tokens),
        rated=len(meeting.context.manifest.questions),
        seed=args.seed,
        concurrency=args.concurrency,
        answers_201=tally.statuses[201],
        answers_200_same_receipt=tally.statuses[200],
        voters_who_resent=tally.resent,
        failed_sends=tally.failures,
        refused=len(tally.errors),
        closed_ballots=closed.get("ballots"),
        counts_match=counts == expected,
        minute=digest[:16],
        server_starts=server.starts,
    )
    if tally.errors:
        result["errors"] = tally.errors[:10]
    if problems:
        result["verify_failures"] = problems
    return result


def passed(result: dict[str, Any]) -> bool:
    return (
        result["lost"] == 0
        and result["duplicates"] == 0
        and result["verify"] == "ok"
        and result["receipts"] == result["voters"]
        and result["record_ballots"] == result["receipts"]
        and result["closed_ballots"] == result["receipts"]
        and result["counts_match"]
        and result["refused"] == 0
    )


def run_crash(
    voters: int = 200,
    rated: int = 30,
    kills: int = 5,
    seed: int | None = None,
    concurrency: int = 16,
    time_limit: float = 900.0,
    folder: Path | None = None,
) -> dict[str, Any]:
    """Run the crash benchmark and return its JSON object (``ok`` says whether it passed)."""
    args = argparse.Namespace(
        voters=voters,
        rated=rated,
        kills=kills,
        seed=random.randrange(1 << 30) if seed is None else seed,
        concurrency=concurrency,
        time_limit=time_limit,
    )
    temporary = None
    if folder is None:
        temporary = tempfile.mkdtemp(prefix="phieukin-crash-")
        folder = Path(temporary)
    try:
        result = asyncio.run(asyncio.wait_for(play(args, folder), time_limit + 120))
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    result["ok"] = passed(result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--rated", type=int, default=30)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--concurrency", type=int, default=16, help="voters sending at once")
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds for voting")
    parser.add_argument("--dir", type=Path, default=None, help="keep the meeting in this folder")
    args = parser.parse_args(argv)
    if args.dir is not None and args.dir.exists() and any(args.dir.iterdir()):
        parser.error(f"{args.dir} is not empty")
    result = run_crash(
        args.voters, args.rated, args.kills, args.seed, args.concurrency, args.time_limit, args.dir
    )
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
