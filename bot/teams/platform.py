"""The teams package's one factory, which the wiring (`perfbot.channels`) calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfbot.config import Config
    from perfbot.platform import Platform
    from perfbot.services import Services
    from perfbot.settings import Settings
    from perfbot.store import Store


def platform(settings: Settings) -> Platform:
    """Teams' channel and `/api/messages` (when the M365 app registration is set), and the
    `teams` digest format (always)."""
    from bot.teams.digest_card import render_json
    from perfbot.platform import Platform

    m365 = settings.m365
    if m365 is None:
        return Platform("teams", renderers={"teams": render_json})

    def channel(store: Store, config: Config) -> Any:
        from bot.teams.channel import TeamsChannel

        return TeamsChannel.from_settings(m365, store=store, config=config)

    def mount(services: Services, asgi: Any) -> None:
        from bot.teams.http import mount as mount_messages

        mount_messages(services, settings, asgi)

    return Platform("teams", channel=channel, mount=mount, renderers={"teams": render_json})
