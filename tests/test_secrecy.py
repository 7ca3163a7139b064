"""Secrecy hygiene against a real server process: no IP, user agent or time tied to a ballot in
the database or the logs; ballots in tracker order in the record; no committee secret in the
server's memory or files; no partial count from any API before the count.

The server runs as a subprocess with logging switched on at DEBUG (so an access log, if one were
written, would show); simulated committee members whose secrets the test knows run the key
ceremony and the decryption; then the database files and every readable mapping of the server's
processes (/proc/<pid>/mem, read as root) are searched for each secret share, each polynomial
coefficient, the joint secret key and the members' other secrets.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import aiohttp
import pytest

from ballot_client.committee import MemoryKeeper
from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round, run_committee
from ballot_server.export import record_bytes
from ballot_server.store import Store
from tally.ballot import tracker
from tally.crypto.group import RISTRETTO255
from tests.test_chair_api import MEETING, roster_csv

SECRET = "secrecy-test-chair-secret"
AGENT = "SecrecyProbe/9.9 (phieukin-test-agent)"
BEARER = {"Authorization": f"Bearer {SECRET}"}
LAUNCH = (
    "import logging, sys; logging.basicConfig(level=logging.DEBUG, stream=sys.stderr); "
    "from ballot_server.cli import main; sys.exit(main(sys.argv[1:]))"
)
pytestmark = pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs /proc")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    """The server and its proof-checking worker processes."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def memory_of(pid: int) -> list[bytes]:
    regions = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if "r" not in fields[1] or (len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]")):
                continue
            try:
                mem.seek(start)
                regions.append(mem.read(end - start))
            except (OSError, ValueError, OverflowError):
                continue
    return regions


def encodings(scalar: int) -> list[bytes]:
    raw = (scalar % RISTRETTO255.order).to_bytes(32, "little")
    return [raw, raw.hex().encode(), raw[::-1]]


async def call(session, url, method, path, payload=None, **kwargs):
    async with session.request(method, url + path, json=payload, **kwargs) as response:
        return response.status, await response.json(content_type=None)


@pytest.mark.live
async def test_secrecy_against_a_real_server(tmp_path) -> None:
    folder, port = tmp_path / "meeting", free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, "serve", "--dir", str(folder), "--host", "127.0.0.1",
             "--port", str(port), "--workers", "1",
             "--public-url", f"http://phieukin.invalid:{port}"],
            stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).parent.parent,
            env={**os.environ, "PHIEUKIN_CHAIR_PASSPHRASE": SECRET},
        )  # fmt: skip
    try:
        async with aiohttp.ClientSession(headers={"User-Agent": AGENT}) as session:
            for _ in range(200):
                try:
                    async with session.get(url + "/api/status") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            await _run_meeting(session, url, server.pid, folder)
    finally:
        server.terminate()
        server.wait(20)
    logs = log_path.read_bytes()
    assert b"127.0.0.1" not in logs and AGENT.encode() not in logs, logs[-2000:]
    assert b"/ballots" not in logs  # no request line of a ballot, with or without a time
    _check_record(folder)


class RememberingKeeper(MemoryKeeper):
    """Keeps every version of a member's secrets, so the test knows what to look for."""

    def __init__(self) -> None:
        super().__init__()
        self.every: list = []

    def save(self, record) -> None:
        super().save(record)
        self.every.append(record)


async def _run_meeting(session, url: str, pid: int, folder: Path) -> None:
    async def chair(path, payload=None, **kwargs):
        status, body = await call(session, url, "POST", path, payload, headers=BEARER, **kwargs)
        assert status in (200, 201), (path, status, body)
        return body

    await chair("/api/chair/meeting", MEETING)
    await call(session, url, "POST", "/api/chair/roster", data=roster_csv(),
               headers=BEARER | {"Content-Type": "text/csv"})  # fmt: skip
    await chair("/api/chair/attendance", {"attendance": {str(i): "present" for i in range(1, 11)}})
    await chair("/api/chair/rated", {"member_ids": [1, 2, 3]})
    await chair("/api/chair/committee", {"member_ids": [1, 2, 3], "threshold": 2, "approved": True})
    started = await chair("/api/chair/rounds", {})
    credentials = {c["index"]: c["url"].split("#c=")[1].split("&")[0] for c in started["committee"]}
    meeting = MeetingClient(session, url)
    trustees, _ = await run_committee(meeting, 1, credentials, RememberingKeeper)
    tokens = (await chair("/api/chair/rounds/1/tokens", {"count": 5}))["tokens"]
    await chair("/api/chair/rounds/1/open", {})
    arrival = []
    for i, token in enumerate(tokens[:4]):
        arrival.append((await meeting.vote(1, token, [i % 4, (i + 1) % 4, 0]))["tracker"])

    # nothing reveals a partial count while voting is open …
    await _no_partial_counts(session, url, open_round=True)
    await chair("/api/chair/rounds/1/close", {"confirm": True})
    # … nor after closing, before the committee has decrypted
    await _no_partial_counts(session, url, open_round=False)
    counts = await decrypt_round(meeting, 1, trustees[:2])
    assert counts is not None and sum(counts["q001"] if "q001" in counts else next(
        iter(counts.values()))) == 4  # fmt: skip

    _check_database(folder)
    needles: dict[str, bytes] = {}
    joint = 0
    for trustee in trustees:
        secrets = trustee.keeper.every[0]  # with the polynomial, before it was dropped
        joint += secrets.coefficients[0]
        values = {
            "secret share": trustee.record.secret_share,
            "encryption secret": secrets.encryption_secret,
        }
        values |= {f"coefficient {k}": c for k, c in enumerate(secrets.coefficients)}
        for name, value in values.items():
            for n, blob in enumerate(encodings(value)):
                needles[f"trustee {trustee.index} {name} ({n})"] = blob
        needles[f"trustee {trustee.index} signing seed"] = secrets.signing_seed
    for n, blob in enumerate(encodings(joint)):
        needles[f"joint secret key ({n})"] = blob
    files = b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())
    assert [name for name, blob in needles.items() if blob in files] == []
    found, control = [], False
    for process in process_tree(pid):
        for region in memory_of(process):
            control = control or SECRET.encode() in region
            found += [
                f"{name} in pid {process}" for name, blob in needles.items() if blob in region
            ]
    assert control, "the memory scan did not see the chair secret it knows is there"
    assert found == []


# the status: the phase, the turnout, the committee's public key fingerprints — never a count
STATUS_FIELDS = {
    "meeting",
    "round",
    "round_kind",
    "phase",
    "turnout",
    "join_url",
    "committee",
    "election_fingerprint",
}


async def _no_partial_counts(session, url: str, *, open_round: bool) -> None:
    for path, refused in (
        ("/api/rounds/1/counts", (404,)),
        ("/api/rounds/1/results", (404,)),
        ("/api/rounds/1/aggregate", (409,) if open_round else (200,)),
        ("/api/minute", (404, 409)),
    ):
        status, body = await call(session, url, "GET", path)
        assert status in refused, (path, status, body)
    status, body = await call(session, url, "GET", "/api/status")
    assert set(body) <= STATUS_FIELDS
    assert set(body["turnout"]) == {"ballots", "tokens"}
    assert all(
        set(m) == {"index", "name", "fingerprint", "state", "alarm"} for m in body["committee"]
    )
    _, state = await call(session, url, "GET", "/api/chair/state", headers=BEARER)
    text = json.dumps(state)
    assert '"counts"' not in text and '"decisions"' not in text
    async with session.get(url + "/api/stream") as response:
        first = await asyncio.wait_for(response.content.readline(), 5)
        frame = json.loads(first.decode().removeprefix("data:"))
        assert set(frame) <= STATUS_FIELDS


SUSPECT_COLUMN = re.compile(
    r"(^|_)(ip|addr|address|ua|host|remote|seen|created|date|when)(_|$)|agent|time|stamp", re.I
)


def _check_database(folder: Path) -> None:
    connection = sqlite3.connect(f"file:{folder / 'meeting.db'}?mode=ro", uri=True)
    try:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        assert {"ballots", "tokens", "events"} <= set(tables)
        now = int(time.time())
        stamp = re.compile(rf"(?<![0-9a-f]){str(now)[:5]}\d{{5}}(?:\.\d+)?(?![0-9a-f])")
        today = time.strftime("%Y-%m-%d").encode()
        for table in tables:
            columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]
            assert not [c for c in columns if SUSPECT_COLUMN.search(c)], (table, columns)
            dump = "\n".join(repr(row) for row in connection.execute(f"SELECT * FROM {table}"))
            assert "127.0.0.1" not in dump and "SecrecyProbe" not in dump, table
            assert not stamp.search(dump), (table, stamp.search(dump))
            if table in ("ballots", "tokens", "events", "results"):
                assert today.decode() not in dump, table
    finally:
        connection.close()


def _check_record(folder: Path) -> None:
    store = Store(folder)
    try:
        record = zipfile.ZipFile(io.BytesIO(record_bytes(store)))
        arrival = [
            e["event"]["body"]["tracker"]
            for e in store.events()
            if e["event"]["type"] == "ballot-accepted"
        ]
    finally:
        store.close()
    lines = record.read("ballots/round-1.jsonl").splitlines()
    trackers = [tracker(json.loads(line)).hex() for line in lines]
    assert len(trackers) == 4 and sorted(trackers) == trackers
    assert sorted(arrival) == trackers
    assert os.path.exists(folder / "meeting.db")
