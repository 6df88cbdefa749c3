"""`/api/messages` in `perfbot serve`: Starlette request in, Teams SDK, Starlette response out.

Requests without a bearer token get 401 before their body is read; a token for another tenant's
conversation gets 403; the SDK checks the JWT itself (issuer, audience, signing keys from the
OpenID metadata, the `serviceurl` claim) and answers 401 when it fails. Nothing is stored
before the token has been accepted.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.teams.bot import TeamsBot
from perfbot.settings import Settings

if TYPE_CHECKING:
    from perfbot.app import App

PATH = "/api/messages"


def mount(app: App, settings: Settings, asgi: FastAPI) -> None:
    """Serve the Teams bot when its app registration is configured."""
    if settings.m365 is None or not settings.m365.bot_enabled:
        return
    bot = TeamsBot(app, settings.m365)

    @asgi.post(PATH, include_in_schema=False)
    async def messages(request: Request) -> Response:
        return await answer(bot, request)


async def answer(bot: TeamsBot, request: Request) -> Response:
    """Translate one HTTP request for the SDK and its answer back."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    if not headers.get("authorization", "").startswith("Bearer "):
        return JSONResponse({"error": "Unauthorized"}, status_code=401)
    try:
        body = json.loads(await request.body())
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JSONResponse({"error": "The body must be a Bot Framework activity (JSON)"}, status_code=400)
    if _tenant(body) not in ("", bot.settings.tenant_id):
        return JSONResponse({"error": "This bot serves one Microsoft 365 tenant"}, status_code=403)
    result = await bot.handle(body, headers)
    payload = result.get("body")
    if payload is None:
        return Response(status_code=int(result["status"]))
    return JSONResponse(payload, status_code=int(result["status"]))


def _tenant(body: dict[str, Any]) -> str:
    conversation = body.get("conversation") or {}
    channel_data = body.get("channelData") or {}
    tenant = channel_data.get("tenant") or {} if isinstance(channel_data, dict) else {}
    return str(conversation.get("tenantId") or (tenant.get("id") if isinstance(tenant, dict) else "") or "")
