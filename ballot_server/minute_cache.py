"""The printed minute, rendered once per signed state instead of on every request.

Rendering the A4 PDF takes about 350 ms of CPU; ``GET /minute.pdf`` is public, so re-rendering
on each request would let anyone keep the laptop busy. The PDF is a deterministic function of the
minute's digest and of the signatures it reports (the server's and the committee's), so it is
kept under that key; a new co-signature gives a new key and one new rendering. Concurrent
requests for the same key wait for one rendering.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tally.canonical import canonical_json
from tally.crypto.hashing import hash32


def cache_key(document: dict[str, Any]) -> str:
    """What the PDF depends on besides the minute (fixed by its digest): the signatures."""
    signed = {
        "digest": document["digest"],
        "server_signature": document.get("server_signature"),
        "signatures": document.get("signatures", []),
    }
    return hash32("minute-pdf", canonical_json(signed)).hex()


class MinutePdfCache:
    """The PDF of the latest signed state of the minute."""

    def __init__(self) -> None:
        self._key = ""
        self._pdf = b""
        self._lock = asyncio.Lock()
        self.renderings = 0

    async def get(
        self, document: dict[str, Any], render: Callable[[dict[str, Any]], bytes]
    ) -> bytes:
        """The PDF of ``document``, rendered (in a thread) only if its key changed."""
        key = cache_key(document)
        async with self._lock:
            if key != self._key:
                self._pdf = await asyncio.to_thread(render, document)
                self._key = key
                self.renderings += 1
            return self._pdf
