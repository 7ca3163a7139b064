"""A real ``phieukin serve`` process for attack tests, and clients from chosen source addresses.

The server runs exactly as on the laptop (its own process, its proof-checking workers, the
listener with its per-address cap), on 127.0.0.1 and a free port; the chair passphrase goes
through the environment. The whole of 127/8 is this machine on Linux, so a client bound to
127.0.0.2 is "another phone" to the server's per-address limits.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from ballot_client.remote import MeetingClient
from ballot_client.simulated import run_committee
from ballot_server.demo import free_port, setup_meeting
from ballot_server.passphrase import ENVIRONMENT_VARIABLE

ROOT = Path(__file__).resolve().parent.parent
SECRET = "attack-tests chair passphrase"
START_SECONDS = 60


def session_from(address: str = "127.0.0.1", seconds: float = 60, **kwargs: Any):
    """An HTTP session whose connections come from ``address``."""
    connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=kwargs.pop("limit", 100))
    return aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=seconds), **kwargs
    )


@dataclass
class ServerProcess:
    """``phieukin serve --dir FOLDER`` on 127.0.0.1 (from ``root``, the installed copy; ``module``
    is what runs it: the operator's own build in ``tests/operator_server.py``)."""

    folder: Path
    root: Path = ROOT
    secret: str = SECRET
    port: int = field(default_factory=free_port)
    preexec: Callable[[], None] | None = None
    process: subprocess.Popen | None = None
    module: str = "ballot_server.cli"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder.parent / f"{self.folder.name}-server.log"

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", self.module, "serve", "--dir", str(self.folder)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"]
        environment = {**os.environ, ENVIRONMENT_VARIABLE: self.secret}
        environment["PYTHONPATH"] = str(self.root)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.root,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=self.preexec,
            )
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def wait_up(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server stopped:\n{self.log()}")
                try:
                    async with session.get(self.base + "/api/status") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the server did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


@dataclass
class RealMeeting:
    """A running server with round 1 set up through the chair's API."""

    server: ServerProcess
    number: int
    tokens: list[str]
    context: Any
    trustees: list
    credentials: dict[int, str]

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.server.secret}"}

    def chair_session(self, address: str = "127.0.0.1"):
        return session_from(address, headers=self.bearer)


@asynccontextmanager
async def real_meeting(
    folder: Path, voters: int = 6, rated: int = 3, open_voting: bool = True, **server: Any
) -> AsyncIterator[RealMeeting]:
    """Start a server, set the meeting up (roster, committee ceremony, tokens), open voting."""
    process = ServerProcess(folder, **server).start()
    try:
        await process.wait_up()
        async with (
            session_from(headers={"Authorization": f"Bearer {process.secret}"}) as chair_http,
            session_from() as public_http,
        ):
            chair = MeetingClient(chair_http, process.base)
            public = MeetingClient(public_http, process.base)
            number, credentials, _ = await setup_meeting(chair, voters, rated, random.Random(3))
            trustees, context = await run_committee(public, number, credentials)
            tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
            if open_voting:
                await chair.post(f"/api/chair/rounds/{number}/open", {})
        yield RealMeeting(process, number, tokens, context, trustees, credentials)
    finally:
        process.stop()
