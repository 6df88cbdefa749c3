"""The slack package's one factory, which the wiring (`perfbot.channels`) calls.

The factory owns the running app's one `SlackApi` (Slack's rate limits are per app, so the
channel that sends and the listeners that answer share one pacer): every part it returns is
given that same instance, made when a part first needs it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.slack.client import SlackApi
    from perfbot.config import Config
    from perfbot.platform import Platform
    from perfbot.services import Services
    from perfbot.settings import Settings
    from perfbot.store import Store


def platform(settings: Settings) -> Platform:
    """Slack's channel, `/slack/events` and Socket Mode (when SLACK_BOT_TOKEN and the signing
    secret are set), and the `slack` digest format (always)."""
    from bot.slack.digest_blocks import render_json
    from perfbot.platform import Platform

    slack = settings.slack
    if slack is None:
        return Platform("slack", renderers={"slack": render_json})

    @cache  # this factory's own: one per Platform, never shared between apps
    def api() -> SlackApi:
        from bot.slack.client import SlackApi, make_client

        return SlackApi(make_client(slack))

    def channel(store: Store, config: Config) -> Any:
        from bot.slack.channel import SlackChannel

        return SlackChannel.from_settings(slack, store=store, config=config, api=api())

    def mount(services: Services, asgi: Any) -> None:
        from bot.slack.http import mount as mount_events

        mount_events(services, slack, asgi, api=api())

    def connect(services: Services) -> Callable[[], None]:
        from bot.slack.socket import socket_handler

        return socket_handler(services, slack, api=api()).start

    return Platform("slack", channel=channel, mount=mount, connect=connect, renderers={"slack": render_json})
