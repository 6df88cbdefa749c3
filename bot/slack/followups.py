"""Work that follows an acknowledged Slack request: refreshing DMs and Home tabs.

Rebuilding a notice or a Home tab reads the store and rates returns; the Web API calls then go
through the client's background lanes (`bot.slack.pacing.BackgroundLane`). This work runs on its
own `BackgroundLane`, not on bolt's listener threads, which are kept for acknowledging the next
requests. Requests queued while the lane is busy are merged: a burst of 200 submissions rebuilds each
notice and each Home tab a few times, not 200 times. What it refreshes is a view of the store,
so losing the queue in a crash loses nothing: the next refresh shows the same state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from bot.slack.pacing import BackgroundLane
from perfbot.periods import Period

log = logging.getLogger("perfbot.slack")


class FollowUps:
    """View refreshes after stored returns, merged while queued, done one at a time in the background."""

    def __init__(
        self,
        refresh_notices: Callable[[Period, set[str]], object],
        publish_home: Callable[[str, str | None], object],
    ) -> None:
        self._refresh_notices = refresh_notices
        self._publish_home = publish_home
        self._lane = BackgroundLane("refresh")
        self._lock = threading.Lock()
        self._measures: dict[Period, set[str]] = {}  # to refresh, by round, until the lane gets to it

    def after_returns(self, period: Period, measure_ids: Iterable[str], user_id: str, email: str | None) -> None:
        """Returns were stored: refresh the notices listing these measures and the person's Home tab."""
        with self._lock:
            self._measures.setdefault(period, set()).update(measure_ids)
        self._lane.submit(("notices", period), lambda: self._notices(period))
        self._lane.submit(("home", user_id), lambda: self._safely(
            f"publishing {user_id}'s Home tab", self._publish_home, user_id, email))  # fmt: skip

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running (for shutdown and tests); False on timeout."""
        return self._lane.wait_idle(timeout)

    def _notices(self, period: Period) -> None:
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
