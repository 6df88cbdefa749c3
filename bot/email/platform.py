"""The email package's one factory, which the wiring (`perfbot.channels`) calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfbot.config import Config
    from perfbot.platform import Platform
    from perfbot.settings import Settings
    from perfbot.store import Store


def platform(settings: Settings) -> Platform:
    from perfbot.platform import Platform

    email = settings.email
    if email is None:
        return Platform("email")

    def channel(store: Store, config: Config) -> Any:
        from bot.email.channel import EmailChannel

        return EmailChannel.from_settings(email, m365=settings.m365, config=config)

    return Platform("email", channel=channel)
