"""Socket Mode: Slack over an outbound WebSocket, for servers Slack cannot reach.

`perfbot slack socket` runs it (with SLACK_APP_TOKEN, an `xapp-` token with the
`connections:write` scope); `perfbot serve` keeps serving the web forms and the scheduler.
The same bolt app answers either way.
"""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.slack.app import build_bolt
from perfbot.app import App
from perfbot.config import ConfigError
from perfbot.settings import SlackSettings


def socket_handler(app: App, settings: SlackSettings) -> SocketModeHandler:
    """A Socket Mode handler for perfbot's bolt app (call `.start()` to run it)."""
    if not settings.app_token:
        raise ConfigError("SLACK_APP_TOKEN (an app-level token starting 'xapp-') is needed for "
                          "Socket Mode")  # fmt: skip
    return SocketModeHandler(build_bolt(app, settings), settings.app_token)
