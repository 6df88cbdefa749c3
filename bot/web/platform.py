"""The web package's one factory, which the wiring (`perfbot.channels`) calls."""

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
