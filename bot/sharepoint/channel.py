"""`SharePointChannel`: the channel port for the Performance Returns list.

It reaches no person: it serves one recipient, the list (`LIST`), which the cycle asks for each
round's rows when the round opens (`Dispatcher.list_recipients`). Delivering that request adds the
round's missing rows; the outbox records it, retries it and shows it undelivered like any other.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.sharepoint.client import SharePointClient
from bot.sharepoint.rows import add_rows
from perfbot.channel import TransportError
from perfbot.digest import Digest
from perfbot.notices import Alert, PersonNotice

LIST = "sharepoint:performance-returns"


class SharePointChannel:
    name = "sharepoint"
    lists = (LIST,)

    def __init__(self, client: Callable[[], SharePointClient]) -> None:
        """`client` gives the (lazily made, shared with the poller) SharePoint client."""
        self._client = client

    def resolve_person(self, email: str) -> str | None:
        return LIST if email == LIST else None

    def send_request(self, address: str, notice: PersonNotice) -> str:
        added = add_rows(self._client(), notice.period, notice.deadline, notice.measures)
        return f"sharepoint-rows:{notice.period}:{added}"

    def send_reminder(self, address: str, notice: PersonNotice) -> str:
        raise TransportError("the SharePoint list takes only a round's rows", permanent=True)

    def post_digest(self, destination: str, digest: Digest) -> str:
        raise TransportError("the SharePoint list takes no digest", permanent=True)

    def post_alert(self, destination: str, alert: Alert) -> str:
        raise TransportError("the SharePoint list takes no alert", permanent=True)
