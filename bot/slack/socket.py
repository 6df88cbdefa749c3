"""Socket Mode: Slack over an outbound WebSocket, for servers Slack cannot reach.

`perfbot slack socket` runs it (with SLACK_APP_TOKEN, an `xapp-` token with the
`connections:write` scope); `perfbot serve` keeps serving the web forms and the scheduler.
The same bolt app answers either way, and the same check of each payload's shape comes first
(`bot.slack.inbound`): a malformed envelope is acknowledged, logged and dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.slack import inbound
from bot.slack.app import build
from bot.slack.client import SlackApi
from perfbot.config import ConfigError
from perfbot.services import Services
from perfbot.settings import SlackSettings

log = logging.getLogger("perfbot.slack")


class CheckedSocketModeHandler(SocketModeHandler):
    """bolt's handler, refusing the payloads `bot.slack.inbound` finds malformed."""

    def handle(self, client: Any, req: Any) -> None:
        payload = req.payload
        found = inbound.problem(payload) if isinstance(payload, dict) else "the payload is not an object"
        if found:
            log.warning("Slack: refused a Socket Mode request: %s", found)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)


def socket_handler(app: Services, settings: SlackSettings, *, api: SlackApi) -> SocketModeHandler:
    """A Socket Mode handler for perfbot's bolt app on the running app's `api` (call `.start()`)."""
    if not settings.app_token:
        raise ConfigError("SLACK_APP_TOKEN (an app-level token starting 'xapp-') is needed for "
                          "Socket Mode")  # fmt: skip
    bolt = build(app, signing_secret=settings.signing_secret, api=api).bolt
    return CheckedSocketModeHandler(bolt, settings.app_token)
