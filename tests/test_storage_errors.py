"""What voters, the chair and the command line are told when the storage fails: a specific
message in Vietnamese and English, never a traceback, and nothing half-written.

(Before: a lock held by another process for a few seconds gave a ballot a 500, and afterwards
every ballot and chair action failed with "transactions do not nest" until a restart; a
damaged or incomplete database stopped ``export`` with a Python traceback.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ballot_server import keys
from ballot_server.store import DATABASE_NAME, HEAD_NAME
from tally.ballot import make_ballot
from tally.canonical import canonical_json
from tally.crypto.nonces import system_nonce
from tally.submission import make_submission
from tally.token import token_hash
from tests.server_support import CHAIR_SECRET, make_app, open_round
from tests.store_support import WAL, crash_image, fill, lock_held

ROOT = Path(__file__).resolve().parent.parent
BEARER = {"Authorization": f"Bearer {CHAIR_SECRET}"}


async def test_a_ballot_while_another_process_holds_the_lock_is_told_to_resend(
    aiohttp_client, tmp_path
) -> None:
    client = await aiohttp_client(make_app(tmp_path, busy_seconds=0.3))
    meeting, _, context, tokens = await open_round(client)
    ballot = make_ballot(context, token_hash(tokens[0]), [0, 1, 2], system_nonce)
    body = canonical_json(make_submission(tokens[0], ballot))
    url = "/api/rounds/1/ballots"
    headers = {"Content-Type": "application/json"}
    with lock_held(tmp_path):
        response = await client.post(url, data=body, headers=headers)
        answer = await response.json()
        assert (response.status, answer["error"]) == (503, "busy")
        assert response.headers["Retry-After"] == "2"
        assert "thử lại" in answer["message"] and "try again" in answer["message_en"]
        chair = await client.post("/api/chair/rounds/1/close", json={"confirm": True},
                                  headers=BEARER)  # fmt: skip
        assert (chair.status, (await chair.json())["error"]) == (503, "busy")
    # released: the same ballot is accepted, and every later write works
    response = await client.post(url, data=body, headers=headers)
    assert response.status == 201
    again = await client.post(url, data=body, headers=headers)
    assert again.status == 200 and await again.json() == await response.json()
    second = make_ballot(context, token_hash(tokens[1]), [1, 1, 1], system_nonce)
    await meeting.submit(1, tokens[1], second)
    closed = await client.post("/api/chair/rounds/1/close", json={"confirm": True}, headers=BEARER)
    assert closed.status == 200 and (await closed.json())["ballots"] == 2
    assert client.server.app[keys.ROUNDS].ballot_count(1) == 2


def phieukin(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballot_server.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_export_and_serve_refuse_a_database_behind_its_log(tmp_path) -> None:
    folder = crash_image(tmp_path, steps=20)
    (folder / WAL).unlink()
    exported = phieukin("export", str(folder))
    assert exported.returncode == 3, exported.stderr
    assert "Traceback" not in exported.stderr + exported.stdout
    assert f"the file {WAL} is missing" in exported.stderr
    assert "cơ sở dữ liệu chậm hơn chính nhật ký" in exported.stderr
    assert not (folder / "record.zip").exists() and not (folder / "record.zip.tmp").exists()
    served = phieukin("serve", "--dir", str(folder), "--host", "127.0.0.1", "--port", "0")
    assert served.returncode == 3 and f"{WAL} is missing" in served.stderr
    assert "Traceback" not in served.stderr + served.stdout
    minute = phieukin("minute", str(folder))
    assert minute.returncode == 3 and f"{WAL} is missing" in minute.stderr
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith("-shm")) == sorted(
        [DATABASE_NAME, HEAD_NAME]
    )


def test_the_tools_name_a_folder_without_a_meeting(tmp_path) -> None:
    for command in (["export", str(tmp_path)], ["minute", str(tmp_path)]):
        done = phieukin(*command)
        assert done.returncode == 2 and "holds no meeting" in done.stderr, done.stderr
        assert "không có hội nghị" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_database_is_named_not_a_traceback(tmp_path) -> None:
    from ballot_server.store import Store

    folder = tmp_path / "meeting"
    store = Store(folder)
    fill(store, 20)
    store.close()  # a normal stop: everything is in meeting.db, the WAL is gone
    assert not (folder / WAL).exists()
    data = bytearray((folder / DATABASE_NAME).read_bytes())
    data[:16] = b"not a database!!"
    (folder / DATABASE_NAME).write_bytes(bytes(data))
    done = phieukin("export", str(folder))
    assert done.returncode == 3 and "damaged" in done.stderr and "bị hỏng" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


async def test_export_beside_the_running_server_sees_one_consistent_state(
    aiohttp_client, tmp_path
) -> None:
    """``phieukin export`` may run while voters vote: its checks read the log-head file first
    and then the database in one snapshot, so a step committed meanwhile is never taken for a
    database behind its log or a damaged table (a guard: the window is too short to hit on
    purpose)."""
    import asyncio

    from ballot_server.export import write_record

    client = await aiohttp_client(make_app(tmp_path))
    meeting, _, _, tokens = await open_round(client, tokens=12)
    voted = asyncio.Event()

    async def vote_all() -> None:
        for token in tokens:
            await meeting.vote(1, token, [0, 1, 2])
        voted.set()

    async def export_all() -> int:
        exports = 0
        while not voted.is_set() or exports < 3:
            await asyncio.to_thread(write_record, tmp_path)
            exports += 1
        return exports

    _, exports = await asyncio.gather(vote_all(), export_all())
    assert exports >= 3


async def test_free_space_is_reported_at_start_and_to_the_chair_when_low(
    aiohttp_client, tmp_path
) -> None:
    from ballot_server.disk import startup_lines

    plenty, never = 0, 10**18  # thresholds: no disk is below 0 bytes, every disk below 10^18
    assert "CẢNH BÁO" not in "\n".join(startup_lines(tmp_path, plenty))
    lines = startup_lines(tmp_path, never)
    assert lines[0].startswith("Dung lượng trống (free disk space): ") and "CẢNH BÁO" in lines[1]
    for threshold, low in ((plenty, False), (never, True)):
        client = await aiohttp_client(make_app(tmp_path / str(threshold), low_disk_bytes=threshold))
        response = await client.get("/api/chair/state", headers=BEARER)
        storage = (await response.json())["storage"]
        assert storage["low"] is low and storage["free_bytes"] > 0
        assert storage["low_bytes"] == threshold
