"""Work that follows an acknowledged Slack request: refreshing DMs and Home tabs.

Rebuilding a notice or a Home tab reads the store and rates returns; the Web API calls then go
through the client's background lanes (`bot.slack.pacing.BackgroundLane`). This work runs on its
own thread, not on bolt's listener threads, which are kept for acknowledging the next requests.
Requests queued while the worker is busy are merged: a burst of 200 submissions rebuilds each
notice and each Home tab a few times, not 200 times. What it refreshes is a view of the store,
so losing the queue in a crash loses nothing: the next refresh shows the same state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from perfbot.periods import Period

log = logging.getLogger("perfbot.slack")


class FollowUps:
    """A queue of view refreshes, merged while waiting, done one at a time in the background."""

    def __init__(
        self,
        refresh_notices: Callable[[Period, set[str]], object],
        publish_home: Callable[[str, str | None], object],
    ) -> None:
        self._refresh_notices = refresh_notices
        self._publish_home = publish_home
        self._changed = threading.Condition()
        self._notices: dict[Period, set[str]] = {}
        self._homes: dict[str, str | None] = {}
        self._busy = False
        self._worker: threading.Thread | None = None

    def after_returns(self, period: Period, measure_ids: Iterable[str], user_id: str, email: str | None) -> None:
        """Returns were stored: refresh the notices listing these measures and the person's Home tab."""
        with self._changed:
            self._notices.setdefault(period, set()).update(measure_ids)
            self._homes[user_id] = email
            self._start()
            self._changed.notify()

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running (for shutdown and tests); False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending() and not self._busy, timeout)

    def _pending(self) -> bool:
        return bool(self._notices or self._homes)

    def _start(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._run, name="slack-followups", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                self._busy = False
                self._changed.notify_all()
                self._changed.wait_for(self._pending)
                notices, self._notices = self._notices, {}
                homes, self._homes = self._homes, {}
                self._busy = True
            self._do(notices, homes)

    def _do(self, notices: dict[Period, set[str]], homes: dict[str, str | None]) -> None:
        for period, measure_ids in sorted(notices.items()):
            self._safely(f"refreshing the {period} notices", self._refresh_notices, period, measure_ids)
        for user_id, email in homes.items():
            self._safely(f"publishing {user_id}'s Home tab", self._publish_home, user_id, email)

    @staticmethod
    def _safely(what: str, action: Callable[..., object], *args: object) -> None:
        try:
            action(*args)
        except Exception:  # the worker must outlive any one failure; the next request retries
            log.exception("Slack: %s failed", what)
