"""The sharepoint package's one factory, which the wiring (`perfbot.channels`) calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sharepoint.client import SharePointClient
    from perfbot.config import Config
    from perfbot.platform import Platform, Poller
    from perfbot.services import Services
    from perfbot.settings import Settings
    from perfbot.store import Store


def platform(settings: Settings) -> Platform:
    from perfbot.platform import Platform

    m365 = settings.m365
    if m365 is None or not m365.sharepoint_site_url:
        return Platform("sharepoint")
    made: list[SharePointClient] = []  # one client (one msal token cache) for this wiring

    def client() -> SharePointClient:
        from bot.sharepoint.poller import client_for

        if not made:
            made.append(client_for(m365))
        return made[0]

    def channel(store: Store, config: Config) -> Any:
        from bot.sharepoint.channel import SharePointChannel

        return SharePointChannel(client)

    def poller(services: Services) -> Poller:
        from bot.sharepoint.poller import poll

        return lambda: poll(services, client=client())

    return Platform("sharepoint", channel=channel, poller=poller)
