"""``phieukin demo``: a whole, realistic meeting run against a real server process.

The demo starts ``phieukin serve`` on 127.0.0.1, then plays every part through the same HTTP API
the phones and the chair's laptop use: the chair sets up the meeting, imports a roster (with
probationary, exempted, sick-leave, disciplined and absent members), marks attendance, names the
committee and starts the round; three simulated committee members make the election key on
their "phones"; tokens are issued; simulated voters encrypt, prove and submit their ballots
concurrently; the chair closes voting; two of the three committee members decrypt the tally.
The recovered counts are compared with the simulated choices. Then a confidence vote on the
cell's two heads, with the same committee keys (``demo_confidence``), then the minute.

With ``--serve`` the server runs on the LAN: in each round a few tokens are kept for people with
real phones and the demo waits for the chair to close voting on the chair's page (the simulated
committee then decrypts); it keeps running until interrupted (``demo_serve``). The terminal —
the language, the phones' address with its QR code or a loud warning, Ctrl+C — is
``demo_console``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import aiohttp

from ballot_client.remote import MeetingClient, ServerError
from ballot_client.simulated import decrypt_round, run_committee, sign_minute
from ballot_server.demo_confidence import confidence_round
from ballot_server.demo_console import (
    INTERRUPTED,
    LANG_VARIABLE,
    LANGUAGES,
    BadHost,
    DemoRun,
    Say,
    Stops,
    choose_addresses,
    language,
)
from ballot_server.demo_roster import DEMO_MEETING, build_roster
from ballot_server.demo_serve import ServerStopped, Waiting, kept_for_phones
from ballot_server.passphrase import ENVIRONMENT_VARIABLE
from ballot_server.roster_import import CSV_TYPE, roster_csv
from ballot_server.serve import chair_secret
from tally.errors import TallyError
from tally.fingerprint import election_code, member_fingerprint
from tally.rules.trace import step_from_json
from tally.rules.wording import reasons

LEVEL_WEIGHTS = (3, 10, 3, 1)  # XS, TOT, HT, KHT
SERVER_LOG = "server.log"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``phieukin demo``."""
    parser = subparsers.add_parser(
        "demo",
        help="chạy một hội nghị mẫu trên máy chủ thật (run a demonstration meeting)",
        description="Chạy một hội nghị đánh giá mẫu từ đầu đến cuối trên một máy chủ thật.",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("demo-meeting"), help="thư mục hội nghị (output folder)"
    )
    parser.add_argument("--voters", type=int, default=25, help="số người bỏ phiếu (default 25)")
    parser.add_argument("--rated", type=int, default=30, help="số người được đánh giá (30)")
    parser.add_argument("--seed", type=int, default=2026, help="hạt giống ngẫu nhiên (seed)")
    parser.add_argument(
        "--serve", action="store_true", help="giữ máy chủ chạy để bỏ phiếu bằng điện thoại thật"
    )
    parser.add_argument("--port", type=int, default=0, help="cổng (default: any free port)")
    parser.add_argument(
        "--host",
        help="chỉ nghe trên địa chỉ IP này (bind one address; default 127.0.0.1, "
        "with --serve every address and the LAN one printed)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=f"ngôn ngữ in ra: vi (mặc định) hoặc en (output language; or {LANG_VARIABLE}=en)",
    )
    parser.set_defaults(func=run)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    folder: Path,
    host: str,
    port: int,
    secret: str,
    output: int | IO[bytes] | None = None,
    own_session: bool = False,
) -> subprocess.Popen:
    """``phieukin serve`` for ``folder`` as a child process. The chair passphrase goes through
    the environment, never the command line. The server's output goes to ``output`` (a file,
    or ``subprocess.PIPE`` for a caller that reads it), by default ``folder/server.log``: never
    to a pipe nobody reads, which would stall the server once full. With ``own_session`` the
    server does not receive the terminal's Ctrl+C: its parent stops it, in order."""
    command = [
        sys.executable,
        "-m",
        "ballot_server.cli",
        "serve",
        "--dir",
        str(folder),
        "--host",
        host,
        "--port",
        str(port),
    ]
    options: dict[str, Any] = {
        "stderr": subprocess.STDOUT,
        "env": {**os.environ, ENVIRONMENT_VARIABLE: secret},
        "start_new_session": own_session,
    }
    if output is None:
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / SERVER_LOG, "ab") as log:
            return subprocess.Popen(command, stdout=log, **options)
    return subprocess.Popen(command, stdout=output, text=True, **options)


def server_output(folder: Path, server: subprocess.Popen) -> str:
    """What the server printed (its pipe if the caller kept one, else the end of its log)."""
    if server.stdout is not None:
        return server.stdout.read()
    log = folder / SERVER_LOG
    return log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.is_file() else ""


async def wait_until_up(
    client: MeetingClient, server: subprocess.Popen, seconds: float, folder: Path | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server_output(folder, server) if folder else ""
            raise RuntimeError(f"the server stopped: {output}")
        try:
            await client.status()
            return
        except aiohttp.ClientError:
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start in time")


async def setup_meeting(chair: MeetingClient, voters: int, rated: int, rng: random.Random):
    """The chair's part, up to voting being open. Returns (round, credentials, tokens, state)."""
    await chair.post("/api/chair/meeting", DEMO_MEETING)
    members, attendance = build_roster(voters, rated, rng)
    async with chair.session.post(
        chair.base + "/api/chair/roster",
        data=roster_csv(members),
        headers={"Content-Type": CSV_TYPE},
    ) as response:
        answer = await response.json()
        if response.status >= 300:
            raise RuntimeError(f"roster refused: {answer}")
    state = await chair.get("/api/chair/state")
    ids = {m["name"]: m["id"] for m in state["roster"]}
    await chair.post(
        "/api/chair/attendance", {"attendance": {str(ids[n]): a for n, a in attendance.items()}}
    )
    state = await chair.get("/api/chair/state")
    rated_ids = state["roll"]["rated"][:rated]
    await chair.post("/api/chair/rated", {"member_ids": rated_ids})
    voter_ids = state["roll"]["voters"]
    await chair.post(
        "/api/chair/committee",
        {"member_ids": voter_ids[-3:], "threshold": 2, "approved": True},
    )
    started = await chair.post("/api/chair/rounds", {})
    number = started["round"]
    credentials = {c["index"]: c["url"].split("#c=")[1].split("&")[0] for c in started["committee"]}
    return number, credentials, state


async def play(run: DemoRun) -> int:
    """The meeting, every part played through the HTTP API; 0 when all went as expected."""
    args, server, say = run.args, run.server, run.say
    rng = random.Random(args.seed)
    base = run.addresses.base
    headers = {"Authorization": f"Bearer {run.secret}"}
    timeout = aiohttp.ClientTimeout(total=120)
    run.stops.attach()
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        aiohttp.ClientSession(timeout=timeout, headers=headers) as chair_session,
    ):
        public = MeetingClient(session, base)
        chair = MeetingClient(chair_session, base)
        await wait_until_up(public, server, 30, args.out)
        say(
            f"1. Máy chủ chạy tại {base} (thư mục {args.out}).",
            f"1. The server runs at {base} (folder {args.out}).",
        )
        number, credentials, state = await setup_meeting(chair, args.voters, args.rated, rng)
        roll = state["roll"]
        shown = min(len(roll["rated"]), args.rated)
        say(
            f"2. Danh sách: {len(state['roster'])} đảng viên; cơ sở {roll['base']}, "
            f"có mặt bỏ phiếu {len(roll['voters'])}, được đánh giá "
            f"{shown}, không đánh giá {len(roll['not_rated'])}.",
            f"2. Roster: {len(state['roster'])} members; base {roll['base']}, present and voting "
            f"{len(roll['voters'])}, rated {shown}, not rated {len(roll['not_rated'])}.",
        )
        members, context = await run_committee(public, number, credentials)
        keys = ", ".join(member_fingerprint(key) for key in context.signing_keys)
        code = election_code(context.fingerprint)
        say(
            f"3. Ban kiểm phiếu (2 trên 3) nhận đường dẫn, tạo khóa trên «điện thoại» và xác nhận "
            f"mã khóa trên màn chiếu ({keys}); cuộc bầu {code}.",
            f"3. The counting committee (2 of 3) claimed their links, made the key on their "
            f"«phones» and confirmed the key fingerprints on the projector ({keys}); election "
            f"{code}.",
        )
        issued = await chair.post(f"/api/chair/rounds/{number}/tokens", {})
        tokens = issued["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})
        say(
            f"4. Đã phát {len(tokens)} phiếu (mã QR) và mở bỏ phiếu.",
            f"4. Issued {len(tokens)} tokens (QR cards) and opened voting.",
        )
        keep = kept_for_phones(len(tokens)) if args.serve else 0
        questions = context.manifest.questions
        choices = [
            [rng.choices(range(4), weights=LEVEL_WEIGHTS)[0] for _ in questions]
            for _ in tokens[keep:]
        ]
        started = time.perf_counter()
        limit = asyncio.Semaphore(8)

        async def vote(token: str, choice: list[int]) -> dict:
            async with limit:
                return await public.vote(number, token, choice)

        receipts = await asyncio.gather(
            *(vote(t, c) for t, c in zip(tokens[keep:], choices, strict=True))
        )
        elapsed = time.perf_counter() - started
        example = receipts[0]["code"] if receipts else "—"
        say(
            f"5. {len(receipts)} phiếu đã mã hóa, chứng minh và được nhận ({elapsed:.1f} s). "
            f"Ví dụ mã theo dõi: {example}",
            f"5. {len(receipts)} ballots encrypted, proved and accepted ({elapsed:.1f} s). "
            f"A tracker code: {example}",
        )
        waiting = Waiting(public, run) if args.serve else None
        if waiting is not None:
            if not await waiting.until_closed(number, tokens[:keep]):
                return 0
        else:
            await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        counts = await decrypt_round(public, number, [members[0], members[2]])
        say(
            "6. Đã đóng bỏ phiếu; thành viên 1 và 3 kiểm tra bản ghi đã ký, từng phiếu và tổng, "
            "rồi giải mã tổng (không giải mã phiếu lẻ).",
            "6. Voting closed; members 1 and 3 checked the signed log, every ballot and the sum, "
            "then decrypted the tally (no single ballot).",
        )
        expected = {
            q.id: [sum(1 for c in choices if c[i] == o) for o in range(len(q.options))]
            for i, q in enumerate(questions)
        }
        if counts != expected and waiting is None:
            say(
                "Lỗi: kết quả giải mã không khớp với phiếu mô phỏng.",
                "Error: the decrypted counts differ from the simulated ballots.",
            )
            return 1
        say("7. Kết quả (XS / TOT / HT / KHT):", "7. Results (XS / TOT / HT / KHT):")
        for question in questions:
            row = counts[question.id]
            print(f"   {question.title:<28} " + " / ".join(f"{n:>2}" for n in row))
        if waiting is None:
            say("   Khớp với các lựa chọn mô phỏng. ✓", "   They match the simulated choices. ✓")
        (args.out / "counts.json").write_text(
            json.dumps({"round": number, "counts": counts}, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        wait = None if waiting is None else waiting.until_closed
        second = await confidence_round(chair, public, members, rng, keep, wait, say)
        if second is None or second == 1:
            return 0 if second is None else 1
        await make_minute(chair, public, members, args.out, say)
        if waiting is not None:
            await waiting.until_stopped()
    return 0


async def make_minute(
    chair: MeetingClient, public: MeetingClient, members: list, folder: Path, say: Say
) -> None:
    """The chair makes the minute, every committee member checks and co-signs it with the key
    of the ceremony; minute.json (with the signatures) and minute.pdf are downloaded into
    ``folder``."""
    made = await chair.post("/api/chair/minute", {})
    await sign_minute(public, members)
    document = await public.get("/api/minute")
    (folder / "minute.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    async with public.session.get(public.base + "/minute.pdf") as response:
        response.raise_for_status()
        (folder / "minute.pdf").write_bytes(await response.read())
    signed, short = len(document["signatures"]), made["digest"][:16]
    say(
        f"10. Biên bản kiểm phiếu: máy chủ và {signed} thành viên ban kiểm "
        f"phiếu đã ký số; vân tay {short}…; {folder / 'minute.pdf'}",
        f"10. The minute: the server and {signed} committee members signed it; fingerprint "
        f"{short}…; {folder / 'minute.pdf'}",
    )
    minute = document["minute"]
    names = {"collectives": minute["names"]["collectives"], "groups": {}}
    for subject in minute["proposal"]["subjects"]:
        level = subject["level"] or say.pick("chưa xác định", "not decided")
        if subject["quota"] == "tie":
            level = say.pick(
                "bằng phiếu ở ranh giới tỷ lệ XS, cần bỏ phiếu thêm",
                "tied at the edge of the XS quota: a further vote is needed",
            )
        print(f"   {subject['name']:<28} {level}")
        steps = [step_from_json(step) for step in subject["steps"]]
        for line in reasons([s for s in steps if s.rule != "quota.kept"], say.lang, names):
            print(f"      – {line}")


def stop_server(server: subprocess.Popen) -> None:
    """Stop the demo's server in order (SIGTERM), or at once on a further Ctrl+C or after 10 s."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        server.kill()
        server.wait()


def run(args: argparse.Namespace) -> int:
    """Run the demonstration meeting; exit 0 when the decrypted counts match the choices (130
    when stopped by Ctrl+C, never with a traceback)."""
    say = Say(language(args.lang))
    # A round of fewer than 3 ballots is counted only with the chair's reason (docs/SECURITY.md).
    if not 3 <= args.voters <= 1000 or not 1 <= args.rated <= 200:
        say(
            "Lỗi: --voters phải trong 3..1000 và --rated trong 1..200.",
            "Error: --voters must be in 3..1000 and --rated in 1..200.",
        )
        return 2
    if args.out.exists() and any(args.out.iterdir()):
        say(
            f"Lỗi: thư mục {args.out} đã có dữ liệu; hãy chọn thư mục khác (--out).",
            f"Error: the folder {args.out} already holds data; choose another one (--out).",
        )
        return 2
    port = args.port or free_port()
    try:
        addresses = choose_addresses(args.host, port, args.serve)
    except BadHost:
        say(
            f"Lỗi: --host phải là một địa chỉ IP của máy này (ví dụ 192.168.1.10), không phải "
            f"«{args.host}».",
            f"Error: --host must be an IP address of this machine (e.g. 192.168.1.10), not "
            f"«{args.host}».",
        )
        return 2
    stops = Stops(say)
    stops.install()
    secret = chair_secret()
    server = start_server(args.out, addresses.bind, port, secret, own_session=True)
    try:
        return finish(DemoRun(args, addresses, secret, server, say, stops))
    except (KeyboardInterrupt, asyncio.CancelledError):
        say("Đã dừng (Ctrl+C).", "Stopped (Ctrl+C).")
        return INTERRUPTED
    except ServerStopped as stopped:
        log = args.out / SERVER_LOG
        say(
            f"Lỗi: máy chủ của hội nghị mẫu đã dừng (mã {stopped.status}); cuối nhật ký {log}:",
            f"Error: the demo's server stopped (status {stopped.status}); the end of {log}:",
        )
        print("\n".join(f"   {line}" for line in server_output(args.out, server).splitlines()[-3:]))
        return 1
    except (RuntimeError, ServerError, TallyError, aiohttp.ClientError, OSError) as error:
        say(
            f"Lỗi: hội nghị mẫu không chạy tiếp được: {error}.",
            f"Error: the demo cannot go on: {error}.",
        )
        return 1


def finish(run: DemoRun) -> int:
    """Play the meeting, stop the server, then (without --serve) export and verify the record."""
    args, say = run.args, run.say
    try:
        code = asyncio.run(play(run))
    except (RuntimeError, ServerError, aiohttp.ClientError, OSError) as error:
        if run.server.poll() is not None:  # it stopped on its own: say so, not what it caused
            raise ServerStopped(run.server.returncode) from error
        raise
    finally:
        run.stops.detach()
        stop_server(run.server)
    if code == 0 and not args.serve:
        code = export_and_verify(args.out, say)
    elif code == 0:
        say(
            f"Đã dừng máy chủ; dữ liệu hội nghị ở {args.out}.",
            f"The server is stopped; the meeting's data is in {args.out}.",
        )
    return code


def export_and_verify(folder: Path, say: Say) -> int:
    """Write the public record and check it as an inspector would, from the zip alone."""
    from audit.record import load_record
    from audit.verify import verify_record
    from ballot_server.export import write_record

    started = time.perf_counter()
    path = write_record(folder)
    report = verify_record(load_record(path))
    elapsed = time.perf_counter() - started
    if not report.passed:
        for finding in report.failures:
            print(f"   ✗ {finding.check}: {finding.subject} {finding.detail}")
        say(
            f"Lỗi: hồ sơ {path} không vượt qua kiểm tra độc lập.",
            f"Error: the record {path} does not pass the independent check.",
        )
        return 1
    checks = len(report.findings)
    say(
        f"11. Hồ sơ {path}: {checks} kiểm tra độc lập đều đạt ({elapsed:.1f} s). ✓",
        f"11. The record {path}: all {checks} independent checks pass ({elapsed:.1f} s). ✓",
    )
    return 0
