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

from pydantic import ValidationError

from bot.teams.identity import TokenSource
from perfbot.settings import M365Settings

with warnings.catch_warnings():  # the SDK warns about an experimental HTML widget on import
    warnings.simplefilter("ignore")
    from microsoft_teams.api import ActivityTypeAdapter
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.apps import App as SdkApp
    from microsoft_teams.apps.auth import InboundActivityTokenValidator
    from microsoft_teams.apps.events import CoreActivity
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


def activity_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with an activity, checked with the SDK's own models exactly as it will read
    it (None: it reads). The SDK answers a malformed activity 500; perfbot answers 400."""
    try:
        core = CoreActivity.model_validate(body)
        ActivityTypeAdapter.validate_python(core.model_dump(by_alias=True, exclude_none=True))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"][-3:]) or "type"
        return f"not a valid Bot Framework activity: {where}: {first['msg'][:120]}"
    service_url = body.get("serviceUrl")  # where perfbot will write back to, later too
    if not (isinstance(service_url, str) and service_url.startswith(("https://", "http://"))):
        return "not a valid Bot Framework activity: serviceUrl: a web address is required"
    return None


class InboundTokens:
    """The check the SDK makes of each activity's JWT, for activities refused before the SDK."""

    def __init__(self, settings: M365Settings) -> None:
        cloud = with_overrides(PUBLIC, openid_metadata_url=settings.openid_metadata_url)
        self._validator = InboundActivityTokenValidator(settings.client_id, cloud=cloud)

    async def valid(self, authorization: str, service_url: object) -> bool:
        try:
            await self._validator.validate_token(authorization.removeprefix("Bearer "),
                                                 service_url if isinstance(service_url, str) else None)  # fmt: skip
        except Exception:  # noqa: BLE001 - as the SDK: any failure to validate is a refusal
            return False
        return True


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
