"""Build the RFC 5322 message both transports send: multipart/alternative (plain text first,
then HTML), a stable Message-ID from the outbox key, and reminders threaded under the request."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from perfbot.notices import NoticeKind, PersonNotice

THREADED = (NoticeKind.REMINDER, NoticeKind.DEADLINE, NoticeKind.CHASE)
# CRLF for SMTP; subjects up to 200 characters stay on one line (RFC 5322 allows 998)
POLICY = policy.SMTP.clone(max_line_length=200)


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the e-mail is from and where replies go."""

    mail_from: str
    reply_to: tuple[str, ...] = ()
    council: str = ""

    @property
    def domain(self) -> str:
        return self.mail_from.rpartition("@")[2]


def message_id(key: str, *, domain: str) -> str:
    """`<perfbot.…@domain>`, the same for every send of one outbox key."""
    return f"<perfbot.{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def request_key(key: str, notice: PersonNotice) -> str:
    """The outbox key of the round's request that a reminder or chase replies to."""
    if key.count("|") >= 2:
        period, _, person = key.split("|", 2)
        return f"{period}|request|{person}"
    return f"{notice.period}|request|{(notice.on_behalf_of or notice.recipient).lower()}"


def compose(*, sender: Sender, to: str, subject: str, text: str, html: str, key: str,
            now: datetime, reply_to_key: str = "") -> EmailMessage:  # fmt: skip
    """The message to `to`; with `reply_to_key`, threaded under that key's message."""
    message = EmailMessage(policy=POLICY)
    message["From"] = Address(display_name=_from_name(sender), addr_spec=sender.mail_from)
    message["To"] = to
    if sender.reply_to:
        message["Reply-To"] = ", ".join(sender.reply_to)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(key, domain=sender.domain)
    if reply_to_key:
        parent = message_id(reply_to_key, domain=sender.domain)
        message["In-Reply-To"] = parent
        message["References"] = parent
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies loop back
    message["X-Perfbot-Key"] = key
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _from_name(sender: Sender) -> str:
    return f"{sender.council} performance" if sender.council else "Performance"
