"""Deliver recorded outbox messages through the channels, each at most once per key."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from bot.channel import Channel, TransportError
from perfbot.notices import Alert, NoticeKind, PersonNotice
from perfbot.periods import Period
from perfbot.store import OutboxMessage, Store
from reports.digest import Digest

log = logging.getLogger("perfbot.dispatch")
LEASE = timedelta(minutes=5)
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


class Dispatcher:
    """Claims each pending message, picks the first channel that knows the recipient, sends."""

    def __init__(
        self,
        store: Store,
        channels: Sequence[Channel],
        *,
        digest_for: Callable[[Period], Digest],
    ) -> None:
        self._store = store
        self._channels = list(channels)
        self._digest_for = digest_for

    @property
    def channel_names(self) -> tuple[str, ...]:
        """The channels in the order they are tried."""
        return tuple(channel.name for channel in self._channels)

    def deliver_pending(self, periods: Sequence[Period]) -> DeliveryReport:
        """Send every claimable message of these quarters."""
        report = DeliveryReport()
        for period in periods:
            for message in self._store.outbox.claimable(period):
                self.deliver(message, report)
        return report

    def deliver_keys(self, period: Period, keys: Sequence[str]) -> DeliveryReport:
        """Send just these messages (an officer's command sends what it recorded, at once)."""
        report = DeliveryReport()
        for key in keys:
            message = self._store.outbox.get(period, key)
            if message is not None:
                self.deliver(message, report)
        return report

    def deliver(self, message: OutboxMessage, report: DeliveryReport) -> None:
        claimed = self._store.outbox.claim(message.period, message.key, lease=LEASE)
        if claimed is None:
            return  # sent, skipped, or another worker holds it
        try:
            channel, ref = self._send(claimed)
        except TransportError as error:
            self._failed(claimed, error, report)
            return
        except Exception as error:  # a channel bug must not wedge the outbox: retry it later
            log.exception("channel error sending %s", claimed.key)
            self._failed(claimed, TransportError(f"{type(error).__name__}: {error}"), report)
            return
        self._store.outbox.mark_sent(claimed.period, claimed.key, channel=channel, ref=ref)
        report.sent.append(claimed.key)

    def _send(self, message: OutboxMessage) -> tuple[str, str]:
        for channel in self._channels:
            address = channel.resolve_person(message.recipient)
            if address is None:
                continue
            return channel.name, self._send_on(channel, address, message)
        raise TransportError(f"no channel knows {message.recipient}", permanent=True)

    def _send_on(self, channel: Channel, address: str, message: OutboxMessage) -> str:
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

    def _failed(self, message: OutboxMessage, error: TransportError, report: DeliveryReport) -> None:
        attempt = message.attempts
        retry_at = None
        if not error.permanent and attempt <= len(RETRY_DELAYS):
            delay = RETRY_DELAYS[attempt - 1]
            if error.retry_after:
                delay = max(delay, timedelta(seconds=error.retry_after))
            retry_at = self._store.clock.now() + delay
        self._store.outbox.mark_failed(message.period, message.key, error=str(error), retry_at=retry_at)
        log.warning("delivery of %s failed: %s", message.key, error)
        report.failed.append((message.key, str(error)))
