"""The e-mail channel: knows everyone by their e-mail address, so it is the natural last channel
before the local one. CMT digests and alerts go to `[digest] recipients` that are addresses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

import requests

from bot import messages as shared
from bot.email import html, messages
from bot.email.compose import THREADED, Sender, compose, request_key
from bot.email.sign_off_mail import sign_off_mail
from perfbot.channel import OUTBOX_KEY
from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.digest import Digest
from perfbot.mail_settings import EmailSettings
from perfbot.notices import SIGN_OFF_KINDS, Alert, PersonNotice
from perfbot.people import PersonError, normalise_email
from perfbot.settings import M365Settings
from reports.render_html import render_html
from reports.render_text import render_text


class Transport(Protocol):
    name: str

    def send(self, message: EmailMessage) -> str:
        """Hand over one message; returns a delivery reference; TransportError on failure."""
        ...


class EmailChannel:
    name = "email"

    def __init__(self, transport: Transport, *, sender: Sender,
                 now: Callable[[], datetime] | None = None) -> None:  # fmt: skip
        """`now` (tests, the demo: a clock's `now`) stamps the Date header."""
        self.transport = transport
        self._sender = sender
        self._now = now or (lambda: datetime.now(LONDON))

    @classmethod
    def from_settings(cls, settings: EmailSettings, *, m365: M365Settings | None, config: Config,
                      http: requests.Session | None = None) -> EmailChannel:  # fmt: skip
        """The channel for these settings: Graph (sharing the msal identity) or SMTP."""
        return cls(make_transport(settings, m365=m365, http=http), sender=sender_for(settings, config))

    # -- who is reachable here ---------------------------------------------------------------
    def resolve_person(self, email: str) -> str | None:
        try:
            return normalise_email(email)
        except PersonError:
            return None  # e.g. a chat channel name in [digest] recipients

    # -- sending -----------------------------------------------------------------------------
    def send_request(self, address: str, notice: PersonNotice) -> str:
        return self._send_notice(address, notice)

    def send_reminder(self, address: str, notice: PersonNotice) -> str:
        return self._send_notice(address, notice)

    def post_digest(self, destination: str, digest: Digest) -> str:
        subject = messages.DIGEST_SUBJECT.format(period=digest.period, council=digest.council)
        return self._send(destination, subject, render_text(digest), render_html(digest))

    def post_alert(self, destination: str, alert: Alert) -> str:
        return self._send(destination, messages.alert_subject(alert), shared.alert_text(alert),
                          html.alert_html(alert, council=self._sender.council))  # fmt: skip

    def send_sign_in_link(self, address: str, *, url: str, hours: int) -> str:
        """A sign-in link someone asked for on the sign-in page (not through the outbox)."""
        council = self._sender.council
        text = messages.SIGN_IN_TEXT.format(council=council, url=url, hours=hours)
        subject = messages.SIGN_IN_SUBJECT.format(council=council)
        key = f"sign-in|{address}|{self._now().isoformat()}"
        return self._send(address, subject, text, html.sign_in_html(subject=subject, text=text, url=url,
                          council=council), key=key)  # fmt: skip

    def _send_notice(self, address: str, notice: PersonNotice) -> str:
        council = self._sender.council
        key = OUTBOX_KEY.get() or f"{notice.period}|{notice.kind}|{address}"
        if notice.kind in SIGN_OFF_KINDS:
            subject, text, body = sign_off_mail(notice, council=council)
            return self._send(address, subject, text, body, key=key)
        parent = request_key(key, notice) if notice.kind in THREADED else ""
        return self._send(address, messages.subject(notice), html.notice_text(notice, council=council),
                          html.notice_html(notice, council=council), key=key, parent=parent)  # fmt: skip

    def _send(self, to: str, subject: str, text: str, body: str, *, key: str = "", parent: str = "") -> str:
        key = key or OUTBOX_KEY.get() or f"{subject}|{to}"
        message = compose(sender=self._sender, to=to, subject=subject, text=text, html=body,
                          key=key, now=self._now(), reply_to_key=parent)  # fmt: skip
        return self.transport.send(message)


def sender_for(settings: EmailSettings, config: Config) -> Sender:
    """From the configured address; replies to the performance officers."""
    return Sender(settings.mail_from, config.performance_officers, config.council_name)


def make_transport(settings: EmailSettings, *, m365: M365Settings | None,
                   http: requests.Session | None = None) -> Transport:  # fmt: skip
    if settings.graph is not None and m365 is not None:
        from bot.email.graph import GraphTransport, graph_resource
        from bot.teams.identity import Identity

        tokens = Identity(m365).for_resource(graph_resource(settings.graph.api_url))  # this transport's own
        return GraphTransport(api_url=settings.graph.api_url, sender=settings.graph.sender,
                              tokens=tokens, session=http)  # fmt: skip
    from bot.email.smtp import SmtpTransport

    assert settings.smtp is not None
    return SmtpTransport(settings.smtp)
