"""The slack package's one factory, which the wiring (`perfbot.channels`) calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfbot.config import Config
    from perfbot.platform import Platform
    from perfbot.services import Services
    from perfbot.settings import Settings
    from perfbot.store import Store


def platform(settings: Settings) -> Platform:
    """Slack's channel and `/slack/events` (when SLACK_BOT_TOKEN and the signing secret are set),
    and the `slack` digest format (always)."""
    from bot.slack.digest_blocks import render_json
    from perfbot.platform import Platform

    slack = settings.slack
    if slack is None:
        return Platform("slack", renderers={"slack": render_json})

    def channel(store: Store, config: Config) -> Any:
        from bot.slack.channel import SlackChannel

        return SlackChannel.from_settings(slack, store=store, config=config)

    def mount(services: Services, asgi: Any) -> None:
        from bot.slack.http import mount as mount_events

        mount_events(services, settings, asgi)

    return Platform("slack", channel=channel, mount=mount, renderers={"slack": render_json})
