"""Live updates for the projector and phones: a broadcast of small status messages over SSE.

Only public, aggregate facts are broadcast (phase, ballots received, tokens issued) — never a
partial result while voting is open.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any


class Live:
    """Subscribers each get a queue; ``publish`` puts the latest status into every queue."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any] | None]] = set()

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=16)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._queues.discard(queue)

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
