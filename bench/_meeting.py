"""Shared helpers of the crash and load benchmarks: a real ``phieukin serve`` process on
127.0.0.1 and a meeting set up through the chair's API with a simulated committee.

The server is started, set up and finished with the demo's own functions
(``ballot_server.demo``) and the Python clients (``ballot_client.remote``), so the benchmarks
exercise exactly the paths the phones, the committee page and the chair's laptop use.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from ballot_client.committee import CommitteeMember  # noqa: E402
from ballot_client.remote import MeetingClient, ServerError  # noqa: E402
from ballot_client.simulated import decrypt_round, run_committee, sign_minute  # noqa: E402
from ballot_server.demo import free_port, setup_meeting, start_server, wait_until_up  # noqa: E402
from ballot_server.serve import chair_secret  # noqa: E402
from tally.manifest import ElectionContext  # noqa: E402

START_SECONDS = 60.0  # a (re)started server must answer within this


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (the proof-checking workers and their helpers)."""
    found: list[int] = []
    queue = [pid]
    while queue:
        parent = queue.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as handle:
                    children = [int(c) for c in handle.read().split()]
            except OSError:
                continue
            found.extend(children)
            queue.extend(children)
    return found


def peak_memory_kib(pid: int) -> int:
    """The process's peak resident set (``VmHWM`` of /proc/<pid>/status) in KiB; 0 if gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, seconds) the process has used so far; 0 if gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerProcess:
    """``phieukin serve`` for one meeting folder on a fixed port, restartable after a kill.

    The chair passphrase and the port stay the same across restarts, as they would when the
    chair restarts the laptop's server. The output is drained in a thread (a full pipe would
    stall the server) and its tail kept for error messages.
    """

    def __init__(self, folder: Path, port: int | None = None, secret: str | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.secret = secret or chair_secret()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.output: deque[str] = deque(maxlen=40)
        self.starts = 0

    def start(self) -> subprocess.Popen:
        self.process = start_server(
            self.folder, "127.0.0.1", self.port, self.secret, output=subprocess.PIPE
        )
        self.starts += 1
        threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()
        return self.process

    def _drain(self, process: subprocess.Popen) -> None:
        if process.stdout is None:
            return
        for line in process.stdout:
            self.output.append(line.rstrip())

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def wait_up(self, client: MeetingClient, seconds: float = START_SECONDS) -> None:
        assert self.process is not None
        await wait_until_up(client, self.process, seconds)

    def peak_memory(self) -> dict[str, int]:
        """Peak resident memory (KiB) of the server process and of all its children."""
        server = peak_memory_kib(self.pid)
        children = [peak_memory_kib(p) for p in descendants(self.pid)]
        return {
            "server_kib": server,
            "workers_kib": sum(children),
            "worker_processes": len(children),
            "total_kib": server + sum(children),
        }

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by the server process (its event loop) and its workers."""
        return {
            "server": cpu_seconds(self.pid),
            "workers": sum(cpu_seconds(p) for p in descendants(self.pid)),
        }

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, as a crash or power cut would."""
        if self.process is None or self.process.poll() is not None:
            return
        children = descendants(self.pid)
        self.process.send_signal(signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """A normal shutdown (SIGTERM), then SIGKILL if it does not stop in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self) -> str:
        return "\n".join(self.output)


@dataclass
class Meeting:
    """An open round: its number, election, committee (credentials and trustees) and tokens.

    Kept in the benchmark process, so the committee can still decrypt after any restart."""

    number: int
    context: ElectionContext
    trustees: list[CommitteeMember]
    credentials: dict[int, str]
    tokens: list[str]
    state: dict[str, Any] = field(default_factory=dict)


def phone_address(index: int) -> str:
    """A distinct loopback source address for simulated phone ``index`` (127.0.x.y; the whole
    of 127/8 is this machine on Linux): on a meeting's Wi-Fi every phone has its own address,
    and the server's limits are per address."""
    return f"127.0.{1 + index // 250}.{2 + index % 250}"


def phone_session(index: int, seconds: float = 120) -> aiohttp.ClientSession:
    """An HTTP session of one simulated phone, from its own source address."""
    connector = aiohttp.TCPConnector(local_addr=(phone_address(index), 0), limit=4)
    return aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=seconds)
    )


def chair_session(secret: str, seconds: float = 120) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=seconds),
        headers={"Authorization": f"Bearer {secret}"},
    )


async def open_meeting(
    public: MeetingClient, chair: MeetingClient, voters: int, rated: int, seed: int = 2026
) -> Meeting:
    """The chair sets up the meeting (roster, attendance, rated, committee), the simulated
    committee makes the key, one token per voter present is issued, voting is opened."""
    rng = random.Random(seed)
    number, credentials, state = await setup_meeting(chair, voters, rated, rng)
    trustees, context = await run_committee(public, number, credentials)
    issued = await chair.post(f"/api/chair/rounds/{number}/tokens", {})
    await chair.post(f"/api/chair/rounds/{number}/open", {})
    return Meeting(number, context, trustees, credentials, issued["tokens"], state)


async def close_and_count(
    public: MeetingClient, chair: MeetingClient, meeting: Meeting
) -> tuple[dict[str, Any], dict[str, list[int]] | None]:
    """Close voting (chair), then two of the three committee members decrypt the tally."""
    closed = await chair.post(f"/api/chair/rounds/{meeting.number}/close", {"confirm": True})
    trustees = [meeting.trustees[0], meeting.trustees[-1]]
    counts = await decrypt_round(public, meeting.number, trustees)
    return closed, counts


async def make_minute(public: MeetingClient, chair: MeetingClient, meeting: Meeting) -> str:
    """The chair makes the minute; the committee members check and sign it. Returns the
    digest."""
    made = await chair.post("/api/chair/minute", {})
    await sign_minute(public, meeting.trustees)
    return made["digest"]


def expected_counts(context: ElectionContext, choices: list[list[int]]) -> dict[str, list[int]]:
    questions = context.manifest.questions
    return {
        q.id: [sum(1 for c in choices if c[i] == o) for o in range(len(q.options))]
        for i, q in enumerate(questions)
    }


def run_in_temporary_folder(prefix: str, play: Any, *args: Any, seconds: float = 1800) -> Any:
    """``asyncio.run(play(*args, folder))`` in a fresh temporary folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return asyncio.run(asyncio.wait_for(play(*args, folder), seconds))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


async def retry(coroutine_factory, seconds: float, pause: float = 0.2):
    """Call ``coroutine_factory()`` until it returns without a connection error (the server is
    restarting), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return await coroutine_factory()
        except (aiohttp.ClientConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(pause)


__all__ = [
    "Meeting",
    "ServerError",
    "ServerProcess",
    "chair_session",
    "close_and_count",
    "cpu_seconds",
    "descendants",
    "expected_counts",
    "make_minute",
    "open_meeting",
    "peak_memory_kib",
    "percentile",
    "retry",
]
