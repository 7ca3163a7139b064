"""Limits against abuse: refused attempts per client address or per token, and the proof queue.

``RateLimiter`` counts refused attempts (a wrong chair secret, an unknown token, an invalid
ballot) in a sliding window *and* the requests of the same key still in flight, so a client
cannot dodge the limit by sending many at once: a key is blocked while ``recent failures + in
flight ≥ limit``. Tokens have 128 bits of entropy, so guessing is hopeless anyway; the limits
keep one client from hammering the server and make the attempt visible.

``VerificationQueue`` bounds how many ballots may wait for (or be in) the proof-checking
workers; beyond it the server answers 503 with ``Retry-After`` instead of queueing without end.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager

from ballot_server.errors import ServiceUnavailable


class RateLimiter:
    """At most ``limit`` recorded failures plus requests in flight per key within
    ``window_seconds``."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._in_flight: dict[str, int] = defaultdict(int)

    def _trim(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]  # keep memory bounded by the keys seen recently
            return self._failures[key]
        return failures

    def blocked(self, key: str) -> bool:
        return len(self._trim(key, time.monotonic())) + self._in_flight.get(key, 0) >= self.limit

    def record_failure(self, key: str) -> None:
        now = time.monotonic()
        self._trim(key, now).append(now)

    @contextmanager
    def in_flight(self, key: str) -> Iterator[None]:
        """Count a request of ``key`` as in flight while the block runs."""
        self._in_flight[key] += 1
        try:
            yield
        finally:
            self._in_flight[key] -= 1
            if not self._in_flight[key]:
                del self._in_flight[key]


class VerificationQueue:
    """At most ``capacity`` ballots waiting for or in the proof-checking workers."""

    def __init__(self, capacity: int, workers: int, seconds_per_item: float = 0.06) -> None:
        self.capacity = capacity
        self.workers = max(workers, 1)
        self.seconds_per_item = seconds_per_item
        self.size = 0

    def retry_after(self) -> int:
        """Seconds until the queue has drained enough: its work spread over the workers."""
        return max(1, min(60, math.ceil(self.size * self.seconds_per_item / self.workers)))

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a place in the queue, or raise ``ServiceUnavailable`` (503) when it is full."""
        if self.size >= self.capacity:
            raise ServiceUnavailable(
                "Máy chủ đang bận kiểm tra nhiều phiếu; điện thoại sẽ tự gửi lại sau ít giây.",
                "The server is busy checking ballots; send again after Retry-After seconds.",
                retry_after=self.retry_after(),
            )
        self.size += 1
        try:
            yield
        finally:
            self.size -= 1
