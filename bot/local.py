"""The built-in local channel: always on, knows everyone, shows messages in the terminal.

Messages it delivers stay in the outbox (status sent, channel "local"), which is what the web
channel shows each person as their inbox.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from bot import messages
from perfbot.digest import Digest
from perfbot.notices import Alert, PersonNotice
from reports.render_text import render_text


class LocalChannel:
    name = "local"

    def __init__(self, show: Callable[[str, str], None] | None = None) -> None:
        self._show = show or (lambda recipient, text: None)
        self._ids = itertools.count(1)

    def resolve_person(self, email: str) -> str | None:
        return email

    def _deliver(self, address: str, text: str) -> str:
        self._show(address, text)
        return f"local-{next(self._ids)}"

    def send_request(self, address: str, notice: PersonNotice) -> str:
        return self._deliver(address, messages.notice_text(notice))

    def send_reminder(self, address: str, notice: PersonNotice) -> str:
        return self._deliver(address, messages.notice_text(notice))

    def post_digest(self, destination: str, digest: Digest) -> str:
        return self._deliver(destination, render_text(digest))

    def post_alert(self, destination: str, alert: Alert) -> str:
        return self._deliver(destination, messages.alert_text(alert))
