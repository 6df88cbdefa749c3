"""A small in-process rate limit: at most `limit` events per key in a sliding `window`."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta


class Throttle:
    def __init__(self, *, limit: int, window: timedelta) -> None:
        self._limit = limit
        self._window = window
        self._seen: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, *, now: datetime) -> bool:
        """Count one event for `key`; False (and not counted) when over the limit."""
        with self._lock:
            times = self._seen[key]
            while times and times[0] <= now - self._window:
                times.popleft()
            if len(times) >= self._limit:
                return False
            times.append(now)
            return True
