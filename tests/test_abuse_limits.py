"""Limits against abuse, each shown to hold: the bounded proof queue (503 + Retry-After), slow
headers and bodies cut off, the minute PDF rendered once per signed state, repeated loop errors
logged once a minute, the chair passphrase's sources and strength, and the demo server writing
to a log file rather than to a pipe nobody reads."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from nacl.signing import SigningKey

from ballot_client.remote import CREDENTIAL_HEADER, MeetingClient
from ballot_server import keys
from ballot_server.app import create_app
from ballot_server.demo import SERVER_LOG, free_port, start_server, wait_until_up
from ballot_server.listener import QuietExceptionHandler
from ballot_server.passphrase import (
    ENVIRONMENT_VARIABLE,
    PassphraseError,
    check_strength,
    read_passphrase,
)
from ballot_server.ratelimit import RateLimiter
from tally.ballot import make_ballot
from tally.crypto.nonces import system_nonce
from tally.crypto.signatures import sign
from tally.submission import make_submission
from tally.token import token_hash
from tests.server_support import make_app, setup_round
from tests.test_minute_api import counted  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parent.parent


def configured(folder: Path, **changes):
    app = make_app(folder)
    return create_app(replace(app[keys.CONFIG], **changes))


async def test_the_proof_queue_is_bounded_and_answers_503_with_retry_after(
    aiohttp_client, tmp_path
) -> None:
    app = configured(tmp_path, max_verify_queue=1, verify_workers=1)
    app[keys.TOKEN_LIMITER] = RateLimiter(1000, 60)  # one client sends for six phones here
    client = await aiohttp_client(app)
    setup = await setup_round(client, rated=30, tokens=6)
    bodies = [
        make_submission(t, make_ballot(setup.context, token_hash(t), [0] * 30, system_nonce))
        for t in setup.tokens
    ]
    answers = await asyncio.gather(
        *(client.post("/api/rounds/1/ballots", json=body) for body in bodies)
    )
    statuses = [a.status for a in answers]
    assert 201 in statuses and 503 in statuses and set(statuses) <= {201, 503}
    busy = next(a for a in answers if a.status == 503)
    assert int(busy.headers["Retry-After"]) >= 1
    body = await busy.json()
    assert body["error"] == "overloaded" and body["retry_after"] >= 1 and body["message"]
    # sent again (as the phone does after Retry-After), each is accepted once
    for body, answer in zip(bodies, answers, strict=True):
        if answer.status == 503:
            again = await client.post("/api/rounds/1/ballots", json=body)
            assert again.status == 201
    status = await (await client.get("/api/status")).json()
    assert status["turnout"]["ballots"] == 6


async def test_slow_headers_and_slow_bodies_are_cut_off(aiohttp_client, tmp_path) -> None:
    client = await aiohttp_client(configured(tmp_path, header_timeout=1.0, body_timeout=1.0))
    host, port = client.server.host, client.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(b"GET /api/status HTTP/1.1\r\nHost: x\r\n")  # the headers never end
    assert await asyncio.wait_for(reader.read(), 15) == b""  # the server closed it
    writer.close()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        b"POST /api/rounds/1/token-status HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    )  # a body that never comes
    answer = await asyncio.wait_for(reader.read(), 15)
    assert answer.startswith(b"HTTP/1.1 408") and b'"timeout"' in answer
    writer.close()


async def test_the_minute_pdf_is_rendered_once_per_signed_state(counted) -> None:  # noqa: F811
    client, headers, trustees, credentials, _ = counted
    made = await (await client.post("/api/chair/minute", json={}, headers=headers)).json()
    cache = client.server.app[keys.MINUTE_PDF]
    first = await (await client.get("/minute.pdf")).read()
    for _ in range(3):
        assert await (await client.get("/minute.pdf")).read() == first
    assert cache.renderings == 1
    signature = sign(
        SigningKey(trustees[0].record.signing_seed), "minute", bytes.fromhex(made["digest"])
    )
    signed = await client.post(
        "/api/minute/signatures",
        json={"digest": made["digest"], "signature": signature.hex()},
        headers={CREDENTIAL_HEADER: credentials[1]},
    )
    assert signed.status == 200
    second = await (await client.get("/minute.pdf")).read()
    assert second != first and cache.renderings == 2
    await client.get("/minute.pdf")
    assert cache.renderings == 2


class FakeLoop:
    def __init__(self) -> None:
        self.logged: list[str] = []

    def default_exception_handler(self, context: dict) -> None:
        self.logged.append(context["message"])


def test_repeated_loop_errors_are_logged_once_a_minute(monkeypatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("ballot_server.listener.time.monotonic", lambda: now[0])
    handler, loop = QuietExceptionHandler(interval=60), FakeLoop()
    message = {"message": "socket.accept() out of system resource"}
    for _ in range(120):  # asyncio retries accept once a second
        handler(loop, message)
        now[0] += 1
    handler(loop, {"message": "something else"})
    assert loop.logged == [
        "socket.accept() out of system resource",
        "socket.accept() out of system resource (and 59 more like it)",
        "something else",
    ]


@pytest.mark.parametrize(
    ("weak", "named"),
    [
        ("short pass", "10"),
        ("aaaaaaaaaaaabbbb", "2 different"),
        ("123456789012345", "only digits"),
    ],
)
def test_weak_passphrases_are_refused_with_the_rule(weak: str, named: str) -> None:
    with pytest.raises(PassphraseError) as refused:
        check_strength(weak)
    assert (
        "at least 12 characters" in refused.value.message_en and named in refused.value.message_en
    )
    assert "ít nhất 12 ký tự" in refused.value.message_vi
    check_strength("bốn từ ngẫu nhiên đây")  # Vietnamese words with spaces are fine


def test_the_passphrase_comes_from_a_file_a_prompt_or_the_environment(tmp_path) -> None:
    good = "hội nghị chi bộ 2026"
    secret_file = tmp_path / "pass.txt"
    secret_file.write_text(good + "\n", encoding="utf-8")
    never = lambda _: pytest.fail("no prompt expected")  # noqa: E731
    common = {"argument": None, "file": None, "prompt": False, "environ": {}, "ask": never}
    assert read_passphrase(**common | {"file": secret_file}) == (good, [])
    assert read_passphrase(**common | {"environ": {ENVIRONMENT_VARIABLE: good}}) == (good, [])
    answers = iter([good, good])
    assert read_passphrase(**common | {"prompt": True, "ask": lambda _: next(answers)}) == (
        good,
        [],
    )
    passphrase, warnings = read_passphrase(**common | {"argument": good})
    assert passphrase == good and "--passphrase-file" in warnings[0]
    assert read_passphrase(**common) == (None, [])
    with pytest.raises(PassphraseError):
        read_passphrase(**common | {"argument": good, "file": secret_file})
    different = iter([good, good + "x"])
    with pytest.raises(PassphraseError):
        read_passphrase(**common | {"prompt": True, "ask": lambda _: next(different)})


def test_serve_refuses_a_weak_passphrase_and_explains_the_rule(tmp_path) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("secret\n", encoding="utf-8")
    for extra, environment in (
        (["--passphrase-file", str(weak)], {}),
        ([], {ENVIRONMENT_VARIABLE: "password"}),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "ballot_server.cli", "serve", "--dir", str(tmp_path / "m"),
             "--host", "127.0.0.1", "--port", str(free_port()), *extra],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**os.environ, **environment},
        )  # fmt: skip
        assert done.returncode == 2, done.stdout + done.stderr
        assert "ít nhất 12 ký tự" in done.stderr and "at least 12 characters" in done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "m").exists()  # refused before anything was made


@pytest.mark.live
async def test_the_demo_server_writes_to_a_log_file_not_a_pipe(tmp_path) -> None:
    """``demo --serve`` kept reading nothing from the server's stdout pipe: once the pipe
    filled, the server would block on its next log line."""
    folder, port = tmp_path / "demo", free_port()
    secret = "demo passphrase 2026"
    server = start_server(folder, "127.0.0.1", port, secret)
    try:
        assert server.stdout is None
        async with aiohttp.ClientSession() as session:
            await wait_until_up(MeetingClient(session, f"http://127.0.0.1:{port}"), server, 60)
        log = (folder / SERVER_LOG).read_text("utf-8")  # the banner is printed before listening
        assert "Phiếu Kín — máy chủ hội nghị" in log and secret not in log
        cmdline = Path(f"/proc/{server.pid}/cmdline").read_bytes()
        assert secret.encode() not in cmdline  # the passphrase is not on the command line
    finally:
        server.terminate()
        server.wait(timeout=20)
