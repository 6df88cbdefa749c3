"""Sending sign-in links by e-mail on request: only to people with a role, within rate limits
(per address and per browser address), and never saying which addresses are known."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.email.channel import EmailChannel
from bot.web.sign_in_links import NoAccess, issue_link
from bot.web.throttle import Throttle
from perfbot.channel import TransportError
from perfbot.services import Services
from perfbot.settings import Settings

log = logging.getLogger("perfbot.web")


def _hourly(limit: int) -> Throttle:
    return Throttle(limit=limit, window=timedelta(hours=1))


@dataclass
class LinkMailer:
    channel: EmailChannel
    per_address: Throttle = field(default_factory=lambda: _hourly(3))
    per_client: Throttle = field(default_factory=lambda: _hourly(10))

    @classmethod
    def for_settings(cls, app: Services, settings: Settings) -> LinkMailer | None:
        """None when e-mail is not configured (the page then says to ask the officer)."""
        if settings.email is None:
            return None
        return cls(EmailChannel.from_settings(settings.email, m365=settings.m365, config=app.config))

    def maybe_send(self, app: Services, email: str, *, client: str, now: datetime) -> None:
        """Send a link if the person has a role and the limits allow; say nothing either way."""
        if not self.per_client.allow(client, now=now) or not self.per_address.allow(email, now=now):
            log.warning("sign-in link by e-mail refused: over the rate limit")
            return
        try:
            url, hours = issue_link(app, email)
        except NoAccess:
            return  # unknown: the same answer, and nothing sent
        try:
            self.channel.send_sign_in_link(email, url=url, hours=hours)
        except TransportError as error:
            log.warning("sign-in link to %s not sent: %s", email, error)
