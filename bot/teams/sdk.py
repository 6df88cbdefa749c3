"""Building Microsoft's Teams SDK `App` the way perfbot runs it (see docs/research/teams-sdk.md).

Every option is passed explicitly (the SDK otherwise reads CLIENT_ID, SERVICE_URL, CLOUD … from
the environment). The outbound token comes from our msal `TokenSource`; inbound JWTs are checked
against the Bot Framework keys named by `TEAMS_OPENID_METADATA_URL` (default: the public cloud).
The SDK never binds a port: `RouteKeeper` only keeps its `/api/messages` handler for our app.
"""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from bot.teams.identity import TokenSource
from perfbot.settings import M365Settings

with warnings.catch_warnings():  # the SDK warns about an experimental HTML widget on import
    warnings.simplefilter("ignore")
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.apps import App as SdkApp
    from microsoft_teams.apps.http.adapter import HttpRequest, HttpResponse, HttpRouteHandler

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams"


class RouteKeeper:
    """The SDK's HTTP adapter: keeps the messaging handler instead of starting a server."""

    def __init__(self) -> None:
        self.handler: HttpRouteHandler | None = None

    def register_route(self, method: str, path: str, handler: HttpRouteHandler) -> None:
        self.handler = handler

    def serve_static(self, path: str, directory: str) -> None:
        return None

    async def start(self, port: int) -> None:
        raise NotImplementedError("perfbot serves /api/messages itself")

    async def stop(self) -> None:
        return None

    async def handle(self, body: dict[str, Any], headers: dict[str, str]) -> HttpResponse:
        assert self.handler is not None, "the Teams SDK app is not initialised"
        return await self.handler(HttpRequest(body=body, headers=headers))


def build_sdk_app(settings: M365Settings, tokens: TokenSource, adapter: RouteKeeper) -> SdkApp:
    """A Teams SDK app for our app registration; create it inside the loop that will use it."""

    async def bot_token(scope: str, tenant_id: str | None = None) -> str:
        return await asyncio.to_thread(tokens.token)

    cloud = with_overrides(PUBLIC, openid_metadata_url=settings.openid_metadata_url)
    with warnings.catch_warnings():  # BotClient deprecation notice, once per App
        warnings.simplefilter("ignore", DeprecationWarning)
        return SdkApp(client_id=settings.client_id, tenant_id=settings.tenant_id, token=bot_token,
                      cloud=cloud, service_url=DEFAULT_SERVICE_URL, http_server_adapter=adapter,
                      dangerously_allow_unauthenticated_requests=False)  # fmt: skip
