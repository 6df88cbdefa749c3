"""Deliver recorded outbox messages through the channels, each at most once per key.

A platform that paces its own calls (Slack: a look-up tier of 50 a minute) leaves the sender
waiting most of the time, so messages to different people may go out side by side: each person's
messages form a lane, sent in the order recorded, and lanes run on up to `workers` threads. A
channel declares how many sends it takes at once with an optional `parallel_sends` attribute
(default 1: its calls are made one at a time, whatever the number of workers). Every message is
still claimed before it is sent and marked after, exactly as when sent one by one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import timedelta

from perfbot.channel import OUTBOX_KEY, Channel, TransportError
from perfbot.digest import Digest
from perfbot.notices import Alert, NoticeKind, PersonNotice
from perfbot.periods import Period
from perfbot.store import OutboxMessage, Store

log = logging.getLogger("perfbot.dispatch")
LEASE = timedelta(minutes=5)
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What became of one claimed message: sent (`error` None) or failed."""

    key: str
    error: str | None = None

    def add_to(self, report: DeliveryReport) -> None:
        if self.error is None:
            report.sent.append(self.key)
        else:
            report.failed.append((self.key, self.error))


def parallel_sends(channel: Channel) -> int:
    """How many sends `channel` takes at once (its optional `parallel_sends`, else 1)."""
    return max(1, int(getattr(channel, "parallel_sends", 1)))


class Dispatcher:
    """Claims each pending message, picks the first channel that knows the recipient, sends."""

    def __init__(
        self,
        store: Store,
        channels: Sequence[Channel],
        *,
        digest_for: Callable[[Period], Digest],
        workers: int | None = None,
    ) -> None:
        self._store = store
        self._channels = list(channels)
        self._digest_for = digest_for
        self._workers = workers or max((parallel_sends(c) for c in self._channels), default=1)
        self._slots = [threading.BoundedSemaphore(parallel_sends(c)) for c in self._channels]

    @property
    def list_recipients(self) -> tuple[str, ...]:
        """Recipients that are shared forms, not people (SharePoint's list): each round's request
        goes to them too, with every measure (a channel's optional `lists` attribute)."""
        return tuple(name for c in self._channels for name in getattr(c, "lists", ()))

    @property
    def channel_names(self) -> tuple[str, ...]:
        """The channels in the order they are tried."""
        return tuple(channel.name for channel in self._channels)

    def deliver_pending(self, periods: Sequence[Period]) -> DeliveryReport:
        """Send every claimable message of these quarters."""
        return self._deliver_all(m for period in periods for m in self._store.outbox.claimable(period))

    def deliver_keys(self, period: Period, keys: Sequence[str]) -> DeliveryReport:
        """Send just these messages (an officer's command sends what it recorded, at once)."""
        found = (self._store.outbox.get(period, key) for key in keys)
        return self._deliver_all(m for m in found if m is not None)

    def deliver(self, message: OutboxMessage, report: DeliveryReport) -> None:
        """Send one message (if it can be claimed), noting the outcome in `report`."""
        outcome = self._deliver(message)
        if outcome is not None:
            outcome.add_to(report)

    # -- many messages ---------------------------------------------------------------------------

    def _deliver_all(self, messages: Iterable[OutboxMessage]) -> DeliveryReport:
        """Deliver in lanes (one per recipient) and report in the order the messages came."""
        messages = list(messages)
        lanes = _lanes(messages)
        workers = min(self._workers, len(lanes))
        if workers <= 1:
            outcomes = [self._deliver(m) for m in messages]
        else:
            outcomes = self._deliver_lanes(messages, lanes, workers)
        report = DeliveryReport()
        for outcome in outcomes:
            if outcome is not None:
                outcome.add_to(report)
        return report

    def _deliver_lanes(
        self, messages: list[OutboxMessage], lanes: list[list[int]], workers: int
    ) -> list[_Outcome | None]:
        """Lanes side by side; an error (or Ctrl-C) stops every lane after its current message."""
        outcomes: list[_Outcome | None] = [None] * len(messages)
        stop = threading.Event()

        def run(lane: list[int]) -> None:
            for index in lane:
                if stop.is_set():
                    return
                outcomes[index] = self._deliver(messages[index])

        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="perfbot-deliver")
        try:
            for future in as_completed([pool.submit(run, lane) for lane in lanes]):
                future.result()  # re-raises the first lane's error here
        except BaseException:
            stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return outcomes

    # -- one message -----------------------------------------------------------------------------

    def _deliver(self, message: OutboxMessage) -> _Outcome | None:
        claimed = self._store.outbox.claim(message.period, message.key, lease=LEASE)
        if claimed is None:
            return None  # sent, skipped, or another worker holds it
        try:
            channel, ref = self._send(claimed)
        except TransportError as error:
            return self._failed(claimed, error)
        except Exception as error:  # a channel bug must not wedge the outbox: retry it later
            log.exception("channel error sending %s", claimed.key)
            return self._failed(claimed, TransportError(f"{type(error).__name__}: {error}"))
        self._store.outbox.mark_sent(claimed.period, claimed.key, channel=channel, ref=ref)
        return _Outcome(claimed.key)

    def channel_for(self, recipient: str) -> str | None:
        """The channel a message to `recipient` would go through now, None if none can reach them."""
        for channel in self._channels:
            if channel.resolve_person(recipient) is not None:
                return channel.name
        return None

    def _send(self, message: OutboxMessage) -> tuple[str, str]:
        for channel, slots in zip(self._channels, self._slots, strict=True):
            with slots:
                address = channel.resolve_person(message.recipient)
                if address is None:
                    continue
                return channel.name, self._send_on(channel, address, message)
        tried = ", ".join(self.channel_names) or "none configured"
        raise TransportError(f"no channel can reach {message.recipient} "
                             f"(channels tried: {tried})", permanent=True)  # fmt: skip

    def _send_on(self, channel: Channel, address: str, message: OutboxMessage) -> str:
        token = OUTBOX_KEY.set(message.key)
        try:
            return self._send_kind(channel, address, message)
        finally:
            OUTBOX_KEY.reset(token)

    def _send_kind(self, channel: Channel, address: str, message: OutboxMessage) -> str:
        kind = NoticeKind(message.kind)
        if kind is NoticeKind.DIGEST:
            return channel.post_digest(address, self._digest_for(message.period))
        if kind is NoticeKind.ALERT:
            alert = Alert(str(message.period), tuple(message.content.get("items", ())))
            return channel.post_alert(address, alert)
        notice = PersonNotice.from_content(message.content)
        if kind is NoticeKind.REQUEST:
            return channel.send_request(address, notice)
        return channel.send_reminder(address, notice)

    def _failed(self, message: OutboxMessage, error: TransportError) -> _Outcome:
        attempt = message.attempts
        retry_at = None
        if not error.permanent and attempt <= len(RETRY_DELAYS):
            delay = RETRY_DELAYS[attempt - 1]
            if error.retry_after:
                delay = max(delay, timedelta(seconds=error.retry_after))
            retry_at = self._store.clock.now() + delay
        self._store.outbox.mark_failed(message.period, message.key, error=str(error), retry_at=retry_at)
        if retry_at is None:  # once per message: it is not tried again; officers see it in round status
            log.error("not delivered, and not retried: %s: %s", message.key, error)
        else:
            log.warning("delivery of %s failed (will retry): %s", message.key, error)
        return _Outcome(message.key, str(error))


def _lanes(messages: Sequence[OutboxMessage]) -> list[list[int]]:
    """Indexes of the messages grouped by recipient, each lane in the given order."""
    lanes: dict[str, list[int]] = {}
    for index, message in enumerate(messages):
        lanes.setdefault(message.recipient.lower(), []).append(index)
    return list(lanes.values())
