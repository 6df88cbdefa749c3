"""Keep within Slack's rate tiers before calling, rather than relying on 429s.

Each Web API method belongs to a tier: at most `limit` calls in any `seconds` window, per method
(and per channel for `chat.postMessage`: about one message a second in a channel). A fan-out of
requests or a digest's thread replies waits here for a free slot; a 429 that still comes back is
honoured by slack_sdk's `RateLimitErrorRetryHandler` (it waits `Retry-After`).

Calls nobody waits for — redrawing a message or a Home tab after a return is stored — go through a
`BackgroundLane` instead, so a full tier (50 `chat.update` a minute) never holds the thread that
has to acknowledge the next request from Slack within 3 seconds.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import threading
import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

log = logging.getLogger("perfbot.slack")
WINDOW_MARGIN = 1.01  # see `Pacer._reserve`


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
        return self._take(method, channel)[0]

    @contextlib.contextmanager
    def slot(self, method: str, channel: str = "") -> Iterator[float]:
        """`wait`, then make the call in the block; the call counts from when the block ends.

        Slack counts a call when it arrives, which can be well after its slot was taken: behind
        other threads of a busy process, or after a 429 or 5xx the client retried by itself. A
        slot dated from the end of the call is never older than Slack's count of it, so calls
        sent side by side stay within the tier at the next window's edge too.
        """
        waited, taken = self._take(method, channel)
        try:
            yield waited
        finally:
            if taken is not None:
                self._restamp(*taken)

    def _take(self, method: str, channel: str) -> tuple[float, tuple[tuple[str, str], float] | None]:
        """Wait for a slot: (seconds waited, (key, stamp) of the slot, None if untiered)."""
        tier = self._tiers.get(method)
        if tier is None:
            return 0.0, None
        key = (method, channel if tier.per_channel else "")
        waited = 0.0
        while True:
            delay, stamp = self._reserve(key, tier)
            if delay <= 0:
                return waited, (key, stamp)
            self._sleep(delay)
            waited += delay

    def _reserve(self, key: tuple[str, str], tier: Tier) -> tuple[float, float]:
        """Take a slot now (0, its stamp) or say how long until one frees up.

        A slot is dated from the end of its call (`slot`), never before Slack counted it, so the
        window needs no margin for the call's way there; it is kept 1% longer than Slack's only
        in case Slack's clock runs a little slow against ours (5% cost a fan-out of 200 people
        three twentieths of a Slack minute, bench fanout)."""
        window = tier.seconds * self._scale * WINDOW_MARGIN
        with self._lock:
            now = self._clock()
            calls = self._calls[key]
            while calls and calls[0] <= now - window:
                calls.popleft()
            if len(calls) < tier.limit:
                calls.append(now)
                return 0.0, now
            return calls[0] + window - now + 0.001, now

    def _restamp(self, key: tuple[str, str], stamp: float) -> None:
        """Date a slot from now (kept in order; counted again if it had left the window)."""
        with self._lock:
            calls = self._calls[key]
            with contextlib.suppress(ValueError):  # equal stamps are interchangeable
                calls.remove(stamp)
            bisect.insort(calls, self._clock())


class BackgroundLane:
    """Calls made one at a time by a background thread, in the order given; the caller goes on.

    A call queued for a `key` (a message, a person's Home tab) that already has one waiting takes
    its place: only the newest view of it matters. The thread stops after `idle` seconds with
    nothing to do and starts again with the next call. Calls handle their own errors; anything
    they raise is logged, and the lane carries on. It is a daemon thread: a redraw still queued
    when the process stops is dropped (what it would show is stored; the next redraw shows it).
    """

    def __init__(self, name: str, *, idle: float = 30.0) -> None:
        self.name = name
        self._idle = idle
        self._queue: OrderedDict[Hashable, Callable[[], object]] = OrderedDict()
        self._changed = threading.Condition()
        self._worker: threading.Thread | None = None
        self._busy = False

    def submit(self, key: Hashable, call: Callable[[], object]) -> None:
        with self._changed:
            self._queue[key] = call
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name=f"slack-{self.name}", daemon=True)
                self._worker.start()
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Whether everything submitted was done within `timeout` seconds (tests, shutdown)."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._queue and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._busy = False
                self._changed.notify_all()
                if not self._changed.wait_for(lambda: self._queue, self._idle):
                    self._worker = None
                    return
                _, call = self._queue.popitem(last=False)
                self._busy = True
            try:
                call()
            except Exception:  # the lane outlives any one call
                log.exception("Slack: a background %s failed", self.name)
