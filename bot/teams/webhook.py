"""Posting a card to a Teams channel through a Workflows webhook (`TEAMS_WORKFLOW_WEBHOOK_URL`).

The "Post to a channel when a webhook request is received" workflow takes a message with one
Adaptive Card attachment and answers 202. Cards posted this way cannot take input
(`Action.Submit` does nothing there), so only read-only cards (the digest, alerts) go this way.
"""

from __future__ import annotations

import requests

from bot.teams.cards import Card
from bot.teams.digest_card import teams_message
from perfbot.channel import TransportError

_TRANSIENT = {408, 429, 500, 502, 503, 504}


class WorkflowWebhook:
    def __init__(self, url: str, *, session: requests.Session | None = None, timeout: float = 30) -> None:
        self.url = url
        self._session = session or requests.Session()
        self._timeout = timeout

    def post(self, card: Card) -> str:
        """Post the card; returns a delivery reference (the workflow gives no message id)."""
        try:
            response = self._session.post(self.url, json=teams_message(card), timeout=self._timeout)
        except requests.RequestException as error:
            raise TransportError(f"could not reach the Teams workflow webhook ({type(error).__name__}); "
                                 "will retry") from None  # fmt: skip
        if response.status_code in (200, 202):
            return f"workflow-{response.headers.get('x-ms-workflow-run-id', 'accepted')}"
        after = response.headers.get("Retry-After")
        if response.status_code in _TRANSIENT:
            raise TransportError(f"the Teams workflow webhook is busy (HTTP {response.status_code}); "
                                 "will retry", retry_after=float(after) if after and after.isdigit() else None)  # fmt: skip
        raise TransportError(f"the Teams workflow webhook refused the digest (HTTP {response.status_code}): "
                             "check TEAMS_WORKFLOW_WEBHOOK_URL and that the workflow is switched on",
                             permanent=True)  # fmt: skip
