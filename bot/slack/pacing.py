"""Keep within Slack's rate tiers before calling, rather than relying on 429s.

Each Web API method belongs to a tier: at most `limit` calls in any `seconds` window, per method
(and per channel for `chat.postMessage`: about one message a second in a channel). A fan-out of
requests or a digest's thread replies waits here for a free slot; a 429 that still comes back is
honoured by slack_sdk's `RateLimitErrorRetryHandler` (it waits `Retry-After`).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tier:
    limit: int
    seconds: float = 60.0
    per_channel: bool = False


TIERS: dict[str, Tier] = {
    "chat.postMessage": Tier(1, 1.0, per_channel=True),
    "chat.update": Tier(50),
    "users.lookupByEmail": Tier(50),
    "users.info": Tier(100),
    "views.open": Tier(100),
    "views.update": Tier(100),
    "views.publish": Tier(100),
}


class Pacer:
    """Sliding-window pacing per method; `time_scale` shrinks every window (tests)."""

    def __init__(
        self,
        tiers: dict[str, Tier] | None = None,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._tiers = TIERS if tiers is None else tiers
        self._scale = time_scale
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._calls: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def wait(self, method: str, channel: str = "") -> float:
        """Block until a call of `method` (to `channel`) fits its tier; returns the time waited."""
        tier = self._tiers.get(method)
        if tier is None:
            return 0.0
        key = (method, channel if tier.per_channel else "")
        waited = 0.0
        while True:
            delay = self._reserve(key, tier)
            if delay <= 0:
                return waited
            self._sleep(delay)
            waited += delay

    def _reserve(self, key: tuple[str, str], tier: Tier) -> float:
        """Take a slot now (0) or say how long until one frees up.

        The window is kept a little longer than Slack's (5%), as Slack counts a call when it
        arrives, a moment after it is sent."""
        window = tier.seconds * self._scale * 1.05
        with self._lock:
            now = self._clock()
            calls = self._calls[key]
            while calls and calls[0] <= now - window:
                calls.popleft()
            if len(calls) < tier.limit:
                calls.append(now)
                return 0.0
            return calls[0] + window - now + 0.001
