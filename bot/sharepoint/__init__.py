"""SharePoint lists as forms: provisioning, one row per measure per round, polling, uploads.

`platform(settings)` is the one factory the wiring calls: its poller, when SHAREPOINT_SITE_URL
and the M365 app registration are set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perfbot.platform import Platform, Poller
    from perfbot.services import Services
    from perfbot.settings import Settings


def platform(settings: Settings) -> Platform:
    from perfbot.platform import Platform

    m365 = settings.m365
    if m365 is None or not m365.sharepoint_site_url:
        return Platform("sharepoint")

    def poller(services: Services) -> Poller:
        from bot.sharepoint.poller import client_for, poll

        clients = []  # made at the first tick, then kept: one msal token cache per wiring

        def tick() -> object:
            if not clients:
                clients.append(client_for(m365))
            return poll(services, client=clients[0])

        return tick

    return Platform("sharepoint", poller=poller)
