"""The teams package's one factory, which the wiring (`perfbot.channels`) calls."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.teams.identity import Identity
    from perfbot.config import Config
    from perfbot.platform import Platform
    from perfbot.services import Services
    from perfbot.settings import Settings
    from perfbot.store import Store


def platform(settings: Settings) -> Platform:
    """Teams' channel and `/api/messages` (when the M365 app registration is set), and the
    `teams` digest format (always). The channel and the bot share this platform's one identity,
    made when first needed: one msal token cache for the running app."""
    from bot.teams.digest_card import render_json
    from perfbot.platform import Platform

    m365 = settings.m365
    if m365 is None:
        return Platform("teams", renderers={"teams": render_json})

    @functools.cache
    def identity() -> Identity:
        from bot.teams.identity import Identity

        return Identity(m365)

    def channel(store: Store, config: Config) -> Any:
        from bot.teams.channel import TeamsChannel

        bot_identity = identity() if m365.bot_enabled else None
        return TeamsChannel.from_settings(m365, store=store, config=config, identity=bot_identity)

    def mount(services: Services, asgi: Any) -> None:
        from bot.teams.http import mount as mount_messages

        if m365.bot_enabled:
            mount_messages(services, m365, asgi, identity=identity())

    return Platform("teams", channel=channel, mount=mount, renderers={"teams": render_json})
