"""A token bucket per caller: ``rate`` requests per minute, bursts up to ``rate``.

The buckets live in the process: with several API processes each enforces the limit
on its own share of the traffic.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

MAX_BUCKETS = 10_000  # full buckets are dropped beyond this many callers


class RateLimiter:
    """Token buckets keyed by caller (an API key id, or a client address)."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError(
                f"a rate limit must be at least 1 request per minute, not {per_minute}"
            )
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket: 0.0 when allowed, else seconds to wait."""
        now = self._clock()
        with self._lock:
            tokens, updated = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - updated) * self.refill)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.refill

    def _prune(self, now: float) -> None:
        if len(self._buckets) <= MAX_BUCKETS:
            return
        for key, (tokens, updated) in list(self._buckets.items()):
            if tokens + (now - updated) * self.refill >= self.capacity:
                del self._buckets[key]
