"""Crash safety, end to end: bench/crash.py in small (30 voters, 5 rated, 2 SIGKILLs).

A real server process is killed with SIGKILL twice while ballots are in flight and restarted on
the same folder; every voter resends the same ballot until it has a receipt. Nothing may be lost
or stored twice, the decrypted counts must match the simulated choices, and the exported record
must pass the independent verifier.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.live


def test_sigkill_while_voting_loses_nothing(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    command = [
        sys.executable,
        str(ROOT / "bench" / "crash.py"),
        *("--voters", "30", "--rated", "5", "--kills", "2"),
        *("--seed", str(seed), "--time-limit", "60", "--dir", str(tmp_path / "meeting")),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert done.stdout.strip(), f"seed {seed}: no output\n{done.stderr[-3000:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    context = f"seed {seed}: {result}"
    assert result["kills"] == 2, context
    assert result["receipts"] == result["voters"] == 30, context
    assert result["in_record"] == 30 and result["record_ballots"] == 30, context
    assert result["lost"] == 0 and result["duplicates"] == 0, context
    assert result["refused"] == 0, context
    assert result["closed_ballots"] == 30 and result["counts_match"], context
    assert result["verify"] == "ok", context
    assert result["ok"] and done.returncode == 0, context


def test_workers_exit_when_the_server_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL of the server process alone (not its children) must not leave its proof-checking
    workers running: after a crash and a restart they would linger on the chair's laptop."""
    # bench/ on the path for this test only: its scripts' names (bench/report.py) would shadow
    # the packages of the same name in the processes later tests spawn
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import aiohttp
    from _meeting import MeetingClient, ServerProcess, chair_session, descendants, open_meeting

    from tally.ballot import make_ballot
    from tally.crypto.nonces import system_nonce
    from tally.token import token_hash

    server = ServerProcess(tmp_path / "meeting")

    async def vote_once() -> list[int]:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session,
            chair_session(server.secret, 60) as chair_http,
        ):
            public = MeetingClient(session, server.base)
            await server.wait_up(public)
            meeting = await open_meeting(public, MeetingClient(chair_http, server.base), 3, 1)
            token = meeting.tokens[0]
            ballot = make_ballot(meeting.context, token_hash(token), [1], system_nonce)
            await public.submit(meeting.number, token, ballot)  # the workers now exist
        return descendants(server.pid)

    server.start()
    workers: list[int] = []
    try:
        workers = asyncio.run(asyncio.wait_for(vote_once(), 90))
        assert workers
        server.process.send_signal(signal.SIGKILL)  # the server only, as a crash would
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 15
        alive = workers
        while alive and time.monotonic() < deadline:
            alive = [pid for pid in workers if _running(pid)]
            time.sleep(0.1)
        assert not alive, f"workers {alive} outlived the killed server"
    finally:
        server.kill()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
