"""The web channel: returns form, case studies, the officer's console and the CMT dashboard.

`platform(settings)` is the factory the wiring calls; its mount (`routes.mount`) adds the web to
perfbot's one ASGI app (see perfbot/server.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfbot.platform import Platform
    from perfbot.services import Services
    from perfbot.settings import Settings


def platform(settings: Settings) -> Platform:
    from perfbot.platform import Platform

    def mount(services: Services, asgi: Any) -> None:
        from bot.web.routes import mount as mount_web

        mount_web(services, settings, asgi)

    return Platform("web", mount=mount)
