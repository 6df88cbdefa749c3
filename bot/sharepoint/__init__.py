"""SharePoint lists as forms: provisioning, one row per measure per round, polling, uploads.

`platform(settings)` is the one factory the wiring calls: its channel (the round's rows, sent
through the outbox when a round opens) and its poller (edited rows in), when SHAREPOINT_SITE_URL
and the M365 app registration are set. Both use one client, made when first needed.
"""

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
