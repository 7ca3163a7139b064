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
committee then decrypts); it keeps running until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import IO, Any

import aiohttp

from ballot_client.remote import MeetingClient, decrypt_round, run_committee
from ballot_server.demo_confidence import confidence_round
from ballot_server.passphrase import ENVIRONMENT_VARIABLE
from ballot_server.roster_import import CSV_TYPE, roster_csv
from ballot_server.serve import chair_secret, lan_address
from tally.roster import Member, Membership
from tally.rules.levels import Level
from tally.rules.trace import step_from_json
from tally.rules.wording import reasons

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Ngọc", "Hữu", "Thanh", "Xuân", "Hoài"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trung",
    "Tuấn",
    "Vân",
    "Yến",
    "Hiếu",
    "Oanh",
    "Thắng",
    "Lộc",
]
MEETING_DATE = date(2026, 12, 15)
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
    parser.set_defaults(func=run)


def unique_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in names:
            names.append(name)
    return names


def build_roster(voters: int, rated: int, rng: random.Random) -> tuple[list[Member], dict]:
    """A cell of ``voters`` official members present plus others, ``rated`` of them rated.

    Returns the members and the attendance by name.
    """
    extra = max(rated - voters, 0)
    names = iter(unique_names(voters + extra + 2, rng))
    members: list[Member] = []
    attendance: dict[str, str] = {}

    def add(member_kind: Membership, admitted: date, state: str, **facts: Any) -> None:
        member = Member(len(members) + 1, next(names), member_kind, admitted, **facts)
        members.append(member)
        attendance[member.name] = state

    for i in range(voters):
        facts: dict[str, Any] = {}
        if i == 0:
            facts["heads"] = "Phòng Hành chính – Tổng hợp"
        if i == 1:
            facts["sick_leave_months"] = 4
        if i == 2:
            facts["disciplined"] = True
        if i == 3:
            facts["civil_servant_rating"] = Level.TOT
        add(Membership.OFFICIAL, date(1995 + i % 25, 1 + i % 12, 1 + i % 27), "present", **facts)
    kinds = [
        (Membership.PROBATIONARY, date(2026, 3, 2), "present"),
        (Membership.OFFICIAL, date(2008, 6, 12), "absent_excused"),
        (Membership.OFFICIAL, date(2012, 10, 3), "absent"),
    ]
    for i in range(extra):
        kind, admitted, state = kinds[i % len(kinds)]
        add(kind, admitted, state)
    add(Membership.OFFICIAL, date(1990, 4, 30), "absent_excused", exempted=True)  # not rated
    add(Membership.PROBATIONARY, date(2026, 9, 1), "present")  # admitted < 6 months: not rated
    return members, attendance


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    folder: Path, host: str, port: int, secret: str, output: int | IO[bytes] | None = None
) -> subprocess.Popen:
    """``phieukin serve`` for ``folder`` as a child process. The chair passphrase goes through
    the environment, never the command line. The server's output goes to ``output`` (a file,
    or ``subprocess.PIPE`` for a caller that reads it), by default ``folder/server.log``: never
    to a pipe nobody reads, which would stall the server once full."""
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
    environment = {**os.environ, ENVIRONMENT_VARIABLE: secret}
    if output is None:
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / SERVER_LOG, "ab") as log:
            return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    return subprocess.Popen(
        command, stdout=output, stderr=subprocess.STDOUT, env=environment, text=True
    )


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


DEMO_MEETING = {
    "title": "Hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm 2026",
    "cell": "Chi bộ Phòng Hành chính – Tổng hợp",
    "committee_above": "Đảng bộ Sở Kế hoạch và Đầu tư",
    "date": MEETING_DATE.isoformat(),
    "place": "Phòng họp tầng 3",
    "chair": "Đồng chí Bí thư chi bộ",
    "secretary": "Đồng chí Phó Bí thư chi bộ",
    "purpose": "Bỏ phiếu kín đánh giá, xếp loại đảng viên",
}


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


async def play(args: argparse.Namespace, base: str, secret: str, server: subprocess.Popen) -> int:
    rng = random.Random(args.seed)
    headers = {"Authorization": f"Bearer {secret}"}
    timeout = aiohttp.ClientTimeout(total=120)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        aiohttp.ClientSession(timeout=timeout, headers=headers) as chair_session,
    ):
        public = MeetingClient(session, base)
        chair = MeetingClient(chair_session, base)
        await wait_until_up(public, server, 30, args.out)
        print(f"1. Máy chủ chạy tại {base} (thư mục {args.out}).")
        number, credentials, state = await setup_meeting(chair, args.voters, args.rated, rng)
        roll = state["roll"]
        print(
            f"2. Danh sách: {len(state['roster'])} đảng viên; cơ sở {roll['base']}, "
            f"có mặt bỏ phiếu {len(roll['voters'])}, được đánh giá "
            f"{min(len(roll['rated']), args.rated)}, không đánh giá {len(roll['not_rated'])}."
        )
        trustees, context = await run_committee(public, number, credentials)
        print(
            f"3. Ban kiểm phiếu (2 trên 3) tạo khóa trên «điện thoại»: "
            f"{context.fingerprint.hex()[:24]}…"
        )
        issued = await chair.post(f"/api/chair/rounds/{number}/tokens", {})
        tokens = issued["tokens"]
        await chair.post(f"/api/chair/rounds/{number}/open", {})
        print(f"4. Đã phát {len(tokens)} phiếu (mã QR) và mở bỏ phiếu.")
        keep = min(5, len(tokens)) if args.serve else 0
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
        print(
            f"5. {len(receipts)} phiếu đã mã hóa, chứng minh và được nhận "
            f"({time.perf_counter() - started:.1f} s). Ví dụ mã theo dõi: "
            f"{receipts[0]['code'] if receipts else '—'}"
        )
        waiting = Waiting(public, server, base, secret) if args.serve else None
        if waiting is not None:
            if not await waiting.until_closed(number, tokens[:keep]):
                return 0
        else:
            await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        counts = await decrypt_round(public, number, [trustees[0], trustees[2]], credentials)
        print("6. Đã đóng bỏ phiếu; thành viên 1 và 3 giải mã tổng (không giải mã phiếu lẻ).")
        expected = {
            q.id: [sum(1 for c in choices if c[i] == o) for o in range(len(q.options))]
            for i, q in enumerate(questions)
        }
        if counts != expected and waiting is None:
            print("Lỗi: kết quả giải mã không khớp với phiếu mô phỏng.")
            return 1
        print("7. Kết quả (XS / TOT / HT / KHT):")
        for question in questions:
            row = counts[question.id]
            print(f"   {question.title:<28} " + " / ".join(f"{n:>2}" for n in row))
        if waiting is None:
            print("   Khớp với các lựa chọn mô phỏng. ✓")
        (args.out / "counts.json").write_text(
            json.dumps({"round": number, "counts": counts}, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        wait = None if waiting is None else waiting.until_closed
        second = await confidence_round(chair, public, trustees, credentials, rng, keep, wait)
        if second is None or second == 1:
            return 0 if second is None else 1
        await make_minute(chair, public, trustees, credentials, args.out)
        if waiting is not None:
            await waiting.until_stopped()
    return 0


async def make_minute(
    chair: MeetingClient,
    public: MeetingClient,
    trustees: list,
    credentials: dict[int, str],
    folder: Path,
) -> None:
    """The chair makes the minute, every committee member signs its digest with the key of the
    ceremony; minute.json (with the signatures) and minute.pdf are downloaded into ``folder``."""
    from nacl.signing import SigningKey

    from ballot_client.remote import CREDENTIAL_HEADER
    from tally.crypto.signatures import sign

    made = await chair.post("/api/chair/minute", {})
    digest = bytes.fromhex(made["digest"])
    for trustee in trustees:
        signature = sign(SigningKey(trustee.secrets.signing_seed), "minute", digest).hex()
        await public.post(
            "/api/minute/signatures",
            {"digest": made["digest"], "signature": signature},
            headers={CREDENTIAL_HEADER: credentials[trustee.index]},
        )
    document = await public.get("/api/minute")
    (folder / "minute.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    async with public.session.get(public.base + "/minute.pdf") as response:
        response.raise_for_status()
        (folder / "minute.pdf").write_bytes(await response.read())
    print(
        f"10. Biên bản kiểm phiếu: máy chủ và {len(document['signatures'])} thành viên ban kiểm "
        f"phiếu đã ký số; vân tay {made['digest'][:16]}…; {folder / 'minute.pdf'}"
    )
    minute = document["minute"]
    names = {"collectives": minute["names"]["collectives"], "groups": {}}
    for subject in minute["proposal"]["subjects"]:
        level = subject["level"] or "chưa xác định"
        if subject["quota"] == "tie":
            level = "bằng phiếu ở ranh giới tỷ lệ XS, cần bỏ phiếu thêm"
        print(f"   {subject['name']:<28} {level}")
        steps = [step_from_json(step) for step in subject["steps"]]
        for line in reasons([s for s in steps if s.rule != "quota.kept"], "vi", names):
            print(f"      – {line}")


class Waiting:
    """``--serve``: the demo waits for people — the chair closes each round on the chair's page,
    real phones vote with the tokens kept for them — and stops on Ctrl+C."""

    def __init__(
        self, public: MeetingClient, server: subprocess.Popen, base: str, secret: str
    ) -> None:
        self.public, self.server, self.base = public, server, base
        self.stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop.set)
        print()
        print(f"Chủ tọa:   {base}/chair   (mã chủ tọa: {secret})")
        print(f"Màn chiếu: {base}/projector")

    async def until_closed(self, number: int, tokens: list[str]) -> bool:
        """Print the phones' tokens of round ``number`` and wait until the chair closes it;
        ``False`` if stopped first."""
        print(f"Phiếu để bỏ bằng điện thoại (vòng {number}):")
        for token in tokens:
            print(f"   {self.base}/v#t={token}&r={number}")
        print(
            "Kết thúc bỏ phiếu trên trang chủ tọa để Ban kiểm phiếu (mô phỏng) giải mã và tiếp "
            "tục; nhấn Ctrl+C để dừng.",
            flush=True,
        )
        while not self.stop.is_set():
            status = await self.public.status()
            if status["round"] == number and status["phase"] in ("closed", "counted"):
                return True
            if self.server.poll() is not None:
                raise RuntimeError("the server stopped")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), timeout=1)
        return False

    async def until_stopped(self) -> None:
        print("Máy chủ vẫn chạy; nhấn Ctrl+C để dừng.", flush=True)
        await self.stop.wait()


def lan_base(port: int) -> tuple[str, str]:
    return "0.0.0.0", f"http://{lan_address()}:{port}"


def run(args: argparse.Namespace) -> int:
    """Run the demonstration meeting; exit 0 when the decrypted counts match the choices."""
    if not 1 <= args.voters <= 1000 or not 1 <= args.rated <= 200:
        print("Lỗi: --voters phải trong 1..1000 và --rated trong 1..200.")
        return 2
    if args.out.exists() and any(args.out.iterdir()):
        print(f"Lỗi: thư mục {args.out} đã có dữ liệu; hãy chọn thư mục khác (--out).")
        return 2
    port = args.port or free_port()
    host, base = lan_base(port) if args.serve else ("127.0.0.1", f"http://127.0.0.1:{port}")
    secret = chair_secret()
    server = start_server(args.out, host, port, secret)
    try:
        code = asyncio.run(play(args, base, secret, server))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    if code == 0 and not args.serve:
        code = export_and_verify(args.out)
    return code


def export_and_verify(folder: Path) -> int:
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
        print(f"Lỗi: hồ sơ {path} không vượt qua kiểm tra độc lập.")
        return 1
    print(f"11. Hồ sơ {path}: {len(report.findings)} kiểm tra độc lập đều đạt ({elapsed:.1f} s). ✓")
    return 0
