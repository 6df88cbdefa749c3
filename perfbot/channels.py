"""Which channels are on: those whose credentials are configured, in the council's order."""

from __future__ import annotations

from collections.abc import Callable

from perfbot.channel import Channel
from perfbot.config import Config
from perfbot.settings import Settings
from perfbot.store import Store


def enabled_pollers(settings: Settings) -> tuple[Callable[..., object], ...]:
    """Collectors that fetch replies by polling on each scheduler tick (SharePoint lists)."""
    if settings.m365 is not None and settings.m365.sharepoint_site_url:
        from bot.sharepoint.poller import poll

        return (poll,)
    return ()


def enabled_channels(settings: Settings, *, store: Store, config: Config) -> list[Channel]:
    """The configured platform channels in `config.channel_order` (local is added by the app)."""
    available: dict[str, Channel] = {}
    if settings.slack is not None:
        from bot.slack.channel import SlackChannel

        available["slack"] = SlackChannel.from_settings(settings.slack, store=store, config=config)
    if settings.m365 is not None:
        from bot.teams.channel import TeamsChannel

        available["teams"] = TeamsChannel.from_settings(settings.m365, store=store, config=config)
    if settings.email is not None:
        from bot.email.channel import EmailChannel

        available["email"] = EmailChannel.from_settings(settings.email, m365=settings.m365, config=config)
    order = list(config.channel_order)
    if "email" in available and "email" not in order:  # the natural last channel before local
        order.insert(order.index("local") if "local" in order else len(order), "email")
    return [available[name] for name in order if name in available]
