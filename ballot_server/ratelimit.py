"""A small sliding-window limiter for failed token attempts, per client address.

Tokens have 128 bits of entropy, so guessing is hopeless anyway; the limit keeps a script from
hammering the server and makes the attempt visible.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque


class RateLimiter:
    """At most ``limit`` recorded failures per key within ``window_seconds``."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _trim(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def blocked(self, key: str) -> bool:
        return len(self._trim(key, time.monotonic())) >= self.limit

    def record_failure(self, key: str) -> None:
        now = time.monotonic()
        self._trim(key, now).append(now)
