"""``phieukin demo --serve``: the demo waits for people.

The chair closes each round on the chair's page and real phones vote with the tokens kept for
them; the simulated committee stays, so each round the chair closes is decrypted and counted and
the minute is made and signed at the end. The addresses are printed once (the chair's page with
its secret, the projector, the phones' address as a QR code or the loud warning that phones
cannot open it); the demo stops on Ctrl+C (``Stops``).
"""

from __future__ import annotations

import asyncio
import contextlib

from ballot_client.remote import MeetingClient
from ballot_server.demo_console import DemoRun, print_phone_address

PHONE_TOKENS = 5
MIN_BALLOTS = 3


def kept_for_phones(tokens: int) -> int:
    """How many of a round's ``tokens`` the demo leaves for real phones: up to five, while the
    simulated voters alone still cast at least three ballots and half the tokens — so the round
    can be counted even if no phone votes (a smaller round needs the chair's recorded reason
    before the committee decrypts it)."""
    return max(0, min(PHONE_TOKENS, tokens - max(MIN_BALLOTS, (tokens + 1) // 2)))


class ServerStopped(RuntimeError):
    """The demo's server process ended (with ``status``) while the demo still needed it."""

    def __init__(self, status: int | None) -> None:
        super().__init__(f"the server stopped (status {status})")
        self.status = status


class Waiting:
    """Waits for the chair to close each round; ``stop`` is set by the first Ctrl+C."""

    def __init__(self, public: MeetingClient, run: DemoRun) -> None:
        self.public, self.server, self.base, self.say = (
            public,
            run.server,
            run.addresses.base,
            run.say,
        )
        self.stop = asyncio.Event()
        run.stops.attach(gentle=self.stop.set)
        print()
        self.say(
            f"Chủ tọa:   {self.base}/chair   (mã chủ tọa: {run.secret})",
            f"Chair:     {self.base}/chair   (chair secret: {run.secret})",
        )
        self.say(f"Màn chiếu: {self.base}/projector", f"Projector: {self.base}/projector")
        print_phone_address(run.addresses, self.say)

    async def until_closed(self, number: int, tokens: list[str]) -> bool:
        """Print the phones' tokens of round ``number`` and wait until the chair closes it;
        ``False`` if stopped first."""
        say = self.say
        say(f"Mã phiếu cho điện thoại (vòng {number}):", f"Tokens for phones (round {number}):")
        for token in tokens:
            print(f"   {token}   {self.base}/v#t={token}&r={number}")
        say(
            f"Vòng {number}: kết thúc bỏ phiếu trên trang chủ tọa; Ban kiểm phiếu (mô phỏng) sẽ "
            "giải mã và tiếp tục. Nhấn Ctrl+C để dừng.",
            f"Round {number}: close voting on the chair's page; the simulated counting committee "
            "then decrypts and goes on. Press Ctrl+C to stop.",
        )
        while not self.stop.is_set():
            if self.server.poll() is not None:
                raise ServerStopped(self.server.returncode)
            status = await self.public.status()
            if status["round"] == number and status["phase"] in ("closed", "counted"):
                return True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), timeout=1)
        return False

    async def until_stopped(self) -> None:
        self.say(
            "Máy chủ vẫn chạy; nhấn Ctrl+C để dừng.",
            "The server keeps running; press Ctrl+C to stop.",
        )
        await self.stop.wait()
