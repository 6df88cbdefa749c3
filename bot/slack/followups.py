"""Work that follows an acknowledged Slack request: refreshing DMs and Home tabs.

Rebuilding a notice or a Home tab reads the store and rates returns; the Web API calls then go
through the client's background lanes (`bot.slack.pacing.BackgroundLane`). This work runs on its
own `BackgroundLane`, not on bolt's listener threads, which are kept for acknowledging the next
requests. Requests queued while the lane is busy are merged: a burst of 200 submissions rebuilds each
notice and each Home tab a few times, not 200 times. What it refreshes is a view of the store,
so losing the queue in a crash loses nothing: the next refresh shows the same state.

Refreshes also hold back while submissions keep arriving (until `quiet` seconds pass without
one, for at most `most_held` seconds of a busy spell): the refresh thread shares the interpreter
with the threads acknowledging the burst, and Slack times those acks, not the redraws.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from bot.slack.pacing import BackgroundLane
from perfbot.periods import Period

log = logging.getLogger("perfbot.slack")
QUIET_SECONDS = 0.25  # no submission for this long: the burst is over, redraw
MOST_HELD_SECONDS = 3.0  # a busy spell longer than this: redraw as submissions come


class FollowUps:
    """View refreshes after stored returns, merged while queued, done one at a time in the background."""

    def __init__(
        self,
        refresh_notices: Callable[[Period, set[str]], object],
        publish_home: Callable[[str, str | None], object],
        *,
        quiet: float = QUIET_SECONDS,
        most_held: float = MOST_HELD_SECONDS,
    ) -> None:
        self._refresh_notices = refresh_notices
        self._publish_home = publish_home
        self._quiet, self._most_held = quiet, most_held
        self._lane = BackgroundLane("refresh")
        self._lock = threading.Lock()
        self._measures: dict[Period, set[str]] = {}  # to refresh, by round, until the lane gets to it
        self._last_arrival = 0.0
        self._busy_since: float | None = None  # the first submission of the current busy spell

    def after_returns(self, period: Period, measure_ids: Iterable[str], user_id: str, email: str | None) -> None:
        """Returns were stored: refresh the notices listing these measures and the person's Home tab."""
        with self._lock:
            self._measures.setdefault(period, set()).update(measure_ids)
            self._last_arrival = time.monotonic()
            if self._busy_since is None:
                self._busy_since = self._last_arrival
        self._lane.submit(("notices", period), lambda: self._notices(period))
        self._lane.submit(("home", user_id), lambda: self._home(user_id, email))

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running (for shutdown and tests); False on timeout."""
        return self._lane.wait_idle(timeout)

    def _settle(self) -> None:
        """Wait while submissions are still arriving, up to `most_held` into a busy spell."""
        while True:
            with self._lock:
                now = time.monotonic()
                if self._busy_since is None:
                    return
                if now >= self._last_arrival + self._quiet:
                    self._busy_since = None
                    return
                if now >= self._busy_since + self._most_held:
                    return
                wait = min(self._last_arrival + self._quiet, self._busy_since + self._most_held) - now
            time.sleep(wait)

    def _home(self, user_id: str, email: str | None) -> None:
        self._settle()
        self._safely(f"publishing {user_id}'s Home tab", self._publish_home, user_id, email)

    def _notices(self, period: Period) -> None:
        self._settle()
        with self._lock:
            measure_ids = self._measures.pop(period, set())
        if measure_ids:
            self._safely(f"refreshing the {period} notices", self._refresh_notices, period, measure_ids)

    @staticmethod
    def _safely(what: str, action: Callable[..., object], *args: object) -> None:
        try:
            action(*args)
        except Exception:  # logged in words; the next request retries
            log.exception("Slack: %s failed", what)
