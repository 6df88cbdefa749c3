"""`/api/messages` in `perfbot serve`: Starlette request in, Teams SDK, Starlette response out.

Requests without a bearer token get 401 before their body is read; a token for another tenant's
conversation gets 403; the SDK checks the JWT itself (issuer, audience, signing keys from the
OpenID metadata, the `serviceurl` claim) and answers 401 when it fails. An activity the SDK's
own models cannot read is refused with 400 (once its token has passed the same check). Nothing
is stored before the token has been accepted.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.teams.bot import TeamsBot
from bot.teams.sdk import activity_problem
from perfbot.settings import Settings

if TYPE_CHECKING:
    from perfbot.app import App

log = logging.getLogger("perfbot.teams")
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
    problem = activity_problem(body)
    if problem is not None:  # the SDK would answer 500; still 401 first for a bad token
        if not await bot.inbound_tokens.valid(headers["authorization"], body.get("serviceUrl")):
            return JSONResponse({"error": "Unauthorized"}, status_code=401)
        log.warning("Teams: refused an activity: %s", problem)
        return JSONResponse({"error": problem}, status_code=400)
    result = await bot.handle(body, headers)
    payload = result.get("body")
    if payload is None:
        return Response(status_code=int(result["status"]))
    return JSONResponse(payload, status_code=int(result["status"]))


def _tenant(body: dict[str, Any]) -> str:
    conversation = _object(body.get("conversation"))
    tenant = _object(_object(body.get("channelData")).get("tenant"))
    return str(conversation.get("tenantId") or tenant.get("id") or "")


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
