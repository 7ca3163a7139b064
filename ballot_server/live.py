"""Live updates for the projector and phones: a broadcast of small status messages over SSE.

Only public, aggregate facts are broadcast (phase, ballots received, tokens issued) — never a
partial result while voting is open.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ballot_server.errors import ServiceUnavailable, TooManyRequests


class Live:
    """Subscribers each get a queue; ``publish`` puts the latest status into every queue.

    At most ``max_streams`` subscribers in all and ``max_per_address`` per client address: a
    client holding hundreds of streams open gets 429 (its address) or 503 (everyone's), not the
    server's connections and memory.
    """

    def __init__(self, max_streams: int = 512, max_per_address: int = 8) -> None:
        self.max_streams = max_streams
        self.max_per_address = max_per_address
        self._queues: dict[asyncio.Queue[dict[str, Any] | None], str] = {}
        self._per_address: dict[str, int] = {}

    def subscribe(self, address: str = "") -> asyncio.Queue[dict[str, Any] | None]:
        """A new subscriber's queue, or ``TooManyRequests`` / ``ServiceUnavailable``."""
        if self._per_address.get(address, 0) >= self.max_per_address:
            raise TooManyRequests(
                "Quá nhiều kết nối theo dõi trực tiếp từ máy này.",
                "Too many live-update streams from this address.",
            )
        if len(self._queues) >= self.max_streams:
            raise ServiceUnavailable(
                "Máy chủ đang có quá nhiều kết nối theo dõi trực tiếp.",
                "Too many live-update streams; try again later.",
                retry_after=30,
            )
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=16)
        self._queues[queue] = address
        self._per_address[address] = self._per_address.get(address, 0) + 1
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        address = self._queues.pop(queue, None)
        if address is None:
            return
        self._per_address[address] -= 1
        if not self._per_address[address]:
            del self._per_address[address]

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, message: dict[str, Any]) -> None:
        for queue in list(self._queues):
            if queue.full():  # a slow reader only needs the newest status
                queue.get_nowait()
            queue.put_nowait(message)

    async def close(self) -> None:
        for queue in list(self._queues):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(None)


def sse_frame(message: dict[str, Any]) -> bytes:
    """One server-sent event carrying ``message`` as JSON."""
    return f"data: {json.dumps(message, ensure_ascii=False)}\n\n".encode()
