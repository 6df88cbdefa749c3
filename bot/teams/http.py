"""`/api/messages` in `perfbot serve`: Starlette request in, Teams SDK, Starlette response out.

Requests without a bearer token get 401 before their body is read; the body is then read with a
limit (413 past it, while reading) and its JSON depth bounded (400) before it is parsed, in a
worker thread, so an unauthenticated client can neither fill memory nor hold up the event loop
(see `bot.http_body`). A token for another tenant's
conversation gets 403; the SDK checks the JWT itself (issuer, audience, signing keys from the
OpenID metadata, the `serviceurl` claim) and answers 401 when it fails. An activity the SDK's
own models cannot read is refused with 400 (once its token has passed the same check). Nothing
is stored before the token has been accepted. When the Microsoft identity platform or the Bot
Connector cannot be reached, the activity is answered 503 (the Bot Framework retries) with one
warning in the log, not a traceback.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import httpx
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.http_body import BodyRefused, TooDeep, loads_bounded, read_bounded
from bot.teams.bot import TeamsBot
from bot.teams.sdk import activity_problem
from perfbot.channel import TransportError
from perfbot.settings import M365Settings

if TYPE_CHECKING:
    from bot.teams.identity import Identity
    from perfbot.services import Services

log = logging.getLogger("perfbot.teams")
PATH = "/api/messages"
MAX_BODY_BYTES = 2 * 1024 * 1024  # an activity is a few KB (a message at most ~28 KB of text in Teams)
UNREACHABLE = (httpx.HTTPError, OSError, TransportError)


def mount(app: Services, settings: M365Settings, asgi: FastAPI, *, identity: Identity) -> None:
    """Serve the Teams bot (its app registration is configured), with the platform's identity."""
    bot = TeamsBot(app, settings, identity=identity)

    @asgi.post(PATH, include_in_schema=False)
    async def messages(request: Request) -> Response:
        return await answer(bot, request)


async def answer(bot: TeamsBot, request: Request) -> Response:
    """Translate one HTTP request for the SDK and its answer back."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    if not headers.get("authorization", "").startswith("Bearer "):
        return JSONResponse({"error": "Unauthorized"}, status_code=401)
    try:
        raw = await read_bounded(request, limit=MAX_BODY_BYTES)
        body = await anyio.to_thread.run_sync(loads_bounded, raw)
    except (TooDeep, BodyRefused) as refused:
        if refused.status == 413 or isinstance(refused, TooDeep):
            log.warning("Teams: refused a request: %s", refused.reason)
            return JSONResponse({"error": refused.reason}, status_code=refused.status)
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
    try:
        result = await bot.handle(body, headers)
    except UNREACHABLE as error:
        log.warning("Teams: could not answer an activity (Microsoft's service unreachable: %s); "
                    "answered 503 so the Bot Framework retries", error or type(error).__name__)  # fmt: skip
        return JSONResponse({"error": "perfbot cannot reach Microsoft's services just now"}, status_code=503)
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
